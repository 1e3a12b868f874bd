// One binary unary call over Connect or gRPC-Web with plain fetch: the heatmap's matrix call,
// so the first paint of /keyviz carries neither protobuf-es nor connect-web (about 20 kB gzip;
// issue 17). The console pages, hot keys and the live stream still use connect-web, loaded
// later (src/api/rpcTransport.ts). Errors mirror connect's ConnectError (same numeric codes,
// `rawMessage`), so src/api/client.ts's classifyError treats both alike.

import type { TransportKind } from './config.ts';

/** gRPC status codes (the numbers of connect's `Code` enum). */
export const RpcCode = {
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
} as const;

const CODE_NAMES: string[] = [];
for (const [name, n] of Object.entries(RpcCode)) CODE_NAMES[n] = name;

/** `Unavailable` for 14, or the number as text for a code outside the table. */
export function codeName(code: number): string {
  return CODE_NAMES[code] ?? String(code);
}

/** Connect's wire name of a code: `InvalidArgument` <-> `invalid_argument`. */
export function codeFromWire(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const camel = s.replace(/(^|_)([a-z])/g, (_m, _u: string, c: string) => c.toUpperCase());
  return s === 'cancelled' ? RpcCode.Canceled : RpcCode[camel as keyof typeof RpcCode];
}

/** A failed call: the shape of connect's ConnectError (code, rawMessage, `[code] message`). */
export class RpcError extends Error {
  override name = 'ConnectError';
  constructor(
    readonly rawMessage: string,
    readonly code: number,
  ) {
    const wire = codeName(code)
      .replace(/[a-z](?=[A-Z])/g, '$&_')
      .toLowerCase();
    super(rawMessage ? `[${wire}] ${rawMessage}` : `[${wire}]`);
  }
}

/** HTTP status -> code, as https://github.com/grpc/grpc/blob/master/doc/http-grpc-status-mapping.md. */
export function codeFromHttp(status: number): number {
  switch (status) {
    case 400:
      return RpcCode.Internal;
    case 401:
      return RpcCode.Unauthenticated;
    case 403:
      return RpcCode.PermissionDenied;
    case 404:
      return RpcCode.Unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return RpcCode.Unavailable;
    default:
      return RpcCode.Unknown;
  }
}

/** What every call names: unary (below) and streaming (leanStream.ts). */
export interface CallBase {
  baseUrl: string;
  transport: TransportKind;
  /** `/Service/Method` */
  path: string;
  /** The encoded request message. */
  body: Uint8Array;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  fetch?: typeof globalThis.fetch;
}

export interface UnaryCall extends CallBase {
  timeoutMs?: number;
}

