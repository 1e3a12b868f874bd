// The fast GetKeyVizMatrix response: rows pre-encoded by encode-row.ts inside
// the wire view message, so protobuf-es's toBinary only copies their bytes.
import { create } from '@bufbuild/protobuf';
import { GetKeyVizMatrixResponseWireSchema } from '../../src/gen/keyviz_wire_pb.ts';
import type { GetKeyVizMatrixResponseWire } from '../../src/gen/keyviz_wire_pb.ts';
import type { MatrixAnswer, MatrixResult } from '../sampler/types.ts';
import { encodeRows } from './encode-row.ts';
import { toCellConflictMessages, toNodeStatusMessages } from './generic.ts';

/** Wire-identical to GetKeyVizMatrixResponse; serialise with toBinary(GetKeyVizMatrixResponseWireSchema, ...). */
export function encodeMatrixWire(result: MatrixResult | MatrixAnswer): GetKeyVizMatrixResponseWire {
  const a = result as Partial<MatrixAnswer> & MatrixResult;
  return create(GetKeyVizMatrixResponseWireSchema, {
    columnUnixMs: result.columnUnixMs.map((t) => BigInt(t)),
    rows: encodeRows(result.rows, a.contributingNodes),
    nodes: toNodeStatusMessages(a),
    conflicts: toCellConflictMessages(a),
    columnWidthMs: (result.columnWidthMs ?? []).map((w) => BigInt(w)),
    trackedBuckets: BigInt(result.trackedBuckets ?? 0),
    alignedStepMs: BigInt(a.alignedStepMs ?? 0),
    keySpaceFolded: result.keySpaceFolded === true,
  });
}
