// Whole-answer decoding: the wire view (rows as byte slices) into the page's flat Matrix.

import { fromBinary } from '@bufbuild/protobuf';
import type { GetKeyVizMatrixResponseWire } from '../gen/keyviz_wire_pb.ts';
import { GetKeyVizMatrixResponseWireSchema } from '../gen/keyviz_wire_pb.ts';
import type { Matrix, NodeStatus, RowMeta, Series } from '../data/matrix.ts';
import {
  collectExactValues,
  decodeRaftColumns,
  decodeRowInto,
  type RowTargets,
} from './decodeRow.ts';

export interface DecodeOptions {
  /**
   * Defer raft group ids and leader terms (2/3 of the work and memory) until first read of
   * `raftGroupIds`/`leaderTerms`; only the tooltip needs them, the heatmap paints from `values`.
   * Input is still fully validated up front. Default true.
   */
  lazyRaft?: boolean;
}

/** Decodes a GetKeyVizMatrixResponse already split by the wire view (rows still encoded). */
export function decodeMatrixWire(
  wire: GetKeyVizMatrixResponseWire,
  series: Series,
  opts: DecodeOptions = {},
): Matrix {
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
    lazyRaft: opts.lazyRaft ?? true,
    sawRaft: false,
  };
  // Older nodes send no raft/term arrays: allocate only when a row carries one.
  const allocRaft = (): void => {
    targets.raftGroupIds ??= new Float64Array(cells);
    targets.leaderTerms ??= new Float64Array(cells);
  };

  const rows: RowMeta[] = new Array<RowMeta>(rowCount);
  let max = 0;
  let exact: Map<number, string> | undefined;
  for (let r = 0; r < rowCount; r++) {
    targets.offset = r * colCount;
    const res = decodeRowInto(wire.rows[r], targets, allocRaft);
    rows[r] = res.meta;
    if (res.max > max) max = res.max;
    // Rare (counts at or above 2^53): read that row's values again, exactly.
    if (res.max >= 2 ** 53)
      collectExactValues(wire.rows[r], r * colCount, colCount, (exact ??= new Map()));
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

  const matrix: Matrix = {
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
  if (exact) matrix.exactValues = exact;
  // Parallel to the columns or ignored: a short or long list cannot place every column.
  if (wire.columnWidthMs.length === colCount && colCount > 0) {
    const widths = new Float64Array(colCount);
    for (let c = 0; c < colCount; c++) widths[c] = Number(wire.columnWidthMs[c]);
    matrix.columnWidths = widths;
  }
  if (targets.lazyRaft && targets.sawRaft) defineLazyRaft(matrix, wire.rows, colCount);
  return matrix;
}

/**
 * Makes raftGroupIds/leaderTerms decode on first read (both at once, then plain properties).
 * They stay ordinary enumerable fields to callers: spreading or cloning a Matrix reads them.
 */
function defineLazyRaft(m: Matrix, rowBytes: Uint8Array[], cols: number): void {
  let loaded: { raftGroupIds: Float64Array; leaderTerms: Float64Array } | null = null;
  const settle = (key: 'raftGroupIds' | 'leaderTerms', value: Float64Array | null): void => {
    Object.defineProperty(m, key, { value, writable: true, enumerable: true, configurable: true });
  };
  const load = (): { raftGroupIds: Float64Array; leaderTerms: Float64Array } => {
    if (!loaded) {
      loaded = decodeRaftColumns(rowBytes, cols);
      rowBytes = []; // the encoded rows are no longer needed
    }
    return loaded;
  };
  for (const key of ['raftGroupIds', 'leaderTerms'] as const) {
    Object.defineProperty(m, key, {
      get: () => {
        const v = load()[key];
        settle(key, v);
        return v;
      },
      set: (v: Float64Array | null) => settle(key, v),
      enumerable: true,
      configurable: true,
    });
  }
}

/** Decodes a whole GetKeyVizMatrixResponse body (fixture files, tests, benchmarks). */
export function decodeMatrixBytes(
  bytes: Uint8Array,
  series: Series,
  opts: DecodeOptions = {},
): Matrix {
  // The wire view only splits the top level: rows come back as zero-copy subarrays.
  const wire = fromBinary(GetKeyVizMatrixResponseWireSchema, bytes);
  return decodeMatrixWire(wire, series, opts);
}
