// The page's plot painter in real Chromium at devicePixelRatio 1, 1.25, 1.5 and 2 (canvas sized
// as canvasSize does): a matrix with a time gap and one hot cell, drawn by PlotPainter, read back.
// The pixel under the pointer must be the colour of the cell the hit test reports (or of the max
// of the cells it shows), every pixel a LUT colour (crisp: nothing blended), the gap empty, the
// hot cell visible; a recolour and a gesture frame keep working.
import { describe, expect, it } from 'vitest';
import { canvasSize } from '../../src/pages/keyviz/canvasSize.ts';
import { PlotPainter, type PaintInput } from '../../src/pages/keyviz/painter.ts';
import { buildLut } from '../../src/data/colorRamp.ts';
import { cellAtPoint } from '../../src/data/hitTest.ts';
import { makeScale } from '../../src/data/scale.ts';
import { columnEdges, columnPixels, rowPixels, type Viewport } from '../../src/data/view/index.ts';
import { makeMatrix } from '../helpers/viewMatrix.ts';

const S = 60_000;
const T0 = 1_800_000_000_000;
const ROWS = 300;
const COLS = 900;
const GAP_AFTER = 599; // a 40-step pause after column 599
const HOT: [number, number] = [137, 421];

const columns = Array.from(
  { length: COLS },
  (_, c) => T0 + (c + 1) * S + (c > GAP_AFTER ? 40 * S : 0) + ((c * 7919) % 900),
);
const m = makeMatrix(
  Array.from({ length: ROWS }, (_, r) => ({ start: `k${String(r).padStart(4, '0')}` })),
  columns,
  (r, c) =>
    r === HOT[0] && c === HOT[1] ? 4e9 : (r * 31 + c * 17) % 5 === 0 ? 0 : 1 + ((r + c) % 300),
);
const edges = columnEdges(m.columns, S);
const full: Viewport = { t0: edges.x0[0], t1: edges.x1[COLS - 1], r0: 0, r1: ROWS };

function draw(cssW: number, cssH: number, dpr: number, vp: Viewport, brightness = 1) {
  const size = canvasSize(cssW, cssH, dpr);
  const canvas = document.createElement('canvas');
  canvas.width = size.devW;
  canvas.height = size.devH;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const lut = buildLut({ palette: 'heat', size: 256 });
  const scale = makeScale({ kind: 'log', max: m.max, brightness });
  const input: PaintInput = {
    matrix: m,
    edges,
    view: vp,
    full,
    lut,
    scale,
    devW: size.devW,
    devH: size.devH,
  };
  const painter = new PlotPainter();
  painter.paint(ctx, input, vp);
  const read = () => new Uint32Array(ctx.getImageData(0, 0, size.devW, size.devH).data.buffer);
  return { size, ctx, lut, scale, input, painter, read };
}

