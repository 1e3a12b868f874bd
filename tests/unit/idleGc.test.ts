// The idle collection: once no heavy call has started for an interval and the heap has grown
// past what the last collection left, the server collects once; never while calls keep coming.
import { describe, expect, it } from 'vitest';
import { startIdleGc } from '../../server/http/idleGc.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** About `mb` MB of small objects, unreachable once this returns: garbage only a collection frees. */
function garbage(mb: number): number {
  const a: { i: number; s: string }[] = [];
  for (let i = 0; i < mb * 12_000; i++) a.push({ i, s: `x${i}` });
  return a.length;
}

describe('startIdleGc', () => {
  it('collects once the calls stop, and frees the garbage', async () => {
    let busy = 0;
    const g = startIdleGc({ busyCount: () => busy, intervalMs: 60, minHeapBytes: 1 });
    try {
      // Calls keep coming (one every 10 ms): no collection, however much garbage.
      const calls = setInterval(() => busy++, 10);
      for (let i = 0; i < 5; i++) {
        busy++;
        garbage(40);
        await sleep(70);
      }
      clearInterval(calls);
      busy++;
      expect(g.stats.runs).toBe(0);
      // Quiet: the next whole interval collects.
      garbage(80);
      await sleep(250);
      expect(g.stats.runs).toBeGreaterThanOrEqual(1);
      expect(g.stats.lastFreedMb).toBeGreaterThan(10);
      // Nothing new to free: no second collection while quiet.
      const runs = g.stats.runs;
      await sleep(250);
      expect(g.stats.runs).toBe(runs);
    } finally {
      g.stop();
    }
  });
});
