// One binary server-streaming call over Connect or gRPC-Web with plain fetch, yielding each
// message's encoded bytes: the live stream decodes them by hand (liveWire.ts), so Live needs
// no protobuf-es. Errors are RpcErrors (connect's codes), from opening and from reading alike.

import {
  callFailure,
  type CallBase,
  codeFromHttp,
  codeFromWire,
  frame,
  mimeOf,
  parseTrailer,
  protocolHeaders,
  RpcCode,
  RpcError,
  statusError,
} from './leanRpc.ts';

/** A streaming call names what a unary one does, less the deadline. */
export type StreamCall = CallBase;

export interface OpenStream {
  header: Headers;
  /** The answer's messages, encoded, as they arrive; ends at the trailer or throws. */
  messages: AsyncGenerator<Uint8Array>;
}

/** One envelope of a streamed answer: flags and payload. */
interface Envelope {
  flags: number;
  payload: Uint8Array;
}

/** The envelopes of a response body as they arrive. */
async function* envelopes(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Envelope> {
  if (!body) return;
  const reader = body.getReader();
  let buf = new Uint8Array(0);
  try {
    for (;;) {
      while (buf.length >= 5) {
        const len = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(1);
        if (buf.length - 5 < len) break;
        yield { flags: buf[0], payload: buf.slice(5, 5 + len) };
        buf = buf.subarray(5 + len);
      }
      const { done, value } = await reader.read();
      if (done) break;
      const next = new Uint8Array(buf.length + value.length);
      next.set(buf);
      next.set(value, buf.length);
      buf = next;
    }
    if (buf.length > 0) throw new RpcError('the stream ended inside a message', RpcCode.Internal);
  } finally {
    // A consumer that stops early (abort, unmount) ends the download too.
    void reader.cancel().catch(() => {});
  }
}

/** Opens the call: resolves once the headers are in and say the stream is good. */
export async function openStream(call: StreamCall): Promise<OpenStream> {
  const grpcWeb = call.transport === 'grpc-web';
  const headers = protocolHeaders(grpcWeb, 'application/connect+proto');
  Object.assign(headers, call.headers);
  let res: Response;
  try {
    res = await (call.fetch ?? globalThis.fetch)(call.baseUrl.replace(/\/+$/, '') + call.path, {
      method: 'POST',
      headers,
      body: frame(call.body) as BufferSource,
      signal: call.signal,
      redirect: 'error',
    });
  } catch (e) {
    throw callFailure(e, call.signal?.aborted === true);
  }
  if (res.status < 200 || res.status >= 300 || (!grpcWeb && res.status !== 200)) {
    throw new RpcError(`HTTP ${res.status}`, codeFromHttp(res.status));
  }
  if (grpcWeb) {
    const err = statusError((n) => res.headers.get(n));
    if (err) throw err;
  } else if (mimeOf(res) !== 'application/connect+proto') {
    throw new RpcError(`unsupported content type ${mimeOf(res) || '(none)'}`, RpcCode.Internal);
  }
  return { header: res.headers, messages: messages(res, grpcWeb, call.signal) };
}

async function* messages(
  res: Response,
  grpcWeb: boolean,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  let ended = false;
  try {
    for await (const env of envelopes(res.body)) {
      if (env.flags & 0x01) throw new RpcError('compressed message', RpcCode.Internal);
      if (grpcWeb && env.flags & 0x80) {
        const t = parseTrailer(env.payload);
        const err = statusError((n) => t.get(n) ?? null);
        if (err) throw err;
        ended = true;
      } else if (!grpcWeb && env.flags & 0x02) {
        // Connect's end of stream: JSON, with an error when the call failed.
        const end = JSON.parse(new TextDecoder().decode(env.payload)) as {
          error?: { code?: unknown; message?: unknown };
        };
        if (end.error) {
          const msg = typeof end.error.message === 'string' ? end.error.message : '';
          throw new RpcError(msg, codeFromWire(end.error.code) ?? RpcCode.Unknown);
        }
        ended = true;
      } else {
        yield env.payload;
      }
    }
    // A trailers-only gRPC-Web answer carried its status in the headers.
    if (!ended && !(grpcWeb && res.headers.has('grpc-status'))) {
      throw new RpcError('the stream ended without its trailer', RpcCode.Unavailable);
    }
  } catch (e) {
    throw callFailure(e, signal?.aborted === true);
  }
}
