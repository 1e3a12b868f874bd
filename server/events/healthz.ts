// GET /healthz/streams: the live stream counters as JSON (leak checks in tests
// and by operators). Counts only, no data, so no token, like /healthz.
import type { SubHandler } from '../http/compose.ts';
import type { StreamWatch } from '../http/streamWatch.ts';
import type { StreamStats } from './types.ts';

/**
 * Referenced timeouts and intervals alive in the whole process. The hubs count
 * their own heartbeat; this catches any other timer a stream leaves behind (a
 * gateway's back-off or poll sleep, a socket's). Unreferenced timers are not
 * counted by Node (the hub's heartbeat is unreferenced: see `timers`).
 */
export function processTimeouts(): number {
  let n = 0;
  for (const r of process.getActiveResourcesInfo()) if (r === 'Timeout') n++;
  return n;
}

export function streamsHealthz(stats: (() => StreamStats) | null, watch?: StreamWatch): SubHandler {
  return (req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/healthz/streams') return false;
    const counts = stats?.() ?? { open: 0, opened: 0, closed: 0, droppedSlow: 0, timers: 0 };
    // watched: connections of open streams; sweptGone: streams ended by the sweep, not an event.
    const extra = watch ? { watched: watch.size, sweptGone: watch.sweptGone } : {};
    const body = JSON.stringify({ ...counts, ...extra, processTimeouts: processTimeouts() });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
