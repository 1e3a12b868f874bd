// Byte-key ordering. An empty start key is the low end of the key space; an
// empty end key is the unbounded tail, so "end" comparisons treat empty as +inf.

/** Lexicographic byte order; a proper prefix sorts first (so empty is lowest). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Compares two exclusive end keys where empty means unbounded. */
export function compareEnds(a: Uint8Array, b: Uint8Array): number {
  if (a.length === 0) return b.length === 0 ? 0 : 1;
  if (b.length === 0) return -1;
  return compareBytes(a, b);
}

/** True when `key` lies strictly inside [start, end) and is not its start. */
export function isInteriorKey(key: Uint8Array, start: Uint8Array, end: Uint8Array): boolean {
  if (compareBytes(key, start) <= 0) return false;
  return end.length === 0 || compareBytes(key, end) < 0;
}

/** Go-style string order (UTF-16 code units; identical to bytes for ASCII ids). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
