// GET /admin/api/v1/keyviz/hotkeys (contract §5.2): the node's parameters,
// checks, messages and response key order, over any AdminBackend. Keys beyond
// the node's are appended after them (window_from_unix_ms, window_to_unix_ms,
// windows, capacity): which window [from, to) the keys describe, how many held
// windows were merged, and the sketch capacity m.
import type { AdminBackend } from '../backend.ts';
import { Code, ConnectError } from '@connectrpc/connect';
import { hotKeysApiError } from '../hotkeys/errors.ts';
import {
  DEFAULT_HOT_KEYS_TOP,
  MAX_HOT_KEYS_TOP,
  type HotKeysAnswer,
  type HotKeysRequest,
} from '../hotkeys/types.ts';
import { isAdapterLabel } from '../sampler/labels.ts';
import type { ApiError } from './errors.ts';
import { fanoutJson, rfc3339 } from './encodeMatrix.ts';
import { parseInt64 } from './query.ts';
import type { Session } from './session.ts';

export const HOTKEYS_PATH = '/admin/api/v1/keyviz/hotkeys';
export const FORBIDDEN_MESSAGE = 'this endpoint requires admin.full_access_keys membership';
const UINT64_MAX = (1n << 64n) - 1n;
const INT32_MAX = 2 ** 31 - 1;

export type HotKeysQuery = { ok: true; request: HotKeysRequest } | { ok: false; message: string };

/** Go's strconv.Atoi: optional sign, decimal digits, fits an int. */
function atoi(raw: string): number | null {
  if (!/^[+-]?\d+$/.test(raw)) return null;
  const v = Number(raw);
  return Math.abs(v) <= Number.MAX_SAFE_INTEGER ? v : null;
}

function clampSafe(v: bigint): number {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(v > max ? max : v < -max ? -max : v);
}

/** The node's parameter checks, in its order; the first failure is the answer. */
export function parseHotKeysQuery(p: URLSearchParams): HotKeysQuery {
  const fail = (message: string): HotKeysQuery => ({ ok: false, message });
  const rawId = p.get('route_id') ?? '';
  if (rawId === '') return fail('route_id is required');
  if (!/^\d+$/.test(rawId) || BigInt(rawId) > UINT64_MAX) {
    return fail('route_id must be an unsigned 64-bit integer');
  }
  const label = p.get('label') ?? '';
  if (label !== '' && !isAdapterLabel(label)) {
    return fail('label must be a known KeyViz adapter label');
  }
  let subBucket: number | null = null;
  const rawSub = p.get('sub_bucket') ?? '';
  if (rawSub !== '') {
    const v = atoi(rawSub);
    if (v === null || v < 0 || v > INT32_MAX)
      return fail('sub_bucket must be a non-negative integer');
    subBucket = v;
  }
  const series = p.get('series') ?? '';
  if (series !== '' && series !== 'writes') {
    return fail("series: v1 supports only 'writes' (design §5)");
  }
  let top = DEFAULT_HOT_KEYS_TOP;
  const rawTop = p.get('top') ?? '';
  if (rawTop !== '') {
    const v = atoi(rawTop);
    if (v === null || v <= 0) return fail('top must be a positive integer');
    top = Math.min(v, MAX_HOT_KEYS_TOP);
  }
  const win = { from_unix_ms: 0n, to_unix_ms: 0n };
  for (const name of ['from_unix_ms', 'to_unix_ms'] as const) {
    const raw = p.get(name) ?? '';
    if (raw === '') continue;
    const v = parseInt64(raw);
    if (v === null) return fail(`${name} must be an integer`);
    win[name] = v;
  }
  if (win.from_unix_ms !== 0n && win.to_unix_ms !== 0n && win.from_unix_ms > win.to_unix_ms) {
    return fail('from_unix_ms must be <= to_unix_ms');
  }
  // Ours (docs/gateway.md): from/to are exact node flush times, not aligned column times.
  const exactRaw = p.get('exact_columns') ?? '';
  if (!['', 'true', 'false', '1', '0'].includes(exactRaw)) {
    return fail('exact_columns must be true or false');
  }
  return {
    ok: true,
    request: {
      routeId: BigInt(rawId),
      label,
      subBucket,
      top,
      fromUnixMs: clampSafe(win.from_unix_ms),
      toUnixMs: clampSafe(win.to_unix_ms),
      ...(exactRaw === 'true' || exactRaw === '1' ? { exactColumns: true } : {}),
    },
  };
}

