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
