// The sampler record file (the server's --record output, docs/fixture-format.md): the one
// parser of it, shared by the page (open a record with no server) and the server (--fixture,
// server/fixture/replay.ts); then the pivot into a Matrix with the node's rules (contract.md §1).
// Only APIs both sides have (atob), no Node.

import type { Matrix, RowMeta, Series } from '../matrix.ts';
import { fromBase64 } from '../keys.ts';
import { clampRows } from '../rowBudget.ts';
import { compareKeys } from './keyOrder.ts';

export const RECORD_FORMAT = 'keyviz-fixture';
export const RECORD_VERSION = 1;

export interface RecordBucket {
  bucketId: string;
  start: Uint8Array;
  end: Uint8Array;
  label: string;
  aggregate: boolean;
  routeIds: string[];
  routeCount: number;
}

/** One column: per entry its bucket and counters, in parallel arrays. */
export interface RecordColumn {
  unixMs: number;
  buckets: RecordBucket[];
  /** [reads, writes, readBytes, writeBytes, raftGroupId, leaderTerm] per entry, flat. */
  cells: Float64Array;
  /**
   * Counters at or above 2^53 exactly (written as decimal strings): cell index
   * (as in `cells`) -> value; `cells` holds the nearest double. Absent when none.
   */
  exact?: Map<number, bigint>;
}

export interface RecordFile {
  stepMs: number;
  recordedAtUnixMs: number;
  columns: RecordColumn[];
}

export const CELL_FIELDS = 6;
const SERIES_CELL: Record<Series, number> = { reads: 0, writes: 1, read_bytes: 2, write_bytes: 3 };

/** A uint64 in decimal: no sign, no leading zero, at most 20 digits (range checked apart). */
const UINT64_DECIMAL = /^(?:0|[1-9][0-9]{0,19})$/;
const UINT64_MAX = (1n << 64n) - 1n;
const EXACT_FROM = 2n ** 53n;

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Obj = Record<string, unknown>;

/** A malformed record file: the message names the file, the line and the field. */
export class RecordFileError extends Error {
  override name = 'RecordFileError';
}

