// A minimal gRPC unary client over node:http2, one per upstream node.
//
// Why not @connectrpc/connect-node's gRPC transport: measured here on a full
// 1024 x 1440 matrix (4.6 MB), connect-node's client spends 60-90 ms reading a
// response that node:http2 delivers in 8-15 ms (its per-chunk async-iterator
// pipeline), which alone would blow the gateway's 20 ms budget. Unary gRPC is
// small enough to speak directly: one 5-byte-enveloped message each way, status in
// the trailers (or in the headers for a trailers-only answer). Failures are
// ConnectErrors: a node's own status keeps its code and message; transport failures
// carry the Node.js error (with its `code`) as `cause` (see errors.ts).
import * as http2 from 'node:http2';
import { Code, ConnectError } from '@connectrpc/connect';

/** Receive windows, per stream and per connection: a full matrix is several MB. */
export const UPSTREAM_WINDOW_BYTES = 16 * 1024 * 1024;
/** Largest answer accepted (a full 1024 x 1440 matrix is about 5-15 MB). */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

const { NGHTTP2_CANCEL } = http2.constants;
/** A deadline timer this late means the loop was busy, not that the node was slow. */
const LATE_LOOP_MS = 20;

export interface GrpcClientOptions {
  /** http://host:port (h2c) or https://host:port (TLS). */
  baseUrl: string;
  /** PEM CA bundle for https. */
  ca?: Buffer;
}

export interface UnaryCall {
  /** "/Admin/GetKeyVizMatrix" */
  path: string;
  /** The serialized request message. */
  request: Uint8Array;
  headers: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
}

/** HTTP status -> gRPC code for answers that are not gRPC at all (gRPC's HTTP mapping). */
function codeFromHttpStatus(status: number): Code {
  switch (status) {
    case 400:
      return Code.Internal;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.Unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.Unavailable;
    default:
      return Code.Unknown;
  }
}

