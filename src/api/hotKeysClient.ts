// The hot keys of one bucket (contract.md §5.2), from whichever source the page reads: the
// GetKeyVizHotKeys RPC over Connect / gRPC-Web (ours), or the node's JSON endpoint
// /admin/api/v1/keyviz/hotkeys (same-origin cookie session, like the matrix). A real node
// answers the RPC with Unimplemented: the client then asks the JSON endpoint on the same origin,
// and only if that is missing too says this node cannot name hot keys. Reusable by any page: it
// needs a base URL and a source kind, nothing of the heatmap.

import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  Admin,
  KeyVizHotKeysRequestSchema,
  KeyVizSeries,
  type KeyVizHotKeysResponse,
} from '../gen/admin_pb.ts';
import { toBase64 } from '../data/keys.ts';
import { KNOWN_LABELS } from '../data/bucketId.ts';
import {
  BadHotKeysAnswer,
  checkKey,
  hotKeysFromJson,
  MAX_HOT_KEYS,
  MAX_SAMPLE_RATE,
  NODE_SNAPSHOT_WINDOW_MS,
  quoteUint64Members,
  sortHotKeys,
  type HotKeys,
} from '../data/hotKeys.ts';
import { makeTransport } from './rpcTransport.ts';
import { JSON_API_PATH } from './jsonSource.ts';
import { KEYVIZ_DISABLED_MESSAGE } from './nodeMessages.ts';
import type { SourceKind } from './source.ts';

export interface HotKeysRequest {
  /** uint64 as decimal. */
  routeId: string;
  /** '' = the legacy unlabelled slot. */
  label: string;
  subBucket: number | null;
  top: number;
  /** The window asked for, [fromMs, toMs); omitted = the latest snapshot. */
  fromMs?: number;
  toMs?: number;
}

/** Why there are no keys to show; each kind has its own advice in the panel. */
export type HotKeysFailure =
  | 'keyviz_disabled'
  | 'hotkeys_disabled'
  | 'forbidden'
  | 'unauthenticated'
  | 'no_snapshot'
  | 'out_of_window'
  | 'unimplemented'
  | 'unreachable'
  | 'invalid_query'
  | 'bad_response'
  | 'aborted'
  | 'other';

export class HotKeysError extends Error {
  constructor(
    readonly kind: HotKeysFailure,
    message: string,
    /** The server's code ('forbidden', 'PermissionDenied', 'http_502', ...). */
    readonly code: string = kind,
  ) {
    super(message);
    this.name = 'HotKeysError';
  }
}

export interface HotKeysClient {
  get(req: HotKeysRequest, signal?: AbortSignal): Promise<HotKeys>;
}

export interface HotKeysClientOptions {
  baseUrl: string;
  source: SourceKind;
  token?: () => string | undefined;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}

/** Largest JSON body read (1024 keys of 4096 bytes in base64 is about 5.6 MB). */
export const MAX_JSON_BYTES = 8 << 20;

const HOTKEYS_PATH = `${JSON_API_PATH}/keyviz/hotkeys`;

function msOf(v: bigint, field: string): number {
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new BadHotKeysAnswer(field, 'is not a time in unix ms');
  }
  return Number(v);
}

/** The RPC answer -> HotKeys, checked as strictly as the JSON one. */
export function hotKeysFromRpc(r: KeyVizHotKeysResponse): HotKeys {
  if (r.keys.length > MAX_HOT_KEYS) {
    throw new BadHotKeysAnswer('keys', `has more than ${MAX_HOT_KEYS} entries`);
  }
  if (r.sampleRate > MAX_SAMPLE_RATE) {
    throw new BadHotKeysAnswer('sample_rate', `is above ${MAX_SAMPLE_RATE}`);
  }
  const keys = r.keys.map((k, i) => {
    checkKey(k.key, `keys[${i}].key`);
    return { key: k.key, keyB64: toBase64(k.key), count: k.count };
  });
  const snapshotAtMs = msOf(r.snapshotAtUnixMs, 'snapshot_at_unix_ms');
  const wf = msOf(r.windowFromUnixMs, 'window_from_unix_ms');
  const wt = msOf(r.windowToUnixMs, 'window_to_unix_ms');
  const window =
    wt > wf
      ? { fromMs: wf, toMs: wt, inferred: false }
      : snapshotAtMs > 0
        ? { fromMs: snapshotAtMs - NODE_SNAPSHOT_WINDOW_MS, toMs: snapshotAtMs, inferred: true }
        : null;
  if (r.subBucket !== undefined && r.subBucket > 255) {
    throw new BadHotKeysAnswer('sub_bucket', 'is above 255');
  }
  return {
    routeId: r.routeId.toString(),
    label: r.label,
    subBucket: r.subBucket ?? null,
    keys: sortHotKeys(keys),
    approximate: r.approximate,
    sampleRate: r.sampleRate,
    sampledN: r.sampledN,
    droppedSamples: r.droppedSamples,
    skippedLongKeys: r.skippedLongKeys,
    degraded: r.degraded || r.droppedSamples > 0n || r.skippedLongKeys > 0n,
    errorBound: r.errorBound,
    snapshotAtMs,
    window,
    capacity: r.capacity > 0 ? r.capacity : null,
    nodes: r.nodes.map((n) => ({ node: n.node, ok: n.ok, error: n.error })),
  };
}

