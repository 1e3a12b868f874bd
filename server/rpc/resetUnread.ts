// HTTP/2: a response sent before the request body was read in full (a request
// over the size limit, refused early) leaves the client uploading into a full
// flow-control window for ever. Once the response is complete the server
// resets the stream with NO_ERROR (RFC 9113 §8.1: "the server MAY request that
// the client abort transmission of a request without error"), so it stops.
import { constants, Http2ServerRequest } from 'node:http2';
import type { AnyRequest, AnyResponse } from './router.ts';

export function resetUnreadH2Request(req: AnyRequest, res: AnyResponse): void {
  if (!(req instanceof Http2ServerRequest)) return;
  res.once('finish', () => {
    const stream = req.stream;
    if (!req.complete && !stream.destroyed && !stream.closed) {
      stream.close(constants.NGHTTP2_NO_ERROR);
    }
  });
}
