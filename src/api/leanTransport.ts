// connect's Transport (unary and server streaming, binary Connect and gRPC-Web) on plain fetch:
// the console pages, hot keys, the node's name and the live stream call through it with the
// generated schemas, without connect-web's transports (about 6 kB gzip of the page; issue 14's
// total budget). Errors are ConnectErrors, as from connect-web, so callers' checks
// (`ConnectError.from(e).code === Code.Unimplemented`) stay as they were.

import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type DescMethodStreaming,
  type DescMethodUnary,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import {
  ConnectError,
  type StreamResponse,
  type Transport,
  type UnaryResponse,
} from '@connectrpc/connect';
import type { TransportKind } from './config.ts';
import {
  codeFromHttp,
  codeFromWire,
  frame,
  mimeOf,
  parseTrailer,
  RpcCode,
  RpcError,
  statusError,
  unaryCall,
} from './leanRpc.ts';

export interface LeanTransportOptions {
  baseUrl: string;
  transport: TransportKind;
  fetch?: typeof globalThis.fetch;
}

function toConnect(e: unknown, signal?: AbortSignal): ConnectError {
  if (e instanceof ConnectError) return e;
  if (e instanceof RpcError) return new ConnectError(e.rawMessage, e.code);
  if (signal?.aborted) return new ConnectError('the call was aborted', RpcCode.Canceled);
  return ConnectError.from(e);
}

const headerRecord = (h: HeadersInit | undefined): Record<string, string> =>
  h ? Object.fromEntries(new Headers(h)) : {};

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

export function leanTransport(opts: LeanTransportOptions): Transport {
  const grpcWeb = opts.transport === 'grpc-web';
  const url = (method: { parent: { typeName: string }; name: string }) =>
    `${opts.baseUrl.replace(/\/+$/, '')}/${method.parent.typeName}/${method.name}`;

  return {
    async unary<I extends DescMessage, O extends DescMessage>(
      method: DescMethodUnary<I, O>,
      signal: AbortSignal | undefined,
      timeoutMs: number | undefined,
      header: HeadersInit | undefined,
      input: MessageInitShape<I>,
    ): Promise<UnaryResponse<I, O>> {
      try {
        const bytes = await unaryCall({
          baseUrl: opts.baseUrl,
          transport: opts.transport,
          path: `/${method.parent.typeName}/${method.name}`,
          body: toBinary(method.input, create(method.input, input)),
          headers: headerRecord(header),
          signal,
          timeoutMs,
          fetch: opts.fetch,
        });
        const message: MessageShape<O> = fromBinary(method.output, bytes);
        return {
          stream: false,
          service: method.parent,
          method,
          header: new Headers(),
          trailer: new Headers(),
          message,
        };
      } catch (e) {
        throw toConnect(e, signal);
      }
    },

    async stream<I extends DescMessage, O extends DescMessage>(
      method: DescMethodStreaming<I, O>,
      signal: AbortSignal | undefined,
      _timeoutMs: number | undefined,
      header: HeadersInit | undefined,
      input: AsyncIterable<MessageInitShape<I>>,
    ): Promise<StreamResponse<I, O>> {
      // Server streaming: one request message (what the page's StreamEvents sends).
      let first: MessageInitShape<I> | undefined;
      for await (const m of input) {
        first = m;
        break;
      }
      const body = frame(toBinary(method.input, create(method.input, first)));
      const headers: Record<string, string> = grpcWeb
        ? { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1' }
        : { 'content-type': 'application/connect+proto', 'connect-protocol-version': '1' };
      Object.assign(headers, headerRecord(header));
      let res: Response;
      try {
        res = await (opts.fetch ?? globalThis.fetch)(url(method), {
          method: 'POST',
          headers,
          body: body as BufferSource,
          signal,
          redirect: 'error',
        });
        if (res.status < 200 || res.status >= 300 || (!grpcWeb && res.status !== 200)) {
          throw new RpcError(`HTTP ${res.status}`, codeFromHttp(res.status));
        }
        if (grpcWeb) {
          const err = statusError((n) => res.headers.get(n));
          if (err) throw err;
        } else if (mimeOf(res) !== 'application/connect+proto') {
          throw new RpcError(
            `unsupported content type ${mimeOf(res) || '(none)'}`,
            RpcCode.Internal,
          );
        }
      } catch (e) {
        throw toConnect(e, signal);
      }

      async function* messages(): AsyncGenerator<MessageShape<O>> {
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
              yield fromBinary(method.output, env.payload);
            }
          }
          // A trailers-only gRPC-Web answer carried its status in the headers.
          if (!ended && !(grpcWeb && res.headers.has('grpc-status'))) {
            throw new RpcError('the stream ended without its trailer', RpcCode.Unavailable);
          }
        } catch (e) {
          throw toConnect(e, signal);
        }
      }

      return {
        stream: true,
        service: method.parent,
        method,
        header: res.headers,
        trailer: new Headers(),
        message: messages(),
      };
    },
  };
}
