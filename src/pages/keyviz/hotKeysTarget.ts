// What the hot-keys panel asks about, from the selection in the URL and the matrix on screen.
// Keyed by bucket id and column time, never by row index: a refresh renumbers rows, and a
// selected row may drop out of the row budget while the panel stays useful. Pure.

import { parseBucketId, type BucketId } from '../../data/bucketId.ts';
import { fromHex } from '../../data/keys.ts';
import type { Matrix, RowMeta } from '../../data/matrix.ts';
import type { ZoomState } from '../../data/urlState.ts';
import { compareKeys } from '../../data/view/keyOrder.ts';
import type { ColumnEdges } from '../../data/view/gaps.ts';

/** Buckets one range query asks at most (one request each). */
export const MAX_RANGE_BUCKETS = 32;

export interface Window {
  fromMs: number;
  toMs: number;
}

export interface CellTarget {
  kind: 'cell';
  bucketId: string;
  /** null: not in the node's grammar. */
  parsed: BucketId | null;
  /** The row on screen now (null when the bucket is not among the rows shown). */
  row: RowMeta | null;
  /** The clicked column's window [flush - step, flush). */
  window: Window;
  /** The cell's writes (for shares): null unless the series is writes and the cell is shown. */
  cellWrites: number | null;
}

/** A route bucket the range asks about. */
export interface RangeBucket {
  bucketId: string;
  routeId: string;
  label: string;
  subBucket: number | null;
  /** The row's total over the loaded window (ranks buckets when capped). */
  total: number;
}

export interface RangeTarget {
  kind: 'range';
  window: Window;
  buckets: RangeBucket[];
  /** Route buckets in the range before the cap. */
  inRange: number;
  /** Aggregate rows in the range (no hot keys of their own). */
  aggregates: number;
}

export function cellTarget(
  m: Matrix,
  edges: ColumnEdges,
  stepMs: number,
  cell: { bucketId: string; colMs: number },
): CellTarget {
  const r = m.rows.findIndex((x) => x.bucketId === cell.bucketId);
  const c = m.columns.indexOf(cell.colMs);
  const window =
    c >= 0
      ? { fromMs: edges.x0[c], toMs: edges.x1[c] }
      : { fromMs: cell.colMs - stepMs, toMs: cell.colMs };
  return {
    kind: 'cell',
    bucketId: cell.bucketId,
    parsed: parseBucketId(cell.bucketId),
    row: r >= 0 ? m.rows[r] : null,
    window,
    cellWrites: r >= 0 && c >= 0 && m.series === 'writes' ? m.values[r * m.colCount + c] : null,
  };
}

/** Rows whose [start, end) meets the range's keys (an empty bound is open). */
function overlaps(row: RowMeta, lo: Uint8Array, hi: Uint8Array): boolean {
  const startsBeforeHi = hi.length === 0 || compareKeys(row.start, hi) < 0;
  const endsAfterLo = row.end.length === 0 || compareKeys(row.end, lo) > 0;
  return startsBeforeHi && endsAfterLo;
}

export function rangeTarget(m: Matrix, range: ZoomState, cap = MAX_RANGE_BUCKETS): RangeTarget {
  const lo = fromHex(range.startKeyHex ?? '') ?? new Uint8Array(0);
  const hi = fromHex(range.endKeyHex ?? '') ?? new Uint8Array(0);
  const all: RangeBucket[] = [];
  let aggregates = 0;
  for (const row of m.rows) {
    if (!overlaps(row, lo, hi)) continue;
    const b = parseBucketId(row.bucketId);
    if (row.aggregate || !b || b.kind !== 'route') {
      aggregates++;
      continue;
    }
    all.push({
      bucketId: row.bucketId,
      routeId: b.routeId,
      label: b.label,
      subBucket: b.subBucket,
      total: row.total,
    });
  }
  // Over the cap: the busiest buckets, where hot keys are most likely to be.
  const buckets =
    all.length > cap
      ? [...all]
          .sort((a, b) => b.total - a.total || (a.bucketId < b.bucketId ? -1 : 1))
          .slice(0, cap)
      : all;
  return {
    kind: 'range',
    window: { fromMs: range.fromMs, toMs: range.toMs },
    buckets,
    inRange: all.length,
    aggregates,
  };
}
