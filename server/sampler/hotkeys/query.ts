// Answers one hot-key request from the held windows (contract §5.2, plus ours):
// no window asked -> the latest (the node's only answer). A window asked ->
// every held window whose column falls in it, merged (sum per key; the bound,
// sampled_n, dropped and skipped add up); none held -> the node's overlap rule
// against the latest window (with the configured step, not the node's fixed
// 60 s), else out_of_snapshot_window. A sub-bucket filters the route's top keys
// to its byte range before truncation to `top`.
import { compareBytes } from '../keys.ts';
import { subBucketRange, subRangeLayout } from '../subBuckets.ts';
import type { RouteInfo } from '../types.ts';
import type { WindowHistory } from './history.ts';
import { keyToBytes, type SketchEntry } from './spaceSaving.ts';
import { slotKey, sumEntries, type HotKeyWindow } from './window.ts';

export interface HotKeysQuery {
  routeId: number;
  label: string;
  subBucket: number | null;
  /** Already clamped to 1..1024 by the protocol layer; clamped to m here. */
  top: number;
  fromMs: number;
  toMs: number;
}

export interface HotKey {
  key: Uint8Array;
  /** Sketch count x sample rate. */
  count: number;
}

export interface HotKeysResult {
  keys: HotKey[];
  sampleRate: number;
  sampledN: number;
  droppedSamples: number;
  skippedLongKeys: number;
  errorBound: number;
  /** Flush time of the newest window answered. */
  snapshotAtMs: number;
  windowFromMs: number;
  windowToMs: number;
  /** Held windows merged into the answer. */
  windows: number;
  capacity: number;
}

export type HotKeysOutcome =
  | { ok: true; result: HotKeysResult }
  | { ok: false; kind: 'no_snapshot' | 'out_of_snapshot_window' | 'sub_bucket_out_of_range' };

export interface HotKeysContext {
  history: WindowHistory;
  /** The route, when it exists and has its own row (not folded into a virtual bucket). */
  route: RouteInfo | undefined;
  /**
   * The route is gone (removed or merged away): only windows that hold its
   * slot answer, so a bare latest-window query still says no_snapshot.
   */
  retired?: boolean;
  stepMs: number;
  keyBucketsPerRoute: number;
  capacity: number;
}

/** The node's check: [from, to] overlaps [snapshotAt - step, snapshotAt] (0 = open side). */
export function overlapsLatest(
  w: HotKeyWindow,
  stepMs: number,
  fromMs: number,
  toMs: number,
): boolean {
  return (fromMs === 0 || fromMs <= w.toMs) && (toMs === 0 || toMs >= w.toMs - stepMs);
}

export function queryHotKeys(ctx: HotKeysContext, q: HotKeysQuery): HotKeysOutcome {
  const { route } = ctx;
  if (!route) return { ok: false, kind: 'no_snapshot' };
  let range: { lo: Uint8Array; hi: Uint8Array } | null = null;
  if (q.subBucket !== null) {
    const layout = subRangeLayout(route.start, route.end, ctx.keyBucketsPerRoute);
    if (q.subBucket >= layout.count) return { ok: false, kind: 'sub_bucket_out_of_range' };
    range = subBucketRange(route.start, route.end, layout, q.subBucket);
  }
  const latest = ctx.history.latest();
  if (!latest) return { ok: false, kind: 'no_snapshot' };
  let chosen: HotKeyWindow[];
  if (q.fromMs === 0 && q.toMs === 0) chosen = [latest];
  else {
    chosen = ctx.history.select(q.fromMs, q.toMs);
    if (chosen.length === 0) {
      if (!overlapsLatest(latest, ctx.stepMs, q.fromMs, q.toMs)) {
        return { ok: false, kind: 'out_of_snapshot_window' };
      }
      chosen = [latest];
    }
  }
  const k = slotKey(q.routeId, q.label);
  if (ctx.retired) {
    chosen = chosen.filter((w) => w.slots.has(k));
    if (chosen.length === 0) return { ok: false, kind: 'no_snapshot' };
  }
  const lists: SketchEntry[][] = [];
  let sampledN = 0;
  let errorBound = 0;
  let dropped = 0;
  let skipped = 0;
  let rate = 0;
  let capacity = 0;
  let from = Infinity;
  let to = -Infinity;
  for (const w of chosen) {
    dropped += w.droppedSamples;
    skipped += w.skippedLongKeys;
    rate = Math.max(rate, w.sampleRate);
    capacity = Math.max(capacity, w.capacity);
    from = Math.min(from, w.fromMs);
    to = Math.max(to, w.toMs);
    const s = w.slots.get(k);
    if (!s) continue;
    sampledN += s.sampledN;
    errorBound += s.errorBound;
    lists.push(s.entries.map((e) => ({ key: e.key, count: e.count * w.sampleRate })));
  }
  let keys = sumEntries(lists, Infinity).map((e) => ({ key: keyToBytes(e.key), count: e.count }));
  if (range) {
    const { lo, hi } = range;
    keys = keys.filter(
      (e) => compareBytes(e.key, lo) >= 0 && (hi.length === 0 || compareBytes(e.key, hi) < 0),
    );
  }
  const top = Math.min(q.top, ctx.capacity > 0 ? ctx.capacity : 256);
  if (keys.length > top) keys.length = top;
  return {
    ok: true,
    result: {
      keys,
      sampleRate: rate,
      sampledN,
      droppedSamples: dropped,
      skippedLongKeys: skipped,
      errorBound,
      snapshotAtMs: to,
      windowFromMs: from,
      windowToMs: to,
      windows: chosen.length,
      capacity,
    },
  };
}
