// One request handler for Connect, gRPC-Web and gRPC over an AdminBackend, used
// by both listeners. Two connect-node adapters share the handlers: the binary
// one registers GetKeyVizMatrix with the pre-encoded wire output; the JSON one
// the genuine GetKeyVizMatrixResponse. Requests are routed by content type.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { setMaxListeners } from 'node:events';
import { createContextValues, type ConnectRouter, type Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { Admin, KeyVizSeries } from '../../src/gen/admin_pb.ts';
import { MAX_MATRIX_ROWS } from '../sampler/request.ts';
import type { AdminBackend } from '../backend.ts';
import { isLoopback } from '../http/listenAddress.ts';
import { Admission, DEFAULT_ADMISSION } from '../http/admission.ts';
import { STREAM_WATCHED, streamEventsImpl } from '../events/rpc.ts';
import { StreamWatch, type Watched } from '../http/streamWatch.ts';
import { bearerAuthInterceptor, bearerHeaderMatches } from './auth.ts';
import { resetUnreadH2Request } from './resetUnread.ts';
import { clampTimeoutHeaders } from './timeouts.ts';
import { fastGzip } from './compression.ts';
import {
  ADMISSION_REFUSED,
  getKeyVizMatrixWire,
  toMatrixRequest,
  matrixEncoders,
  matrixGenericImpl,
  matrixWireImpl,
  overviewImpl,
  raftGroupsImpl,
} from './handlers.ts';
import { hotKeysImpl, RPC_PEER } from './hotkeys.ts';
import { fastProtocolOf, serveMatrixFast, type FastPathOptions } from './matrixFastPath.ts';
import { adapterSummaryImpl, routeDetailImpl } from './consoleHandlers.ts';

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
  /** Heavy calls (GetKeyVizMatrix) in flight and queued; shared with the JSON API. */
  admission?: Admission;
  /** admin_audit lines (GetKeyVizHotKeys, as the JSON endpoint's); default stderr. */
  audit?: (line: string) => void;
  /** Open event streams' connections (shared with the JSON API's events). */
  streamWatch?: StreamWatch;
}

/** HOST:PORT of the caller ([v6]:PORT), '' when the socket is gone. */
function peerOf(req: AnyRequest): string {
  const addr = req.socket?.remoteAddress;
  if (!addr) return '';
  return `${addr.includes(':') ? `[${addr}]` : addr}:${req.socket?.remotePort ?? 0}`;
}

/**
 * The reason a call's admission signal ends with (its response closed, done or not): one value
 * for all, since abort() without one builds a DOMException and its stack per call.
 */
const RESPONSE_CLOSED = Object.freeze({ name: 'ResponseClosed', message: 'response closed' });

