// Pointer -> cell, by index arithmetic: O(1) for an even column layout, O(log n) bisection over
// column edges when a gap-aware time layout is given. No scans over cells.

export interface ColumnTimeLayout {
  /** Per column, its time extent [x0, x1) (see columnLayout in raster.ts). */
  x0: Float64Array;
  x1: Float64Array;
  /** The time window drawn across [x, x + width). */
  fromMs: number;
  toMs: number;
}

export interface HitLayout {
  /** The drawn heatmap's rectangle, in the same units as px/py (CSS px). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The visible view, half-open: rows [r0, r1), columns [c0, c1). */
  r0: number;
  r1: number;
  c0: number;
  c1: number;
  /** Gap-aware layout; without it columns c0..c1 split the width evenly. */
  colX?: ColumnTimeLayout;
}

export function cellAt(
  px: number,
  py: number,
  layout: HitLayout,
): { row: number; col: number } | null {
  const { x, y, width, height, r0, r1, c0, c1 } = layout;
  const fx = (px - x) / width;
  const fy = (py - y) / height;
  // Outside (or NaN): no cell. The right/bottom edge belongs to nothing (half-open).
  if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1) || r1 <= r0 || c1 <= c0) return null;
  const row = Math.min(r1 - 1, r0 + Math.floor(fy * (r1 - r0)));

  if (!layout.colX) {
    return { row, col: Math.min(c1 - 1, c0 + Math.floor(fx * (c1 - c0))) };
  }
  const { x0, x1, fromMs, toMs } = layout.colX;
  const t = fromMs + fx * (toMs - fromMs);
  // Bisection: the last column whose start is <= t, within [c0, c1).
  let lo = c0;
  let hi = c1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x0[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  const col = lo - 1;
  if (col < c0 || t >= x1[col]) return null; // in a gap, or before the first column
  return { row, col };
}
