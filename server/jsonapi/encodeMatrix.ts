// MatrixAnswer -> the node's JSON matrix body (contract.md §2), built by hand because
// JSON.stringify can neither keep uint64 route ids exact nor promise the key order a
// node uses. Pure: same answer, same string.
import type {
  CellConflictInfo,
  MatrixAnswer,
  MatrixRow,
  SeriesName,
  UpstreamStatus,
} from '../sampler/types.ts';

const DECIMAL = /^\d+$/;

/** Empty key = open end: the node writes `null`, anything else standard padded base64. */
export function keyJson(key: Uint8Array): string {
  if (key.length === 0) return 'null';
  return `"${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64')}"`;
}

/** A uint64 kept as a decimal string, written as a bare JSON number (no precision loss). */
export function uint64Json(decimal: string): string {
  if (!DECIMAL.test(decimal)) throw new Error(`not a uint64 decimal: ${JSON.stringify(decimal)}`);
  // Strip leading zeros: "007" is not valid JSON.
  return decimal.replace(/^0+(?=\d)/, '');
}

/** Exact integers below 2^53 print as plain digits; join avoids one string per cell. */
function numbersJson(a: Float64Array | readonly number[]): string {
  return `[${a.join(',')}]`;
}

/** A row's values: exact digits for cells at or above 2^53 (bare JSON numbers, like the node). */
function valuesJson(row: MatrixRow): string {
  const exact = row.exactValues;
  if (!exact || exact.size === 0) return numbersJson(row.values);
  const cells = Array.from(row.values, (v, j) => {
    const e = exact.get(j);
    return e === undefined ? String(v) : e.toString();
  });
  return `[${cells.join(',')}]`;
}

/** Per row, which columns two nodes disagreed on (cluster view only). */
export function conflictColumns(
  conflicts: readonly CellConflictInfo[],
  rowCount: number,
  colCount: number,
): Map<number, boolean[]> {
  const byRow = new Map<number, boolean[]>();
  for (const c of conflicts) {
    if (c.row < 0 || c.row >= rowCount || c.column < 0 || c.column >= colCount) continue;
    let cells = byRow.get(c.row);
    if (!cells) {
      cells = new Array<boolean>(colCount).fill(false);
      byRow.set(c.row, cells);
    }
    cells[c.column] = true;
  }
  return byRow;
}

/** One row, keys in the node's order; optional keys omitted exactly as the node omits them. */
export function rowJson(row: MatrixRow, conflicts: boolean[] | undefined): string {
  const m = row.meta;
  const parts: string[] = [`"bucket_id":${JSON.stringify(m.bucketId)}`];
  if (m.label !== '') parts.push(`"label":${JSON.stringify(m.label)}`);
  parts.push(`"start":${keyJson(m.start)}`, `"end":${keyJson(m.end)}`);
  parts.push(`"aggregate":${m.aggregate}`);
  // The node's route_ids is `omitempty` and only filled for aggregates.
  if (m.aggregate && m.routeIds.length > 0) {
    parts.push(`"route_ids":[${m.routeIds.map(uint64Json).join(',')}]`);
  }
  if (m.aggregate && m.routeCount > m.routeIds.length) parts.push('"route_ids_truncated":true');
  parts.push(`"route_count":${m.routeCount}`);
  parts.push(`"values":${valuesJson(row)}`);
  // Node format: a row-level OR plus one bool per column, both only on conflicting rows.
  if (conflicts) parts.push('"conflict":true', `"conflicts":[${conflicts.join(',')}]`);
  // Older nodes send none; the node's fields are `omitempty`.
  if (row.raftGroupIds.length > 0) parts.push(`"raft_group_ids":${numbersJson(row.raftGroupIds)}`);
  if (row.leaderTerms.length > 0) parts.push(`"leader_terms":${numbersJson(row.leaderTerms)}`);
  // Ours, after the node's keys: a row of the whole-key-space fold and how many buckets it folds.
  if (m.foldedBuckets !== undefined) parts.push(`"folded_buckets":${m.foldedBuckets}`);
  return `{${parts.join(',')}}`;
}

