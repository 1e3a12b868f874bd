// Its own module so the page's live follower can recognise it without loading the stream's
// code (protobuf-es, connect-web) before the heatmap's first paint.

/** The server has no StreamEvents: poll instead. */
export class LiveUnimplemented extends Error {
  override name = 'LiveUnimplemented';
}