/** The one heavy method: its calls go through admission control. */
export const MATRIX_PATH = '/Admin/GetKeyVizMatrix';
/** The streaming method: its connection is watched (streamWatch.ts). */
export const STREAM_EVENTS_PATH = '/Admin/StreamEvents';

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
  const admission = opts.admission ?? new Admission(DEFAULT_ADMISSION);
  const audit = opts.audit ?? ((l: string) => process.stderr.write(`${l}\n`));
  // connect-node links every running call's signal to the shutdown signal (one listener
  // per call, removed when it ends): many concurrent calls are expected, not a leak.
  if (opts.shutdownSignal)
    setMaxListeners(admission.limits.maxInFlight + 1024, opts.shutdownSignal);
  const refused = new WeakSet<AnyRequest>();
  const streamWatch = opts.streamWatch ?? new StreamWatch();
  const watched = new WeakMap<AnyRequest, Watched>();
  const common = {
    readMaxBytes: READ_MAX_BYTES,
    acceptCompression: [fastGzip],
    interceptors,
    grpc: true,
    grpcWeb: true,
    connect: true,
    ...(opts.shutdownSignal ? { shutdownSignal: opts.shutdownSignal } : {}),
    contextValues: (req: AnyRequest) =>
      createContextValues()
        .set(ADMISSION_REFUSED, refused.has(req))
        .set(RPC_PEER, peerOf(req))
        .set(STREAM_WATCHED, watched.get(req) ?? null),
  };
  const enc = matrixEncoders(backend);
  const shared = (r: ConnectRouter) =>
    r
      .rpc(Admin.method.getClusterOverview, overviewImpl(backend))
      .rpc(Admin.method.getRaftGroups, raftGroupsImpl(backend))
      .rpc(
        Admin.method.getKeyVizHotKeys,
        hotKeysImpl(backend, { audit, principal: opts.token ? 'admin_token' : 'none' }),
      )
      .rpc(Admin.method.streamEvents, streamEventsImpl(backend))
      .rpc(Admin.method.getRouteDetail, routeDetailImpl(backend))
      .rpc(Admin.method.getAdapterSummary, adapterSummaryImpl(backend));
  const binary = connectNodeAdapter({
    ...common,
    routes: (r) => shared(r).rpc(getKeyVizMatrixWire, matrixWireImpl(enc)),
  });
  const json = connectNodeAdapter({
    ...common,
    routes: (r) => shared(r).rpc(Admin.method.getKeyVizMatrix, matrixGenericImpl(enc)),
  });
  const wireBytes = enc.wireBytes;
  const fast: FastPathOptions | null = wireBytes
    ? {
        readMaxBytes: READ_MAX_BYTES,
        wireBytes: (r, signal) => wireBytes(toMatrixRequest(r), signal),
        ...(opts.shutdownSignal ? { shutdownSignal: opts.shutdownSignal } : {}),
      }
    : null;
  const authorized = opts.token ? bearerHeaderMatches(opts.token) : () => true;
  const handle = (req: AnyRequest, res: AnyResponse) => {
    // On loopback, compressing a 5 MB matrix costs ~150 ms and saves nothing
    // (for gRPC too: a server may always answer uncompressed).
    // (The peer address costs a syscall per connection: asked only when there is something to
    // drop.)
    const asks = req.headers['accept-encoding'] ?? req.headers['grpc-accept-encoding'];
    if (asks !== undefined && isLoopback(req.socket?.remoteAddress)) {
      delete req.headers['accept-encoding'];
      delete req.headers['grpc-accept-encoding'];
    }
    clampTimeoutHeaders(req.headers);
    resetUnreadH2Request(req);
    const h = isJsonContentType(req.headers['content-type']) ? json : binary;
    // connect-node's handler takes either HTTP version; the union confuses its overloads.
    const call = () => (h as (q: AnyRequest, s: AnyResponse) => void)(req, res);
    const path = (req.url ?? '').split('?')[0];
    if (path === STREAM_EVENTS_PATH) watched.set(req, streamWatch.watch(req, res));
    if (path !== MATRIX_PATH) return call();
    // A caller already gone (a cancelled call read together with its request) is never
    // answered: no slot, no bytes into a closed socket, not even an AbortController.
    void admission.stillThere(req).then((here) => {
      if (!here) return;
      // Admission: the slot is held until the response is done or the client has gone.
      const gone = new AbortController();
      let release: (() => void) | null = null;
      res.once('close', () => {
        // A response sent whole has nothing left to cancel (and an abort costs an event).
        if (!res.writableEnded) gone.abort(RESPONSE_CLOSED);
        release?.();
        release = null;
      });
      return admission.acquire(gone.signal).then((r) => {
        if (!r.ok) {
          if (r.reason === 'aborted') return;
          // connect-node writes the refusal in the caller's protocol.
          refused.add(req);
          return call();
        }
        if (gone.signal.aborted) return r.release();
        release = r.release;
        // Binary codecs, no compression, authorised: the answer's own bytes, no copy.
        const p = fast ? fastProtocolOf(req) : null;
        if (fast && p && authorized(req.headers.authorization)) {
          // Its own errors are answered inside; a throw from a response already torn down
          // must not become an unhandled rejection (which would end the process).
          serveMatrixFast(p, req, res, gone.signal, fast).catch(() => res.destroy());
          return;
        }
        call();
      });
    });
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
