// The Admin service's handlers over an AdminBackend. GetKeyVizMatrix has two
// shapes with the same request path: the wire view (rows pre-encoded, for
// binary codecs) and the generic message (for JSON codecs).
import type { MethodImpl } from '@connectrpc/connect';
import { Admin, type GetKeyVizMatrixRequest } from '../../src/gen/admin_pb.ts';
import { GetKeyVizMatrixResponseWireSchema } from '../../src/gen/keyviz_wire_pb.ts';
import type { AdminBackend } from '../backend.ts';
import { hasWirePath } from '../gateway/upstream.ts';
import type { MatrixRequest } from '../sampler/types.ts';
import { encodeMatrixWire, toGenericResponse } from '../wire/index.ts';

/**
 * GetKeyVizMatrix whose output is the wire-identical view. The path still is
 * /Admin/GetKeyVizMatrix: it comes from `parent` (Admin) and the method name.
 */
export const getKeyVizMatrixWire = {
  ...Admin.method.getKeyVizMatrix,
  output: GetKeyVizMatrixResponseWireSchema,
};

/** int64 -> number; values beyond 2^53 only lose precision, never meaning. */
export function toMatrixRequest(req: GetKeyVizMatrixRequest): MatrixRequest {
  return {
    series: req.series,
    fromUnixMs: Number(req.fromUnixMs),
    toUnixMs: Number(req.toUnixMs),
    rows: req.rows,
  };
}

export function matrixWireImpl(backend: AdminBackend): MethodImpl<typeof getKeyVizMatrixWire> {
  // The gateway can pass a node's pre-encoded rows straight through.
  if (hasWirePath(backend)) {
    return (req, ctx) => backend.getKeyVizMatrixWire(toMatrixRequest(req), ctx.signal);
  }
  return async (req, ctx) =>
    encodeMatrixWire(await backend.getKeyVizMatrix(toMatrixRequest(req), ctx.signal));
}

export function matrixGenericImpl(
  backend: AdminBackend,
): MethodImpl<typeof Admin.method.getKeyVizMatrix> {
  return async (req, ctx) =>
    toGenericResponse(await backend.getKeyVizMatrix(toMatrixRequest(req), ctx.signal));
}

export function overviewImpl(backend: AdminBackend): MethodImpl<typeof Admin.method.getClusterOverview> {
  return (_req, ctx) => backend.getClusterOverview(ctx.signal);
}

export function raftGroupsImpl(backend: AdminBackend): MethodImpl<typeof Admin.method.getRaftGroups> {
  return (_req, ctx) => backend.getRaftGroups(ctx.signal);
}
