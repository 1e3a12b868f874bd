// The plot's pooling pass in real Chromium, every way the page runs it: in the Web Worker
// (Vite's module worker, as the page ships it), and on the main thread when no worker can
// start (the constructor throws, as under a CSP that refuses it; the script fails to load) or
// when the painter has no runner at all (the path before the worker). All give the same device
// pixels, on a full view and a zoomed one, at DPR 1 and 2; the painter reports "not yet" while
// the worker is on it and calls back once.
import { describe, expect, it } from 'vitest';
import { canvasSize } from '../../src/pages/keyviz/canvasSize.ts';
import { PlotPainter, type PaintInput } from '../../src/pages/keyviz/painter.ts';
import {
  createPoolRunner,
  WORKER_MIN_CELLS,
  type PoolRunner,
} from '../../src/pages/keyviz/paint/poolRunner.ts';
import { buildLut } from '../../src/data/colorRamp.ts';
import { makeScale } from '../../src/data/scale.ts';
import { columnEdges, type Viewport } from '../../src/data/view/index.ts';
import { makeMatrix } from '../helpers/viewMatrix.ts';

const S = 60_000;
const T0 = 1_800_000_000_000;
const ROWS = 400;
const COLS = 1000;
const columns = Array.from(
  { length: COLS },
  (_, c) => T0 + (c + 1) * S + (c > 700 ? 30 * S : 0) + ((c * 7919) % 900),
);
// Varied values (many distinct, a few past the direct codes, one huge cell) and zeros.
const m = makeMatrix(
  Array.from({ length: ROWS }, (_, r) => ({ start: `k${String(r).padStart(4, '0')}` })),
  columns,
  (r, c) =>
    r === 211 && c === 433
      ? 9e12
      : (r * 31 + c * 17) % 7 === 0
        ? 0
        : 1 + ((r * 131 + c * 7) % 9000),
);
const edges = columnEdges(m.columns, S);
const full: Viewport = { t0: edges.x0[0], t1: edges.x1[COLS - 1], r0: 0, r1: ROWS };
const zoomed: Viewport = { t0: edges.x0[300] + 0.3 * S, t1: edges.x1[760], r0: 50.5, r1: 260.2 };

/** Paints `vp` once settled (waiting for the runner's callback if it pooled elsewhere). */
async function pixels(runner: PoolRunner | null, dpr: number, vp: Viewport) {
  const size = canvasSize(900, 500, dpr);
  const canvas = document.createElement('canvas');
  canvas.width = size.devW;
  canvas.height = size.devH;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const input: PaintInput = {
    matrix: m,
    edges,
    view: vp,
    full,
    lut: buildLut({ palette: 'heat', size: 256 }),
    scale: makeScale({ kind: 'log', max: m.max, brightness: 1 }),
    devW: size.devW,
    devH: size.devH,
  };
  const painter = new PlotPainter(runner);
  let calls = 0;
  const ready = new Promise<void>((done) => {
    painter.onReady = () => {
      calls++;
      done();
    };
  });
  const first = painter.paint(ctx, input, vp);
  if (!first) {
    await ready;
    expect(painter.paint(ctx, input, vp)).toBe(true);
  }
  // Settled: no second call back, and a repaint needs no pooling.
  await new Promise((r) => setTimeout(r, 20));
  expect(calls).toBe(first ? 0 : 1);
  const img = new Uint32Array(ctx.getImageData(0, 0, size.devW, size.devH).data.buffer);
  return { first, img };
}

/** Pixels that differ (a plain loop: toEqual on millions of elements takes seconds). */
function diff(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

function inked(img: Uint32Array): number {
  let n = 0;
  for (const px of img) if (px >>> 24 !== 0) n++;
  return n;
}

// Generous: a shared, loaded machine, and Vite transforms the worker on first use.
describe('plot pooling in a worker and on the main thread', { timeout: 120_000 }, () => {
  it('the matrix is large enough to go to the worker', () => {
    expect(m.rowCount * m.colCount).toBeGreaterThanOrEqual(WORKER_MIN_CELLS);
  });

  describe.each([1, 2])('at dpr %s', (dpr) => {
    it.each([
      ['full', full],
      ['zoomed', zoomed],
    ] as const)(
      '%s view: worker, throwing constructor and failed script give the same pixels',
      async (_, vp) => {
        const want = await pixels(null, dpr, vp);
        expect(want.first).toBe(true);
        // Not a comparison of two blank canvases.
        expect(inked(want.img)).toBeGreaterThan(want.img.length / 2);

        const worker = createPoolRunner();
        const refused = createPoolRunner(() => {
          throw new DOMException('refused by the page policy', 'SecurityError');
        });
        const missing = createPoolRunner(
          () => new Worker(new URL('/no-such-pool-worker.js', location.href), { type: 'module' }),
        );
        try {
          const w = await pixels(worker, dpr, vp);
          expect(w.first).toBe(false); // pooled in the worker: painted on the call back
          expect(worker.engine()).toBe('worker');
          expect(diff(w.img, want.img)).toBe(0);

          const r = await pixels(refused, dpr, vp);
          expect(r.first).toBe(true);
          expect(refused.engine()).toBe('main');
          expect(diff(r.img, want.img)).toBe(0);

          // The load failure is only known after the first request: that one is called back,
          // pooled on the main thread, then every later one is synchronous.
          const f = await pixels(missing, dpr, vp);
          expect(missing.engine()).toBe('main');
          expect(diff(f.img, want.img)).toBe(0);
          expect((await pixels(missing, dpr, vp)).first).toBe(true);
        } finally {
          worker.dispose();
          refused.dispose();
          missing.dispose();
        }
      },
    );
  });

  it('keeps the page its cells: the worker gets a copy', async () => {
    const runner = createPoolRunner();
    try {
      await pixels(runner, 1, full);
      expect(m.values.length).toBe(ROWS * COLS);
      expect(m.values[211 * COLS + 433]).toBe(9e12);
    } finally {
      runner.dispose();
    }
  });
});

describe('the pool runner', { timeout: 120_000 }, () => {
  const req = {
    values: m.values,
    rowCount: m.rowCount,
    colCount: m.colCount,
    edges,
    view: full,
    devW: 900,
    devH: 500,
  };

  it('runs one job at a time: a request still waiting is superseded by a newer one', async () => {
    const runner = createPoolRunner();
    try {
      const a = runner.pool(req)!;
      const b = runner.pool(req)!;
      const c = runner.pool({ ...req, devW: 450 })!;
      await expect(b).rejects.toThrow('superseded');
      const [ra, rc] = await Promise.all([a, c]);
      expect(ra.pooled.values.length).toBeGreaterThan(0);
      // c is the newest request's answer (half the width pooled).
      expect(rc.pooled.device.xmap.length).toBe(450);
      expect(runner.engine()).toBe('worker');
    } finally {
      runner.dispose();
    }
  });

  it('a job that fails in the worker sends every later one to the main thread', async () => {
    const runner = createPoolRunner();
    try {
      // Not a typed array: the worker's pooling throws on it.
      const bad = runner.pool({ ...req, values: null as unknown as Float64Array })!;
      await expect(bad).rejects.toThrow('pool worker failed');
      expect(runner.engine()).toBe('main');
      expect(runner.pool(req)).toBeNull();
    } finally {
      runner.dispose();
    }
  });
});
