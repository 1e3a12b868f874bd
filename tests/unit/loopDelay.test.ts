// The /healthz/detail event-loop figures: a window read from Node's histogram, in ms.
import { createHistogram } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { watchLoopDelay, windowOf } from '../../server/http/loopDelay.ts';

describe('windowOf', () => {
  it('is null for an empty window', () => {
    expect(windowOf(createHistogram(), 10_000)).toBeNull();
  });

  it('gives p50, p99 and max in milliseconds from nanoseconds', () => {
    const h = createHistogram();
    // 98 delays of 10 ms, one of 40 ms and one of 250 ms.
    for (let i = 0; i < 98; i++) h.record(10_000_000);
    h.record(40_000_000);
    h.record(250_000_000);
    const w = windowOf(h, 10_000)!;
    expect(w.windowMs).toBe(10_000);
    // The histogram keeps 3 significant digits.
    expect(w.p50Ms).toBeCloseTo(10, 1);
    expect(w.p99Ms).toBeCloseTo(40, 0);
    expect(w.maxMs).toBeCloseTo(250, 0);
  });
});

describe('watchLoopDelay', () => {
  it('reports a blocked loop in the window that saw it, and keeps the worst', async () => {
    const watch = watchLoopDelay(300);
    try {
      expect(watch.read()).toEqual({ last: null, worstMaxMs: 0 });
      // Hold the loop for 120 ms inside the first window.
      await new Promise((r) => setTimeout(r, 50));
      const until = performance.now() + 120;
      while (performance.now() < until) {
        /* busy */
      }
      await new Promise((r) => setTimeout(r, 400));
      const first = watch.read();
      expect(first.worstMaxMs).toBeGreaterThanOrEqual(100);
      // Later windows are reported in turn; the worst never goes down.
      await new Promise((r) => setTimeout(r, 700));
      const later = watch.read();
      expect(later.last).not.toBeNull();
      expect(later.last).not.toBe(first.last);
      expect(later.worstMaxMs).toBeGreaterThanOrEqual(first.worstMaxMs);
    } finally {
      watch.stop();
    }
  });
});
