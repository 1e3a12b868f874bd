// Hot-spot detection in slices (the main thread's fallback where no worker can start): the
// same list as the straight run on the default workload's matrices, handed back to the event
// loop many times, each slice ending at the first step past its budget, and stoppable.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/data/matrix.ts';
import { detectHotSpots, detectSteps, runSliced, runSteps } from '../../src/data/hotspots/index.ts';
import { workloadMatrices } from '../helpers/workloadMatrix.ts';

let writes: Matrix;
let reads: Matrix;

beforeAll(() => {
  const w = workloadMatrices();
  writes = w.matrix('writes');
  reads = w.matrix('reads');
}, 120_000);

/** A clock that advances one "ms" per reading: slices end after a known number of steps. */
function tickClock() {
  let t = 0;
  return () => t++;
}

describe('sliced hot-spot detection', () => {
  it('finds the same list as the straight run, over many slices', async () => {
    for (const m of [writes, reads]) {
      const straight = detectHotSpots(m);
      expect(straight.length).toBeGreaterThan(3);
      expect(runSteps(detectSteps(m))).toEqual(straight);
      const slices: number[] = [];
      const spots = await runSliced(detectSteps(m), {
        budgetMs: 4,
        schedule: (fn) => setTimeout(fn, 0),
        now: tickClock(),
        onSlice: (ms) => slices.push(ms),
      });
      expect(spots).toEqual(straight);
      // 1024 rows in steps of 16 rows, five passes and more: over 300 steps, four a slice.
      expect(slices.length).toBeGreaterThan(50);
      // Each slice stops at the first step past its budget (the clock reads once per step).
      expect(Math.max(...slices)).toBeLessThanOrEqual(5);
    }
  }, 120_000);

  it('stops when aborted, with the signal reason', async () => {
    const ac = new AbortController();
    let n = 0;
    const p = runSliced(detectSteps(writes), {
      budgetMs: 2,
      schedule: (fn) => setTimeout(fn, 0),
      now: tickClock(),
      onSlice: () => {
        if (++n === 3) ac.abort(new Error('newer matrix'));
      },
      signal: ac.signal,
    });
    await expect(p).rejects.toThrow('newer matrix');
    expect(n).toBe(3);
  });

  it('keeps each real slice short on the page-sized matrix (8 ms budget)', async () => {
    const slices: number[] = [];
    await runSliced(detectSteps(writes), {
      budgetMs: 8,
      schedule: (fn) => setTimeout(fn, 0),
      now: () => performance.now(),
      onSlice: (ms) => slices.push(ms),
    });
    slices.sort((a, b) => a - b);
    const median = slices[slices.length >> 1];
    // A step is 16 rows of one pass: a slice overshoots its budget by at most a step or so.
    // Loose bounds (a shared, loaded machine): the median slice is near the budget and under
    // a long task's 50 ms.
    expect(median).toBeLessThan(50);
    expect(slices.length).toBeGreaterThan(2);
  }, 120_000);
});
