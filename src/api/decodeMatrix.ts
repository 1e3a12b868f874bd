// Whole-answer decoding: the wire view (rows as byte slices) into the page's flat Matrix.
// The top level is split by hand too (splitMatrixResponse), so the page's matrix path needs
// no protobuf-es at all (issue 17's first-paint bundle).

import {
  setTrackedBuckets,
  type Matrix,
  type NodeStatus,
  type RowMeta,
  type Series,
} from '../data/matrix.ts';
import {
  collectExactValues,
  decodeRaftColumnsSteps,
  decodeRowInto,
  type RowTargets,
} from './decodeRow.ts';
import { WireError, WireReader } from './wireReader.ts';

/**
 * A GetKeyVizMatrixResponse split at the top level (proto/keyviz_wire.proto's view): rows
 * still encoded. protobuf-es's GetKeyVizMatrixResponseWire has this shape too.
 */
export interface MatrixWire {
  columnUnixMs: readonly (bigint | number)[];
  rows: readonly Uint8Array[];
  nodes: readonly NodeStatus[];
  conflicts: readonly { row: number; column: number }[];
  /** column_width_ms (1010): history tiers' column widths; empty = one step each. */
  columnWidthMs: readonly (bigint | number)[];
  /** tracked_buckets (1028): buckets with traffic before the row budget; 0 = not said. */
  trackedBuckets?: bigint | number;
  /** key_space_folded (1029): the server folded the rows to tile the key space. */
  keySpaceFolded?: boolean;
}

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
  wire: MatrixWire,
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
  setTrackedBuckets(matrix, wire.trackedBuckets);
  if (wire.keySpaceFolded === true) matrix.keySpaceFolded = true;
  // Parallel to the columns or ignored: a short or long list cannot place every column.
  if (wire.columnWidthMs.length === colCount && colCount > 0) {
    const widths = new Float64Array(colCount);
    for (let c = 0; c < colCount; c++) widths[c] = Number(wire.columnWidthMs[c]);
    matrix.columnWidths = widths;
  }
  if (targets.lazyRaft && targets.sawRaft) defineLazyRaft(matrix, wire.rows, colCount);
  return matrix;
}

type RaftColumns = { raftGroupIds: Float64Array; leaderTerms: Float64Array };

/**
 * Matrices whose Raft columns are still encoded, each with one step of their decode (true once
 * they are loaded): raftSteps drives it between frames, a first read finishes it at once.
 */
const pendingRaft = new WeakMap<Matrix, () => boolean>();

/**
 * Makes raftGroupIds/leaderTerms decode on first read (both at once, then plain properties).
 * They stay ordinary enumerable fields to callers: spreading or cloning a Matrix reads them.
 */
