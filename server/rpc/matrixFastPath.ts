// GetKeyVizMatrix on the binary codecs (Connect application/proto, gRPC,
// gRPC-Web), answered without connect-node: its unary path serialises the
// answer again per call (a copy of the whole pre-encoded message) and frames
// gRPC/gRPC-Web in a second copy, so each call held one or two 5+ MB buffers
// until written or cancelled. Here every response sends the answer's memoised
// bytes themselves behind a 5-byte envelope header of its own, in bounded
// slices with backpressure (writeBounded.ts): a call holds no copy, and a
// cancelled one drops nothing but its views.
//
// Only the plain case is taken: no request or response compression, and no
// auth failure (connect-node answers those, and everything else, as before).
import type { Http2ServerResponse } from 'node:http2';
import { fromBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  codeToHttpStatus,
  errorToJsonBytes,
  parseTimeout as parseConnectTimeout,
} from '@connectrpc/connect/protocol-connect';
import {
  parseTimeout as parseGrpcTimeout,
  setTrailerStatus,
} from '@connectrpc/connect/protocol-grpc';
import {
  GetKeyVizMatrixRequestSchema,
  type GetKeyVizMatrixRequest,
} from '../../src/gen/admin_pb.ts';
import { H2_WRITE_SLICE_BYTES, WRITE_SLICE_BYTES, writeBounded } from '../http/writeBounded.ts';
import { MAX_TIMEOUT_MS } from './timeouts.ts';
import type { AnyRequest, AnyResponse } from './router.ts';

export type FastProtocol = 'connect' | 'grpc' | 'grpc-web';

/** The protocol of a request the fast path may take, or null (connect-node takes it). */
export function fastProtocolOf(req: AnyRequest): FastProtocol | null {
  if (req.method !== 'POST') return null;
  const h = req.headers;
  const ct = (h['content-type'] ?? '').trim().toLowerCase();
  const compressed = (v: string | string[] | undefined) =>
    v !== undefined && String(v).trim().toLowerCase() !== 'identity';
  // Response compression asked for: connect-node negotiates and compresses.
  const acceptsGzip = (v: string | string[] | undefined) => /gzip/i.test(String(v ?? ''));
  if (ct === 'application/proto') {
    if (compressed(h['content-encoding']) || acceptsGzip(h['accept-encoding'])) return null;
    return 'connect';
  }
  if (ct === 'application/grpc' || ct === 'application/grpc+proto') {
    if (req.httpVersionMajor !== 2) return null;
    if (compressed(h['grpc-encoding']) || acceptsGzip(h['grpc-accept-encoding'])) return null;
    return 'grpc';
  }
  if (ct === 'application/grpc-web' || ct === 'application/grpc-web+proto') {
    if (compressed(h['grpc-encoding']) || acceptsGzip(h['grpc-accept-encoding'])) return null;
    return 'grpc-web';
  }
  return null;
}

/** Reads the body up to `max` bytes; null when over (the caller refuses). */
function readBody(req: AnyRequest, max: number, signal: AbortSignal): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const done = (v: Uint8Array | null) => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const onData = (c: Buffer) => {
      n += c.length;
      if (n > max) return done(null);
      chunks.push(c);
    };
    const onEnd = () => done(Buffer.concat(chunks));
    const onError = (e: Error) => {
      signal.removeEventListener('abort', onAbort);
      reject(e);
    };
    const onAbort = () => onError(signal.reason as Error);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The request message from the body: Connect sends it bare, gRPC(-Web) in one envelope. */
function requestMessage(p: FastProtocol, body: Uint8Array): Uint8Array {
  if (p === 'connect') return body;
  if (body.length < 5) throw new ConnectError('protocol error: incomplete envelope', Code.Internal);
  if ((body[0] & 0x01) !== 0) {
    throw new ConnectError('protocol error: received compressed envelope', Code.Internal);
  }
  const len = new DataView(body.buffer, body.byteOffset).getUint32(1);
  if (body.length !== 5 + len) {
    throw new ConnectError(
      `protocol error: expected one envelope of ${len} bytes, got ${body.length - 5}`,
      Code.InvalidArgument,
    );
  }
  return body.subarray(5);
}

function envelopeHeader(flags: number, len: number): Uint8Array {
  const h = new Uint8Array(5);
  h[0] = flags;
  new DataView(h.buffer).setUint32(1, len);
  return h;
}

/** grpc-status / grpc-message (and details) for `err` (undefined = OK), as a plain header object. */
function grpcStatus(err: ConnectError | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  setTrailerStatus(new Headers(), err).forEach((v, k) => (out[k] = v));
  return out;
}

/** gRPC-Web's trailer frame: the status as HTTP/1-style header lines in an 0x80 envelope. */
function grpcWebTrailer(err: ConnectError | undefined): Uint8Array {
  const text = Object.entries(grpcStatus(err))
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const body = new TextEncoder().encode(text);
  const out = new Uint8Array(5 + body.length);
  out.set(envelopeHeader(0x80, body.length), 0);
  out.set(body, 5);
  return out;
}

const CONTENT_TYPE: Record<FastProtocol, string> = {
  connect: 'application/proto',
  grpc: 'application/grpc+proto',
  'grpc-web': 'application/grpc-web+proto',
};

