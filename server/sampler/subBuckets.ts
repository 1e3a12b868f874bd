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

/**
 * The layout packed for observe (one typed array, so a lookup touches one
 * object instead of the bounds array and a Uint8Array per probe: with
 * thousands of routes every one of those is a cache miss, ~1 us a call):
 * [0] count n, [1] prefix length p, [2] offset of the `trailing` free entries
 * (the caller's, e.g. child rows), [3, 3 + p) the prefix bytes, then n - 1
 * thresholds subStart + ceil(i * span / n) as (high, low) 32-bit halves.
 */
export function packSubRanges(
  start: Uint8Array,
  layout: SubRangeLayout,
  trailing: number,
): Int32Array {
  const p = layout.prefixLength;
  const n = layout.count;
  const at = 3 + p + 2 * (n - 1);
  const d = new Int32Array(at + trailing);
  d[0] = n;
  d[1] = p;
  d[2] = at;
  for (let i = 0; i < p; i++) d[3 + i] = start[i];
  const span = layout.subEnd > layout.subStart ? layout.subEnd - layout.subStart : 0n;
  for (let i = 1; i < n; i++) {
    const t = layout.subStart + (BigInt(i) * span + BigInt(n) - 1n) / BigInt(n);
    d[3 + p + 2 * (i - 1)] = Number(t >> 32n) | 0;
    d[3 + p + 2 * (i - 1) + 1] = Number(t & 0xffffffffn) | 0;
  }
  return d;
}

/**
 * subBucketOf over a layout packed at d[at...], without BigInt. A key outside
 * the prefix sorts below or above every bound (they all start with it): the
 * first or last bucket, as the byte search clamps it. A key inside the prefix
 * compares with a bound as its 8-byte window does with the bound's threshold
 * (a bound is prefix + threshold with trailing zero bytes trimmed), so the
 * window's rank among the thresholds is the byte search's answer, i.e. the
 * floor formula.
 */
export function subBucketOfPacked(d: Int32Array, at: number, key: Uint8Array): number {
  const n = d[at];
  if (n === 1) return 0;
  const p = d[at + 1];
  const len = key.length;
  for (let i = 0; i < p; i++) {
    if (i >= len) return 0; // a proper prefix of the prefix sorts first
    const diff = key[i] - d[at + 3 + i];
    if (diff !== 0) return diff < 0 ? 0 : n - 1;
  }
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 4; i++) {
    const j = p + i;
    hi = (hi << 8) | (j < len ? key[j] : 0);
    const k = p + 4 + i;
    lo = (lo << 8) | (k < len ? key[k] : 0);
  }
  hi >>>= 0;
  lo >>>= 0;
  const base = at + 3 + p;
  // Count of thresholds <= the window: binary search over n - 1 pairs.
  let a = 0;
  let b = n - 1;
  while (a < b) {
    const mid = (a + b) >>> 1;
    const th = d[base + 2 * mid] >>> 0;
    const tl = d[base + 2 * mid + 1] >>> 0;
    if (th < hi || (th === hi && tl <= lo)) a = mid + 1;
    else b = mid;
  }
  return a;
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