function defineLazyRaft(m: Matrix, rowBytes: readonly Uint8Array[], cols: number): void {
  let loaded: RaftColumns | null = null;
  // Holds the encoded rows until the decode ends, not after.
  let steps: Generator<void, RaftColumns, void> | null = decodeRaftColumnsSteps(rowBytes, cols);
  const step = (): boolean => {
    if (loaded) return true;
    const r = steps!.next();
    if (!r.done) return false;
    loaded = r.value;
    steps = null;
    pendingRaft.delete(m);
    return true;
  };
  pendingRaft.set(m, step);
  const load = (): RaftColumns => {
    while (!step());
    return loaded!;
  };
  const settle = (key: 'raftGroupIds' | 'leaderTerms', value: Float64Array | null): void => {
    Object.defineProperty(m, key, { value, writable: true, enumerable: true, configurable: true });
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

/**
 * The decode of a matrix's Raft columns in steps (data/steps.ts), ending with them loaded: run
 * sliced before anything reads them in bulk (the time events), so the read costs no long task.
 * Nothing to do where they are loaded already or were never lazy.
 */
export function* raftSteps(m: Matrix): Generator<void, void, void> {
  const step = pendingRaft.get(m);
  if (!step) return;
  while (!step()) yield;
}

/** Decodes a whole GetKeyVizMatrixResponse body (the page's fetch, fixture files, tests). */
export function decodeMatrixBytes(
  bytes: Uint8Array,
  series: Series,
  opts: DecodeOptions = {},
): Matrix {
  return decodeMatrixWire(splitMatrixResponse(bytes), series, opts);
}

/** Reads a repeated 64-bit varint occurrence (packed or one element) with `read`. */
function repeatedVarint(r: WireReader, wt: number, read: (x: WireReader) => void): void {
  if (wt === 0) {
    read(r);
    return;
  }
  if (wt !== 2) throw new WireError(`wire type ${wt} for a repeated varint`, r.pos);
  const start = r.lengthDelimited();
  const sub = new WireReader(r.buf, start, r.pos);
  while (sub.pos < sub.end) read(sub);
}

/** A length-delimited field that must have wire type 2; returns its reader. */
function nested(r: WireReader, wt: number, what: string): WireReader {
  if (wt !== 2) throw new WireError(`wire type ${wt} for ${what}`, r.pos);
  const start = r.lengthDelimited();
  return new WireReader(r.buf, start, r.pos);
}

function nodeStatus(r: WireReader): NodeStatus {
  const n: NodeStatus = { node: '', ok: false, error: '', code: '', latencyMs: 0 };
  while (r.pos < r.end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const wt = tag & 7;
    if (f === 0) throw new WireError('field number 0', r.pos);
    if (wt === 2 && (f === 1 || f === 3 || f === 4)) {
      const s = r.string();
      if (f === 1) n.node = s;
      else if (f === 3) n.error = s;
      else n.code = s;
    } else if (wt === 0 && f === 2) n.ok = r.uint64() !== 0;
    else if (wt === 0 && f === 5) {
      r.varint64();
      n.latencyMs = r.lo; // uint32: the low half, as protobuf-es reads it
    } else r.skip(wt, f);
  }
  return n;
}

function cellConflict(r: WireReader): { row: number; column: number } {
  const c = { row: 0, column: 0 };
  while (r.pos < r.end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const wt = tag & 7;
    if (f === 0) throw new WireError('field number 0', r.pos);
    if (wt === 0 && (f === 1 || f === 2)) {
      r.varint64();
      if (f === 1) c.row = r.lo;
      else c.column = r.lo;
    } else r.skip(wt, f);
  }
  return c;
}

/**
 * Splits a GetKeyVizMatrixResponse body at the top level without protobuf-es: columns as
 * numbers, rows as zero-copy subarrays (decoded by decodeRowInto), node statuses and conflicts.
 * Unknown fields are skipped; malformed input throws a WireError.
 */
export function splitMatrixResponse(bytes: Uint8Array): MatrixWire {
  const r = new WireReader(bytes);
  const columnUnixMs: number[] = [];
  const rows: Uint8Array[] = [];
  const nodes: NodeStatus[] = [];
  const conflicts: { row: number; column: number }[] = [];
  const columnWidthMs: number[] = [];
  const column = (x: WireReader) => columnUnixMs.push(x.int64());
  const width = (x: WireReader) => columnWidthMs.push(x.int64());
  let trackedBuckets = 0;
  let keySpaceFolded = false;
  while (r.pos < r.end) {
    const tag = r.uint32();
    const f = tag >>> 3;
    const wt = tag & 7;
    if (f === 0) throw new WireError('field number 0', r.pos);
    if (f === 1) repeatedVarint(r, wt, column);
    else if (f === 2) {
      if (wt !== 2) throw new WireError(`wire type ${wt} for a row`, r.pos);
      rows.push(r.bytes());
    } else if (f === 1000) nodes.push(nodeStatus(nested(r, wt, 'a node status')));
    else if (f === 1001) conflicts.push(cellConflict(nested(r, wt, 'a conflict')));
    else if (f === 1010) repeatedVarint(r, wt, width);
    else if (f === 1028 && wt === 0) trackedBuckets = r.uint64();
    else if (f === 1029 && wt === 0) keySpaceFolded = r.uint64() !== 0;
    else r.skip(wt, f);
  }
  return { columnUnixMs, rows, nodes, conflicts, columnWidthMs, trackedBuckets, keySpaceFolded };
}