/** A binary call's own headers: gRPC-Web's, else Connect's with its (unary or stream) type. */
export function protocolHeaders(grpcWeb: boolean, connectType: string): Record<string, string> {
  return grpcWeb
    ? { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1' }
    : { 'content-type': connectType, 'connect-protocol-version': '1' };
}

/** A failure that is not the server's answer: the caller's abort, or fetch's own (Unknown). */
export function callFailure(e: unknown, aborted: boolean): RpcError {
  if (e instanceof RpcError) return e;
  if (aborted) return new RpcError('the call was aborted', RpcCode.Canceled);
  return new RpcError(e instanceof Error ? e.message : String(e), RpcCode.Unknown);
}

/** Calls one unary method; resolves to the encoded response message. */
export async function unaryCall(call: UnaryCall): Promise<Uint8Array> {
  const grpcWeb = call.transport === 'grpc-web';
  const headers = protocolHeaders(grpcWeb, 'application/proto');
  if (call.timeoutMs !== undefined) {
    if (grpcWeb) headers['grpc-timeout'] = `${Math.max(1, Math.ceil(call.timeoutMs))}m`;
    else headers['connect-timeout-ms'] = String(Math.max(1, Math.ceil(call.timeoutMs)));
  }
  Object.assign(headers, call.headers);
  const body = grpcWeb ? frame(call.body) : call.body;

  // One signal for the caller's abort and the deadline.
  const ac = new AbortController();
  let timedOut = false;
  const onAbort = () => ac.abort();
  call.signal?.addEventListener('abort', onAbort);
  if (call.signal?.aborted) ac.abort();
  const timer =
    call.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          ac.abort();
        }, call.timeoutMs);
  try {
    const doFetch = call.fetch ?? globalThis.fetch;
    const res = await doFetch(call.baseUrl.replace(/\/+$/, '') + call.path, {
      method: 'POST',
      headers,
      body: body as BufferSource,
      signal: ac.signal,
      // connect-web's defaults: no caching, and redirects are errors, not HTML.
      redirect: 'error',
      mode: 'cors',
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return grpcWeb ? grpcWebAnswer(res, bytes) : connectAnswer(res, bytes);
  } catch (e) {
    if (timedOut && !(e instanceof RpcError)) {
      throw new RpcError('the call ran past its deadline', RpcCode.DeadlineExceeded);
    }
    throw callFailure(e, ac.signal.aborted);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    call.signal?.removeEventListener('abort', onAbort);
  }
}

export const mimeOf = (res: Response): string =>
  (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();

function connectAnswer(res: Response, bytes: Uint8Array): Uint8Array {
  const mime = mimeOf(res);
  if (res.status === 200) {
    if (mime !== 'application/proto') {
      throw new RpcError(
        `unsupported content type ${mime || '(none)'}`,
        mime ? RpcCode.Internal : RpcCode.Unknown,
      );
    }
    return bytes;
  }
  // A Connect error is a JSON body {code, message}; anything else speaks through its status.
  if (mime === 'application/json') {
    try {
      const j = JSON.parse(new TextDecoder().decode(bytes)) as {
        code?: unknown;
        message?: unknown;
      };
      const code = codeFromWire(j.code);
      if (code !== undefined) {
        throw new RpcError(typeof j.message === 'string' ? j.message : '', code);
      }
    } catch (e) {
      if (e instanceof RpcError) throw e;
    }
  }
  throw new RpcError(`HTTP ${res.status}`, codeFromHttp(res.status));
}

/** The 5-byte envelope (gRPC-Web frame, Connect streaming envelope) around one message. */
export function frame(msg: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + msg.length);
  new DataView(out.buffer).setUint32(1, msg.length);
  out.set(msg, 5);
  return out;
}

/** The status of a trailer block (or of the headers of a trailers-only answer). */
export function statusError(get: (name: string) => string | null): RpcError | null {
  const s = get('grpc-status');
  if (s === null) return null;
  const code = Number(s);
  if (code === 0) return null;
  const msg = get('grpc-message');
  let text = msg ?? '';
  try {
    text = decodeURIComponent(text);
  } catch {
    // Not percent-encoded after all: keep it as sent.
  }
  return new RpcError(text, Number.isInteger(code) ? code : RpcCode.Unknown);
}

function grpcWebAnswer(res: Response, bytes: Uint8Array): Uint8Array {
  if (res.status < 200 || res.status >= 300) {
    const m = res.headers.get('grpc-message');
    throw new RpcError(m ? decodeURIComponent(m) : `HTTP ${res.status}`, codeFromHttp(res.status));
  }
  // Trailers-only: the status is in the headers.
  const headerError = statusError((n) => res.headers.get(n));
  if (headerError) throw headerError;
  if (!mimeOf(res).startsWith('application/grpc-web')) {
    throw new RpcError(`unsupported content type ${mimeOf(res) || '(none)'}`, RpcCode.Unknown);
  }
  let message: Uint8Array | null = null;
  let trailer: Map<string, string> | null = null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let p = 0; p < bytes.length;) {
    if (bytes.length - p < 5) throw new RpcError('truncated gRPC-Web frame', RpcCode.Internal);
    const flags = bytes[p];
    const len = dv.getUint32(p + 1);
    p += 5;
    if (len > bytes.length - p) throw new RpcError('truncated gRPC-Web frame', RpcCode.Internal);
    const payload = bytes.subarray(p, p + len);
    p += len;
    if (flags & 0x80) {
      trailer = parseTrailer(payload);
    } else if (flags & 0x01) {
      throw new RpcError('compressed gRPC-Web message (not asked for)', RpcCode.Internal);
    } else if (message) {
      throw new RpcError('more than one message in a unary answer', RpcCode.Unimplemented);
    } else {
      message = payload;
    }
  }
  const t = trailer;
  if (!t) throw new RpcError('missing gRPC-Web trailer', RpcCode.Internal);
  const err = statusError((n) => t.get(n) ?? null);
  if (err) throw err;
  if (!t.has('grpc-status')) throw new RpcError('missing grpc-status', RpcCode.Internal);
  if (!message) throw new RpcError('missing message', RpcCode.Unimplemented);
  return message;
}

export function parseTrailer(payload: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of new TextDecoder().decode(payload).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}
