// The HTTP/1.1 listener's handler: a list of sub-handlers tried in order; the
// first that returns true owns the response. Mount new endpoints by adding one.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers the request and returns true, or returns false to pass it on. */
export type SubHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export function composeHandlers(
  handlers: readonly SubHandler[],
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    try {
      for (const h of handlers) if (h(req, res)) return;
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    } catch (e) {
      // A handler bug must cost one request, not the server.
      process.stderr.write(`keyviz: handler error: ${(e as Error).stack ?? String(e)}\n`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('internal error\n');
    }
  };
}