describe.each([1, 1.25, 1.5, 2])('plot raster at dpr %s', (dpr) => {
  // 700 css px: fewer device pixels than columns at dpr 1 and 1.25, more at 1.5 and 2.
  it.each([
    ['full', full],
    ['zoomed', { t0: edges.x0[380] + 0.4 * S, t1: edges.x1[650] - 0.3 * S, r0: 100.6, r1: 171.2 }],
  ] as const)('%s view: pixel under the pointer = the cell reported', (_, vp) => {
    const { size, lut, scale, read } = draw(700, 260, dpr, vp);
    const img = read();
    const colour = (v: number) => lut[scale.index(v, 256)];
    const { devW, devH } = size;
    const plot = { width: size.cssW, height: size.cssH, devW, devH };

    // Crisp: every pixel is exactly a LUT colour or transparent (no smoothing, no blending).
    const palette = new Set<number>(lut);
    let foreign = 0;
    for (const px of img) if (!palette.has(px)) foreign++;
    expect(foreign).toBe(0);

    // Which cells each device column / row shows (the raster's own spans).
    const cs = columnPixels(edges, vp, devW);
    const rs = rowPixels(vp, ROWS, devH);
    const at = (sp: typeof cs, p: number) => {
      const out: number[] = [];
      for (let i = 0; i < sp.lo.length; i++)
        if (sp.lo[i] <= p && p < sp.hi[i]) out.push(sp.first + i);
      return out;
    };
    const bad: string[] = [];
    // Pointer positions across the plot (fractional CSS px, as pointer events give them).
    for (let k = 0; k < 4000; k++) {
      const x = ((k * 0.6180339887) % 1) * size.cssW;
      const y = ((k * 0.7548776662 + 0.1) % 1) * size.cssH;
      const px = Math.floor(x * dpr);
      const py = Math.floor(y * dpr);
      const pixel = img[py * devW + px];
      const cell = cellAtPoint(vp, edges, ROWS, x, y, plot);
      const rows = at(rs, py);
      const cols = at(cs, px);
      if (!cell) {
        if (pixel !== 0 || cols.length > 0) bad.push(`(${x}, ${y}): no cell, pixel ${pixel}`);
        continue;
      }
      let max = 0;
      for (const r of rows) for (const c of cols) max = Math.max(max, m.values[r * COLS + c]);
      const v = m.values[cell.row * COLS + cell.col];
      // The pixel shows the max of its cells; the reported cell is one of them, and when the
      // pixel shows a single cell, its colour is exactly that cell's.
      if (pixel !== colour(max)) bad.push(`(${x}, ${y}): pixel is not the max of its cells`);
      if (!rows.includes(cell.row) || !cols.includes(cell.col))
        bad.push(`(${x}, ${y}): ${JSON.stringify(cell)} is not drawn at pixel ${px},${py}`);
      if (rows.length * cols.length === 1 && pixel !== colour(v))
        bad.push(`(${x}, ${y}): pixel ${pixel} is not the colour of ${JSON.stringify(cell)}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);

    // The hot cell is on screen in both views, and its colour is the brightest.
    expect(img.includes(lut[255])).toBe(true);
  });

  it('the time gap is empty in every row; a recolour and a gesture frame still draw', () => {
    const { size, ctx, input, painter, read } = draw(700, 260, dpr, full);
    const { devW, devH } = size;
    const img = read();
    const mid = (edges.x1[GAP_AFTER] + edges.x0[GAP_AFTER + 1]) / 2;
    const gx = Math.floor(((mid - full.t0) / (full.t1 - full.t0)) * devW);
    const before = (edges.x0[GAP_AFTER] + edges.x1[GAP_AFTER]) / 2;
    const bx = Math.floor(((before - full.t0) / (full.t1 - full.t0)) * devW);
    let inGap = 0;
    let beside = 0;
    for (let y = 0; y < devH; y++) {
      if (img[y * devW + gx] !== 0) inGap++;
      if (img[y * devW + bx] !== 0) beside++;
    }
    expect(inGap).toBe(0);
    expect(beside).toBeGreaterThan(devH / 2);

    // Brightness: recolours only (no re-pool), and the picture changes.
    const pooled = painter.pooled();
    const brighter = makeScale({ kind: 'log', max: m.max, brightness: 8 });
    painter.paint(ctx, { ...input, scale: brighter }, full);
    expect(painter.pooled()).toBe(pooled);
    const img2 = read();
    let changed = 0;
    for (let i = 0; i < img.length; i++) if (img[i] !== img2[i]) changed++;
    expect(changed).toBeGreaterThan(img.length / 10);

    // A pan frame: the cached image, shifted; nothing pooled.
    const shift = 200; // device px: a whole-pixel pan moves the image without resampling
    const dt = (full.t1 - full.t0) * (shift / devW);
    painter.paint(
      ctx,
      { ...input, scale: brighter },
      { ...full, t0: full.t0 + dt, t1: full.t1 + dt },
    );
    expect(painter.pooled()).toBe(pooled);
    const img3 = read();
    let same = 0;
    let n = 0;
    for (let y = 0; y < devH; y += 7) {
      for (let x = shift + 2; x < devW - 2; x += 5) {
        n++;
        if (img3[y * devW + x - shift] === img2[y * devW + x]) same++;
      }
    }
    expect(same / n).toBeGreaterThan(0.95);
  });
});
