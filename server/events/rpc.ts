// StreamEvents over Connect, gRPC-Web and gRPC (connect-node serves all three).
import { Code, ConnectError, type MethodImpl } from '@connectrpc/connect';
import type { Admin } from '../../src/gen/admin_pb.ts';
import type { AdminBackend } from '../backend.ts';
import { toEventMessage } from './messages.ts';

export function streamEventsImpl(
  backend: AdminBackend,
): MethodImpl<typeof Admin.method.streamEvents> {
  return async function* (req, ctx) {
    if (!backend.streamEvents) {
      throw new ConnectError('StreamEvents is not implemented by this server', Code.Unimplemented);
    }
    // connect-node pulls the next item only once the last one is written, so a
    // slow client leaves items in the stream's bounded queue (see hub.ts).
    for await (const item of backend.streamEvents(
      { series: req.series, rows: req.rows },
      ctx.signal,
    )) {
      yield toEventMessage(item);
    }
  };
}
