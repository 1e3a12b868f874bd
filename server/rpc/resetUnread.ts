// HTTP/2: a response sent before the request body was read in full (a request
// over the size limit, refused early) leaves the client uploading into a full
// flow-control window for ever. Once the response is complete the server
// resets the stream with NO_ERROR (RFC 9113 §8.1: "the server MAY request that
// the client abort transmission of a request without error"), so it stops.
import { constants, Http2ServerRequest } from 'node:http2';
import type { AnyRequest } from './router.ts';

export function resetUnreadH2Request(req: AnyRequest): void {
  if (!(req instanceof Http2ServerRequest)) return;
  const stream = req.stream;
  // The stream's own 'finish' (the compat response's waits for the request side too).
  // gRPC's trailers go out just after it: reset only once our side is closed.
  stream.once('finish', () => {
    if (req.complete) return;
    let tries = 0;
    const check = () => {
      if (req.complete || stream.destroyed || stream.closed) return;
      if (stream.state.localClose === 1 || ++tries > 400) {
        stream.close(constants.NGHTTP2_NO_ERROR);
        return;
      }
      setTimeout(check, 5).unref();
    };
    setImmediate(check);
  });
}
