// Whole-answer decoding: the wire view (rows as byte slices) into the page's flat Matrix.

import { fromBinary } from '@bufbuild/protobuf';
import type { GetKeyVizMatrixResponseWire } from '../gen/keyviz_wire_pb.ts';
import { GetKeyVizMatrixResponseWireSchema } from '../gen/keyviz_wire_pb.ts';
import type { Matrix, NodeStatus, RowMeta, Series } from '../data/matrix.ts';
import { decodeRowInto, type RowTargets } from './decodeRow.ts';

/** Decodes a GetKeyVizMatrixResponse already split by the wire view (rows still encoded). */
export function decodeMatrixWire(wire: GetKeyVizMatrixResponseWire, series: Series): Matrix {
  const colCount = wire.columnUnixMs.length;
  const columns = new Float64Array(colCount);
  for (let c = 0; c < colCount; c++) columns[c] = Number(wire.columnUnixMs[c]);

  const rowCount = wire.rows.length;
  const cells = rowCount * colCount;
  const targets: RowTargets = {
    values: new Float64Array(cells),
    raftGroupIds: null,
    leaderTerms: null,
    cols: colCount,
    offset: 0,
  };
  // Older nodes send no raft/term arrays: allocate only when a row carries one.
  const allocRaft = (): void => {
    targets.raftGroupIds ??= new Float64Array(cells);
    targets.leaderTerms ??= new Float64Array(cells);
  };

  const rows: RowMeta[] = new Array<RowMeta>(rowCount);
  let max = 0;
  for (let r = 0; r < rowCount; r++) {
    targets.offset = r * colCount;
    const res = decodeRowInto(wire.rows[r], targets, allocRaft);
    rows[r] = res.meta;
    if (res.max > max) max = res.max;
  }

  const nodes: NodeStatus[] = wire.nodes.map((n) => ({
    node: n.node,
    ok: n.ok,
    error: n.error,
    code: n.code,
    latencyMs: n.latencyMs,
  }));

  let conflicts: Uint8Array | null = null;
  for (const c of wire.conflicts) {
    // Out-of-range indexes are ignored: the bitmap only marks cells that exist.
    if (c.row >= rowCount || c.column >= colCount) continue;
    conflicts ??= new Uint8Array(cells);
    conflicts[c.row * colCount + c.column] = 1;
  }

  return {
    series,
    columns,
    rows,
    rowCount,
    colCount,
    values: targets.values,
    raftGroupIds: targets.raftGroupIds,
    leaderTerms: targets.leaderTerms,
    max,
    nodes,
    conflicts,
  };
}

/** Decodes a whole GetKeyVizMatrixResponse body (fixture files, tests, benchmarks). */
export function decodeMatrixBytes(bytes: Uint8Array, series: Series): Matrix {
  // The wire view only splits the top level: rows come back as zero-copy subarrays.
  const wire = fromBinary(GetKeyVizMatrixResponseWireSchema, bytes);
  return decodeMatrixWire(wire, series);
}
