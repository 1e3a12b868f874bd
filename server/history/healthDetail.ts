// GET /healthz/detail: JSON with the history store's figures (writes, failed
// writes, last error, size) so a full disk shows up on a health check while
// /healthz itself stays "ok" (the live view keeps working), and the matrix answer
// cache's counters (answers computed, hits), so a caller can tell a hit from a miss,
// and the process's memory by kind (RSS, V8 heap, array buffers), so memory that
// stays after a load can be told apart: the heap, buffers still held, or the allocator.
import { getHeapSpaceStatistics } from 'node:v8';
import type { SubHandler } from '../http/compose.ts';
import type { IdleGcStats } from '../http/idleGc.ts';
import type { LoopDelayHealth } from '../http/loopDelay.ts';
import type { HistoryHealth } from './writer.ts';

export interface MatrixCacheHealth {
  computed: number;
  hits: number;
  entries: number;
  bytes: number;
  /** The bound on `bytes` (--matrixCacheMB). */
  maxBytes: number;
}

/** The gateway's follow state (server/gateway/follow.ts stats). */
export interface FollowHealth {
  rounds: number;
  lastRoundMs: number;
  maxRoundMs: number;
  repairs: number;
  answered: number;
  fellBack: number;
  restored: number;
  /** Moves whenever an answer from the state could change (the answer cache is emptied). */
  version: number;
}

export function healthDetailHandler(
  history: () => HistoryHealth | null,
  parts: () => {
    matrixCache?: MatrixCacheHealth;
    follow?: FollowHealth;
    eventLoopDelay?: LoopDelayHealth;
    idleGc?: IdleGcStats;
    /** Matrix calls whose caller left before the answer started (none was built or sent). */
    callersGoneBeforeAnswer?: number;
  } = () => ({}),
): SubHandler {
  return (req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/healthz/detail') return false;
    const h = history();
    const more = parts();
    const body = JSON.stringify({
      status: 'ok',
      history: h
        ? { ...h, failing: h.failedWrites > 0 && h.pendingColumns > 0 }
        : { enabled: false },
      ...more,
      memory: process.memoryUsage(),
      // Committed and used bytes per V8 space: where a heap that stays large after a collection is.
      heapSpaces: Object.fromEntries(
        getHeapSpaceStatistics().map((sp) => [
          sp.space_name,
          { size: sp.space_size, used: sp.space_used_size },
        ]),
      ),
    });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