/** A JSON error answer (`{error, message}`) -> HotKeysError. */
export function jsonFailure(status: number, code: string, message: string): HotKeysError {
  const msg = message || code;
  if (status === 401) return new HotKeysError('unauthenticated', msg, code);
  if (status === 403) return new HotKeysError('forbidden', msg, code);
  if (code === 'keyviz_disabled') return new HotKeysError('keyviz_disabled', msg, code);
  if (code === 'hotkeys_disabled') return new HotKeysError('hotkeys_disabled', msg, code);
  if (code === 'no_snapshot') return new HotKeysError('no_snapshot', msg, code);
  if (code === 'out_of_snapshot_window') return new HotKeysError('out_of_window', msg, code);
  if (code === 'invalid_query') return new HotKeysError('invalid_query', msg, code);
  if (code === 'not_implemented') return new HotKeysError('unimplemented', msg, code);
  // No endpoint on this path (a bare 404/405/501, not the node's JSON error).
  if ((status === 404 || status === 405 || status === 501) && code.startsWith('http_')) {
    return new HotKeysError('unimplemented', msg, code);
  }
  if (status === 0 || /^http_5\d\d$/.test(code)) return new HotKeysError('unreachable', msg, code);
  return new HotKeysError('other', msg, code);
}

/** A Connect error -> HotKeysError (Unimplemented is handled by the caller). */
export function rpcFailure(e: unknown): HotKeysError {
  const err = ConnectError.from(e);
  const code = Code[err.code] ?? String(err.code);
  const msg = err.rawMessage;
  switch (err.code) {
    case Code.Unimplemented:
      return new HotKeysError('unimplemented', msg, code);
    case Code.PermissionDenied:
      return new HotKeysError('forbidden', msg, code);
    case Code.Unauthenticated:
      return new HotKeysError('unauthenticated', msg, code);
    case Code.NotFound:
      return new HotKeysError('no_snapshot', msg, code);
    case Code.OutOfRange:
      return new HotKeysError('out_of_window', msg, code);
    case Code.InvalidArgument:
      return /snapshot.window/i.test(msg)
        ? new HotKeysError('out_of_window', msg, code)
        : new HotKeysError('invalid_query', msg, code);
    case Code.Canceled:
      return new HotKeysError('aborted', msg, code);
    case Code.FailedPrecondition:
    case Code.Unavailable:
      if (msg.includes(KEYVIZ_DISABLED_MESSAGE))
        return new HotKeysError('keyviz_disabled', msg, code);
      if (/hot.?keys/i.test(msg)) return new HotKeysError('hotkeys_disabled', msg, code);
      return new HotKeysError(err.code === Code.Unavailable ? 'unreachable' : 'other', msg, code);
    case Code.Unknown:
    case Code.DeadlineExceeded:
      return new HotKeysError('unreachable', msg, code);
    default:
      return new HotKeysError('other', msg, code);
  }
}

function checkRequest(req: HotKeysRequest): void {
  if (!/^[0-9]{1,20}$/.test(req.routeId)) throw new HotKeysError('invalid_query', 'bad route id');
  if (req.label && !KNOWN_LABELS.includes(req.label)) {
    throw new HotKeysError(
      'invalid_query',
      `label "${req.label}" is not one the node tracks hot keys for`,
    );
  }
}