/** Parses a record file; anything malformed throws a RecordFileError naming the line and field. */
export function parseRecordFile(text: string, name = 'record'): RecordFile {
  const lines = text.split('\n');
  let lineNo = 0;
  const fail = (what: string): never => {
    throw new RecordFileError(`${name} line ${lineNo}: ${what}`);
  };
  const field = (o: Obj, k: string): unknown =>
    Object.hasOwn(o, k) ? o[k] : fail(`missing field "${k}"`);
  const str = (o: Obj, k: string): string => {
    const v = field(o, k);
    return typeof v === 'string' ? v : fail(`field "${k}" must be a string`);
  };
  const count = (v: unknown, what: string): number =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
      ? v
      : fail(`${what} must be a non-negative integer`);
  const key = (o: Obj, k: string): Uint8Array => {
    const s = str(o, k);
    return B64.test(s) ? fromBase64(s) : fail(`field "${k}" is not padded base64`);
  };
  const object = (raw: string): Obj => {
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      fail(`not JSON (${(e as Error).message})`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('must be a JSON object');
    return v as Obj;
  };

  lineNo = 1;
  // A UTF-8 BOM (some editors add one) is not part of the JSON.
  const first = (lines[0] ?? '').replace(/^\uFEFF/, '').trim();
  if (first === '') fail('empty file (expected the header line)');
  const h = object(first);
  if (h.format !== RECORD_FORMAT)
    fail(`field "format" must be "${RECORD_FORMAT}" (not a record file?)`);
  if (h.version !== RECORD_VERSION) {
    fail(
      `unsupported "version" ${JSON.stringify(h.version)} (version ${RECORD_VERSION} is supported)`,
    );
  }
  if (h.keyEncoding !== 'base64') fail('field "keyEncoding" must be "base64"');
  const stepMs = count(field(h, 'stepMs'), 'field "stepMs"');
  if (stepMs < 1) fail('field "stepMs" must be at least 1');
  const recordedAtUnixMs = count(h.recordedAtUnixMs ?? 0, 'field "recordedAtUnixMs"');

  const buckets = new Map<number, RecordBucket>();
  const columns: RecordColumn[] = [];
  let lastT = -Infinity;
  for (let i = 1; i < lines.length; i++) {
    lineNo = i + 1;
    const raw = lines[i].trim();
    if (raw === '') continue;
    const o = object(raw);
    const kind = field(o, 'kind');
    if (kind === 'bucket') {
      const ref = count(field(o, 'ref'), 'field "ref"');
      if (buckets.has(ref)) fail(`bucket ref ${ref} defined twice`);
      const bucketId = str(o, 'bucketId');
      if (!/^(route|virtual):\d+$/.test(bucketId))
        fail('field "bucketId" must be route:<id> or virtual:<id>');
      const aggregate = field(o, 'aggregate');
      if (typeof aggregate !== 'boolean') fail('field "aggregate" must be true or false');
      const ids = field(o, 'routeIds');
      if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string' && /^\d+$/.test(x))) {
        fail('field "routeIds" must be an array of decimal strings');
      }
      buckets.set(ref, {
        bucketId,
        start: key(o, 'start'),
        end: key(o, 'end'),
        label: str(o, 'label'),
        aggregate: aggregate as boolean,
        routeIds: ids as string[],
        routeCount: count(field(o, 'routeCount'), 'field "routeCount"'),
      });
    } else if (kind === 'column') {
      const unixMs = count(field(o, 'unixMs'), 'field "unixMs"');
      if (unixMs < lastT) fail('columns must be in time order (field "unixMs" went back)');
      lastT = unixMs;
      const rows = field(o, 'rows');
      if (!Array.isArray(rows)) fail('field "rows" must be an array');
      const list = rows as unknown[];
      const colBuckets: RecordBucket[] = new Array(list.length);
      const cells = new Float64Array(list.length * CELL_FIELDS);
      let exact: Map<number, bigint> | undefined;
      for (let j = 0; j < list.length; j++) {
        const r = list[j];
        if (!Array.isArray(r) || r.length !== 7) {
          fail(
            `rows[${j}] must be [ref, reads, writes, readBytes, writeBytes, raftGroupId, leaderTerm]`,
          );
        }
        const a = r as unknown[];
        // Checked inline: building a message per cell would dominate the parse of a big file.
        for (let k = 0; k < 7; k++) {
          const v = a[k];
          if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) continue;
          // A counter (reads .. writeBytes) may be any uint64, as a decimal string: a JSON
          // number above 2^53 - 1 does not survive JSON.parse exactly.
          const counter = k >= 1 && k <= 4;
          if (counter && typeof v === 'string' && UINT64_DECIMAL.test(v)) {
            const big = BigInt(v);
            if (big <= UINT64_MAX) {
              if (big >= EXACT_FROM) (exact ??= new Map()).set(j * CELL_FIELDS + k - 1, big);
              a[k] = Number(big);
              continue;
            }
          }
          fail(
            `rows[${j}][${k}] must be a non-negative integer` +
              (counter ? ' (above 2^53 - 1: a decimal string up to 18446744073709551615)' : ''),
          );
        }
        const ref = a[0] as number;
        colBuckets[j] =
          buckets.get(ref) ??
          fail(`rows[${j}][0]: bucket ref ${ref} is not defined on an earlier line`);
        for (let k = 1; k < 7; k++) cells[j * CELL_FIELDS + k - 1] = a[k] as number;
      }
      columns.push(
        exact
          ? { unixMs, buckets: colBuckets, cells, exact }
          : { unixMs, buckets: colBuckets, cells },
      );
    } else {
      fail('field "kind" must be "bucket" or "column"');
    }
  }
  return { stepMs, recordedAtUnixMs, columns };
}

export interface RecordQuery {
  series: Series;
  /** Row budget; 0 (or not positive) = 1024, clamped to 1024 like the node. */
  rows: number;
  /** Flush-time window [fromMs, toMs); 0 = unbounded on that side. */
  fromMs?: number;
  toMs?: number;
}

