// StreamEvents over Connect or gRPC-Web for the page's Live refresh: a plain fetch stream
// (leanStream.ts) with the request encoded and every event decoded by hand (liveWire.ts), so
// Live loads neither protobuf-es nor the generated schemas. A server without the stream (a
// real node today) ends the iteration with LiveUnimplemented, so the caller can poll.
import type { TransportKind } from './config.ts';
import { RpcCode, RpcError } from './leanRpc.ts';
import { openStream } from './leanStream.ts';
import type { LiveStream } from './liveEvents.ts';
import { LiveUnimplemented } from './liveUnimplemented.ts';
import { decodeStreamEvent, encodeStreamRequest } from './liveWire.ts';

export interface LiveRpcOptions {
  baseUrl: string;
  transport: TransportKind;
  fetch?: typeof globalThis.fetch;
}

export function rpcLiveStream(
  opts: LiveRpcOptions,
  headers: () => Record<string, string> | undefined,
): LiveStream {
  return async function* (req, signal) {
    try {
      const open = await openStream({
        baseUrl: opts.baseUrl,
        transport: opts.transport,
        path: '/Admin/StreamEvents',
        body: encodeStreamRequest(req.series, req.rows),
        headers: headers(),
        signal,
        fetch: opts.fetch,
      });
      yield { kind: 'open' };
      for await (const bytes of open.messages) {
        const e = decodeStreamEvent(bytes);
        if (e) yield e;
      }
    } catch (err) {
      if (err instanceof RpcError && err.code === RpcCode.Unimplemented) {
        throw new LiveUnimplemented(err.rawMessage);
      }
      throw err;
    }
  };
}
