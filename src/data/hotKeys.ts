// The page's model of one hot-keys answer (contract.md §5.2), the strict reading of the node's
// JSON body, and the node's merge rules for answers of several buckets. Pure: no fetch, no DOM.
// Counts are uint64 and stay bigint; every field is checked because the keys are user data and
// the answer may come from anything that answers on the node's path.

import { fromBase64 } from './keys.ts';
import { MAX_UINT64, parseUint64 } from './bucketId.ts';
import { compareKeys } from './view/keyOrder.ts';

/** The node clamps `top` to 1024; more keys than that is not a node's answer. */
export const MAX_HOT_KEYS = 1024;
/** The node's MaxHotKeysMaxKeyLen: longer keys are skipped before sampling. */
export const MAX_HOT_KEY_BYTES = 4096;
/** The node's MaxHotKeysSampleRate. */
export const MAX_SAMPLE_RATE = 1024;
/** Top-N choices the panel offers (256 is the node's largest sketch). */
export const TOP_CHOICES = [10, 20, 50, 256] as const;
export const DEFAULT_TOP = 20;
/** The node's DefaultStep: without window keys, a snapshot covers [snapshot_at - 60 s, snapshot_at]. */
export const NODE_SNAPSHOT_WINDOW_MS = 60_000;

export interface HotKey {
  key: Uint8Array;
  /** Standard padded base64 of key: the merge key and the node's spelling. */
  keyB64: string;
  /** Sketch count x sample rate. */
  count: bigint;
}

export interface HotKeyNode {
  node: string;
  ok: boolean;
  error: string;
}

/** What every hot-key answer, merged or not, says about its keys and their sampling. */
export interface HotKeyCounts {
  /** Count descending, ties by base64 ascending (the node's order). */
  keys: HotKey[];
  sampleRate: number;
  sampledN: bigint;
  droppedSamples: bigint;
  skippedLongKeys: bigint;
  degraded: boolean;
  errorBound: bigint;
}

export interface HotKeys extends HotKeyCounts {
  routeId: string;
  label: string;
  subBucket: number | null;
  approximate: boolean;
  /** Unix ms; 0 when the answer had none. */
  snapshotAtMs: number;
  /** The window the keys describe, [fromMs, toMs); `inferred` when only snapshot_at said so. */
  window: { fromMs: number; toMs: number; inferred: boolean } | null;
  /** Sketch capacity m; null when the answer did not say. */
  capacity: number | null;
  /** Cluster view: how each node answered; empty for one node. */
  nodes: HotKeyNode[];
}

/** An answer that is not a hot-keys answer; `field` names what was wrong. */
export class BadHotKeysAnswer extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`hot-keys answer: ${field} ${detail}`);
    this.name = 'BadHotKeysAnswer';
  }
}

const UINT64_KEYS = [
  'route_id',
  'count',
  'sampled_n',
  'dropped_samples',
  'skipped_long_keys',
  'error_bound',
];

/**
 * JSON.parse rounds integers above 2^53: quote the uint64 members first. Only a member name
 * right after `{` or `,` matches; a name inside a JSON string has its quotes escaped.
 */
export function quoteUint64Members(text: string): string {
  const re = new RegExp(
    `([{,]\\s*"(?:${UINT64_KEYS.join('|')})"\\s*:\\s*)(-?[0-9]+)(?=\\s*[,}])`,
    'g',
  );
  return text.replace(re, '$1"$2"');
}

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function u64(o: Obj, k: string, required: boolean): bigint {
  const v = o[k];
  if (v === undefined && !required) return 0n;
  const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
  const ok = s === null ? null : parseUint64(s);
  if (ok === null) throw new BadHotKeysAnswer(k, 'is not an unsigned 64-bit integer');
  return BigInt(ok);
}

function int(o: Obj, k: string, min: number, max: number): number | null {
  const v = o[k];
  if (v === undefined) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new BadHotKeysAnswer(k, `is not a whole number in ${min}..${max}`);
  }
  return v;
}

function str(o: Obj, k: string): string {
  const v = o[k];
  if (v === undefined) return '';
  if (typeof v !== 'string') throw new BadHotKeysAnswer(k, 'is not a string');
  return v;
}

function bool(o: Obj, k: string): boolean {
  const v = o[k];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new BadHotKeysAnswer(k, 'is not a boolean');
  return v;
}

/** RFC 3339 -> unix ms; throws when it is not a date. */
function rfc3339(o: Obj, k: string): number {
  const v = o[k];
  if (v === undefined) return 0;
  if (
    typeof v !== 'string' ||
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v)
  ) {
    throw new BadHotKeysAnswer(k, 'is not an RFC 3339 time');
  }
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) throw new BadHotKeysAnswer(k, 'is not an RFC 3339 time');
  // Go's zero time (0001-01-01) means "none".
  return ms < 0 ? 0 : ms;
}

