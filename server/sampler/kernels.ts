// Inner loops of the pivot, one copy per stored array kind. V8 optimises a
// typed-array loop for the kinds it has seen; one generic loop fed Uint8,
// Uint16, Uint32 and Float64 columns runs polymorphic and measurably slower, so
// each kind gets its own (identical) function and a dispatcher picks one.
import type { NarrowArray } from './column-store.ts';

/** sums[b] += src[off + i] and last[b] = j for every entry i (b = buckets[i]). */
type Scatter<A> = (
  sums: Float64Array,
  last: Int32Array,
  buckets: Uint32Array,
  src: A,
  off: number,
  j: number,
) => void;

const scatterU8: Scatter<Uint8Array> = (sums, last, buckets, src, off, j) => {
  for (let i = 0; i < buckets.length; i++) {
    sums[buckets[i]] += src[off + i];
    last[buckets[i]] = j;
  }
};
const scatterU16: Scatter<Uint16Array> = (sums, last, buckets, src, off, j) => {
  for (let i = 0; i < buckets.length; i++) {
    sums[buckets[i]] += src[off + i];
    last[buckets[i]] = j;
  }
};
const scatterU32: Scatter<Uint32Array> = (sums, last, buckets, src, off, j) => {
  for (let i = 0; i < buckets.length; i++) {
    sums[buckets[i]] += src[off + i];
    last[buckets[i]] = j;
  }
};
const scatterF64: Scatter<Float64Array> = (sums, last, buckets, src, off, j) => {
  for (let i = 0; i < buckets.length; i++) {
    sums[buckets[i]] += src[off + i];
    last[buckets[i]] = j;
  }
};

export function scatterSeries(
  sums: Float64Array,
  last: Int32Array,
  buckets: Uint32Array,
  src: NarrowArray,
  off: number,
  j: number,
): void {
  if (src instanceof Uint8Array) scatterU8(sums, last, buckets, src, off, j);
  else if (src instanceof Uint16Array) scatterU16(sums, last, buckets, src, off, j);
  else if (src instanceof Uint32Array) scatterU32(sums, last, buckets, src, off, j);
  else scatterF64(sums, last, buckets, src, off, j);
}

/** acc[i] += src[off + i] for i < n. */
type Add<A> = (acc: Float64Array, src: A, off: number, n: number) => void;

const addU8: Add<Uint8Array> = (acc, src, off, n) => {
  for (let i = 0; i < n; i++) acc[i] += src[off + i];
};
const addU16: Add<Uint16Array> = (acc, src, off, n) => {
  for (let i = 0; i < n; i++) acc[i] += src[off + i];
};
const addU32: Add<Uint32Array> = (acc, src, off, n) => {
  for (let i = 0; i < n; i++) acc[i] += src[off + i];
};
const addF64: Add<Float64Array> = (acc, src, off, n) => {
  for (let i = 0; i < n; i++) acc[i] += src[off + i];
};

export function addSeries(acc: Float64Array, src: NarrowArray, off: number, n: number): void {
  if (src instanceof Uint8Array) addU8(acc, src, off, n);
  else if (src instanceof Uint16Array) addU16(acc, src, off, n);
  else if (src instanceof Uint32Array) addU32(acc, src, off, n);
  else addF64(acc, src, off, n);
}

/** last[i] = j where entry i has any non-zero counter (series-major, n entries). */
type Mark<A> = (last: Int32Array, src: A, n: number, j: number) => void;

// Counters are non-negative, so a zero sum means all four are zero.
const markU8: Mark<Uint8Array> = (last, src, n, j) => {
  for (let i = 0; i < n; i++)
    if (src[i] + src[n + i] + src[2 * n + i] + src[3 * n + i] !== 0) last[i] = j;
};
const markU16: Mark<Uint16Array> = (last, src, n, j) => {
  for (let i = 0; i < n; i++)
    if (src[i] + src[n + i] + src[2 * n + i] + src[3 * n + i] !== 0) last[i] = j;
};
const markU32: Mark<Uint32Array> = (last, src, n, j) => {
  for (let i = 0; i < n; i++)
    if (src[i] + src[n + i] + src[2 * n + i] + src[3 * n + i] !== 0) last[i] = j;
};
const markF64: Mark<Float64Array> = (last, src, n, j) => {
  for (let i = 0; i < n; i++)
    if (src[i] + src[n + i] + src[2 * n + i] + src[3 * n + i] !== 0) last[i] = j;
};

export function markActive(last: Int32Array, src: NarrowArray, n: number, j: number): void {
  if (src instanceof Uint8Array) markU8(last, src, n, j);
  else if (src instanceof Uint16Array) markU16(last, src, n, j);
  else if (src instanceof Uint32Array) markU32(last, src, n, j);
  else markF64(last, src, n, j);
}

/**
 * dst[rowBase[e] + jj] = src[off + idx[e]] for e < m: one column's kept cells into a
 * row-major block scratch small enough to stay in cache (fillRows writes it out row by row).
 */
type ScatterCells<A> = (
  dst: Float64Array,
  rowBase: Int32Array,
  jj: number,
  src: A,
  off: number,
  idx: Int32Array,
  m: number,
) => void;

const cellsU8: ScatterCells<Uint8Array> = (dst, rowBase, jj, src, off, idx, m) => {
  for (let e = 0; e < m; e++) dst[rowBase[e] + jj] = src[off + idx[e]];
};
const cellsU16: ScatterCells<Uint16Array> = (dst, rowBase, jj, src, off, idx, m) => {
  for (let e = 0; e < m; e++) dst[rowBase[e] + jj] = src[off + idx[e]];
};
const cellsU32: ScatterCells<Uint32Array> = (dst, rowBase, jj, src, off, idx, m) => {
  for (let e = 0; e < m; e++) dst[rowBase[e] + jj] = src[off + idx[e]];
};
const cellsF64: ScatterCells<Float64Array> = (dst, rowBase, jj, src, off, idx, m) => {
  for (let e = 0; e < m; e++) dst[rowBase[e] + jj] = src[off + idx[e]];
};

export function scatterCells(
  dst: Float64Array,
  rowBase: Int32Array,
  jj: number,
  src: NarrowArray,
  off: number,
  idx: Int32Array,
  m: number,
): void {
  if (src instanceof Uint8Array) cellsU8(dst, rowBase, jj, src, off, idx, m);
  else if (src instanceof Uint16Array) cellsU16(dst, rowBase, jj, src, off, idx, m);
  else if (src instanceof Uint32Array) cellsU32(dst, rowBase, jj, src, off, idx, m);
  else cellsF64(dst, rowBase, jj, src, off, idx, m);
}
