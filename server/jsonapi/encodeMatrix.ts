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
  parts.push(`"values":${numbersJson(row.values)}`);
  // Node format: a row-level OR plus one bool per column, both only on conflicting rows.
  if (conflicts) parts.push('"conflict":true', `"conflicts":[${conflicts.join(',')}]`);
  // Older nodes send none; the node's fields are `omitempty`.
  if (row.raftGroupIds.length > 0) parts.push(`"raft_group_ids":${numbersJson(row.raftGroupIds)}`);
  if (row.leaderTerms.length > 0) parts.push(`"leader_terms":${numbersJson(row.leaderTerms)}`);
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

/** The body around its one per-request value: `head` + generated_at + `tail`. */
interface MatrixJsonParts {
  /** `{"column_unix_ms":...,"rows":[...],"series":"...","generated_at":` */
  head: string;
  /** `,"fanout":{...}}` in a cluster view, else `}`. */
  tail: string;
}

/** Everything but generated_at. `fanout`, `conflict(s)` only in a cluster view (answer.nodes non-empty). */
function encodeMatrixJsonParts(answer: MatrixAnswer, series: SeriesName): MatrixJsonParts {
  const cluster = answer.nodes.length > 0;
  const colCount = answer.columnUnixMs.length;
  const conflicts = cluster
    ? conflictColumns(answer.conflicts, answer.rows.length, colCount)
    : new Map<number, boolean[]>();
  const rows = answer.rows.map((r, i) => rowJson(r, conflicts.get(i)));
  const head =
    `{"column_unix_ms":${numbersJson(answer.columnUnixMs)},"rows":[${rows.join(',')}]` +
    `,"series":${JSON.stringify(series)}` +
    (answer.columnWidthMs ? `,"column_width_ms":${numbersJson(answer.columnWidthMs)}` : '') +
    `,"generated_at":`;
  const tail = cluster ? `,"fanout":${fanoutJson(answer.nodes)}}` : '}';
  return { head, tail };
}

/**
 * The whole body, memoised per (answer object, series): the local backend hands
 * out the same answer until the next flush, so a polling page is encoded once per
 * flush, not once per request. Answers are never mutated once returned.
 */
export function cachedMatrixJsonEncoder(): (
  answer: MatrixAnswer,
  series: SeriesName,
  generatedAtMs: number,
) => string {
  // Weak: an answer the backend has dropped takes its encodings with it.
  const cache = new WeakMap<MatrixAnswer, Map<SeriesName, MatrixJsonParts>>();
  return (answer, series, generatedAtMs) => {
    let bySeries = cache.get(answer);
    if (!bySeries) cache.set(answer, (bySeries = new Map()));
    let parts = bySeries.get(series);
    if (!parts) bySeries.set(series, (parts = encodeMatrixJsonParts(answer, series)));
    return `${parts.head}${JSON.stringify(rfc3339(generatedAtMs))}${parts.tail}`;
  };
}