/** Keys in the node's order (count desc, base64 asc), whatever order they came in. */
export function sortHotKeys(keys: HotKey[]): HotKey[] {
  return keys.sort((a, b) =>
    a.count !== b.count
      ? a.count > b.count
        ? -1
        : 1
      : a.keyB64 < b.keyB64
        ? -1
        : a.keyB64 > b.keyB64
          ? 1
          : 0,
  );
}

/** Checks a key's bytes as any answer must carry them. */
export function checkKey(key: Uint8Array, where: string): void {
  if (key.length > MAX_HOT_KEY_BYTES) {
    throw new BadHotKeysAnswer(where, `is longer than ${MAX_HOT_KEY_BYTES} bytes`);
  }
}

/** The node's JSON body (already through quoteUint64Members and JSON.parse) -> HotKeys. */
export function hotKeysFromJson(body: unknown): HotKeys {
  if (!isObj(body)) throw new BadHotKeysAnswer('body', 'is not an object');
  const rawKeys = body.keys;
  if (!Array.isArray(rawKeys)) throw new BadHotKeysAnswer('keys', 'is not an array');
  if (rawKeys.length > MAX_HOT_KEYS) {
    throw new BadHotKeysAnswer('keys', `has more than ${MAX_HOT_KEYS} entries`);
  }
  const keys = rawKeys.map((k, i): HotKey => {
    const where = `keys[${i}]`;
    if (!isObj(k)) throw new BadHotKeysAnswer(where, 'is not an object');
    const b64 = k.key_b64;
    if (
      typeof b64 !== 'string' ||
      !B64.test(b64) ||
      b64.length > ((MAX_HOT_KEY_BYTES + 2) / 3) * 4 + 4
    ) {
      throw new BadHotKeysAnswer(`${where}.key_b64`, 'is not standard base64 of a key');
    }
    const key = fromBase64(b64);
    checkKey(key, `${where}.key_b64`);
    return { key, keyB64: b64, count: u64(k, 'count', true) };
  });
  const sampleRate = int(body, 'sample_rate', 0, MAX_SAMPLE_RATE) ?? 0;
  const snapshotAtMs = rfc3339(body, 'snapshot_at');
  // Ours beyond the node: which window the keys describe.
  const wf = int(body, 'window_from_unix_ms', 0, Number.MAX_SAFE_INTEGER);
  const wt = int(body, 'window_to_unix_ms', 0, Number.MAX_SAFE_INTEGER);
  let window: HotKeys['window'] = null;
  if (wf !== null && wt !== null && wt > wf) window = { fromMs: wf, toMs: wt, inferred: false };
  else if (snapshotAtMs > 0) {
    window = { fromMs: snapshotAtMs - NODE_SNAPSHOT_WINDOW_MS, toMs: snapshotAtMs, inferred: true };
  }
  const label = str(body, 'label');
  let nodes: HotKeyNode[] = [];
  if (body.fanout !== undefined) {
    const f = body.fanout;
    if (!isObj(f) || !Array.isArray(f.nodes) || f.nodes.length > MAX_HOT_KEYS) {
      throw new BadHotKeysAnswer('fanout', 'is not a fan-out summary');
    }
    nodes = f.nodes.map((n, i) => {
      if (!isObj(n)) throw new BadHotKeysAnswer(`fanout.nodes[${i}]`, 'is not an object');
      return { node: str(n, 'node'), ok: bool(n, 'ok'), error: str(n, 'error') };
    });
  }
  const dropped = u64(body, 'dropped_samples', false);
  const skipped = u64(body, 'skipped_long_keys', false);
  return {
    routeId: u64(body, 'route_id', true).toString(),
    label,
    subBucket: int(body, 'sub_bucket', 0, 255),
    keys: sortHotKeys(keys),
    approximate: body.approximate === undefined ? true : bool(body, 'approximate'),
    sampleRate,
    sampledN: u64(body, 'sampled_n', false),
    droppedSamples: dropped,
    skippedLongKeys: skipped,
    // Recomputed as the node does: a body that says otherwise cannot hide a loss.
    degraded: bool(body, 'degraded') || dropped > 0n || skipped > 0n,
    errorBound: u64(body, 'error_bound', false),
    snapshotAtMs,
    window,
    capacity: int(body, 'capacity', 0, 1 << 16),
    nodes,
  };
}

/** One bucket's answer in a merge, and how it went. */
export interface MergeInput {
  bucketId: string;
  answer: HotKeys | null;
  /** Why there is no answer ('' when there is one). */
  error: string;
}

export interface MergedHotKeys extends HotKeyCounts {
  snapshotAtMs: number;
  /** The smallest window holding every answer's window; null when none said. */
  window: { fromMs: number; toMs: number } | null;
  /** Every answer described the same window. */
  sameWindow: boolean;
  answered: number;
  failed: { bucketId: string; error: string }[];
  /** Distinct keys left out for lying outside the bounds asked (0 without bounds). */
  outside: number;
  /** The largest sketch capacity m any answer reported; null when none did. */
  capacity: number | null;
}

