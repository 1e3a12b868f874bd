// Column time extents with honest gaps, and time -> column lookups by bisection. A flush time t
// ends its step, so column c covers [x0[c], x1[c]) = [t - step, t) (or [previous flush, t) when the
// previous flush is within 1.5 steps); a longer pause between flushes stays empty instead of
// stretching a column across it. The layout itself lives in raster.ts (columnLayout) so the
// raster, hit test and these helpers can never disagree.

import { columnLayout, inferStepMs as inferStep, lowerBound } from '../raster.ts';

export interface ColumnEdges {
  /** Per column, the inclusive start of its time extent (ms). */
  x0: Float64Array;
  /** Per column, the exclusive end: its flush time (ms). */
  x1: Float64Array;
  /** Number of gaps (pauses longer than 1.5 steps). */
  gaps: number;
}

/**
 * Time extents of each column; stepMs <= 0 infers the step from the columns. `widths` (the
 * matrix's columnWidths) gives each column its own width; without it every column is one step.
 */
export function columnEdges(
  columns: Float64Array,
  stepMs: number,
  widths?: Float64Array,
): ColumnEdges {
  return columnLayout(columns, stepMs, widths);
}

/** The sampler's step: the median spacing of flush times (60 s with fewer than two columns). */
export function inferStepMs(columns: Float64Array): number {
  return inferStep(columns);
}

/** The column whose extent holds time t, or -1 (before, after, or inside a gap). O(log n). */
export function columnAtTime(edges: { x0: Float64Array; x1: Float64Array }, t: number): number {
  if (!Number.isFinite(t)) return -1;
  // Last column whose start is <= t.
  const c = lowerBound(edges.x0, t, true) - 1;
  return c >= 0 && t < edges.x1[c] ? c : -1;
}

/**
 * The columns whose extents overlap the time window [t0, t1), as a half-open index range
 * [c0, c1) (empty when c0 === c1). Zero-width columns (duplicate flush times) count when
 * their instant is inside the window.
 */
export function columnRange(
  edges: { x0: Float64Array; x1: Float64Array },
  t0: number,
  t1: number,
): { c0: number; c1: number } {
  if (!(t1 > t0)) return { c0: 0, c1: 0 };
  // First column that ends after t0; first column that starts at or after t1.
  const c0 = lowerBound(edges.x1, t0, true);
  const c1 = Math.max(c0, lowerBound(edges.x0, t1, false));
  return { c0, c1 };
}

/** The time extent [from, to) of all columns (both 0 for none). */
export function timeExtent(edges: { x0: Float64Array; x1: Float64Array }): {
  fromMs: number;
  toMs: number;
} {
  const n = edges.x1.length;
  return n === 0 ? { fromMs: 0, toMs: 0 } : { fromMs: edges.x0[0], toMs: edges.x1[n - 1] };
}
