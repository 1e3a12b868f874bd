// Matrix -> pixels, in two passes so a brightness/scale/palette change only recolours:
//   poolMax: the visible window down to at most one value per device pixel (max, never mean,
//            so a single hot cell survives any downsampling);
//   colorize: pooled values -> packed RGBA through the LUT.
// Views are half-open: rows [r0, r1), columns [c0, c1).

import { indexWith, type IndexTable, type Scale } from './scale.ts';

export interface View {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

/** Raster size for a view: one pixel per cell until cells outnumber device pixels. */
export function rasterTarget(
  viewRows: number,
  viewCols: number,
  devW: number,
  devH: number,
): { outW: number; outH: number } {
  const w = Math.max(0, Math.floor(devW));
  const h = Math.max(0, Math.floor(devH));
  return {
    outW: Math.max(0, Math.min(Math.floor(viewCols), w)),
    outH: Math.max(0, Math.min(Math.floor(viewRows), h)),
  };
}

/**
 * Bucket edges mapping `n` source indexes onto `out` buckets: bucket i covers
 * [edges[i], edges[i + 1]). Never empty: when out > n, neighbours repeat a source (upsampling).
 */
export function bucketEdges(n: number, out: number): Int32Array {
  const starts = new Int32Array(out + 1);
  for (let i = 0; i <= out; i++) starts[i] = Math.floor((i * n) / out);
  return starts;
}

/**
 * The output index whose bucket holds source index i (inverse of bucketEdges when out <= n);
 * when upsampling, the first of the pixels showing it.
 */
export function pixelOf(i: number, n: number, out: number): number {
  if (out >= n) return Math.ceil((i * out) / n);
  return Math.ceil(((i + 1) * out) / n) - 1;
}

function clampView(v: View, rows: number, cols: number): View {
  const r0 = Math.max(0, Math.min(rows, Math.floor(v.r0)));
  const c0 = Math.max(0, Math.min(cols, Math.floor(v.c0)));
  return {
    r0,
    c0,
    r1: Math.max(r0, Math.min(rows, Math.ceil(v.r1))),
    c1: Math.max(c0, Math.min(cols, Math.ceil(v.c1))),
  };
}

/** Per output column, the absolute source columns [starts[x], ends[x]) it covers. */
export interface ColumnBuckets {
  starts: Int32Array;
  ends: Int32Array;
}

/**
 * Max-pools values[view] into outW x outH (row-major). Each output pixel takes the largest cell
 * it covers. `colBuckets` overrides the even column split (a gap-aware time layout, see
 * timeColumnStarts); an output column with an empty bucket stays 0.
 */
export function poolMax(
  values: Float64Array,
  rows: number,
  cols: number,
  view: View,
  outW: number,
  outH: number,
  colBuckets?: ColumnBuckets,
  out?: Float64Array,
): Float64Array {
  const { r0, r1, c0, c1 } = clampView(view, rows, cols);
  const nr = r1 - r0;
  const nc = c1 - c0;
  const size = outW * outH;
  const dst = out && out.length === size ? out : new Float64Array(size);
  // Every output pixel is written below, so no clearing unless the view is empty.
  if (nr === 0 || nc === 0 || size === 0) return dst.fill(0);

  // Fast path: one cell per pixel, a straight copy of each row's slice.
  if (!colBuckets && outW === nc && outH === nr) {
    for (let y = 0; y < nr; y++) {
      const src = (r0 + y) * cols + c0;
      dst.set(values.subarray(src, src + nc), y * outW);
    }
    return dst;
  }

  // Per output column, its source columns [ca[x], cb[x]) relative to c0, clamped to the view.
  const sameCols = !colBuckets && outW === nc;
  const ca = new Int32Array(outW);
  const cb = new Int32Array(outW);
  if (colBuckets) {
    for (let x = 0; x < outW; x++) {
      ca[x] = Math.max(0, Math.min(nc, colBuckets.starts[x] - c0));
      cb[x] = Math.max(ca[x], Math.min(nc, colBuckets.ends[x] - c0));
    }
  } else if (!sameCols) {
    // Even split; upsampled (empty) buckets repeat their source column.
    const edges = bucketEdges(nc, outW);
    for (let x = 0; x < outW; x++) {
      ca[x] = edges[x];
      cb[x] = edges[x + 1] > edges[x] ? edges[x + 1] : edges[x] + 1;
    }
  }
  // Column pass as a gather: each pixel takes max(first, last) of its bucket, branch-free (at
  // typical zoom a bucket holds 1-2 columns); an empty bucket (a time gap) points both at a
  // zero slot; buckets wider than two columns also scan their middle (listed in `wide`).
  // Measured faster than scattering each column into its pixel.
  const g1 = new Int32Array(sameCols ? 0 : outW);
  const g2 = new Int32Array(g1.length);
  const wide: number[] = [];
  for (let x = 0; x < g1.length; x++) {
    const len = cb[x] - ca[x];
    g1[x] = len > 0 ? ca[x] : nc;
    g2[x] = len > 0 ? cb[x] - 1 : nc;
    if (len > 2) wide.push(x);
  }
  // Max is separable: first the rows of each output row into `tmp` (contiguous, cache
  // friendly), then the columns of `tmp` into the output row. tmp[nc] stays 0 (gap slot).
  const rs = bucketEdges(nr, outH);
  const tmp = new Float64Array(nc + 1);
  for (let y = 0; y < outH; y++) {
    const ya = rs[y];
    const yb = rs[y + 1] > ya ? rs[y + 1] : ya + 1; // upsampling: repeat the source row
    let src = (r0 + ya) * cols + c0;
    tmp.set(values.subarray(src, src + nc));
    for (let r = ya + 1; r < yb; r++) {
      src = (r0 + r) * cols + c0;
      // Math.max compiles to a branch-free float max; a ternary mispredicts on noisy data.
      for (let c = 0; c < nc; c++) tmp[c] = Math.max(tmp[c], values[src + c]);
    }
    const base = y * outW;
    if (sameCols) {
      dst.set(tmp.subarray(0, nc), base);
    } else {
      for (let x = 0; x < outW; x++) dst[base + x] = Math.max(tmp[g1[x]], tmp[g2[x]]);
      for (let k = 0; k < wide.length; k++) {
        const x = wide[k];
        let m = dst[base + x];
        for (let c = ca[x] + 1, e = cb[x] - 1; c < e; c++) {
          const v = tmp[c];
          if (v > m) m = v;
        }
        dst[base + x] = m;
      }
    }
  }
  return dst;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

// Colours of whole values 0..SMALL_VALUES-1 for one (scale table, LUT) pair, so a recolour of
// ordinary counts is a single load per pixel. Rebuilt only when the scale or LUT changes.
const smallCache = new WeakMap<IndexTable, { lut: Uint32Array; colors: Int32Array }>();
function smallColors(t: IndexTable, lut: Uint32Array, l: Int32Array): Int32Array {
  const hit = smallCache.get(t);
  if (hit && hit.lut === lut) return hit.colors;
  const colors = new Int32Array(t.small.length);
  for (let v = 0; v < colors.length; v++) colors[v] = l[t.small[v]];
  smallCache.set(t, { lut, colors });
  return colors;
}

/**
 * Pooled values -> RGBA (0xAABBGGRR, little-endian ImageData) through the LUT; `out` is reused
 * when the size matches. Same mapping as scale.index, but table-driven: no log per pixel.
 */
export function colorize(
  pooled: Float64Array,
  lut: Uint32Array,
  scale: Scale,
  out?: Uint32Array,
): Uint32Array {
  const n = pooled.length;
  const dst = out && out.length === n ? out : new Uint32Array(n);
  // Int32 views of the same bits: V8 keeps int32 in registers, while Uint32 values above 2^31
  // would become doubles on every load and store.
  const d = new Int32Array(dst.buffer, dst.byteOffset, n);
  const l = new Int32Array(lut.buffer, lut.byteOffset, lut.length);
  const t = scale.table(lut.length);
  // Separate loops per kind keep each one monomorphic for the optimiser.
  const small = smallColors(t, lut, l);
  if (t.kind === 'linear') colorizeLinear(pooled, d, l, t, small);
  else colorizeLog(pooled, d, l, t, small);
  return dst;
}

// Both loops first try the whole-value colour table: it also covers zero, so the frequent
// zero/non-zero alternation of real heatmaps costs no mispredicted branch.
function colorizeLinear(
  pooled: Float64Array,
  d: Int32Array,
  l: Int32Array,
  t: IndexTable,
  small: Int32Array,
): void {
  const n = pooled.length;
  const hi = t.hi;
  const zero = l[0];
  const top = l[hi];
  const k = t.k;
  const hiM1 = hi - 1;
  const nSmall = small.length;
  for (let i = 0; i < n; i++) {
    const v = pooled[i];
    const iv = v | 0;
    if (iv === v && iv >= 0 && iv < nSmall) {
      d[i] = small[iv];
    } else if (v > 0) {
      const x = v * k;
      d[i] = x >= hiM1 ? top : l[1 + (x | 0)];
    } else d[i] = zero;
  }
}

function colorizeLog(
  pooled: Float64Array,
  d: Int32Array,
  l: Int32Array,
  t: IndexTable,
  small: Int32Array,
): void {
  const n = pooled.length;
  const hi = t.hi;
  const zero = l[0];
  const top = l[hi];
  const thrHi = t.thr[hi];
  const base = t.base;
  const next = t.next;
  const keyBase = t.keyBase;
  const nKeys = base.length;
  const nSmall = small.length;
  for (let i = 0; i < n; i++) {
    const v = pooled[i];
    const iv = v | 0;
    if (iv === v && iv >= 0 && iv < nSmall) {
      // Whole counts below SMALL_VALUES (the common case, zero included): one load.
      d[i] = small[iv];
    } else if (!(v > 0)) {
      d[i] = zero;
    } else if (v >= thrHi) {
      d[i] = top;
    } else {
      f64[0] = v;
      const key = (u32[1] >>> 12) - keyBase;
      const b = key >= 0 && key < nKeys ? base[key] : 0;
      d[i] = b !== 0 ? l[v >= next[key] ? b + 1 : b] : l[indexWith(t, v)];
    }
  }
}

/**
 * Time extent of each column, for drawing gaps honestly. A column's flush time t closes a step,
 * so it covers (t - step, t]; consecutive columns closer than 1.5 steps share an edge, farther
 * apart ones leave a gap [x1[c-1], x0[c]) with no data.
 */
export function columnLayout(
  columns: Float64Array,
  stepMs: number,
): { x0: Float64Array; x1: Float64Array; gaps: number } {
  const n = columns.length;
  const x0 = new Float64Array(n);
  const x1 = new Float64Array(n);
  const step = stepMs > 0 ? stepMs : inferStepMs(columns);
  let gaps = 0;
  for (let c = 0; c < n; c++) {
    const t = columns[c];
    x1[c] = t;
    if (c === 0) {
      x0[c] = t - step;
    } else {
      const prev = columns[c - 1];
      if (t - prev > 1.5 * step) {
        x0[c] = t - step;
        gaps++;
      } else {
        x0[c] = prev;
      }
    }
  }
  return { x0, x1, gaps };
}

/** The median spacing of flush times (the sampler's step); 60 s when unknown. */
export function inferStepMs(columns: Float64Array): number {
  const n = columns.length;
  if (n < 2) return 60_000;
  const d = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) d[i - 1] = columns[i] - columns[i - 1];
  d.sort();
  const m = d[(d.length - 1) >> 1];
  return m > 0 ? m : 60_000;
}

/**
 * Column bucket edges for poolMax over a time window [fromMs, toMs) drawn `outW` pixels wide:
 * pixel x takes the columns whose extent overlaps its time slice; gap pixels get an empty range.
 * Columns are searched by bisection (O(outW log n)).
 */
export function timeColumnStarts(
  layout: { x0: Float64Array; x1: Float64Array },
  fromMs: number,
  toMs: number,
  outW: number,
): { starts: Int32Array; ends: Int32Array } {
  const n = layout.x1.length;
  const starts = new Int32Array(outW);
  const ends = new Int32Array(outW);
  const span = (toMs - fromMs) / outW;
  for (let x = 0; x < outW; x++) {
    const a = fromMs + x * span;
    const b = a + span;
    // First column whose end is after a.
    const lo = lowerBound(layout.x1, a, true);
    let hi = lo;
    while (hi < n && layout.x0[hi] < b) hi++;
    starts[x] = lo;
    ends[x] = hi;
  }
  return { starts, ends };
}

/** First index i with arr[i] > v (strict) or >= v, in an ascending array. */
export function lowerBound(arr: Float64Array, v: number, strict: boolean): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strict ? arr[mid] <= v : arr[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
