// Hot keys through the gateway: GetKeyVizHotKeys fanned out to every node over
// gRPC, merged by the node's cluster rules (contract §5.2, mergeHotKeyResponses):
// per key sum of counts, count desc then key_b64 asc, truncated to the caller's
// top only after the merge; error_bound, sampled_n, dropped and skipped summed;
// sample_rate max; degraded recomputed as an OR; snapshot_at max; identity from
// the request. Ours: window_from min, window_to max, capacity max, one status
// per node. A node without hot keys (FailedPrecondition, i.e. 503
// hotkeys_disabled; Unimplemented, i.e. a real node, which serves hot keys on
// its JSON API only) or without a snapshot is just not ok; when every node is
// one of those, hotKeysFailure says which.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  KeyVizHotKeysRequestSchema,
  KeyVizHotKeysResponseSchema,
  KeyVizSeries,
  type KeyVizHotKeysResponse,
} from '../../src/gen/admin_pb.ts';
import { hotKeysDisabled, noSnapshot } from '../hotkeys/errors.ts';
import { MAX_HOT_KEYS_TOP, type HotKeysAnswer, type HotKeysRequest } from '../hotkeys/types.ts';
import type { UpstreamStatus } from '../sampler/types.ts';
import { combineFailures } from './errors.ts';
import { alignedTime } from './merge.ts';

export const PATH_HOT_KEYS = '/Admin/GetKeyVizHotKeys';

/** A window of flush times, [fromMs, toMs) (0 = open on that side). */
export interface FlushWindow {
  fromMs: number;
  toMs: number;
}

/**
 * The caller's window in the gateway's aligned column times -> the window each node is
 * asked for. An aligned column T holds every node flush t in (T - step, T] (merge.ts
 * alignedTime). A node picks its windows by overlap (contract §5.2; a window flushed at
 * t covers the traffic of (t - step, t]), so the one time T - step + 1 meets exactly
 * the window of the flush in (T - step, T], whatever the node's phase: the aligned
 * columns first..last in [from, to) become [first - step + 1, last - step + 2). A
 * window holding no step boundary names no aligned column: the caller gave exact flush
 * times (the gateway shows those where the nodes' times coincide), and it passes on
 * unchanged, as does the latest window (0, 0) and anything with no step known.
 */
export function alignedHotKeysWindow(
  fromMs: number,
  toMs: number,
  stepMs: number,
): FlushWindow & { aligned: boolean } {
  const asked = { fromMs, toMs, aligned: false };
  if (stepMs <= 0 || (fromMs <= 0 && toMs <= 0)) return asked;
  const first = fromMs > 0 ? alignedTime(fromMs, stepMs) : 0;
  const last = toMs > 0 ? Math.floor((toMs - 1) / stepMs) * stepMs : Infinity;
  if (last <= 0 || first > last) return asked;
  return {
    fromMs: fromMs > 0 ? first - stepMs + 1 : 0,
    toMs: toMs > 0 ? last - stepMs + 2 : 0,
    aligned: true,
  };
}

/**
 * The merged answer's window [from, to) in the same aligned times as the columns it
 * was asked for (a node's window [t - step, t) becomes [T - step, T)), so the answer
 * to a clicked column says that column's extent, and anything else (a node answering
 * its latest window instead) shows as a different window.
 */
export function alignAnswerWindow(a: HotKeysAnswer, stepMs: number): HotKeysAnswer {
  if (stepMs <= 0 || a.windowToMs <= 0) return a;
  return {
    ...a,
    windowFromMs: alignedTime(a.windowFromMs, stepMs),
    windowToMs: alignedTime(a.windowToMs, stepMs),
  };
}

/** What every node is asked: the window (in its flush times), all the keys it has (top 1024). */
export function hotKeysUpstreamRequest(req: HotKeysRequest, window?: FlushWindow): Uint8Array {
  return toBinary(
    KeyVizHotKeysRequestSchema,
    create(KeyVizHotKeysRequestSchema, {
      routeId: req.routeId,
      label: req.label,
      ...(req.subBucket !== null ? { subBucket: req.subBucket } : {}),
      series: KeyVizSeries.KEYVIZ_SERIES_WRITES,
      top: MAX_HOT_KEYS_TOP,
      fromUnixMs: BigInt(window?.fromMs ?? req.fromUnixMs),
      toUnixMs: BigInt(window?.toMs ?? req.toUnixMs),
    }),
  );
}

export function decodeHotKeys(bytes: Uint8Array): KeyVizHotKeysResponse {
  return fromBinary(KeyVizHotKeysResponseSchema, bytes);
}

function b64(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64');
}