/**
 * The GetKeyVizMatrix pivot over a record (contract.md §1): a row per bucket with any non-zero
 * counter in the window; over budget, the largest series sums win (ties: bucket_id ascending);
 * rows ordered by start key (ties: bucket_id). A bucket's identity (keys, label) is the one it
 * had at its last active column, like the node.
 */
export function recordToMatrix(rec: RecordFile, q: RecordQuery): Matrix {
  const from = q.fromMs ?? 0;
  const to = q.toMs ?? 0;
  const inverted = from !== 0 && to !== 0 && from >= to;
  const cols = inverted
    ? []
    : rec.columns.filter((c) => (from === 0 || c.unixMs >= from) && (to === 0 || c.unixMs < to));
  const C = cols.length;
  const k = SERIES_CELL[q.series];
  const budget = clampRows(q.rows);

  // Pass 1: active buckets (by id), their series sums and identity at the last active column.
  const sums = new Map<string, number>();
  const meta = new Map<string, RecordBucket>();
  for (const col of cols) {
    const cells = col.cells;
    for (let i = 0; i < col.buckets.length; i++) {
      const o = i * CELL_FIELDS;
      if (cells[o] === 0 && cells[o + 1] === 0 && cells[o + 2] === 0 && cells[o + 3] === 0)
        continue;
      const b = col.buckets[i];
      sums.set(b.bucketId, (sums.get(b.bucketId) ?? 0) + cells[o + k]);
      meta.set(b.bucketId, b);
    }
  }
  // UTF-16 order, as the server's compareStrings (identical to bytes for these ASCII ids).
  const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  let kept = [...sums.keys()];
  if (kept.length > budget) {
    kept.sort((a, b) => sums.get(b)! - sums.get(a)! || byId(a, b));
    kept = kept.slice(0, budget);
  }
  kept.sort((a, b) => compareKeys(meta.get(a)!.start, meta.get(b)!.start) || byId(a, b));

  const R = kept.length;
  const rowOf = new Map<string, number>();
  kept.forEach((id, r) => rowOf.set(id, r));
  const values = new Float64Array(R * C);
  const groups = new Float64Array(R * C);
  const terms = new Float64Array(R * C);
  // Pass 2: every entry of a kept bucket fills its cell (all-zero entries too, like the node).
  for (let c = 0; c < C; c++) {
    const col = cols[c];
    for (let i = 0; i < col.buckets.length; i++) {
      const r = rowOf.get(col.buckets[i].bucketId);
      if (r === undefined) continue;
      const o = i * CELL_FIELDS;
      values[r * C + c] = col.cells[o + k];
      groups[r * C + c] = col.cells[o + 4];
      terms[r * C + c] = col.cells[o + 5];
    }
  }
  let max = 0;
  const rows: RowMeta[] = kept.map((id, r) => {
    const m = meta.get(id)!;
    let total = 0;
    for (let c = 0; c < C; c++) {
      const v = values[r * C + c];
      total += v;
      if (v > max) max = v;
    }
    return {
      bucketId: id,
      start: m.start,
      end: m.end,
      label: m.label,
      aggregate: m.aggregate,
      routeIds: m.routeIds,
      routeIdsTruncated: m.aggregate && m.routeCount > m.routeIds.length,
      routeCount: String(m.routeCount),
      total,
      contributingNodes: [],
    };
  });
  return {
    series: q.series,
    columns: Float64Array.from(cols, (c) => c.unixMs),
    rows,
    rowCount: R,
    colCount: C,
    values,
    raftGroupIds: groups,
    leaderTerms: terms,
    max,
    nodes: [],
    conflicts: null,
  };
}

/** Reads a File/Blob picked or dropped by the user and pivots it. */
export async function openRecordBlob(
  blob: Blob & { name?: string },
  q: RecordQuery,
): Promise<{ record: RecordFile; matrix: Matrix }> {
  const record = parseRecordFile(await blob.text(), blob.name || 'record');
  return { record, matrix: recordToMatrix(record, q) };
}
