// The device-pixel grid the heatmap is drawn on (screenRaster) and everything that must agree
// with it: pooling (a pixel shows the max of the cells it covers, gaps stay empty, never more
// raster lines than cells or pixels), the device image, hit-testing and cell outlines.
import { describe, expect, it } from 'vitest';
import {
  axisRaster,
  clippedSpan,
  expandPixels,
  pixelSpan,
  type AxisSpans,
} from '../../src/data/raster.ts';
import {
  columnEdges,
  columnPixels,
  columnSpan,
  rowPixels,
  rowSpan,
  screenRaster,
  type Viewport,
} from '../../src/data/view/index.ts';
import { cellAtPoint, cellRect } from '../../src/data/hitTest.ts';
import { poolViewport } from '../../src/pages/keyviz/plotRaster.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { makeMatrix } from '../helpers/viewMatrix.ts';

const S = 60_000;
const T0 = 1_800_000_000_000;

describe('pixelSpan', () => {
  it('rounds the edges of a cell at least a pixel wide; neighbours tile', () => {
    expect(pixelSpan(0.2, 1.4)).toEqual([0, 1]);
    expect(pixelSpan(1.4, 2.6)).toEqual([1, 3]);
    expect(pixelSpan(2.6, 3.8)).toEqual([3, 4]);
    expect(pixelSpan(-5.3, -2)).toEqual([-5, -2]);
  });

  it('gives a thinner cell the pixel holding its centre', () => {
    expect(pixelSpan(3.9, 4.3)).toEqual([4, 5]);
    expect(pixelSpan(3.1, 3.5)).toEqual([3, 4]);
    expect(pixelSpan(7, 7)).toEqual([7, 8]); // zero-width (a repeated flush time)
  });

  it('clips to the canvas; slivers at either end keep the end pixel', () => {
    expect(clippedSpan(-3.2, 0.3, 10)).toEqual([0, 1]);
    expect(clippedSpan(9.7, 14, 10)).toEqual([9, 10]);
    expect(clippedSpan(-2, 12, 10)).toEqual([0, 10]);
  });
});

/** n equal items of width w (device px) starting at offset. */
function uniform(n: number, w: number, offset: number, size: number): AxisSpans {
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  for (let i = 0; i < n; i++)
    [lo[i], hi[i]] = clippedSpan(offset + i * w, offset + (i + 1) * w, size);
  return { first: 10, lo, hi };
}

/** Per device pixel along an axis, the items whose drawn span holds it (from the spans). */
function coverage(sp: AxisSpans, size: number): number[][] {
  const per: number[][] = Array.from({ length: size }, () => []);
  for (let i = 0; i < sp.lo.length; i++)
    for (let p = sp.lo[i]; p < sp.hi[i]; p++) per[p].push(sp.first + i);
  return per;
}

describe('axisRaster', () => {
  for (const [n, size, offset] of [
    [1440, 1200, 0],
    [1440, 1800, 0],
    [1024, 700, 0],
    [1024, 1050, 0],
    [7, 1000, -30],
    [3000, 333, 0.4],
    [50, 1280, -12.5],
  ]) {
    it(`${n} items on ${size} px: every item shows, spans ordered, lines <= min(items, px)`, () => {
      const w = (size - 2 * offset) / n;
      const spans = uniform(n, w, offset, size);
      const ax = axisRaster(spans, size);
      const lines = ax.buckets.starts.length;
      expect(lines).toBeLessThanOrEqual(Math.min(n, size));
      const at = coverage(spans, size);
      const bad: string[] = [];
      for (let p = 0; p < size; p++) {
        const k = ax.map[p];
        // No gaps between uniform items, lines in order, and a line's items are exactly those
        // whose span holds the pixel.
        if (k < 0 || (p > 0 && k < ax.map[p - 1])) bad.push(`pixel ${p}: line ${k}`);
        const want = at[p];
        if (ax.buckets.starts[k] !== want[0] || ax.buckets.ends[k] !== want[want.length - 1] + 1)
          bad.push(
            `pixel ${p}: items ${ax.buckets.starts[k]}..${ax.buckets.ends[k]}, want ${want}`,
          );
      }
      expect(bad).toEqual([]);
      // Every item is shown somewhere.
      const shown = new Set(at.flat());
      expect(shown.size).toBe(n);
    });
  }

  it('marks pixels between items as empty', () => {
    const spans = { first: 0, lo: Int32Array.of(0, 6), hi: Int32Array.of(3, 8) };
    const ax = axisRaster(spans, 10);
    expect(Array.from(ax.map)).toEqual([0, 0, 0, -1, -1, -1, 1, 1, -1, -1]);
    expect(Array.from(ax.buckets.starts)).toEqual([0, 1]);
    expect(Array.from(ax.buckets.ends)).toEqual([1, 2]);
  });
});

/** rows x cols matrix over flush times with a 9-step pause after `gapAfter`, one hot cell. */
function gapMatrix(rows: number, cols: number, gapAfter: number, hot: [number, number]): Matrix {
  const columns = Array.from(
    { length: cols },
    (_, c) => T0 + (c + 1) * S + (c > gapAfter ? 9 * S : 0) + ((c * 7919) % 900),
  );
  return makeMatrix(
    Array.from({ length: rows }, (_, r) => ({ start: `k${String(r).padStart(3, '0')}` })),
    columns,
    (r, c) => {
      if (r === hot[0] && c === hot[1]) return 1e9;
      const i = r * cols + c;
      return (i * 2654435761) % 7 === 0 ? 0 : (i * 31) % 97;
    },
  );
}