/** `?route_id=…&label=…` for the JSON endpoint. */
export function hotKeysQuery(req: HotKeysRequest): string {
  const q = new URLSearchParams({ route_id: req.routeId });
  if (req.label) q.set('label', req.label);
  if (req.subBucket !== null) q.set('sub_bucket', String(req.subBucket));
  q.set('top', String(req.top));
  if (req.fromMs && req.fromMs > 0) q.set('from_unix_ms', String(Math.floor(req.fromMs)));
  if (req.toMs && req.toMs > 0) q.set('to_unix_ms', String(Math.floor(req.toMs)));
  return q.toString();
}

async function jsonGet(
  base: string,
  req: HotKeysRequest,
  doFetch: typeof globalThis.fetch,
  signal?: AbortSignal,
): Promise<HotKeys> {
  let res: Response;
  try {
    res = await doFetch(`${base}${HOTKEYS_PATH}?${hotKeysQuery(req)}`, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
      signal,
    });
  } catch (e) {
    if (signal?.aborted) throw new HotKeysError('aborted', 'canceled');
    throw new HotKeysError('unreachable', `no answer from ${base}: ${String(e)}`, 'unreachable');
  }
  const text = await res.text();
  if (text.length > MAX_JSON_BYTES) {
    throw new HotKeysError(
      'bad_response',
      `hot-keys answer is larger than ${MAX_JSON_BYTES} bytes`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(quoteUint64Members(text));
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const o = (body ?? {}) as { error?: unknown; message?: unknown };
    const code = typeof o.error === 'string' ? o.error : `http_${res.status}`;
    const message = typeof o.message === 'string' ? o.message : res.statusText;
    throw jsonFailure(res.status, code, message);
  }
  if (body === undefined) throw new HotKeysError('bad_response', 'hot-keys answer is not JSON');
  try {
    return hotKeysFromJson(body);
  } catch (e) {
    if (e instanceof BadHotKeysAnswer) throw new HotKeysError('bad_response', e.message);
    throw e;
  }
}

export function createHotKeysClient(opts: HotKeysClientOptions): HotKeysClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  if (opts.source === 'json') {
    return {
      async get(req, signal) {
        checkRequest(req);
        return jsonGet(base, req, doFetch, signal);
      },
    };
  }
  const transport = makeTransport({
    baseUrl: base,
    transport: opts.source,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  // Once a node said Unimplemented, later calls go straight to its JSON endpoint.
  let rpcMissing = false;
  return {
    async get(req, signal) {
      checkRequest(req);
      if (!rpcMissing) {
        try {
          const token = opts.token?.();
          const res = await transport.unary(
            Admin.method.getKeyVizHotKeys,
            signal,
            opts.timeoutMs,
            token ? { authorization: `Bearer ${token}` } : undefined,
            create(KeyVizHotKeysRequestSchema, {
              routeId: BigInt(req.routeId),
              label: req.label,
              ...(req.subBucket === null ? {} : { subBucket: req.subBucket }),
              series: KeyVizSeries.KEYVIZ_SERIES_WRITES,
              top: req.top,
              fromUnixMs: BigInt(Math.max(0, Math.floor(req.fromMs ?? 0))),
              toUnixMs: BigInt(Math.max(0, Math.floor(req.toMs ?? 0))),
            }),
          );
          try {
            return hotKeysFromRpc(res.message);
          } catch (e) {
            if (e instanceof BadHotKeysAnswer) throw new HotKeysError('bad_response', e.message);
            throw e;
          }
        } catch (e) {
          if (e instanceof HotKeysError) throw e;
          const f = rpcFailure(e);
          if (f.kind !== 'unimplemented') throw f;
          rpcMissing = true;
        }
      }
      try {
        return await jsonGet(base, req, doFetch, signal);
      } catch (e) {
        if (e instanceof HotKeysError && e.kind === 'unimplemented') {
          // A server that wrote why (a gateway naming the nodes behind it) keeps its words.
          const why =
            e.code === 'not_implemented' && e.message !== e.code
              ? e.message
              : 'it answers neither GetKeyVizHotKeys nor /admin/api/v1/keyviz/hotkeys';
          throw new HotKeysError('unimplemented', `this node cannot name hot keys: ${why}`, e.code);
        }
        throw e;
      }
    },
  };
}
