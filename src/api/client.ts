// The page's Admin client. GetKeyVizMatrix goes through the wire view (rows as raw bytes) and
// the hand-rolled row decoder; other RPCs use the generated types as they are.

import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web';
import {
  Admin,
  GetClusterOverviewRequestSchema,
  GetKeyVizMatrixRequestSchema,
  KeyVizSeries,
  type GetClusterOverviewResponse,
} from '../gen/admin_pb.ts';
import { GetKeyVizMatrixResponseWireSchema } from '../gen/keyviz_wire_pb.ts';
import type { Matrix, Series } from '../data/matrix.ts';
import { clampRows } from '../data/rowBudget.ts';
import { measureSince } from '../data/timing.ts';
import { decodeMatrixWire } from './decodeMatrix.ts';
import type { TransportKind } from './config.ts';
import { KEYVIZ_DISABLED_MESSAGE } from './nodeMessages.ts';
import { connectLiveStream, type LiveStream } from './liveEvents.ts';

export interface AdminClientOptions {
  baseUrl: string;
  transport: TransportKind;
  /** Bearer token for `authorization`; read on every call so a new token applies at once. */
  token?: () => string | undefined;
  /** Per-call deadline (ms); none by default. */
  timeoutMs?: number;
  /** Injected fetch (tests, Node). */
  fetch?: typeof globalThis.fetch;
  /** A transport to share (the console pages call other RPCs on it). */
  shared?: Transport;
}

export interface MatrixRequest {
  series: Series;
  rows: number;
  /** Inclusive lower bound on flush time; omitted or 0 = unbounded. */
  fromMs?: number;
  /** Exclusive upper bound; omitted or 0 = unbounded. */
  toMs?: number;
}

export interface AdminClient {
  getMatrix(req: MatrixRequest, signal?: AbortSignal): Promise<Matrix>;
  /** null when the server does not implement GetClusterOverview (a header is optional). */
  getOverview(signal?: AbortSignal): Promise<GetClusterOverviewResponse | null>;
  /** StreamEvents, where the source can ask for it (absent: the page polls). */
  liveStream?: LiveStream;
}

const SERIES_ENUM: Record<Series, KeyVizSeries> = {
  reads: KeyVizSeries.KEYVIZ_SERIES_READS,
  writes: KeyVizSeries.KEYVIZ_SERIES_WRITES,
  read_bytes: KeyVizSeries.KEYVIZ_SERIES_READ_BYTES,
  write_bytes: KeyVizSeries.KEYVIZ_SERIES_WRITE_BYTES,
};

/** Same path (/Admin/GetKeyVizMatrix) and wire, but rows arrive as byte slices. */
const GET_MATRIX_WIRE = {
  ...Admin.method.getKeyVizMatrix,
  output: GetKeyVizMatrixResponseWireSchema,
};

/** Milliseconds as an int64 request field: whole, non-negative, 0 = unbounded. */
function msField(ms: number | undefined): bigint {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return 0n;
  return BigInt(Math.floor(ms));
}

export function makeTransport(opts: AdminClientOptions): Transport {
  const common = { baseUrl: opts.baseUrl, ...(opts.fetch ? { fetch: opts.fetch } : {}) };
  return opts.transport === 'grpc-web'
    ? createGrpcWebTransport({ ...common, useBinaryFormat: true })
    : createConnectTransport({ ...common, useBinaryFormat: true });
}

/** `authorization: Bearer <token>` when a token is set. */
export function authHeaders(token?: () => string | undefined): Record<string, string> | undefined {
  const t = token?.();
  return t ? { authorization: `Bearer ${t}` } : undefined;
}

export function createAdminClient(opts: AdminClientOptions): AdminClient {
  // Straight to the transport, as connect's promise client would, without its code in the bundle.
  const transport = opts.shared ?? makeTransport(opts);
  const headers = () => authHeaders(opts.token);

  return {
    liveStream: connectLiveStream(transport, headers),
    async getMatrix(req, signal) {
      const input = {
        series: SERIES_ENUM[req.series],
        rows: clampRows(req.rows, 0), // 0: the node's default
        fromUnixMs: msField(req.fromMs),
        toUnixMs: msField(req.toMs),
      };
      const t0 = performance.now();
      const res = await transport.unary(
        GET_MATRIX_WIRE,
        signal,
        opts.timeoutMs,
        headers(),
        create(GetKeyVizMatrixRequestSchema, input),
      );
      measureSince('keyviz:fetch', t0);
      const t1 = performance.now();
      const matrix = decodeMatrixWire(res.message, req.series);
      measureSince('keyviz:decode', t1);
      return matrix;
    },

    async getOverview(signal) {
      try {
        const res = await transport.unary(
          Admin.method.getClusterOverview,
          signal,
          opts.timeoutMs,
          headers(),
          create(GetClusterOverviewRequestSchema),
        );
        return res.message;
      } catch (e) {
        const err = ConnectError.from(e);
        if (err.code === Code.Unimplemented) return null;
        throw err;
      }
    },
  };
}

/** How the UI should explain a failed load. */
export type LoadFailure = 'disabled' | 'unauthenticated' | 'unreachable' | 'aborted' | 'other';

export function classifyError(e: unknown): { kind: LoadFailure; code: string; message: string } {
  const err = ConnectError.from(e);
  const code = Code[err.code] ?? String(err.code);
  let kind: LoadFailure;
  switch (err.code) {
    case Code.Unavailable:
      // Only the node's own answer means "switched off"; a proxy, a gateway or the network
      // also say Unavailable when the node was never reached.
      kind = err.rawMessage.includes(KEYVIZ_DISABLED_MESSAGE) ? 'disabled' : 'unreachable';
      break;
    case Code.Unauthenticated:
      kind = 'unauthenticated';
      break;
    case Code.Canceled:
      kind = 'aborted';
      break;
    case Code.Unknown:
      kind = 'unreachable';
      break;
    default:
      kind = 'other';
  }
  return { kind, code, message: err.rawMessage };
}
