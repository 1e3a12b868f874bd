// Hot-spot detection in real Chromium, both ways the page runs it: in the Web Worker (Vite's
// module worker, as the page ships it) and sliced on the main thread when no worker can start
// (the constructor throws, or the script fails to load, as under a worker-src that leaves the
// origin out). All three give the list the straight run gives.
import { describe, expect, it } from 'vitest';
import { detectHotSpots } from '../../src/data/hotspots/index.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { createHotSpotRunner } from '../../src/pages/keyviz/hotspots/hotSpotRunner.ts';

/** A matrix with planted patterns: a hot band, a diagonal write head, periodic bursts. */
function planted(): Matrix {
  const R = 256;
  const C = 480;
  const values = new Float64Array(R * C);
  let s = 7;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = 0; i < values.length; i++) values[i] = 5 + Math.floor(rand() * 10);
  for (let r = 40; r < 45; r++) for (let c = 0; c < C; c++) values[r * C + c] = 300;
  for (let c = 0; c < C; c++) values[(100 + Math.floor(c / 6)) * C + c] = 900;
  for (let r = 200; r < 230; r++)
    for (let c = 10; c < C; c += 60) for (let k = 0; k < 6; k++) values[r * C + c + k] = 200;
  const columns = new Float64Array(C);
  for (let c = 0; c < C; c++) columns[c] = Date.UTC(2026, 0, 1) + c * 60_000;
  let max = 0;
  for (const v of values) max = Math.max(max, v);
  return {
    series: 'writes',
    columns,
    rows: [],
    rowCount: R,
    colCount: C,
    values,
    raftGroupIds: null,
    leaderTerms: null,
    max,
    nodes: [],
    conflicts: null,
  } as unknown as Matrix;
}

describe('hot-spot detection in the browser', () => {
  const m = planted();
  const want = detectHotSpots(m);

  it('finds the planted patterns (the comparison below is not of two empty lists)', () => {
    expect(new Set(want.map((s) => s.kind))).toEqual(
      new Set(['sustained', 'sequential', 'periodic']),
    );
  });

  it('in the Web Worker: the same list', async () => {
    const runner = createHotSpotRunner();
    try {
      const got = await runner.detect(m, new AbortController().signal);
      expect(got.engine).toBe('worker');
      expect(got.spots).toEqual(want);
      // The page's matrix is copied to the worker, never taken from the page.
      expect(m.values.length).toBe(m.rowCount * m.colCount);
    } finally {
      runner.dispose();
    }
  });

  it('on the main thread when the worker cannot be made: the same list', async () => {
    const runner = createHotSpotRunner(() => {
      throw new DOMException('refused by the page policy', 'SecurityError');
    });
    const got = await runner.detect(m, new AbortController().signal);
    expect(got.engine).toBe('main');
    expect(got.spots).toEqual(want);
  });

  it('on the main thread when the worker script fails to load: the same list', async () => {
    const runner = createHotSpotRunner(
      () => new Worker(new URL('/no-such-worker.js', location.href), { type: 'module' }),
    );
    try {
      const got = await runner.detect(m, new AbortController().signal);
      expect(got.engine).toBe('main');
      expect(got.spots).toEqual(want);
    } finally {
      runner.dispose();
    }
  });

  it('answers only the newest of requests made while the worker is busy', async () => {
    const runner = createHotSpotRunner();
    try {
      const first = new AbortController();
      const a = runner.detect(m, first.signal);
      const b = runner.detect(m, new AbortController().signal);
      const c = runner.detect(m, new AbortController().signal);
      first.abort();
      await expect(a).rejects.toThrow();
      // b waited behind a and was superseded by c before the worker was free.
      await expect(b).rejects.toThrow('superseded');
      const got = await c;
      expect(got.engine).toBe('worker');
      expect(got.spots).toEqual(want);
    } finally {
      runner.dispose();
    }
  });
});
