// StreamEvents over Connect, gRPC-Web and gRPC (connect-node serves all three).
import { Code, ConnectError, createContextKey, type MethodImpl } from '@connectrpc/connect';
import type { Admin } from '../../src/gen/admin_pb.ts';
import type { AdminBackend } from '../backend.ts';
import type { Watched } from '../http/streamWatch.ts';
import { toEventMessage } from './messages.ts';

/** The call's connection as the router watches it (null where it does not). */
export const STREAM_WATCHED = createContextKey<Watched | null>(null, {
  description: 'stream connection watch',
});

export function streamEventsImpl(
  backend: AdminBackend,
): MethodImpl<typeof Admin.method.streamEvents> {
  return async function* (req, ctx) {
    const watched = ctx.values.get(STREAM_WATCHED);
    try {
      if (!backend.streamEvents) {
        throw new ConnectError(
          'StreamEvents is not implemented by this server',
          Code.Unimplemented,
        );
      }
      // The stream ends on the call's own signal or on the router's watch of its
      // connection, whichever says first that the client has gone.
      const signal = watched ? AbortSignal.any([ctx.signal, watched.signal]) : ctx.signal;
      // connect-node pulls the next item only once the last one is written, so a
      // slow client leaves items in the stream's bounded queue (see hub.ts).
      for await (const item of backend.streamEvents(
        { series: req.series, rows: req.rows },
        signal,
      )) {
        yield toEventMessage(item);
      }
    } finally {
      watched?.done();
    }
  };
}