function header(h: http2.IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** grpc-message is percent-encoded. */
function decodeMessage(m: string | undefined): string {
  if (!m) return '';
  try {
    return decodeURIComponent(m);
  } catch {
    return m;
  }
}

function transportError(err: unknown): ConnectError {
  const e = err instanceof Error ? err : new Error(String(err));
  return new ConnectError(e.message, Code.Unavailable, undefined, undefined, e);
}

export class GrpcClient {
  private session: http2.ClientHttp2Session | null = null;

  constructor(private readonly opts: GrpcClientOptions) {}

  private connect(): http2.ClientHttp2Session {
    const live = this.session;
    if (live && !live.closed && !live.destroyed) return live;
    const session = http2.connect(this.opts.baseUrl, {
      settings: { initialWindowSize: UPSTREAM_WINDOW_BYTES },
      ...(this.opts.ca ? { ca: this.opts.ca } : {}),
    });
    const forget = () => {
      if (this.session === session) this.session = null;
    };
    // Errors reach each call through its stream; the session only needs forgetting.
    session.on('error', forget);
    session.on('close', forget);
    session.on('goaway', forget);
    session.once('connect', () => {
      if (!session.destroyed) session.setLocalWindowSize(UPSTREAM_WINDOW_BYTES);
    });
    session.unref(); // an idle upstream connection never keeps the process alive
    this.session = session;
    return session;
  }

  /** Resolves with the answer's message bytes; rejects with a ConnectError. */
  unary(call: UnaryCall): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      if (call.signal.aborted) {
        reject(new ConnectError('request canceled', Code.Canceled));
        return;
      }
      let session: http2.ClientHttp2Session;
      let stream: http2.ClientHttp2Stream;
      try {
        session = this.connect();
        stream = session.request({
          ':method': 'POST',
          ':path': call.path,
          'content-type': 'application/grpc+proto',
          te: 'trailers',
          'grpc-timeout': `${Math.max(1, Math.ceil(call.timeoutMs))}m`,
          'grpc-accept-encoding': 'identity',
          'user-agent': 'keyviz-gateway',
          ...call.headers,
        });
      } catch (e) {
        reject(transportError(e));
        return;
      }
      let done = false;
      const finish = (err: ConnectError | null, value?: Uint8Array) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        call.signal.removeEventListener('abort', onAbort);
        if (err) {
          if (!stream.closed) stream.close(NGHTTP2_CANCEL);
          reject(err);
        } else {
          resolve(value as Uint8Array);
        }
      };
      const dueAt = performance.now() + call.timeoutMs;
      const expire = () => {
        finish(new ConnectError('the operation timed out', Code.DeadlineExceeded));
        // A peer that never finished the HTTP/2 handshake will not answer the next
        // call either: later calls get a fresh connection. Closed gracefully, so
        // calls still in flight on this one end on their own (their own deadline).
        if (session.pendingSettingsAck) {
          if (this.session === session) this.session = null;
          session.close();
        }
      };
      // Timers run before I/O in a loop turn: when this process was busy past the deadline
      // (merging another node's answer, say), an answer that arrived in time is still unread.
      // Give it as long as the loop was late (at most half the timeout) before calling the
      // node failed: a node is reported late only when it was, not when the gateway was.
      let timer = setTimeout(() => {
        const late = performance.now() - dueAt;
        if (late < LATE_LOOP_MS) return expire();
        timer = setTimeout(expire, Math.min(late, call.timeoutMs / 2));
      }, call.timeoutMs);
      const onAbort = () => finish(new ConnectError('request canceled', Code.Canceled));
      call.signal.addEventListener('abort', onAbort);

      let status: string | undefined;
      let message: string | undefined;
      let httpStatus = 0;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('response', (h) => {
        httpStatus = Number(h[':status']);
        status = header(h, 'grpc-status'); // a trailers-only answer
        message = header(h, 'grpc-message');
      });
      stream.on('trailers', (h) => {
        status = header(h, 'grpc-status') ?? status;
        message = header(h, 'grpc-message') ?? message;
      });
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) {
          finish(
            new ConnectError(
              `answer larger than ${MAX_RESPONSE_BYTES} bytes`,
              Code.ResourceExhausted,
            ),
          );
          return;
        }
        chunks.push(c);
      });
      stream.on('error', (e) => finish(transportError(e)));
      stream.on('end', () => {
        if (httpStatus === 0) {
          // Ended before any response headers: the connection went away under us.
          const e = Object.assign(new Error('stream ended without a response'), {
            code: 'ERR_HTTP2_NO_RESPONSE',
          });
          finish(transportError(e));
          return;
        }
        if (httpStatus !== 200) {
          finish(
            new ConnectError(`HTTP ${httpStatus} from upstream`, codeFromHttpStatus(httpStatus)),
          );
          return;
        }
        if (status === undefined) {
          finish(new ConnectError('upstream answer without grpc-status', Code.Internal));
          return;
        }
        if (status !== '0') {
          const code = Number(status);
          const valid = Number.isInteger(code) && code > 0 && code <= 16;
          finish(new ConnectError(decodeMessage(message), valid ? (code as Code) : Code.Unknown));
          return;
        }
        const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
        if (body.length < 5) {
          finish(new ConnectError('upstream answer without a message', Code.Internal));
          return;
        }
        if (body[0] & 1) {
          finish(new ConnectError('compressed answer, identity was asked for', Code.Internal));
          return;
        }
        const len = body.readUInt32BE(1);
        if (body.length !== 5 + len) {
          finish(new ConnectError('malformed gRPC message envelope', Code.Internal));
          return;
        }
        finish(null, new Uint8Array(body.buffer, body.byteOffset + 5, len));
      });
      stream.on('close', () => {
        // Closed without 'end' (reset by the peer, session gone).
        if (!done) {
          const e = Object.assign(new Error(`stream closed (code ${stream.rstCode})`), {
            code: 'ERR_HTTP2_STREAM_CLOSED',
          });
          finish(transportError(e));
        }
      });
      const envelope = Buffer.alloc(5 + call.request.length);
      envelope.writeUInt32BE(call.request.length, 1);
      envelope.set(call.request, 5);
      stream.end(envelope);
    });
  }

  close(): void {
    this.session?.destroy();
    this.session = null;
  }
}
