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

/** Per output column (or row), the source columns (rows) [starts[x], ends[x]) it covers. */
export interface ColumnBuckets {
  starts: Int32Array;
  ends: Int32Array;
}

/** True when bucket x is exactly source c0 + x for every x: a straight copy. */
function isIdentity(b: ColumnBuckets, c0: number, n: number): boolean {
  for (let x = 0; x < n; x++) if (b.starts[x] !== c0 + x || b.ends[x] !== c0 + x + 1) return false;
  return true;
}

/**
 * Max-pools values[view] into outW x outH (row-major). Each output pixel takes the largest cell
 * it covers. `colBuckets` / `rowBuckets` (absolute indexes, see screenRaster) override the even
 * split; an output line with an empty bucket stays 0. Values must be finite (the max below is
 * arithmetic, see max2).
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
  rowBuckets?: ColumnBuckets,
): Float64Array {
  const { r0, r1, c0, c1 } = clampView(view, rows, cols);
  const nr = r1 - r0;
  const nc = c1 - c0;
  const size = outW * outH;
  const dst = out && out.length === size ? out : new Float64Array(size);
  // Every output pixel is written below, so no clearing unless the view is empty.
  if (nr === 0 || nc === 0 || size === 0) return dst.fill(0);

  // Per output row, its source rows [ra[y], rb[y]) relative to r0, clamped to the view; an even
  // split repeats a source row when upsampling.
  const ra = new Int32Array(outH);
  const rb = new Int32Array(outH);
  if (rowBuckets) {
    for (let y = 0; y < outH; y++) {
      ra[y] = Math.max(0, Math.min(nr, rowBuckets.starts[y] - r0));
      rb[y] = Math.max(ra[y], Math.min(nr, rowBuckets.ends[y] - r0));
    }
  } else {
    const rs = bucketEdges(nr, outH);
    for (let y = 0; y < outH; y++) {
      ra[y] = rs[y];
      rb[y] = rs[y + 1] > rs[y] ? rs[y + 1] : rs[y] + 1;
    }
  }

  // Per output column, its source columns [ca[x], cb[x]) relative to c0, clamped to the view.
  const sameCols = outW === nc && (colBuckets ? isIdentity(colBuckets, c0, nc) : true);
  const ca = new Int32Array(sameCols ? 0 : outW);
  const cb = new Int32Array(ca.length);
  if (sameCols) {
    // One column per pixel: rows are copied (or max-pooled) straight into place.
  } else if (colBuckets) {
    for (let x = 0; x < outW; x++) {
      ca[x] = Math.max(0, Math.min(nc, colBuckets.starts[x] - c0));
      cb[x] = Math.max(ca[x], Math.min(nc, colBuckets.ends[x] - c0));
    }
  } else {
    // Even split; upsampled (empty) buckets repeat their source column.
    const edges = bucketEdges(nc, outW);
    for (let x = 0; x < outW; x++) {
      ca[x] = edges[x];
      cb[x] = edges[x + 1] > edges[x] ? edges[x + 1] : edges[x] + 1;
    }
  }
  // Column pass as a gather: each pixel takes max(first, last) of its bucket (at typical zoom a
  // bucket holds 1-2 columns); an empty bucket (a time gap) points both at a zero slot; buckets
  // wider than two columns also scan their middle (listed in `wide`). Measured faster than
  // scattering each column into its pixel.
  const g1 = new Int32Array(ca.length);
  const g2 = new Int32Array(ca.length);
  const wide: number[] = [];
  for (let x = 0; x < g1.length; x++) {
    const len = cb[x] - ca[x];
    g1[x] = len > 0 ? ca[x] : nc;
    g2[x] = len > 0 ? cb[x] - 1 : nc;
    if (len > 2) wide.push(x);
  }
  // Max is separable: first the rows of each output row into `tmp` (contiguous, cache
  // friendly), then the columns of `tmp` into the output row. tmp[nc] stays 0 (gap slot).
  const tmp = new Float64Array(nc + 1);
  for (let y = 0; y < outH; y++) {
    const ya = ra[y];
    const yb = rb[y];
    const base = y * outW;
    if (yb <= ya) {
      dst.fill(0, base, base + outW);
      continue;
    }
    const src = (r0 + ya) * cols + c0;
    if (sameCols && yb === ya + 1) {
      dst.set(values.subarray(src, src + nc), base);
      continue;
    }
    tmp.set(values.subarray(src, src + nc));
    for (let r = ya + 1; r < yb; r++) maxInto(tmp, values, (r0 + r) * cols + c0, nc);
    if (sameCols) {
      dst.set(tmp.subarray(0, nc), base);
      continue;
    }
    gatherMax(dst, base, outW, tmp, g1, g2);
    for (let k = 0; k < wide.length; k++) {
      const x = wide[k];
      let m = dst[base + x];
      for (let c = ca[x] + 1, e = cb[x] - 1; c < e; c++) m = max2(m, tmp[c]);
      dst[base + x] = m;
    }
  }
  return dst;
}

// The per-row loops live in small functions called once per row: V8 then optimises them as
// whole functions within the first answer, instead of on-stack-replacing the long loops of a
// function called once per answer (which deoptimised on every loop exit and made the first ten
// or so renders of a page alternate between fast and 2x slower).

/** tmp[c] = max(tmp[c], values[src + c]) for c < n. */
function maxInto(tmp: Float64Array, values: Float64Array, src: number, n: number): void {
  for (let c = 0; c < n; c++) tmp[c] = max2(tmp[c], values[src + c]);
}