/**
 * start <= key < end, bytes unsigned; an empty end is unbounded. (Here, not in keyOrder.ts: that
 * module is on the first paint, and only the hot-keys chunk needs this.)
 */
export function inKeyRange(key: Uint8Array, start: Uint8Array, end: Uint8Array): boolean {
  return compareKeys(key, start) >= 0 && (end.length === 0 || compareKeys(key, end) < 0);
}

/** A key range [lo, hi) the merged keys must lie in; an empty hi is open. */
export interface KeyBounds {
  lo: Uint8Array;
  hi: Uint8Array;
}

/**
 * The node's cluster merge (§5.2, mergeHotKeyResponses) applied to buckets: counts summed per
 * key, sorted by count desc then base64 asc, cut to `top`; error bounds, sampled, dropped and
 * skipped summed; the sample rate the largest; degraded if any is; snapshot the latest.
 * With `bounds`, keys outside them are left out before the cut (a bucket may reach beyond the
 * range asked about) and counted in `outside`; the sampled totals still cover whole buckets.
 */
export function mergeHotKeys(
  inputs: MergeInput[],
  top: number,
  /**
   * 'sum' across nodes (the node's rule). 'max' across buckets of one node: its dropped and
   * skipped counters are node-wide, copied into every route's snapshot, so summing would
   * count them once per bucket.
   */
  nodeCounters: 'sum' | 'max' = 'sum',
  bounds?: KeyBounds,
): MergedHotKeys {
  const byKey = new Map<string, HotKey>();
  let sampleRate = 0;
  let sampledN = 0n;
  let droppedSamples = 0n;
  let skippedLongKeys = 0n;
  let errorBound = 0n;
  let degraded = false;
  let snapshotAtMs = 0;
  let window: MergedHotKeys['window'] = null;
  let sameWindow = true;
  let answered = 0;
  let capacity: number | null = null;
  const failed: MergedHotKeys['failed'] = [];
  const cap = (v: bigint) => (v > MAX_UINT64 ? MAX_UINT64 : v);
  for (const inp of inputs) {
    const a = inp.answer;
    if (!a) {
      failed.push({ bucketId: inp.bucketId, error: inp.error });
      continue;
    }
    answered++;
    if (a.capacity !== null) capacity = Math.max(capacity ?? 0, a.capacity);
    for (const k of a.keys) {
      const prev = byKey.get(k.keyB64);
      byKey.set(k.keyB64, prev ? { ...prev, count: cap(prev.count + k.count) } : { ...k });
    }
    sampleRate = Math.max(sampleRate, a.sampleRate);
    sampledN = cap(sampledN + a.sampledN);
    if (nodeCounters === 'sum') {
      droppedSamples = cap(droppedSamples + a.droppedSamples);
      skippedLongKeys = cap(skippedLongKeys + a.skippedLongKeys);
    } else {
      if (a.droppedSamples > droppedSamples) droppedSamples = a.droppedSamples;
      if (a.skippedLongKeys > skippedLongKeys) skippedLongKeys = a.skippedLongKeys;
    }
    errorBound = cap(errorBound + a.errorBound);
    degraded ||= a.degraded;
    snapshotAtMs = Math.max(snapshotAtMs, a.snapshotAtMs);
    if (a.window) {
      if (!window) window = { fromMs: a.window.fromMs, toMs: a.window.toMs };
      else {
        if (a.window.fromMs !== window.fromMs || a.window.toMs !== window.toMs) sameWindow = false;
        window = {
          fromMs: Math.min(window.fromMs, a.window.fromMs),
          toMs: Math.max(window.toMs, a.window.toMs),
        };
      }
    }
  }
  let merged = [...byKey.values()];
  let outside = 0;
  if (bounds) {
    const inside = merged.filter((k) => inKeyRange(k.key, bounds.lo, bounds.hi));
    outside = merged.length - inside.length;
    merged = inside;
  }
  const keys = sortHotKeys(merged).slice(0, Math.max(0, top));
  return {
    keys,
    sampleRate,
    sampledN,
    droppedSamples,
    skippedLongKeys,
    degraded: degraded || droppedSamples > 0n || skippedLongKeys > 0n,
    errorBound,
    snapshotAtMs,
    window,
    sameWindow,
    answered,
    failed,
    outside,
    capacity,
  };
}

/**
 * A key's share of a total, as a percentage with one decimal ('' when the total is 0). An
 * estimate above the total (1-in-R sampling scaled up, Space-Saving's overcount: one sample of
 * R = 16 against a 7-write cell read "228.6%") is the whole of it, said as "≈100%".
 */
export function sharePercent(count: bigint, total: bigint): string {
  if (total <= 0n) return '';
  if (count > total) return '≈100%';
  // Tenths of a percent, rounded half up, in bigint so 20-digit counts stay exact.
  const tenths = (count * 2000n + total) / (2n * total);
  return `${tenths / 10n}.${tenths % 10n}%`;
}