/** `{nodes:[{node, ok, error?}], responded, expected}` from the gateway's upstream statuses. */
export function fanoutJson(nodes: readonly UpstreamStatus[]): string {
  const list = nodes.map((n) => {
    const err = !n.ok && n.error !== '' ? `,"error":${JSON.stringify(n.error)}` : '';
    return `{"node":${JSON.stringify(n.node)},"ok":${n.ok}${err}}`;
  });
  const responded = nodes.filter((n) => n.ok).length;
  return `{"nodes":[${list.join(',')}],"responded":${responded},"expected":${nodes.length}}`;
}

/** RFC 3339 in UTC with millisecond precision, e.g. 2026-11-24T07:26:44.123Z. */
export function rfc3339(unixMs: number): string {
  return new Date(unixMs).toISOString();
}

/**
 * The body around its one per-request value, as UTF-8 chunks:
 * `head` (`{"column_unix_ms":...,"rows":[...],"series":"...","generated_at":`),
 * then generated_at, then `tail` (`,"fanout":{...}}` in a cluster view, else `}`).
 * Chunks are shared by every request that sends this answer: never mutate them.
 */
export interface MatrixJsonBody {
  head: Buffer[];
  tail: Buffer;
  /** Bytes of head and tail together. */
  bytes: number;
}

/** About this many cells are encoded between two pauses (a few ms of work). */
export const JSON_CELLS_PER_SLICE = 1 << 15;

/**
 * Encodes everything but generated_at, a slice of rows at a time, awaiting
 * `pause()` between slices so the event loop serves other requests meanwhile.
 * `fanout`, `conflict(s)` only in a cluster view (answer.nodes non-empty).
 */
export async function encodeMatrixJsonBody(
  answer: MatrixAnswer,
  series: SeriesName,
  pause: () => Promise<void>,
): Promise<MatrixJsonBody> {
  const cluster = answer.nodes.length > 0;
  const colCount = answer.columnUnixMs.length;
  const conflicts = cluster
    ? conflictColumns(answer.conflicts, answer.rows.length, colCount)
    : new Map<number, boolean[]>();
  const head: Buffer[] = [
    Buffer.from(`{"column_unix_ms":${numbersJson(answer.columnUnixMs)},"rows":[`),
  ];
  const R = answer.rows.length;
  const perSlice = Math.max(1, Math.floor(JSON_CELLS_PER_SLICE / Math.max(1, colCount)));
  for (let lo = 0; lo < R; lo += perSlice) {
    await pause();
    const parts: string[] = [];
    for (let i = lo; i < Math.min(R, lo + perSlice); i++) {
      parts.push(rowJson(answer.rows[i], conflicts.get(i)));
    }
    head.push(Buffer.from((lo > 0 ? ',' : '') + parts.join(',')));
  }
  const widths = answer.columnWidthMs
    ? `,"column_width_ms":${numbersJson(answer.columnWidthMs)}`
    : '';
  // Ours after the node's keys: the step the gateway aligned the nodes' columns to.
  const aligned = answer.alignedStepMs ? `,"aligned_step_ms":${answer.alignedStepMs}` : '';
  // Only when the budget left buckets out: otherwise the body stays the node's own.
  const tracked =
    (answer.trackedBuckets ?? 0) > answer.rows.length
      ? `,"tracked_buckets":${answer.trackedBuckets}`
      : '';
  // Only when fold_key_space was asked and honoured.
  const folded = answer.keySpaceFolded ? ',"key_space_folded":true' : '';
  head.push(
    Buffer.from(
      `],"series":${JSON.stringify(series)}${widths}${aligned}${tracked}${folded},"generated_at":`,
    ),
  );
  const tail = Buffer.from(cluster ? `,"fanout":${fanoutJson(answer.nodes)}}` : '}');
  let bytes = tail.length;
  for (const b of head) bytes += b.length;
  return { head, tail, bytes };
}

/** The chunks of one response: the shared body around this request's generated_at. */
export function matrixJsonChunks(body: MatrixJsonBody, generatedAtMs: number): Buffer[] {
  return [...body.head, Buffer.from(JSON.stringify(rfc3339(generatedAtMs))), body.tail];
}
