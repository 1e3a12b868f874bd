// GET /healthz/streams: the live stream counters as JSON (leak checks in tests
// and by operators). Counts only, no data, so no token, like /healthz.
import type { SubHandler } from '../http/compose.ts';
import type { StreamStats } from './types.ts';

export function streamsHealthz(stats: (() => StreamStats) | null): SubHandler {
  return (req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/healthz/streams') return false;
    const body = JSON.stringify(
      stats?.() ?? { open: 0, opened: 0, closed: 0, droppedSlow: 0, timers: 0 },
    );
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
