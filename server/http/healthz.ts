// GET /healthz -> "ok" (no token needed; load balancers and the test harness poll it).
// The JSON API's /admin/healthz answers through the same writer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SubHandler } from './compose.ts';

/** Writes the health answer: 200 "ok", never cached; HEAD gets the headers only. */
export function writeHealthz(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : 'ok');
}

export const healthz: SubHandler = (req, res) => {
  if ((req.url ?? '').split('?')[0] !== '/healthz') return false;
  writeHealthz(req, res);
  return true;
};
