// The page's Admin client. GetKeyVizMatrix is one plain fetch (src/api/leanRpc.ts), its request
// encoded and its answer split by hand (decodeMatrix.ts, decodeRow.ts): the heatmap's first
// paint needs neither protobuf-es nor connect-web. The live stream is decoded by hand too
// (liveRpc.ts); the node's name uses protobuf-es, loaded on first use (rpcTransport.ts).

import type { Transport } from '@connectrpc/connect';
import type { GetClusterOverviewResponse } from '../gen/admin_pb.ts';
import type { Matrix, Series } from '../data/matrix.ts';
import { clampRows } from '../data/rowBudget.ts';
import { measureSince } from '../data/timing.ts';
import { decodeMatrixBytes } from './decodeMatrix.ts';
import type { TransportKind } from './config.ts';
import { codeName, RpcCode, unaryCall } from './leanRpc.ts';
import type { LiveStream } from './liveEvents.ts';
import { KEYVIZ_DISABLED_MESSAGE } from './nodeMessages.ts';

export interface AdminClientOptions {
  baseUrl: string;
  transport: TransportKind;
  /** Bearer token for `authorization`; read on every call so a new token applies at once. */
  token?: () => string | undefined;
  /** Per-call deadline (ms); none by default. */
  timeoutMs?: number;
  /** Injected fetch (tests, Node). */
  fetch?: typeof globalThis.fetch;
  /** The connect-web transport to share (the console pages call other RPCs on it). */
  shared?: () => Promise<Transport>;
}

export interface MatrixRequest {
  series: Series;
  rows: number;
  /** Inclusive lower bound on flush time; omitted or 0 = unbounded. */
  fromMs?: number;
  /** Exclusive upper bound; omitted or 0 = unbounded. */
  toMs?: number;
  /**
   * Ours (fold_key_space, 1027): fold the buckets the budget drops so the rows tile the key
   * space. A real node ignores it; the answer's keySpaceFolded says whether it was done.
   */
  foldKeySpace?: boolean;
}

export interface AdminClient {
  getMatrix(req: MatrixRequest, signal?: AbortSignal): Promise<Matrix>;
  /** null when the server does not implement GetClusterOverview (a header is optional). */
  getOverview(signal?: AbortSignal): Promise<GetClusterOverviewResponse | null>;
  /** StreamEvents, where the source can ask for it (absent: the page polls). */
  liveStream?: LiveStream;
}

/** KeyVizSeries numbers (proto/admin.proto). */
const SERIES_ENUM: Record<Series, number> = {
  reads: 1,
  writes: 2,
  read_bytes: 3,
  write_bytes: 4,
};

/** Milliseconds as an int64 request field: whole, non-negative, 0 = unbounded. */
function msField(ms: number | undefined): number {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return 0;
  return Math.min(Math.floor(ms), Number.MAX_SAFE_INTEGER);
}

function pushVarint(out: number[], v: number): void {
  // Non-negative and at most 2^53: division keeps it exact where bit operators would wrap.
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/**
 * GetKeyVizMatrixRequest on the wire: series = 1, from_unix_ms = 2, to_unix_ms = 3, rows = 4,
 * zero fields left out as proto3 does.
 */
export function encodeMatrixRequest(req: MatrixRequest): Uint8Array {
  const out: number[] = [];
  const field = (no: number, v: number) => {
    if (v === 0) return;
    pushVarint(out, no << 3); // tags of fields from 16 up take two bytes or more
    pushVarint(out, v);
  };
  field(1, SERIES_ENUM[req.series]);
  field(2, msField(req.fromMs));
  field(3, msField(req.toMs));
  field(4, clampRows(req.rows, 0)); // 0: the node's default
  field(1027, req.foldKeySpace ? 1 : 0);
  return new Uint8Array(out);
}

/** `authorization: Bearer <token>` when a token is set. */
export function authHeaders(token?: () => string | undefined): Record<string, string> | undefined {
  const t = token?.();
  return t ? { authorization: `Bearer ${t}` } : undefined;
}

type RpcModule = typeof import('./rpcTransport.ts');
let rpcModule: Promise<RpcModule> | null = null;
/** connect-web and protobuf-es, fetched once on first use. */
export function loadRpc(): Promise<RpcModule> {
  return (rpcModule ??= import('./rpcTransport.ts'));
}

export function createAdminClient(opts: AdminClientOptions): AdminClient {
  const headers = () => authHeaders(opts.token);
  let own: Promise<Transport> | null = null;
  const transport =
    opts.shared ??
    (() =>
      (own ??= loadRpc().then((m) =>
        m.makeTransport({
          baseUrl: opts.baseUrl,
          transport: opts.transport,
          ...(opts.fetch ? { fetch: opts.fetch } : {}),
        }),
      )));

  return {
    async *liveStream(req, signal) {
      // Decoded by hand (liveWire.ts): Live does not wait for protobuf-es.
      yield* (await import('./liveRpc.ts')).rpcLiveStream(opts, headers)(req, signal);
    },
    async getMatrix(req, signal) {
      const t0 = performance.now();
      const bytes = await unaryCall({
        baseUrl: opts.baseUrl,
        transport: opts.transport,
        path: '/Admin/GetKeyVizMatrix',
        body: encodeMatrixRequest(req),
        headers: headers(),
        signal,
        timeoutMs: opts.timeoutMs,
        fetch: opts.fetch,
      });
      measureSince('keyviz:fetch', t0);
      const t1 = performance.now();
      const matrix = decodeMatrixBytes(bytes, req.series);
      measureSince('keyviz:decode', t1);
      return matrix;
    },

    async getOverview(signal) {
      const [m, t] = await Promise.all([loadRpc(), transport()]);
      return m.getOverview(t, headers(), signal, opts.timeoutMs);
    },
  };
}

/** How the UI should explain a failed load. */
export type LoadFailure = 'disabled' | 'unauthenticated' | 'unreachable' | 'aborted' | 'other';

/** A ConnectError or leanRpc's RpcError (both carry a numeric code and the raw message). */
interface CodedError {
  code: number;
  rawMessage: string;
}

function isCoded(e: unknown): e is CodedError {
  return (
    e instanceof Error &&
    typeof (e as Partial<CodedError>).code === 'number' &&
    typeof (e as Partial<CodedError>).rawMessage === 'string'
  );
}

/** As connect's ConnectError.from: an abort is Canceled, anything else Unknown. */
function coded(e: unknown): CodedError {
  if (isCoded(e)) return e;
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError')) {
    return { code: RpcCode.Canceled, rawMessage: e.message };
  }
  return { code: RpcCode.Unknown, rawMessage: e instanceof Error ? e.message : String(e) };
}

export function classifyError(e: unknown): { kind: LoadFailure; code: string; message: string } {
  const err = coded(e);
  const code = codeName(err.code);
  let kind: LoadFailure;
  switch (err.code) {
    case RpcCode.Unavailable:
      // Only the node's own answer means "switched off"; a proxy, a gateway or the network
      // also say Unavailable when the node was never reached.
      kind = err.rawMessage.includes(KEYVIZ_DISABLED_MESSAGE) ? 'disabled' : 'unreachable';
      break;
    case RpcCode.Unauthenticated:
      kind = 'unauthenticated';
      break;
    case RpcCode.Canceled:
      kind = 'aborted';
      break;
    case RpcCode.Unknown:
      kind = 'unreachable';
      break;
    default:
      kind = 'other';
  }
  return { kind, code, message: err.rawMessage };
}
