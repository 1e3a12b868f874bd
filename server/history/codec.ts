// Typed arrays <-> database blobs. A blob is the array's bytes in this
// machine's byte order (little-endian on every platform Node ships for); its
// element type is stored beside it as a small integer.
import type { NarrowArray } from '../sampler/column-store.ts';

export const TY_U8 = 1;
export const TY_U16 = 2;
export const TY_U32 = 3;
export const TY_F64 = 4;

export type AnyArray = NarrowArray | Float64Array;

export function typeOf(a: AnyArray): number {
  if (a instanceof Uint8Array) return TY_U8;
  if (a instanceof Uint16Array) return TY_U16;
  if (a instanceof Uint32Array) return TY_U32;
  return TY_F64;
}

export function toBlob(a: AnyArray): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

const SIZES: Record<number, number> = { [TY_U8]: 1, [TY_U16]: 2, [TY_U32]: 4, [TY_F64]: 8 };

/** The array stored in `blob`; a view when aligned, else a copy. Throws on a foreign type or length. */
export function fromBlob(ty: number, blob: Uint8Array): NarrowArray {
  const size = SIZES[ty];
  if (!size || blob.byteLength % size !== 0) {
    throw new Error(`history blob of type ${ty} and ${blob.byteLength} bytes is not readable`);
  }
  let buf = blob.buffer;
  let off = blob.byteOffset;
  if (off % size !== 0) {
    const copy = new Uint8Array(blob.byteLength);
    copy.set(blob);
    buf = copy.buffer;
    off = 0;
  }
  const len = blob.byteLength / size;
  switch (ty) {
    case TY_U8:
      return new Uint8Array(buf, off, len);
    case TY_U16:
      return new Uint16Array(buf, off, len);
    case TY_U32:
      return new Uint32Array(buf, off, len);
    default:
      return new Float64Array(buf, off, len);
  }
}

/** Smallest array type holding a (non-negative integer) copy of `src`, or src itself when it is already narrow. */
export function narrowCopy(src: AnyArray): AnyArray {
  if (!(src instanceof Float64Array)) return src;
  let max = 0;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (!(v >= 0) || Math.floor(v) !== v || v > 0xffffffff) return src;
    if (v > max) max = v;
  }
  const out =
    max > 0xffff
      ? new Uint32Array(src.length)
      : max > 0xff
        ? new Uint16Array(src.length)
        : new Uint8Array(src.length);
  out.set(src);
  return out;
}

/** Same length and elements. */
export function sameArray(a: ArrayLike<number> | null, b: ArrayLike<number> | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