function b64(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64');
}

/** The response object in the node's key order, then ours. */
export function encodeHotKeysJson(a: HotKeysAnswer): string {
  const keys = a.keys.map((k) => `{"key_b64":"${b64(k.key)}","count":${k.count}}`);
  const degraded = a.droppedSamples > 0 || a.skippedLongKeys > 0;
  return (
    `{"route_id":${a.routeId.toString()}` +
    (a.label !== '' ? `,"label":${JSON.stringify(a.label)}` : '') +
    (a.subBucket !== null ? `,"sub_bucket":${a.subBucket}` : '') +
    `,"series":"writes","keys":[${keys.join(',')}],"approximate":true` +
    `,"sample_rate":${a.sampleRate},"sampled_n":${a.sampledN}` +
    `,"dropped_samples":${a.droppedSamples},"skipped_long_keys":${a.skippedLongKeys}` +
    `,"degraded":${degraded},"error_bound":${a.errorBound}` +
    `,"snapshot_at":"${rfc3339(a.snapshotAtMs)}"` +
    (a.nodes.length > 0 ? `,"fanout":${fanoutJson(a.nodes)}` : '') +
    `,"window_from_unix_ms":${a.windowFromMs},"window_to_unix_ms":${a.windowToMs}` +
    `,"windows":${a.windows},"capacity":${a.capacity}}`
  );
}

export interface HotKeysEndpointDeps {
  backend: AdminBackend;
  /** One admin_audit line per successful call (no key bytes). */
  audit: (line: string) => void;
}

export interface EndpointAnswer {
  status: number;
  body: string;
}

function errorBody(e: ApiError): EndpointAnswer {
  return {
    status: e.status,
    body: JSON.stringify(e.message ? { error: e.code, message: e.message } : { error: e.code }),
  };
}

/** A signed-in request (the caller has checked the session exists). */
export async function serveHotKeys(
  deps: HotKeysEndpointDeps,
  url: URL,
  session: Session | null,
  signal: AbortSignal,
): Promise<EndpointAnswer> {
  // Key bytes are user data: full access only.
  if (!session || session.role !== 'full') {
    return errorBody({ status: 403, code: 'forbidden', message: FORBIDDEN_MESSAGE });
  }
  const q = parseHotKeysQuery(url.searchParams);
  if (!q.ok) return errorBody({ status: 400, code: 'invalid_query', message: q.message });
  try {
    if (!deps.backend.getKeyVizHotKeys) {
      throw new ConnectError('hot keys are not served by this backend', Code.Unimplemented);
    }
    const a = await deps.backend.getKeyVizHotKeys(q.request, signal);
    const r = q.request;
    deps.audit(
      `admin_audit component=admin.keyviz.hotkeys method=GET path=${HOTKEYS_PATH}` +
        ` route_id=${r.routeId} label=${r.label} top=${Math.min(r.top, a.capacity || 256)}` +
        ` series=writes` +
        ` returned=${a.keys.length} degraded=${a.droppedSamples > 0 || a.skippedLongKeys > 0}` +
        ` sub_bucket=${r.subBucket ?? -1} principal=${session.accessKey}`,
    );
    return { status: 200, body: encodeHotKeysJson(a) };
  } catch (e) {
    if (signal.aborted) throw e;
    const err = hotKeysApiError(e);
    if (err.status === 500) console.error('json api: hotkeys', e);
    return errorBody(err);
  }
}
