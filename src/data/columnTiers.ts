// Column widths of an answer that joins the server's history tiers (1 min, 10 min, 1 h): the
// width of one column, and the marks the time axis draws where the width changes, so a reader
// knows why columns widen with age. Pure: the page places the marks with the same linear
// time -> x mapping as the ticks.

import { formatDuration } from './format.ts';

export interface TierMark {
  /** Where the run of equal-width columns starts (its first column's x0), unix ms. */
  ms: number;
  widthMs: number;
  /** "10 min columns". */
  label: string;
}

/**
 * The width of column `col` in ms: the server's column_width_ms when the matrix carries one per
 * column, otherwise the column's drawn extent.
 */
export function columnWidthOf(
  m: { colCount: number; columnWidths?: Float64Array },
  edges: { x0: Float64Array; x1: Float64Array },
  col: number,
): number {
  const w = m.columnWidths;
  if (w && w.length === m.colCount && w[col] > 0) return w[col];
  return edges.x1[col] - edges.x0[col];
}

/** "1 h column", "10 min column". */
export function columnWidthLabel(widthMs: number): string {
  return `${formatDuration(widthMs)} column`;
}

/**
 * One mark per run of equal-width columns, at the run's start, when the columns have more than
 * one width; none for an answer of one width (the ring's, or a single tier). Runs that end
 * before `fromMs` or start at or after `toMs` (outside the view) are left out; a run that starts
 * before the view but reaches into it is marked at `fromMs`, so the view's first width is named.
 */
export function tierMarks(
  m: { colCount: number; columnWidths?: Float64Array },
  edges: { x0: Float64Array; x1: Float64Array },
  fromMs: number,
  toMs: number,
): TierMark[] {
  const w = m.columnWidths;
  const n = m.colCount;
  if (!w || w.length !== n || n === 0 || !(toMs > fromMs)) return [];
  const runs: { c0: number; c1: number; widthMs: number }[] = [];
  for (let c = 0; c < n; c++) {
    const last = runs[runs.length - 1];
    if (last && last.widthMs === w[c]) last.c1 = c + 1;
    else runs.push({ c0: c, c1: c + 1, widthMs: w[c] });
  }
  if (runs.length < 2) return [];
  const out: TierMark[] = [];
  for (const r of runs) {
    const start = edges.x0[r.c0];
    const end = edges.x1[r.c1 - 1];
    if (end <= fromMs || start >= toMs || !(r.widthMs > 0)) continue;
    out.push({
      ms: Math.max(start, fromMs),
      widthMs: r.widthMs,
      label: `${formatDuration(r.widthMs)} columns`,
    });
  }
  return out;
}

export interface PlacedTierMark extends TierMark {
  /** Plot x of the mark (CSS px). */
  x: number;
  /** The label's side of the mark: 'start' runs right from x, 'end' ends at x. */
  align: 'start' | 'end';
  /** False when the label would overlap the previous one or leave the axis: the mark alone. */
  showLabel: boolean;
}

/**
 * Marks on a linear time axis [fromMs, toMs) -> [0, width): labels run right from their mark, or
 * end at it when the axis ends first; a label that would overlap the one before is hidden (its
 * mark stays, with the label as its tooltip).
 */
export function placeTierMarks(
  marks: readonly TierMark[],
  fromMs: number,
  toMs: number,
  width: number,
  labelPx: number,
): PlacedTierMark[] {
  const span = toMs - fromMs;
  if (!(span > 0) || !(width > 0)) return [];
  let prevEnd = -Infinity;
  return marks.map((mk) => {
    const x = ((mk.ms - fromMs) / span) * width;
    const align: 'start' | 'end' = x + labelPx <= width ? 'start' : 'end';
    const a = align === 'start' ? x : x - labelPx;
    const showLabel = a >= 0 && a >= prevEnd;
    if (showLabel) prevEnd = a + labelPx;
    return { ...mk, x, align, showLabel };
  });
}

/**
 * The matrix the colours show: with columns of several widths, each cell scaled to a count per
 * `stepMs` (a 1 h column's sum / 60 for 1 min steps), so a steady route keeps its colour across
 * the tiers instead of darkening 60-fold with age. The same matrix when every column is one
 * width (nothing to compare); the hover card keeps reading the stored sums.
 */
export function perStepMatrix<
  M extends {
    colCount: number;
    rowCount: number;
    values: Float64Array;
    max: number;
    columnWidths?: Float64Array;
  },
>(m: M, stepMs: number): M {
  const w = m.columnWidths;
  const C = m.colCount;
  if (!w || w.length !== C || C === 0 || !(stepMs > 0)) return m;
  let mixed = false;
  for (let c = 1; c < C && !mixed; c++) mixed = w[c] !== w[0];
  if (!mixed) return m;
  const k = new Float64Array(C);
  for (let c = 0; c < C; c++) k[c] = w[c] > 0 ? stepMs / w[c] : 1;
  const values = new Float64Array(m.values.length);
  let max = 0;
  for (let r = 0, i = 0; r < m.rowCount; r++) {
    for (let c = 0; c < C; c++, i++) {
      const v = m.values[i] * k[c];
      values[i] = v;
      if (v > max) max = v;
    }
  }
  return { ...m, values, max };
}
