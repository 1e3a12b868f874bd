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

/** dst[cell[e]] = src[off + idx[e]] for e < m. */
type Gather<A> = (
  dst: Float64Array,
  cell: Int32Array,
  src: A,
  off: number,
  idx: Int32Array,
  m: number,
) => void;

const gatherU8: Gather<Uint8Array> = (dst, cell, src, off, idx, m) => {
  for (let e = 0; e < m; e++) dst[cell[e]] = src[off + idx[e]];
};
const gatherU16: Gather<Uint16Array> = (dst, cell, src, off, idx, m) => {
  for (let e = 0; e < m; e++) dst[cell[e]] = src[off + idx[e]];
};
const gatherU32: Gather<Uint32Array> = (dst, cell, src, off, idx, m) => {
  for (let e = 0; e < m; e++) dst[cell[e]] = src[off + idx[e]];
};
const gatherF64: Gather<Float64Array> = (dst, cell, src, off, idx, m) => {
  for (let e = 0; e < m; e++) dst[cell[e]] = src[off + idx[e]];
};

export function gather(
  dst: Float64Array,
  cell: Int32Array,
  src: NarrowArray,
  off: number,
  idx: Int32Array,
  m: number,
): void {
  if (src instanceof Uint8Array) gatherU8(dst, cell, src, off, idx, m);
  else if (src instanceof Uint16Array) gatherU16(dst, cell, src, off, idx, m);
  else if (src instanceof Uint32Array) gatherU32(dst, cell, src, off, idx, m);
  else gatherF64(dst, cell, src, off, idx, m);
}