/** The merge itself (pure): answers of the nodes that had a snapshot. */
export function mergeHotKeyAnswers(
  req: HotKeysRequest,
  parts: readonly KeyVizHotKeysResponse[],
  nodes: UpstreamStatus[],
): HotKeysAnswer {
  const sums = new Map<string, { key: Uint8Array; count: bigint }>();
  let errorBound = 0n;
  let sampledN = 0n;
  let dropped = 0n;
  let skipped = 0n;
  let rate = 0;
  let capacity = 0;
  let snapshotAt = 0n;
  let from = 0n;
  let to = 0n;
  let windows = 0;
  for (const p of parts) {
    for (const k of p.keys) {
      const id = b64(k.key);
      const prev = sums.get(id);
      if (prev) prev.count += k.count;
      else sums.set(id, { key: k.key, count: k.count });
    }
    errorBound += p.errorBound;
    sampledN += p.sampledN;
    dropped += p.droppedSamples;
    skipped += p.skippedLongKeys;
    rate = Math.max(rate, p.sampleRate);
    capacity = Math.max(capacity, p.capacity);
    if (p.snapshotAtUnixMs > snapshotAt) snapshotAt = p.snapshotAtUnixMs;
    if (from === 0n || (p.windowFromUnixMs !== 0n && p.windowFromUnixMs < from)) {
      from = p.windowFromUnixMs;
    }
    if (p.windowToUnixMs > to) to = p.windowToUnixMs;
    windows++;
  }
  const keys = [...sums.entries()]
    .sort(([ka, a], [kb, b]) =>
      a.count === b.count ? (ka < kb ? -1 : ka > kb ? 1 : 0) : a.count > b.count ? -1 : 1,
    )
    .map(([, v]) => ({ key: v.key, count: Number(v.count) }));
  const top = Math.min(req.top, capacity > 0 ? capacity : 256);
  if (keys.length > top) keys.length = top;
  return {
    routeId: req.routeId,
    label: req.label,
    subBucket: req.subBucket,
    keys,
    sampleRate: rate,
    sampledN: Number(sampledN),
    droppedSamples: Number(dropped),
    skippedLongKeys: Number(skipped),
    errorBound: Number(errorBound),
    snapshotAtMs: Number(snapshotAt),
    windowFromMs: Number(from),
    windowToMs: Number(to),
    windows,
    capacity,
    nodes,
  };
}

/** Every node answered Unimplemented: none of them can name hot keys over gRPC. */
export function hotKeysUnimplemented(nodes: readonly string[]): ConnectError {
  return new ConnectError(
    `no node behind this gateway serves GetKeyVizHotKeys: ${nodes.join(', ')} answered ` +
      'Unimplemented. A node built from elastickv main names hot keys only on its own JSON ' +
      'admin API (/admin/api/v1/keyviz/hotkeys), which the gateway does not reach: open that ' +
      "node's page, or put keyviz servers behind the gateway",
    Code.Unimplemented,
  );
}

/**
 * No node had an answer. Among the nodes that did answer (unreachable and timed
 * out ones say nothing about the route): a bad request is bad everywhere
 * (InvalidArgument); every node without the RPC (real nodes) -> Unimplemented,
 * naming them (hot keys may well be on there); hot keys off on every node, or off
 * on some and missing on the rest -> FailedPrecondition; no snapshot on any ->
 * NotFound; only windows out of range -> OutOfRange; else the failures combined
 * as for the matrix.
 */
export function hotKeysFailure(failures: { node: string; error: ConnectError }[]): ConnectError {
  const missing = (e: ConnectError) => e.code === Code.Unimplemented;
  const disabled = (e: ConnectError) =>
    e.code === Code.FailedPrecondition && e.rawMessage.includes('--keyvizHotKeysEnabled');
  const off = (e: ConnectError) => missing(e) || disabled(e);
  const silent = (e: ConnectError) =>
    e.code === Code.Unavailable || e.code === Code.DeadlineExceeded || e.code === Code.Canceled;
  const bad = failures.find((f) => f.error.code === Code.InvalidArgument);
  if (bad) return new ConnectError(bad.error.rawMessage, Code.InvalidArgument);
  const answered = failures.filter((f) => !silent(f.error)).map((f) => f.error);
  if (failures.length > 0 && failures.every((f) => missing(f.error))) {
    return hotKeysUnimplemented(failures.map((f) => f.node));
  }
  if (failures.every((f) => disabled(f.error))) return hotKeysDisabled();
  if (failures.every((f) => off(f.error))) {
    // Mixed: the flag is the fix on the nodes that have it off; the others are named.
    const name = (pick: (e: ConnectError) => boolean) =>
      failures.flatMap((f) => (pick(f.error) ? [f.node] : [])).join(', ');
    return new ConnectError(
      `hot-keys drill-down is not enabled on ${name(disabled)} (--keyvizHotKeysEnabled); ` +
        `${name(missing)} answered GetKeyVizHotKeys with Unimplemented (no hot keys over gRPC)`,
      Code.FailedPrecondition,
    );
  }
  const known = (e: ConnectError) =>
    off(e) || e.code === Code.NotFound || e.code === Code.OutOfRange;
  if (answered.length > 0 && answered.every(known) && !answered.every(off)) {
    const window = answered.find((e) => e.code === Code.OutOfRange);
    if (window && !answered.some((e) => e.code === Code.NotFound)) {
      return new ConnectError(window.rawMessage, Code.OutOfRange);
    }
    return noSnapshot(true);
  }
  return combineFailures(failures);
}
