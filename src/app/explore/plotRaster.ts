// Pure raster steps for the zoomable plot: pool a viewport at device resolution on the
// gap-aware time layout (max pooling: a hot cell never vanishes), and where that bitmap lands
// when another view is on screen (a pan/zoom frame is then one scaled drawImage).

import type { Matrix } from '../../data/matrix.ts';
import { poolMax, timeColumnStarts } from '../../data/raster.ts';
import { rasterWindow, type ColumnEdges, type Viewport } from '../../data/view/index.ts';

export interface Pooled {
  /** Max-pooled values, outW x outH row-major. */
  values: Float64Array;
  outW: number;
  outH: number;
  /** The view pooled; the bitmap spans its time window and whole rows [r0, r1). */
  t0: number;
  t1: number;
  r0: number;
  r1: number;
}

/** One pixel per device pixel across; one per row until rows outnumber device pixels. */
export function poolViewport(
  m: Matrix,
  edges: ColumnEdges,
  vp: Viewport,
  devW: number,
  devH: number,
): Pooled {
  const rw = rasterWindow(vp, edges, m.rowCount, devH);
  const rows = rw.view.r1 - rw.view.r0;
  const outW = Math.max(0, Math.floor(devW));
  const outH = Math.max(0, Math.min(rows, Math.ceil(rw.height)));
  const empty = { t0: vp.t0, t1: vp.t1, r0: rw.view.r0, r1: rw.view.r1 };
  if (outW === 0 || outH === 0) return { values: new Float64Array(0), outW: 0, outH: 0, ...empty };
  const buckets = timeColumnStarts(edges, rw.fromMs, rw.toMs, outW);
  const values = poolMax(m.values, m.rowCount, m.colCount, rw.view, outW, outH, buckets);
  return { values, outW, outH, ...empty };
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where a bitmap pooled for `p` goes (device px) while view `g` fills devW x devH. */
export function placePooled(
  p: Pick<Pooled, 't0' | 't1' | 'r0' | 'r1'>,
  g: Viewport,
  devW: number,
  devH: number,
): Rect {
  const st = g.t1 - g.t0 || 1;
  const sr = g.r1 - g.r0 || 1;
  const x = ((p.t0 - g.t0) / st) * devW;
  const x2 = ((p.t1 - g.t0) / st) * devW;
  const y = ((p.r0 - g.r0) / sr) * devH;
  const y2 = ((p.r1 - g.r0) / sr) * devH;
  return { x, y, w: x2 - x, h: y2 - y };
}

/** Whole values below this get their own code; others are listed (see encodePooled). */
const DIRECT_CODES = 4096;
const MAX_CODES = 65536;

/**
 * A pooled buffer as 16-bit codes into a small list of distinct values, so a recolour
 * (brightness, scale, palette) colours only the list and then does one table load per pixel.
 * Codes < 4096 are the whole value itself; larger codes index `values`. Null when the buffer
 * holds too many distinct values (byte series): then colour the values directly.
 */
export interface PooledCodes {
  codes: Uint16Array;
  /** Value of each code: values[c] === c for c < 4096. */
  values: Float64Array;
}

export function encodePooled(pooled: Float64Array): PooledCodes | null {
  const n = pooled.length;
  const codes = new Uint16Array(n);
  const extra = new Map<number, number>();
  let next = DIRECT_CODES;
  for (let i = 0; i < n; i++) {
    const v = pooled[i];
    const iv = v | 0;
    if (iv === v && iv >= 0 && iv < DIRECT_CODES) {
      codes[i] = iv;
      continue;
    }
    let c = extra.get(v);
    if (c === undefined) {
      if (next >= MAX_CODES) return null;
      c = next++;
      extra.set(v, c);
    }
    codes[i] = c;
  }
  const values = new Float64Array(next);
  for (let c = 0; c < DIRECT_CODES; c++) values[c] = c;
  for (const [v, c] of extra) values[c] = v;
  return { codes, values };
}

/** out[i] = colours[codes[i]]: the per-pixel half of a coded recolour. */
export function applyCodes(codes: Uint16Array, colours: Uint32Array, out: Uint32Array): void {
  // Int32 views keep the loop in integer registers (see raster.ts colorize).
  const o = new Int32Array(out.buffer, out.byteOffset, out.length);
  const t = new Int32Array(colours.buffer, colours.byteOffset, colours.length);
  for (let i = 0, n = codes.length; i < n; i++) o[i] = t[codes[i]];
}
