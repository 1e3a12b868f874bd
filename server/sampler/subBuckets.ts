// Sub-range arithmetic (contract §5.4), exactly the node's: a route [start, end)
// splits into K order-preserving sub-buckets over an 8-byte big-endian window
// after the common prefix of start and end. A key's window w maps to
// floor(K * (w - subStart) / span). Unbounded end: the window is the leading 8
// bytes (prefix 0) over [window(start), 2^64 - 1]. Effective K = min(K, span);
// a degenerate window (span 0) is one bucket.
//
// bucket(w) >= i  <=>  w >= subStart + ceil(i * span / K), so the interior
// boundaries prefix + ceil-reconstructed window (trailing zeros trimmed) are
// byte keys, and a binary search with byte comparison over them gives exactly
// the floor formula for every key, clamping keys outside the route to the first
// or last bucket. That keeps BigInt off the observe path.
import { compareBytes } from './keys.ts';

export const SUB_WINDOW_BYTES = 8;
export const DEFAULT_KEY_BUCKETS_PER_ROUTE = 1;
export const MAX_KEY_BUCKETS_PER_ROUTE = 256;
const MAX_WINDOW = (1n << 64n) - 1n;

/** 8 bytes of `key` from `at`, zero padded, as an unsigned big-endian integer. */
export function windowOf(key: Uint8Array, at: number): bigint {
  let w = 0n;
  for (let i = 0; i < SUB_WINDOW_BYTES; i++) {
    const b = at + i < key.length ? key[at + i] : 0;
    w = (w << 8n) | BigInt(b);
  }
  return w;
}

function commonPrefixLength(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

export interface SubRangeLayout {
  prefixLength: number;
  subStart: bigint;
  subEnd: bigint;
  /** Effective number of sub-buckets (>= 1). */
  count: number;
  /** count - 1 interior boundary keys, strictly increasing. */
  bounds: Uint8Array[];
}

/** The layout of route [start, end) (empty end = unbounded) split into k. */
export function subRangeLayout(start: Uint8Array, end: Uint8Array, k: number): SubRangeLayout {
  const kk = Math.max(1, Math.min(Math.floor(k) || 1, MAX_KEY_BUCKETS_PER_ROUTE));
  const unbounded = end.length === 0;
  const prefixLength = unbounded ? 0 : commonPrefixLength(start, end);
  const subStart = windowOf(start, prefixLength);
  const subEnd = unbounded ? MAX_WINDOW : windowOf(end, prefixLength);
  const span = subEnd > subStart ? subEnd - subStart : 0n;
  const count = span === 0n ? 1 : Number(BigInt(kk) < span ? BigInt(kk) : span);
  const bounds: Uint8Array[] = [];
  for (let i = 1; i < count; i++) {
    const num = BigInt(i) * span;
    const ceil = (num + BigInt(count) - 1n) / BigInt(count);
    bounds.push(boundaryKey(start, prefixLength, subStart + ceil));
  }
  return { prefixLength, subStart, subEnd, count, bounds };
}

/** prefix + the 8-byte window, trailing zero bytes trimmed. */
function boundaryKey(start: Uint8Array, prefixLength: number, w: bigint): Uint8Array {
  const win = new Uint8Array(SUB_WINDOW_BYTES);
  let v = w;
  for (let i = SUB_WINDOW_BYTES - 1; i >= 0; i--) {
    win[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  let len = SUB_WINDOW_BYTES;
  while (len > 0 && win[len - 1] === 0) len--;
  const out = new Uint8Array(prefixLength + len);
  out.set(start.subarray(0, prefixLength));
  out.set(win.subarray(0, len), prefixLength);
  return out;
}

/** The sub-bucket of `key` (keys outside the route clamp to the first/last). */
export function subBucketOf(bounds: readonly Uint8Array[], key: Uint8Array): number {
  let lo = 0;
  let hi = bounds.length;
  // First boundary above key = the bucket index.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(bounds[mid], key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** [lo, hi) of sub-bucket i: bucket 0 keeps start, the last keeps end (empty = unbounded). */
export function subBucketRange(
  start: Uint8Array,
  end: Uint8Array,
  layout: SubRangeLayout,
  i: number,
): { lo: Uint8Array; hi: Uint8Array } {
  return {
    lo: i === 0 ? start : layout.bounds[i - 1],
    hi: i === layout.count - 1 ? end : layout.bounds[i],
  };
}

/** The floor formula itself, for tests: keys must share the prefix (or be clamped). */
export function subBucketByFormula(
  layout: SubRangeLayout,
  start: Uint8Array,
  end: Uint8Array,
  key: Uint8Array,
): number {
  if (compareBytes(key, start) < 0) return 0;
  if (end.length > 0 && compareBytes(key, end) >= 0) return layout.count - 1;
  const span = layout.subEnd - layout.subStart;
  if (span <= 0n) return 0;
  const w = windowOf(key, layout.prefixLength);
  const d = w < layout.subStart ? 0n : w - layout.subStart;
  const b = Number((BigInt(layout.count) * d) / span);
  return Math.min(Math.max(b, 0), layout.count - 1);
}