/** dst[base + x] = max(tmp[g1[x]], tmp[g2[x]]) for x < w. */
function gatherMax(
  dst: Float64Array,
  base: number,
  w: number,
  tmp: Float64Array,
  g1: Int32Array,
  g2: Int32Array,
): void {
  for (let x = 0; x < w; x++) dst[base + x] = max2(tmp[g1[x]], tmp[g2[x]]);
}

/**
 * max(a, b) without a branch: Math.max and `a > b ? a : b` compile to compare-and-jump in V8,
 * which mispredicts on noisy heatmap data (measured 3-5x slower in Chromium 156 and Node 20).
 * Exact for finite values: one term is multiplied by 1, the other by 0.
 */
function max2(a: number, b: number): number {
  const k = +(b > a);
  return b * k + a * (1 - k);
}

/**
 * The device pixels [lo, hi) an item spanning [a, b) (fractional device px along one axis) is
 * drawn on, before clipping. An item at least a pixel wide gets its rounded edges, so
 * neighbours that share an edge tile without overlap or hole; a thinner one gets the pixel
 * holding its centre (max-pooled with whatever else lands there), so nothing vanishes and the
 * pixel under a cell's centre always shows it. Drawing, hit-testing and conflict hatching all go
 * through this, so they agree to the pixel.
 */
export function pixelSpan(a: number, b: number): [number, number] {
  if (b - a >= 1) return [Math.round(a), Math.round(b)];
  const p = Math.floor((a + b) / 2);
  return [p, p + 1];
}

/**
 * pixelSpan clipped to [0, size) for an item that overlaps the axis: a sliver at either end
 * still takes the end pixel. lo and hi stay non-decreasing along an axis of ordered items.
 */
export function clippedSpan(a: number, b: number, size: number): [number, number] {
  const [p0, p1] = pixelSpan(a, b);
  const lo = Math.max(0, Math.min(size - 1, p0));
  return [lo, Math.max(lo + 1, Math.min(size, p1))];
}

/** Items along one axis and the device pixels each is drawn on (clippedSpan). */
export interface AxisSpans {
  /** Index of the first item; item first + i covers pixels [lo[i], hi[i]). */
  first: number;
  lo: Int32Array;
  hi: Int32Array;
}

/** One axis of the screen raster: what each raster line pools and which pixels show it. */
export interface AxisRaster {
  /** Per raster line, the items [starts[k], ends[k]) it max-pools (absolute indexes). */
  buckets: ColumnBuckets;
  /** Per device pixel, its raster line, or -1 where nothing is drawn (a time gap). */
  map: Int32Array;
}

/**
 * Raster lines for an axis of `size` pixels: consecutive pixels showing the same items share
 * one line, so there are never more lines than pixels, nor (with uniform item widths) than
 * items: a wide cell is pooled once and repeated, thin cells are max-pooled per pixel.
 */
export function axisRaster(spans: AxisSpans, size: number): AxisRaster {
  const { first, lo, hi } = spans;
  const n = lo.length;
  const map = new Int32Array(Math.max(0, size));
  const starts = new Int32Array(Math.min(map.length, 2 * n));
  const ends = new Int32Array(starts.length);
  let k = -1;
  // Pixel p shows items [a, b): the first whose span ends after p, up to the first starting
  // after it. Both only move forward (spans are ordered), so this is one sweep.
  let a = 0;
  let b = 0;
  for (let p = 0; p < map.length; p++) {
    while (a < n && hi[a] <= p) a++;
    while (b < n && lo[b] <= p) b++;
    if (a >= b) {
      map[p] = -1;
      continue;
    }
    if (k < 0 || starts[k] !== first + a || ends[k] !== first + b) {
      k++;
      starts[k] = first + a;
      ends[k] = first + b;
    }
    map[p] = k;
  }
  return { buckets: { starts: starts.slice(0, k + 1), ends: ends.slice(0, k + 1) }, map };
}

