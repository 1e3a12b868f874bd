// Small numeric helpers of the detectors, over typed arrays (no allocation per cell).

/** Median of the first n entries of xs (copied, not reordered); 0 for none. */
export function medianOf(xs: ArrayLike<number>, n = xs.length): number {
  if (n === 0) return 0;
  let s: Float64Array;
  if (xs instanceof Float64Array) s = xs.slice(0, n);
  else {
    s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = xs[i];
  }
  s.sort();
  const m = n >> 1;
  return n % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Centred moving average of row r of a row-major matrix, width w (odd), into out[0..C). The
 * window shrinks at the ends so the first and last columns are averages of real cells.
 */
export function smoothRow(
  values: Float64Array,
  r: number,
  C: number,
  w: number,
  prefix: Float64Array,
  out: Float64Array,
): void {
  const base = r * C;
  prefix[0] = 0;
  for (let c = 0; c < C; c++) prefix[c + 1] = prefix[c] + values[base + c];
  const h = w >> 1;
  for (let c = 0; c < C; c++) {
    const a = c - h < 0 ? 0 : c - h;
    const b = c + h + 1 > C ? C : c + h + 1;
    out[c] = (prefix[b] - prefix[a]) / (b - a);
  }
}

/** Sum of values over rows [r0, r1) and columns [c0, c1), and the largest cell there. */
export function areaStats(
  values: Float64Array,
  C: number,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
): { total: number; peak: number; row: number; col: number } {
  let total = 0;
  let peak = -1;
  let row = r0;
  let col = c0;
  for (let r = r0; r < r1; r++) {
    const base = r * C;
    for (let c = c0; c < c1; c++) {
      const v = values[base + c];
      total += v;
      if (v > peak) {
        peak = v;
        row = r;
        col = c;
      }
    }
  }
  return { total, peak: Math.max(0, peak), row, col };
}

/** Least-squares fit y = a + b x: slope b and R^2 (0 when y does not vary). */
export function lineFit(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
): { slope: number; r2: number } {
  const n = xs.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i];
    sy += ys[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0) return { slope: 0, r2: 0 };
  return { slope: sxy / sxx, r2: (sxy * sxy) / (sxx * syy) };
}
