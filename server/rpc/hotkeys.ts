// GetKeyVizHotKeys (our extension of the Admin service; fields from 1000): the
// JSON endpoint's data over Connect, gRPC-Web and gRPC. Same checks and
// messages as the JSON endpoint where proto3 can express them: top 0 means the
// default 20 (proto3 cannot tell omitted from 0); series UNSPECIFIED or WRITES.
// Error codes: server/hotkeys/errors.ts.
import { create } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  createContextKey,
  type HandlerContext,
  type MethodImpl,
} from '@connectrpc/connect';
import {
  Admin,
  KeyVizHotKeySchema,
  KeyVizHotKeysResponseSchema,
  KeyVizSeries,
  NodeStatusSchema,
  type KeyVizHotKeysRequest,
  type KeyVizHotKeysResponse,
} from '../../src/gen/admin_pb.ts';
import type { AdminBackend } from '../backend.ts';
import { invalidQuery } from '../hotkeys/errors.ts';
import {
  DEFAULT_HOT_KEYS_TOP,
  MAX_HOT_KEYS_TOP,
  type HotKeysAnswer,
  type HotKeysRequest,
} from '../hotkeys/types.ts';
import { isAdapterLabel } from '../sampler/labels.ts';

function clampSafe(v: bigint): number {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(v > max ? max : v < -max ? -max : v);
}

/** The RPC request -> the shared request; throws InvalidArgument as the JSON endpoint would. */
export function toHotKeysRequest(req: KeyVizHotKeysRequest): HotKeysRequest {
  if (req.label !== '' && !isAdapterLabel(req.label)) {
    throw invalidQuery('label must be a known KeyViz adapter label');
  }
  if (
    req.series !== KeyVizSeries.KEYVIZ_SERIES_UNSPECIFIED &&
    req.series !== KeyVizSeries.KEYVIZ_SERIES_WRITES
  ) {
    throw invalidQuery("series: v1 supports only 'writes' (design §5)");
  }
  if (req.fromUnixMs !== 0n && req.toUnixMs !== 0n && req.fromUnixMs > req.toUnixMs) {
    throw invalidQuery('from_unix_ms must be <= to_unix_ms');
  }
  return {
    routeId: req.routeId,
    label: req.label,
    subBucket: req.subBucket ?? null,
    top: req.top === 0 ? DEFAULT_HOT_KEYS_TOP : Math.min(req.top, MAX_HOT_KEYS_TOP),
    fromUnixMs: clampSafe(req.fromUnixMs),
    toUnixMs: clampSafe(req.toUnixMs),
    ...(req.exactColumns ? { exactColumns: true } : {}),
  };
}

export function toHotKeysResponse(a: HotKeysAnswer): KeyVizHotKeysResponse {
  return create(KeyVizHotKeysResponseSchema, {
    routeId: a.routeId,
    label: a.label,
    ...(a.subBucket !== null ? { subBucket: a.subBucket } : {}),
    series: KeyVizSeries.KEYVIZ_SERIES_WRITES,
    keys: a.keys.map((k) => create(KeyVizHotKeySchema, { key: k.key, count: BigInt(k.count) })),
    approximate: true,
    sampleRate: a.sampleRate,
    sampledN: BigInt(a.sampledN),
    droppedSamples: BigInt(a.droppedSamples),
    skippedLongKeys: BigInt(a.skippedLongKeys),
    degraded: a.droppedSamples > 0 || a.skippedLongKeys > 0,
    errorBound: BigInt(a.errorBound),
    snapshotAtUnixMs: BigInt(a.snapshotAtMs),
    windowFromUnixMs: BigInt(a.windowFromMs),
    windowToUnixMs: BigInt(a.windowToMs),
    capacity: a.capacity,
    nodes: a.nodes.map((n) =>
      create(NodeStatusSchema, {
        node: n.node,
        ok: n.ok,
        error: n.error,
        code: n.code,
        latencyMs: Math.max(0, Math.round(n.latencyMs)),
      }),
    ),
  });
}

/** The caller's address, HOST:PORT (set per request by the router; '' when unknown). */
export const RPC_PEER = createContextKey('', { description: 'rpc peer address' });

export const HOT_KEYS_RPC_PATH = '/Admin/GetKeyVizHotKeys';

export interface HotKeysRpcAudit {
  /** One admin_audit line per successful call (no key bytes). */
  audit: (line: string) => void;
  /**
   * Who may call: 'admin_token' (every call carried the server's one admin token, which is
   * full access) or 'none' (the server runs without a token: whoever reaches the port).
   */
  principal: 'admin_token' | 'none';
}

function protocolOf(ctx: HandlerContext): string {
  const ct = ctx.requestHeader.get('content-type') ?? '';
  if (/^application\/grpc-web/i.test(ct)) return 'grpc_web';
  if (/^application\/grpc/i.test(ct)) return 'grpc';
  return 'connect';
}

/**
 * The JSON endpoint's admin_audit line (server/jsonapi/hotkeys.ts) for the RPC, plus the
 * window asked, the protocol and the caller's address. Never a key byte, never the token.
 */
export function hotKeysAuditLine(
  r: HotKeysRequest,
  a: HotKeysAnswer,
  who: { principal: string; peer: string; protocol: string },
): string {
  return (
    `admin_audit component=admin.keyviz.hotkeys method=POST path=${HOT_KEYS_RPC_PATH}` +
    ` protocol=${who.protocol} route_id=${r.routeId} label=${r.label}` +
    ` top=${Math.min(r.top, a.capacity || 256)} series=writes` +
    ` returned=${a.keys.length} degraded=${a.droppedSamples > 0 || a.skippedLongKeys > 0}` +
    ` sub_bucket=${r.subBucket ?? -1} from_unix_ms=${r.fromUnixMs} to_unix_ms=${r.toUnixMs}` +
    ` principal=${who.principal} peer=${who.peer || 'unknown'}`
  );
}

export function hotKeysImpl(
  backend: AdminBackend,
  audit?: HotKeysRpcAudit,
): MethodImpl<typeof Admin.method.getKeyVizHotKeys> {
  return async (req, ctx) => {
    if (!backend.getKeyVizHotKeys) {
      throw new ConnectError('hot keys are not served by this backend', Code.Unimplemented);
    }
    const r = toHotKeysRequest(req);
    const a = await backend.getKeyVizHotKeys(r, ctx.signal);
    audit?.audit(
      hotKeysAuditLine(r, a, {
        principal: audit.principal,
        peer: ctx.values.get(RPC_PEER),
        protocol: protocolOf(ctx),
      }),
    );
    return toHotKeysResponse(a);
  };
}