/**
 * The items drawn on pixel p, as [a, b) (empty in a gap): the same answer axisRaster gives,
 * found by bisection over the items' spans (`span(i)` = clippedSpan of item i, i in [i0, i1)).
 */
export function itemsAtPixel(
  p: number,
  i0: number,
  i1: number,
  span: (i: number) => [number, number],
): [number, number] {
  // First item whose span ends after p; first item whose span starts after p.
  let lo = i0;
  let hi = i1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (span(mid)[1] <= p) lo = mid + 1;
    else hi = mid;
  }
  const a = lo;
  hi = i1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (span(mid)[0] <= p) lo = mid + 1;
    else hi = mid;
  }
  return [a, Math.max(a, lo)];
}

/**
 * Where a raster goes on the device image: per device column / row its raster column / row
 * (-1 where nothing is drawn), with the row's segments and drawn runs worked out once per
 * pooling, not on every recolour.
 */
export interface DeviceMap {
  xmap: Int32Array;
  ymap: Int32Array;
  /** lineSegments(xmap) */
  segs: Int32Array;
  /** The drawn runs of xmap, [start, end) pairs; the pixels between are cleared. */
  runs: Int32Array;
}

export function deviceMap(xmap: Int32Array, ymap: Int32Array): DeviceMap {
  return { xmap, ymap, segs: lineSegments(xmap), runs: drawnRuns(xmap) };
}

/**
 * The device image from a coded raster (see encodePooled): out[py * W + px] is
 * colours[codes[ymap[py] * rasterW + xmap[px]]], transparent where either map is -1.
 */
export function expandCodes(
  codes: Uint16Array,
  colours: Uint32Array,
  rasterW: number,
  map: DeviceMap,
  out: Uint32Array,
): void {
  expand(out, rasterW, map, null, codes, colours);
}

/** expandCodes for an already coloured raster (rasterW x rows, packed RGBA). */
export function expandPixels(
  pixels: Uint32Array,
  rasterW: number,
  map: DeviceMap,
  out: Uint32Array,
): void {
  expand(out, rasterW, map, pixels, null, null);
}

/**
 * Both expansions: a raster row shown on several device rows is built once and copied. (Colouring
 * a coded row into a buffer first and then copying it measured 1.5x slower than looking up
 * through the codes per device pixel.)
 */
function expand(
  out: Uint32Array,
  rasterW: number,
  map: DeviceMap,
  pixels: Uint32Array | null,
  codes: Uint16Array | null,
  colours: Uint32Array | null,
): void {
  // Int32 views keep the loops in integer registers (see colorize).
  const o = new Int32Array(out.buffer, out.byteOffset, out.length);
  const src = pixels ? new Int32Array(pixels.buffer, pixels.byteOffset, pixels.length) : null;
  const t = colours ? new Int32Array(colours.buffer, colours.byteOffset, colours.length) : null;
  const { xmap, ymap, segs, runs } = map;
  const w = xmap.length;
  for (let y = 0; y < ymap.length; y++) {
    const at = y * w;
    if (repeatRow(o, w, ymap, y)) continue;
    const base = ymap[y] * rasterW;
    if (codes && t) codesRow(o, at, segs, t, codes, base, xmap);
    else if (src) placeRow(o, at, segs, src, base, xmap);
    clearGaps(o, at, w, runs);
  }
}

/** Segments shorter than this are merged into per-pixel lookups: a call costs more. */
const MIN_SEGMENT = 8;
const COPY = 0;
const FILL = 1;
const LOOKUP = 2;

/**
 * A device row's drawn pixels as segments [x0, x1, kind, line]: COPY where consecutive pixels
 * show consecutive raster lines (pixel x shows line + x - x0), FILL where one line covers the
 * pixels, LOOKUP (pixel x shows map[x]) for short mixed stretches such as 1.25 px cells. The
 * first two skip the per-pixel lookup of the pixel-to-line map, most of a recolour's cost.
 */
export function lineSegments(map: Int32Array): Int32Array {
  const segs: number[] = [];
  const n = map.length;
  const push = (x0: number, x1: number, kind: number, line: number): void => {
    const k = segs.length - 4;
    // Short pieces join a LOOKUP neighbour (or become one); LOOKUP handles any mapping.
    if (x1 - x0 < MIN_SEGMENT || kind === LOOKUP) {
      if (k >= 0 && segs[k + 2] === LOOKUP && segs[k + 1] === x0) {
        segs[k + 1] = x1;
        return;
      }
      kind = LOOKUP;
    }
    segs.push(x0, x1, kind, line);
  };
  let x = 0;
  while (x < n) {
    const line = map[x];
    if (line < 0) {
      x++;
      continue;
    }
    let e = x + 1;
    while (e < n && map[e] === line) e++;
    if (e - x > 1) {
      push(x, e, FILL, line);
      x = e;
      continue;
    }
    // A stretch of single pixels on consecutive lines.
    while (e < n && map[e] === map[e - 1] + 1 && (e + 1 >= n || map[e + 1] !== map[e])) e++;
    push(x, e, COPY, line);
    x = e;
  }
  return Int32Array.from(segs);
}

