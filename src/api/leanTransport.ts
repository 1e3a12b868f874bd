// connect's Transport (unary and server streaming, binary Connect and gRPC-Web) on plain fetch:
// the console pages, hot keys and the node's name call through it with the generated schemas
// (the live stream calls leanStream.ts itself and decodes by hand, liveWire.ts), without connect-web's transports (about 6 kB gzip of the page; issue 14's
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
import { RpcCode, RpcError, unaryCall } from './leanRpc.ts';
import { openStream, type OpenStream } from './leanStream.ts';

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

export function leanTransport(opts: LeanTransportOptions): Transport {
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
      // Server streaming: one request message.
      let first: MessageInitShape<I> | undefined;
      for await (const m of input) {
        first = m;
        break;
      }
      let open: OpenStream;
      try {
        open = await openStream({
          baseUrl: opts.baseUrl,
          transport: opts.transport,
          path: `/${method.parent.typeName}/${method.name}`,
          body: toBinary(method.input, create(method.input, first)),
          headers: headerRecord(header),
          signal,
          fetch: opts.fetch,
        });
      } catch (e) {
        throw toConnect(e, signal);
      }
      async function* messages(): AsyncGenerator<MessageShape<O>> {
        try {
          for await (const bytes of open.messages) yield fromBinary(method.output, bytes);
        } catch (e) {
          throw toConnect(e, signal);
        }
      }

      return {
        stream: true,
        service: method.parent,
        method,
        header: open.header,
        trailer: new Headers(),
        message: messages(),
      };
    },
  };
}
