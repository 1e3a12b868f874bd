// GET /healthz -> "ok" (no token needed; load balancers and the test harness poll it).
import type { SubHandler } from './compose.ts';

export const healthz: SubHandler = (req, res) => {
  if ((req.url ?? '').split('?')[0] !== '/healthz') return false;
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : 'ok');
  return true;
};
