// Matrix -> device-pixel raster for the canvas: gap-aware time layout (a missing flush shows as
// a gap, not a stretched neighbour), max pooling, LUT colouring. Pure: no DOM.

import type { Matrix } from '../data/matrix.ts';
import {
  columnLayout,
  colorize,
  inferStepMs,
  poolMax,
  rasterTarget,
  timeColumnStarts,
} from '../data/raster.ts';
import type { Scale } from '../data/scale.ts';

/** The time extent the X axis spans, with each column's [x0, x1). */
export interface TimeFrame {
  fromMs: number;
  toMs: number;
  x0: Float64Array;
  x1: Float64Array;
  stepMs: number;
}

export function timeFrame(m: Matrix): TimeFrame | null {
  if (m.colCount === 0) return null;
  const stepMs = inferStepMs(m.columns);
  const { x0, x1 } = columnLayout(m.columns, stepMs);
  return { fromMs: x0[0], toMs: x1[m.colCount - 1], x0, x1, stepMs };
}

export interface Raster {
  pixels: Uint32Array;
  width: number;
  height: number;
}

/**
 * One raster pixel per device pixel across (time slices), and one per row until rows outnumber
 * device pixels (then max-pooled). drawImage stretches rows to the canvas height.
 */
export function rasterize(
  m: Matrix,
  frame: TimeFrame,
  devW: number,
  devH: number,
  lut: Uint32Array,
  scale: Scale,
): Raster {
  const { outH } = rasterTarget(m.rowCount, m.colCount, devW, devH);
  const outW = Math.max(0, Math.floor(devW));
  if (outW === 0 || outH === 0) return { pixels: new Uint32Array(0), width: 0, height: 0 };
  const buckets = timeColumnStarts(frame, frame.fromMs, frame.toMs, outW);
  const view = { r0: 0, r1: m.rowCount, c0: 0, c1: m.colCount };
  const pooled = poolMax(m.values, m.rowCount, m.colCount, view, outW, outH, buckets);
  return { pixels: colorize(pooled, lut, scale), width: outW, height: outH };
}
