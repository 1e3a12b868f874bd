// connect's Transport (unary calls, binary Connect and gRPC-Web) on plain fetch: the console
// pages, hot keys and the node's name call through it with the generated schemas, without
// connect-web's transports (about 6 kB gzip of the page; issue 14's total budget). The live
// stream is the page's one server stream: leanStream.ts, decoded by hand (liveWire.ts). Errors are ConnectErrors, as from connect-web, so callers' checks
// (`ConnectError.from(e).code === Code.Unimplemented`) stay as they were.

import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type DescMethodUnary,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import { ConnectError, type Transport, type UnaryResponse } from '@connectrpc/connect';
import type { TransportKind } from './config.ts';
import { RpcCode, RpcError, unaryCall } from './leanRpc.ts';

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

    // The page's one server stream (StreamEvents, Live) is fetched and decoded by hand
    // (liveRpc.ts): keeping a generic one here would only add bytes to this chunk.
    stream(): Promise<never> {
      return Promise.reject(
        new ConnectError('server streaming goes through src/api/liveRpc.ts', RpcCode.Unimplemented),
      );
    },
  };
}