describe('screen raster, device image and hit-testing agree', () => {
  const m = gapMatrix(40, 60, 29, [17, 44]);
  const edges = columnEdges(m.columns, S);
  const full: Viewport = { t0: edges.x0[0], t1: edges.x1[59], r0: 0, r1: 40 };
  const zoomed: Viewport = {
    t0: edges.x0[20] + 0.3 * S,
    t1: edges.x1[50] - 0.6 * S,
    r0: 5.4,
    r1: 31.7,
  };
  // A small plot (more cells than pixels) and a large one (fewer), at the usual DPRs.
  const cases = [];
  for (const css of [
    { w: 45, h: 25 },
    { w: 500, h: 230 },
  ])
    for (const dpr of [1, 1.25, 1.5, 2])
      for (const [name, vp] of [
        ['full', full],
        ['zoomed', zoomed],
      ] as const)
        cases.push({ css, dpr, name, vp });

  it.each(cases)('$css.w x $css.h css px at dpr $dpr, $name view', ({ css, dpr, vp }) => {
    const devW = Math.floor(css.w * dpr);
    const devH = Math.floor(css.h * dpr);
    const cssW = devW / dpr;
    const cssH = devH / dpr;
    const p = poolViewport(m, edges, vp, devW, devH);
    const sr = screenRaster(vp, edges, m.rowCount, devW, devH);
    const visRows = sr.view.r1 - sr.view.r0;
    expect(p.outW).toBeLessThanOrEqual(Math.min(devW, sr.view.c1 - sr.view.c0));
    expect(p.outH).toBeLessThanOrEqual(Math.min(devH, visRows));

    // The device image, as values (expandPixels moves 32-bit words; indexes stand in).
    const idx = Uint32Array.from(p.values, (_, i) => i);
    const img = new Uint32Array(devW * devH);
    expandPixels(idx, p.outW, p.device, img);
    const shown = (px: number, py: number): number =>
      p.device.xmap[px] < 0 || p.device.ymap[py] < 0 ? 0 : p.values[img[py * devW + px]];

    const colsAt = coverage(columnPixels(edges, vp, devW), devW);
    const rowsAt = coverage(rowPixels(vp, m.rowCount, devH), devH);
    const size = { width: cssW, height: cssH, devW, devH };
    let hot = 0;
    const bad: string[] = [];
    for (let py = 0; py < devH; py++) {
      for (let px = 0; px < devW; px++) {
        const cells = rowsAt[py].flatMap((row) => colsAt[px].map((col) => ({ row, col })));
        const want = cells.reduce((a, c) => Math.max(a, m.values[c.row * m.colCount + c.col]), 0);
        // A device pixel shows the max of the cells it covers; nothing in a gap.
        if (shown(px, py) !== want)
          bad.push(`pixel ${px},${py} shows ${shown(px, py)}, not ${want}`);
        if (want === 1e9) hot++;
        if ((px * 7 + py * 3) % 5 !== 0) continue; // hit-test a sample of the pixels

        // The pointer anywhere in this pixel names one of its cells (the only one, when
        // single), null exactly where nothing is drawn; the outline holds the pixel.
        for (const [fx, fy] of [
          [0.5, 0.5],
          [0.02, 0.97],
          [0.99, 0.01],
        ]) {
          const x = ((px + fx) / devW) * cssW;
          const y = ((py + fy) / devH) * cssH;
          const c = cellAtPoint(vp, edges, m.rowCount, x, y, size);
          const where = `pointer ${x.toFixed(3)},${y.toFixed(3)} (pixel ${px},${py})`;
          if (cells.length === 0) {
            if (c) bad.push(`${where}: ${JSON.stringify(c)} in a gap`);
            continue;
          }
          if (!c || !cells.some((d) => d.row === c.row && d.col === c.col)) {
            bad.push(`${where}: ${JSON.stringify(c)} not among ${JSON.stringify(cells)}`);
            continue;
          }
          const r = cellRect(vp, edges, c, size);
          const e = 1e-9;
          if (r.x * dpr > px + e || (r.x + r.w) * dpr < px + 1 - e)
            bad.push(`${where}: outline x ${r.x * dpr}..${(r.x + r.w) * dpr}`);
          if (r.y * dpr > py + e || (r.y + r.h) * dpr < py + 1 - e)
            bad.push(`${where}: outline y ${r.y * dpr}..${(r.y + r.h) * dpr}`);
        }
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    // The hot cell never vanishes (it is in view in both windows).
    expect(hot).toBeGreaterThan(0);
  });

  it('the time gap is drawn empty at every height', () => {
    for (const dpr of [1, 1.25, 1.5, 2]) {
      const devW = Math.floor(700 * dpr);
      const p = poolViewport(m, edges, full, devW, Math.floor(300 * dpr));
      // The middle of the 9-step pause between columns 29 and 30.
      const mid = (edges.x1[29] + edges.x0[30]) / 2;
      const px = Math.floor(((mid - full.t0) / (full.t1 - full.t0)) * devW);
      expect(p.device.xmap[px]).toBe(-1);
      const [a] = columnSpan(edges, 30, full.t0, full.t1, devW);
      const [, b] = columnSpan(edges, 29, full.t0, full.t1, devW);
      for (let x = b; x < a; x++) expect(p.device.xmap[x]).toBe(-1);
      expect(p.device.xmap[a]).toBeGreaterThanOrEqual(0);
      expect(p.device.xmap[b - 1]).toBeGreaterThanOrEqual(0);
    }
  });

  it('wide cells are pooled once and repeated: one raster column per column', () => {
    // 60 columns on 1500 device px: 1:1 raster, every column on ~20 pixels.
    const p = poolViewport(m, edges, full, 1500, 600);
    expect(p.outW).toBe(60);
    expect(p.outH).toBe(40);
    const [lo, hi] = rowSpan(17, 0, 40, 600);
    expect(hi - lo).toBe(15);
  });
});
