// The Admin service's handlers over an AdminBackend. GetKeyVizMatrix has two
// shapes with the same request path: the wire view (rows pre-encoded, for
// binary codecs) and the generic message (for JSON codecs).
import { Code, ConnectError, createContextKey, type MethodImpl } from '@connectrpc/connect';
import {
  Admin,
  type GetKeyVizMatrixRequest,
  type GetKeyVizMatrixResponse,
} from '../../src/gen/admin_pb.ts';
import {
  GetKeyVizMatrixResponseWireSchema,
  type GetKeyVizMatrixResponseWire,
} from '../../src/gen/keyviz_wire_pb.ts';
import type { AdminBackend } from '../backend.ts';
import { memoOn } from '../backends/answerMemo.ts';
import { raceAbort, yieldToLoop } from '../backends/yieldToLoop.ts';
import { BUSY_MESSAGE } from '../http/admission.ts';
import type { MatrixAnswer, MatrixRequest } from '../sampler/types.ts';
import { toGenericResponse } from '../wire/index.ts';
import { encodeMatrixResponseBytes, preEncodedMatrix } from '../wire/encode-response.ts';

/** Set by the router when admission control refused this call. */
export const ADMISSION_REFUSED = createContextKey(false, { description: 'admission refused' });

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
    ...(req.exactColumns ? { exactColumns: true } : {}),
    ...(req.foldKeySpace ? { foldKeySpace: true } : {}),
  };
}

/**
 * Encodings memoised per answer object (answerMemo.ts): a backend that hands
 * out the same answer again (the local backend's cache) is encoded only once,
 * in slices between which the event loop runs; a caller that goes away stops
 * waiting at once while the shared encoding finishes for the others.
 */
export function matrixEncoders(backend: AdminBackend) {
  /** The answer's whole wire message, encoded once per answer (the local backend's). */
  const wireBytes = async (req: MatrixRequest, signal: AbortSignal): Promise<Uint8Array> => {
    const a = await backend.getKeyVizMatrix(req, signal);
    return raceAbort(
      memoOn(
        a,
        'wire',
        () => encodeMatrixResponseBytes(a, () => yieldToLoop()),
        (b) => b.length,
      ),
      signal,
    );
  };
  return {
    /** Null when the backend has its own wire view (the gateway): the fast path is not taken. */
    wireBytes: backend.getKeyVizMatrixWire ? null : wireBytes,
    async wire(req: MatrixRequest, signal: AbortSignal): Promise<GetKeyVizMatrixResponseWire> {
      // The gateway can pass a node's pre-encoded rows straight through.
      if (backend.getKeyVizMatrixWire) return backend.getKeyVizMatrixWire(req, signal);
      return preEncodedMatrix(await wireBytes(req, signal));
    },
    async generic(req: MatrixRequest, signal: AbortSignal): Promise<GetKeyVizMatrixResponse> {
      const a = await backend.getKeyVizMatrix(req, signal);
      // Memoised on the answer like the wire bytes, so its (large) size counts towards the
      // cache's byte bound: a full matrix as bigint messages is over 100 MB.
      return memoOn(
        a,
        'generic',
        () => Promise.resolve(toGenericResponse(a)),
        () => genericBytes(a),
      );
    },
  };
}

function refuseIfBusy(values: { get(k: typeof ADMISSION_REFUSED): boolean }): void {
  if (values.get(ADMISSION_REFUSED)) throw new ConnectError(BUSY_MESSAGE, Code.ResourceExhausted);
}

/**
 * Heap bytes of an answer as a generic message, estimated: every cell of values, groups and
 * terms is a bigint (about 24 bytes) behind an 8-byte array slot, plus a row's strings and keys.
 */
export function genericBytes(a: MatrixAnswer): number {
  let n = 32 * a.columnUnixMs.length;
  for (const r of a.rows) {
    n += 32 * (r.values.length + r.raftGroupIds.length + r.leaderTerms.length);
    n += 400 + 2 * r.meta.bucketId.length + r.meta.start.length + r.meta.end.length;
  }
  return n;
}

export type MatrixEncoders = ReturnType<typeof matrixEncoders>;

export function matrixWireImpl(enc: MatrixEncoders): MethodImpl<typeof getKeyVizMatrixWire> {
  return (req, ctx) => {
    refuseIfBusy(ctx.values);
    return enc.wire(toMatrixRequest(req), ctx.signal);
  };
}

export function matrixGenericImpl(
  enc: MatrixEncoders,
): MethodImpl<typeof Admin.method.getKeyVizMatrix> {
  return (req, ctx) => {
    refuseIfBusy(ctx.values);
    return enc.generic(toMatrixRequest(req), ctx.signal);
  };
}

export function overviewImpl(
  backend: AdminBackend,
): MethodImpl<typeof Admin.method.getClusterOverview> {
  return (_req, ctx) => backend.getClusterOverview(ctx.signal);
}

export function raftGroupsImpl(
  backend: AdminBackend,
): MethodImpl<typeof Admin.method.getRaftGroups> {
  return (_req, ctx) => backend.getRaftGroups(ctx.signal);
}
