// A heavy answer starts one turn of the event loop after its request arrived, so a
// client that sent the request and closed at once is seen as gone first.
//
// Under a flood of cancelling HTTP/1.1 callers most connections are dead before the
// server accepts them: the request and the client's FIN wait together in the accept
// queue. libuv stops reading at the short read that holds the request and sees the
// end of input only at the next poll, so an answer started at once was written (1-6 MB
// into a closed socket: an EPIPE error and its stack) for nobody. Two setImmediates
// land after that next poll (an immediate queued from an immediate runs in the next
// turn's check phase), when Node has aborted the request. Measured in the load
// bench's cancel levels: see docs/server.md ("What load does to /healthz").
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Socket } from 'node:net';

/** Resolves true when the caller is still there after the reads already pending. */
export function stillThere(req: IncomingMessage | Http2ServerRequest): Promise<boolean> {
  return new Promise((resolve) =>
    setImmediate(() =>
      setImmediate(() => {
        // HTTP/1.1: the socket's end of input. Node answers it by ending its own side, so a
        // slower answer could not be written after it anyway, and nginx takes it as the
        // client closing (499). HTTP/2: the stream reset or closed.
        const ended = req.httpVersionMajor === 1 && (req.socket as Socket | null)?.readableEnded;
        const here = !req.destroyed && !req.aborted && !ended;
        resolve(here);
      }),
    ),
  );
}
