// Totals along each axis of the visible window (the bar charts beside the heatmap). Plain loops
// over the row-major values: a 1024 x 1440 window is ~1.5 M adds, a couple of ms.

function clampRange(a: number, b: number, n: number): [number, number] {
  const lo = Math.max(0, Math.min(n, Math.floor(a)));
  const hi = Math.max(lo, Math.min(n, Math.ceil(b)));
  return [lo, hi];
}

/**
 * Per row, the sum of its cells in columns [c0, c1) (fractional bounds widen to whole cells).
 * Length `rows`; `out` is reused when it has that length.
 */
export function rowTotals(
  values: Float64Array,
  rows: number,
  cols: number,
  c0: number,
  c1: number,
  out?: Float64Array,
): Float64Array {
  const dst = out && out.length === rows ? out : new Float64Array(rows);
  const [a, b] = clampRange(c0, c1, cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let s = 0;
    for (let c = base + a, e = base + b; c < e; c++) s += values[c];
    dst[r] = s;
  }
  return dst;
}

/**
 * Per column of [c0, c1), the sum of rows [r0, r1). Length c1 - c0 after clamping; row-outer
 * order keeps the reads sequential.
 */
export function columnTotals(
  values: Float64Array,
  rows: number,
  cols: number,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
  out?: Float64Array,
): Float64Array {
  const [a, b] = clampRange(c0, c1, cols);
  const [ra, rb] = clampRange(r0, r1, rows);
  const n = b - a;
  const dst = out && out.length === n ? out.fill(0) : new Float64Array(n);
  // Four rows per pass: a quarter of the loads and stores of `dst` (the sum order per column
  // changes, harmless for integer counts below 2^53).
  let r = ra;
  for (; r + 4 <= rb; r += 4) {
    const b0 = r * cols + a;
    const b1 = b0 + cols;
    const b2 = b1 + cols;
    const b3 = b2 + cols;
    for (let i = 0; i < n; i++) {
      dst[i] += values[b0 + i] + values[b1 + i] + values[b2 + i] + values[b3 + i];
    }
  }
  for (; r < rb; r++) {
    const base = r * cols + a;
    for (let i = 0; i < n; i++) dst[i] += values[base + i];
  }
  return dst;
}

/** Largest entry (0 for none): the full-scale of a marginal bar chart. */
export function maxOf(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}
