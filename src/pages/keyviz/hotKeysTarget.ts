// What the hot-keys panel asks about, from the selection in the URL and the matrix on screen.
// Keyed by bucket id and column time, never by row index: a refresh renumbers rows, and a
// selected row may drop out of the row budget while the panel stays useful. Pure.

import { parseBucketId, type BucketId } from '../../data/bucketId.ts';
import { fromHex } from '../../data/keys.ts';
import type { Matrix, RowMeta } from '../../data/matrix.ts';
import type { ZoomState } from '../../data/urlState.ts';
import { compareKeys } from '../../data/view/keyOrder.ts';
import { columnRange, type ColumnEdges } from '../../data/view/gaps.ts';

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
  /** The clicked column's extent on screen, [x0, x1 = flush time). */
  window: Window;
  /**
   * What is asked: flush times in [from, to), as GetKeyVizMatrix selects columns. A hot-key
   * window ends at its flush time, so [flush, flush + 1) names exactly the clicked column's.
   */
  ask: Window;
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
  /** Flush times of the columns the window overlaps, [first, last + 1). */
  ask: Window;
  /** The range's keys, [lo, hi); an empty hi is open. A route may reach beyond them. */
  lo: Uint8Array;
  hi: Uint8Array;
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
    ask: { fromMs: cell.colMs, toMs: cell.colMs + 1 },
    bucketId: cell.bucketId,
    parsed: parseBucketId(cell.bucketId),
    row: r >= 0 ? m.rows[r] : null,
    window,
    cellWrites: r >= 0 && c >= 0 && m.series === 'writes' ? m.values[r * m.colCount + c] : null,
  };
}

/**
 * What a range asked when it was picked, kept while the range stays the same: auto refresh moves
 * row totals (which rank buckets over the cap) and slides the loaded columns (which name the
 * flush times asked), and neither changes the question.
 */
export interface RangePin {
  window: Window;
  ask: Window;
  /** Buckets asked: preferred over busier ones while they are still in the range. */
  ids: ReadonlySet<string>;
}

export function pinOf(t: RangeTarget): RangePin {
  return { window: t.window, ask: t.ask, ids: new Set(t.buckets.map((b) => b.bucketId)) };
}

/** The bucket set of a target equals the pin's. */
export function samePinned(t: RangeTarget, pin: RangePin): boolean {
  return t.buckets.length === pin.ids.size && t.buckets.every((b) => pin.ids.has(b.bucketId));
}

/** What a range asks, as a string independent of bucket order (the panel's request key). */
export function rangeAskKey(t: RangeTarget, top: number): string {
  const ids = t.buckets.map((b) => b.bucketId).sort();
  return `range ${ids.join(',')} ${t.ask.fromMs}-${t.ask.toMs} ${top}`;
}

/** Rows whose [start, end) meets the range's keys (an empty bound is open). */
function overlaps(row: RowMeta, lo: Uint8Array, hi: Uint8Array): boolean {
  const startsBeforeHi = hi.length === 0 || compareKeys(row.start, hi) < 0;
  const endsAfterLo = row.end.length === 0 || compareKeys(row.end, lo) > 0;
  return startsBeforeHi && endsAfterLo;
}

export function rangeTarget(
  m: Matrix,
  edges: ColumnEdges,
  range: ZoomState,
  cap = MAX_RANGE_BUCKETS,
  pin?: RangePin,
): RangeTarget {
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
  // Over the cap: the buckets pinned when the range was picked, then the busiest (where hot keys
  // are most likely to be).
  const kept = (b: RangeBucket) => (pin?.ids.has(b.bucketId) ? 0 : 1);
  const buckets =
    all.length > cap
      ? [...all]
          .sort(
            (a, b) => kept(a) - kept(b) || b.total - a.total || (a.bucketId < b.bucketId ? -1 : 1),
          )
          .slice(0, cap)
      : all;
  const { c0, c1 } = columnRange(edges, range.fromMs, range.toMs);
  const ask =
    pin?.ask ??
    (c1 > c0
      ? { fromMs: m.columns[c0], toMs: m.columns[c1 - 1] + 1 }
      : { fromMs: range.fromMs, toMs: range.toMs });
  return {
    kind: 'range',
    // The extent of the columns it covers: what the keys should describe.
    window:
      pin?.window ??
      (c1 > c0
        ? { fromMs: edges.x0[c0], toMs: edges.x1[c1 - 1] }
        : { fromMs: range.fromMs, toMs: range.toMs }),
    ask,
    lo,
    hi,
    buckets,
    inRange: all.length,
    aggregates,
  };
}