/** The caller's protocol's error answer (nothing when the client has gone). */
function writeError(p: FastProtocol, res: AnyResponse, err: ConnectError): void {
  if (res.headersSent || res.writableEnded) {
    // Mid-body: gRPC can still end with an error status; the others can only stop.
    if (p === 'grpc' && !res.writableEnded) {
      (res as Http2ServerResponse).addTrailers(grpcStatus(err));
      res.end();
    } else if (!res.writableEnded) {
      res.destroy();
    }
    return;
  }
  if (p === 'connect') {
    const body = errorToJsonBytes(err, {});
    res.writeHead(codeToHttpStatus(err.code), {
      'content-type': 'application/json',
      'content-length': String(body.length),
    });
    res.end(body);
    return;
  }
  if (p === 'grpc') {
    // Headers, then the status in trailers (as connect-node answers: clients wait for trailers).
    res.writeHead(200, { 'content-type': CONTENT_TYPE.grpc });
    (res as Http2ServerResponse).addTrailers(grpcStatus(err));
    res.end();
    return;
  }
  const trailer = grpcWebTrailer(err);
  res.writeHead(200, {
    'content-type': CONTENT_TYPE['grpc-web'],
    'content-length': String(trailer.length),
  });
  res.end(trailer);
}

export interface FastPathOptions {
  readMaxBytes: number;
  /** The answer's memoised wire bytes (the whole GetKeyVizMatrixResponse). */
  wireBytes: (req: GetKeyVizMatrixRequest, signal: AbortSignal) => Promise<Uint8Array>;
  shutdownSignal?: AbortSignal;
}

function toRequest(msg: Uint8Array): GetKeyVizMatrixRequest {
  try {
    return fromBinary(GetKeyVizMatrixRequestSchema, msg);
  } catch (e) {
    // The words connect-node uses for the same failure.
    throw new ConnectError(
      `parse binary: ${e instanceof Error ? e.message : String(e)}`,
      Code.Internal,
    );
  }
}

/**
 * Serves one call; resolves when the response is done or abandoned. `gone`
 * aborts when the client has gone (the router's signal, also its admission's).
 */
/**
 * One reason for every call whose client left: a flood of cancelling clients made an Error (and
 * its stack) per call, a tenth of the server's time in the load bench's cancel levels.
 */
let gone: ConnectError | undefined;
const clientGone = (): ConnectError => (gone ??= new ConnectError('client gone', Code.Canceled));

export async function serveMatrixFast(
  p: FastProtocol,
  req: AnyRequest,
  res: AnyResponse,
  gone: AbortSignal,
  opts: FastPathOptions,
): Promise<void> {
  const ctl = new AbortController();
  const abort = (why: unknown) => ctl.abort(why);
  const onGone = () => abort(clientGone());
  const onShutdown = () => abort(new ConnectError('server shutting down', Code.Unavailable));
  gone.addEventListener('abort', onGone, { once: true });
  opts.shutdownSignal?.addEventListener('abort', onShutdown, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    if (gone.aborted) return;
    const header =
      p === 'connect' ? req.headers['connect-timeout-ms'] : req.headers['grpc-timeout'];
    const t = (p === 'connect' ? parseConnectTimeout : parseGrpcTimeout)(
      typeof header === 'string' ? header : null,
      MAX_TIMEOUT_MS,
    );
    if (t.error) throw t.error;
    if (t.timeoutMs !== undefined) {
      timer = setTimeout(
        () => abort(new ConnectError('the operation timed out', Code.DeadlineExceeded)),
        t.timeoutMs,
      );
    }
    const body = await readBody(req, opts.readMaxBytes + 5, ctl.signal);
    if (body === null) {
      throw new ConnectError(
        `message size is larger than configured readMaxBytes ${opts.readMaxBytes}`,
        Code.ResourceExhausted,
      );
    }
    const request = toRequest(requestMessage(p, body));
    const bytes = await opts.wireBytes(request, ctl.signal);
    if (ctl.signal.aborted) throw ctl.signal.reason;
    const slice = req.httpVersionMajor === 2 ? H2_WRITE_SLICE_BYTES : WRITE_SLICE_BYTES;
    if (p === 'connect') {
      res.writeHead(200, {
        'content-type': CONTENT_TYPE.connect,
        'content-length': String(bytes.length),
      });
      if (await writeBounded(res, [bytes], slice)) res.end();
      return;
    }
    const trailer = p === 'grpc-web' ? grpcWebTrailer(undefined) : undefined;
    res.writeHead(200, {
      'content-type': CONTENT_TYPE[p],
      ...(trailer ? { 'content-length': String(5 + bytes.length + trailer.length) } : {}),
    });
    const parts = [envelopeHeader(0, bytes.length), bytes, ...(trailer ? [trailer] : [])];
    if (!(await writeBounded(res, parts, slice))) return;
    if (p === 'grpc') (res as Http2ServerResponse).addTrailers(grpcStatus(undefined));
    res.end();
  } catch (e) {
    if (gone.aborted) return;
    writeError(p, res, ConnectError.from(ctl.signal.aborted ? ctl.signal.reason : e));
  } finally {
    clearTimeout(timer);
    gone.removeEventListener('abort', onGone);
    opts.shutdownSignal?.removeEventListener('abort', onShutdown);
  }
}
