// GetRouteDetail and GetAdapterSummary (contract §6) over an AdminBackend. A
// backend without them answers Unimplemented, exactly as a real node does.
import { Code, ConnectError, type MethodImpl } from '@connectrpc/connect';
import { Admin } from '../../src/gen/admin_pb.ts';
import type { AdminBackend } from '../backend.ts';

function unimplemented(method: string): ConnectError {
  return new ConnectError(`${method} is not implemented by this backend`, Code.Unimplemented);
}

export function routeDetailImpl(
  backend: AdminBackend,
): MethodImpl<typeof Admin.method.getRouteDetail> {
  return (req, ctx) => {
    if (!backend.getRouteDetail) throw unimplemented('GetRouteDetail');
    return backend.getRouteDetail(
      {
        bucketId: req.bucketId,
        fromUnixMs: Number(req.fromUnixMs),
        toUnixMs: Number(req.toUnixMs),
      },
      ctx.signal,
    );
  };
}

export function adapterSummaryImpl(
  backend: AdminBackend,
): MethodImpl<typeof Admin.method.getAdapterSummary> {
  return (_req, ctx) => {
    if (!backend.getAdapterSummary) throw unimplemented('GetAdapterSummary');
    return backend.getAdapterSummary(ctx.signal);
  };
}
