// One request handler for Connect, gRPC-Web and gRPC over an AdminBackend, used
// by both listeners. Two connect-node adapters share the handlers: the binary
// one registers GetKeyVizMatrix with the pre-encoded wire output; the JSON one
// the genuine GetKeyVizMatrixResponse. Requests are routed by content type.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { ConnectRouter, Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { Admin, KeyVizSeries } from '../../src/gen/admin_pb.ts';
import { MAX_MATRIX_ROWS } from '../sampler/request.ts';
import type { AdminBackend } from '../backend.ts';
import { isLoopback } from '../http/listenAddress.ts';
import { bearerAuthInterceptor } from './auth.ts';
import { fastGzip } from './compression.ts';
import {
  getKeyVizMatrixWire,
  matrixEncoders,
  matrixGenericImpl,
  matrixWireImpl,
  overviewImpl,
  raftGroupsImpl,
} from './handlers.ts';
import { adapterSummaryImpl, routeDetailImpl } from './consoleHandlers.ts';
import { hotKeysImpl } from './hotkeys.ts';

/** Largest request body read (1 MiB): a matrix request is a few bytes. */
export const READ_MAX_BYTES = 1 << 20;

export type AnyRequest = IncomingMessage | Http2ServerRequest;
export type AnyResponse = ServerResponse | Http2ServerResponse;
export interface RpcHandler {
  (req: AnyRequest, res: AnyResponse): void;
  /** Computes and encodes the page's first request ahead of time (after start-up). */
  warm(): Promise<void>;
}

export interface RpcOptions {
  backend: AdminBackend;
  /** null = no auth. */
  token: string | null;
  /** Aborted at shutdown: running calls end with Unavailable-like errors. */
  shutdownSignal?: AbortSignal;
}

/** application/json, application/grpc+json, application/grpc-web+json (any params). */
export function isJsonContentType(ct: string | undefined): boolean {
  return /^application\/(?:[a-z-]+\+)?json\b/i.test(ct?.trim() ?? '');
}

/** Paths the RPC handler owns (the service has no proto package). */
export function isRpcPath(path: string): boolean {
  return path.startsWith('/Admin/');
}

export function createRpcHandler(opts: RpcOptions): RpcHandler {
  const { backend } = opts;
  const interceptors: Interceptor[] = opts.token ? [bearerAuthInterceptor(opts.token)] : [];
  const common = {
    readMaxBytes: READ_MAX_BYTES,
    acceptCompression: [fastGzip],
    interceptors,
    grpc: true,
    grpcWeb: true,
    connect: true,
    ...(opts.shutdownSignal ? { shutdownSignal: opts.shutdownSignal } : {}),
  };
  const enc = matrixEncoders(backend);
  const shared = (r: ConnectRouter) =>
    r
      .rpc(Admin.method.getClusterOverview, overviewImpl(backend))
      .rpc(Admin.method.getRaftGroups, raftGroupsImpl(backend))
      .rpc(Admin.method.getRouteDetail, routeDetailImpl(backend))
      .rpc(Admin.method.getAdapterSummary, adapterSummaryImpl(backend))
      .rpc(Admin.method.getKeyVizHotKeys, hotKeysImpl(backend));
  const binary = connectNodeAdapter({
    ...common,
    routes: (r) => shared(r).rpc(getKeyVizMatrixWire, matrixWireImpl(enc)),
  });
  const json = connectNodeAdapter({
    ...common,
    routes: (r) => shared(r).rpc(Admin.method.getKeyVizMatrix, matrixGenericImpl(enc)),
  });
  const handle = (req: AnyRequest, res: AnyResponse) => {
    // On loopback, compressing a 5 MB matrix costs ~150 ms and saves nothing.
    if (isLoopback(req.socket?.remoteAddress)) delete req.headers['accept-encoding'];
    const h = isJsonContentType(req.headers['content-type']) ? json : binary;
    // connect-node's handler takes either HTTP version; the union confuses its overloads.
    (h as (q: AnyRequest, s: AnyResponse) => void)(req, res);
  };
  return Object.assign(handle, {
    warm: async () => {
      // What the page asks first: writes, whole history, 1024 rows.
      await enc.wire(
        {
          series: KeyVizSeries.KEYVIZ_SERIES_WRITES,
          fromUnixMs: 0,
          toUnixMs: 0,
          rows: MAX_MATRIX_ROWS,
        },
        AbortSignal.timeout(10_000),
      );
    },
  });
}
