// MatrixAnswer <-> the generic protobuf-es messages (bigint uint64s). The slow
// but obviously-correct path: JSON codecs, tests, and the benchmark baseline.
import { create } from '@bufbuild/protobuf';
import {
  CellConflictSchema,
  GetKeyVizMatrixResponseSchema,
  KeyVizRowSchema,
  NodeStatusSchema,
} from '../../src/gen/admin_pb.ts';
import type {
  CellConflict,
  GetKeyVizMatrixResponse,
  KeyVizRow,
  NodeStatus,
} from '../../src/gen/admin_pb.ts';
import type { BucketMeta, MatrixAnswer, MatrixResult, MatrixRow } from '../sampler/types.ts';
import { EXACT_FROM } from './exact.ts';

const EXACT_FROM_BIG = BigInt(EXACT_FROM);

function bigints(a: Float64Array): bigint[] {
  const out = new Array<bigint>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = BigInt(Math.trunc(a[i]));
  return out;
}

/** uint32 as protobuf needs it. */
function u32(v: number): number {
  return Math.min(0xffffffff, Math.max(0, Math.round(v)));
}

export function toNodeStatusMessages(answer: Partial<MatrixAnswer>): NodeStatus[] {
  return (answer.nodes ?? []).map((n) =>
    create(NodeStatusSchema, {
      node: n.node,
      ok: n.ok,
      error: n.error,
      code: n.code,
      latencyMs: u32(n.latencyMs),
    }),
  );
}

export function toCellConflictMessages(answer: Partial<MatrixAnswer>): CellConflict[] {
  return (answer.conflicts ?? []).map((c) =>
    create(CellConflictSchema, { row: u32(c.row), column: u32(c.column), nodes: c.nodes }),
  );
}

/** Values as bigints, the exact uint64 where the row has one. */
export function exactBigints(row: MatrixRow): bigint[] {
  const out = bigints(row.values);
  if (row.exactValues) for (const [j, v] of row.exactValues) if (j < out.length) out[j] = v;
  return out;
}

/** A row message with a bucket's identity and no values (neighbours; callers add series). */
export function metaRowMessage(m: BucketMeta): KeyVizRow {
  return create(KeyVizRowSchema, {
    bucketId: m.bucketId,
    start: m.start,
    end: m.end,
    label: m.label,
    aggregate: m.aggregate,
    routeIds: m.routeIds.map((id) => BigInt(id)),
    routeIdsTruncated: m.aggregate && m.routeCount > m.routeIds.length,
    routeCount: BigInt(m.routeCount),
    ...(m.foldedBuckets !== undefined ? { foldedBuckets: BigInt(m.foldedBuckets) } : {}),
  });
}

function toRowMessage(row: MatrixRow, contributingNodes: readonly string[] | undefined) {
  return create(KeyVizRowSchema, {
    ...metaRowMessage(row.meta),
    values: exactBigints(row),
    raftGroupIds: bigints(row.raftGroupIds),
    leaderTerms: bigints(row.leaderTerms),
    contributingNodes: contributingNodes ? [...contributingNodes] : [],
  });
}

/** The generic GetKeyVizMatrixResponse for a pivot result or a gateway answer. */
export function toGenericResponse(result: MatrixResult | MatrixAnswer): GetKeyVizMatrixResponse {
  const a = result as Partial<MatrixAnswer> & MatrixResult;
  return create(GetKeyVizMatrixResponseSchema, {
    columnUnixMs: result.columnUnixMs.map((t) => BigInt(t)),
    rows: result.rows.map((r, i) => toRowMessage(r, a.contributingNodes?.[i])),
    nodes: toNodeStatusMessages(a),
    conflicts: toCellConflictMessages(a),
    columnWidthMs: (result.columnWidthMs ?? []).map((w) => BigInt(w)),
    trackedBuckets: BigInt(result.trackedBuckets ?? 0),
    alignedStepMs: BigInt(a.alignedStepMs ?? 0),
    keySpaceFolded: result.keySpaceFolded === true,
  });
}

/**
 * A row message -> the sampler's row shape (gateway inputs), `values` being the
 * row's own or another series of it. Cells at or above 2^53 keep their exact
 * uint64 in exactValues, as the fast decoder does.
 */
export function rowFromMessage(r: KeyVizRow, values: readonly bigint[] = r.values): MatrixRow {
  const row: MatrixRow = {
    meta: {
      bucketId: r.bucketId,
      start: r.start,
      end: r.end,
      label: r.label,
      aggregate: r.aggregate,
      routeIds: r.routeIds.map((id) => id.toString()),
      routeCount: Number(r.routeCount),
      ...(r.foldedBuckets !== undefined ? { foldedBuckets: Number(r.foldedBuckets) } : {}),
    },
    values: doubles(values),
    raftGroupIds: doubles(r.raftGroupIds),
    leaderTerms: doubles(r.leaderTerms),
  };
  for (let j = 0; j < values.length; j++) {
    if (values[j] >= EXACT_FROM_BIG) (row.exactValues ??= new Map()).set(j, values[j]);
  }
  return row;
}

function doubles(a: readonly bigint[]): Float64Array {
  return Float64Array.from(a, (v) => Number(v));
}