/** One device row from the coded raster row at `base` (see maxInto for why a function). */
function codesRow(
  o: Int32Array,
  at: number,
  segs: Int32Array,
  t: Int32Array,
  codes: Uint16Array,
  base: number,
  map: Int32Array,
): void {
  for (let s = 0; s < segs.length; s += 4) {
    const x0 = segs[s];
    const x1 = segs[s + 1];
    const kind = segs[s + 2];
    if (kind === FILL) o.fill(t[codes[base + segs[s + 3]]], at + x0, at + x1);
    else if (kind === COPY) codesCopy(o, at + x0, at + x1, t, codes, base + segs[s + 3] - at - x0);
    else for (let x = x0; x < x1; x++) o[at + x] = t[codes[base + map[x]]];
  }
}

function codesCopy(
  o: Int32Array,
  a: number,
  b: number,
  t: Int32Array,
  codes: Uint16Array,
  off: number,
): void {
  for (let i = a; i < b; i++) o[i] = t[codes[off + i]];
}

/** One device row from the coloured raster row at `base`. */
function placeRow(
  o: Int32Array,
  at: number,
  segs: Int32Array,
  src: Int32Array,
  base: number,
  map: Int32Array,
): void {
  for (let s = 0; s < segs.length; s += 4) {
    const x0 = segs[s];
    const x1 = segs[s + 1];
    const kind = segs[s + 2];
    const line = segs[s + 3];
    if (kind === FILL) o.fill(src[base + line], at + x0, at + x1);
    else if (kind === COPY) o.set(src.subarray(base + line, base + line + x1 - x0), at + x0);
    else for (let x = x0; x < x1; x++) o[at + x] = src[base + map[x]];
  }
}

/** The runs of pixels with something drawn (map >= 0), as [start, end) pairs. */
function drawnRuns(map: Int32Array): Int32Array {
  const runs: number[] = [];
  for (let x = 0; x < map.length; x++) {
    if (map[x] < 0) continue;
    const start = x;
    while (x < map.length && map[x] >= 0) x++;
    runs.push(start, x);
  }
  return Int32Array.from(runs);
}

/** Zeroes the pixels of a device row between the drawn runs. */
function clearGaps(o: Int32Array, at: number, w: number, runs: Int32Array): void {
  let x = 0;
  for (let r = 0; r < runs.length; r += 2) {
    if (runs[r] > x) o.fill(0, at + x, at + runs[r]);
    x = runs[r + 1];
  }
  if (x < w) o.fill(0, at + x, at + w);
}

/** Fills device row y when it needs no colouring (nothing drawn, or the row above again). */
function repeatRow(o: Int32Array, w: number, ymap: Int32Array, y: number): boolean {
  const at = y * w;
  if (ymap[y] < 0) o.fill(0, at, at + w);
  else if (y > 0 && ymap[y - 1] === ymap[y]) o.copyWithin(at, at - w, at);
  else return false;
  return true;
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
 * Time extent of each column, for drawing gaps honestly. A column's flush time t closes its
 * width w (one step, or the server's column_width_ms for a stored roll-up), so it covers
 * [t - w, t); a column that starts within half its width of the previous one's end shares that
 * edge (flush jitter), one farther away leaves a gap [x1[c-1], x0[c]) with no data. The axis
 * stays linear in time: a 1 h column is 60 times as wide as a 1 min one.
 */
export function columnLayout(
  columns: Float64Array,
  stepMs: number,
  widths?: Float64Array,
): { x0: Float64Array; x1: Float64Array; gaps: number } {
  const n = columns.length;
  const x0 = new Float64Array(n);
  const x1 = new Float64Array(n);
  const step = stepMs > 0 ? stepMs : inferStepMs(columns);
  // Widths that do not match the columns one to one (a live append) cannot place them.
  const w = widths && widths.length === n ? widths : null;
  let gaps = 0;
  for (let c = 0; c < n; c++) {
    const t = columns[c];
    const width = w && w[c] > 0 ? w[c] : step;
    x1[c] = t;
    if (c === 0) {
      x0[c] = t - width;
    } else {
      const prev = columns[c - 1];
      if (t - prev > 1.5 * width) {
        x0[c] = t - width;
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
