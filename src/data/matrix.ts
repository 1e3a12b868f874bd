// The page's model of one GetKeyVizMatrix answer, laid out for the data path:
// flat typed arrays (row-major) that decode, scale, raster and hit-test share.

export type Series = 'writes' | 'reads' | 'write_bytes' | 'read_bytes';

export const SERIES: readonly Series[] = ['writes', 'reads', 'write_bytes', 'read_bytes'];

/** Series whose values are bytes (the others count operations). */
export function isByteSeries(s: Series): boolean {
  return s === 'write_bytes' || s === 'read_bytes';
}

export interface RowMeta {
  bucketId: string;
  /** Inclusive start key; empty = the low end of the key space. */
  start: Uint8Array;
  /** Exclusive end key; empty = the unbounded tail. */
  end: Uint8Array;
  label: string;
  aggregate: boolean;
  /** Member route ids as decimal strings: uint64 can exceed 2^53. */
  routeIds: string[];
  routeIdsTruncated: boolean;
  /** True number of routes in the row, decimal string. */
  routeCount: string;
  /** Sum of the row's values over all columns of the answer. */
  total: number;
  /** Cluster view through the gateway: nodes that contributed to the row. */
  contributingNodes: string[];
  /**
   * A row of the whole-key-space fold (folded_buckets, 1039): how many buckets it folds, as
   * uint64 digits ("0" for key space with no traffic). Absent on every other row.
   */
  foldedBuckets?: string;
}

export interface NodeStatus {
  node: string;
  ok: boolean;
  error: string;
  code: string;
  latencyMs: number;
}

export interface Matrix {
  series: Series;
  /** Flush times in unix ms, oldest first. */
  columns: Float64Array;
  /**
   * Per column, the time it covers in ms (column_width_ms, field 1010): wider for the server's
   * stored roll-ups (10 min, 1 h). Absent when every column is one step.
   */
  columnWidths?: Float64Array;
  /**
   * Buckets with traffic in the window before the row budget (tracked_buckets, 1028), set only
   * when it is more than rowCount (the budget left some out). A node does not say it.
   */
  trackedBuckets?: number;
  /** The server folded the buckets the budget dropped (key_space_folded, 1029): rows tile. */
  keySpaceFolded?: boolean;
  rows: RowMeta[];
  rowCount: number;
  colCount: number;
  /**
   * rowCount * colCount, row-major: values[r * colCount + c]. Exact below 2^53. A live session
   * reuses the arrays of its older matrices (arrayPool.ts): keep no second view of them (subarray,
   * `.buffer`) past the task that made it, and hold (arrayHold.ts) an older matrix whose cells are
   * read later.
   */
  values: Float64Array;
  /**
   * Cells at or above 2^53 (same index as `values`): their exact decimal digits. Absent when
   * there are none. Display and export read cells through cellDigits (format.ts).
   */
  exactValues?: Map<number, string>;
  /** Same layout; null when the node sent none (older nodes). 0 = unknown. */
  raftGroupIds: Float64Array | null;
  leaderTerms: Float64Array | null;
  /** Largest value in `values` (0 for an empty matrix). */
  max: number;
  /** Cluster view only: upstream nodes and how they answered; empty for one node. */
  nodes: NodeStatus[];
  /** Cluster view only: 1 where two nodes disagreed on a write cell; null when none. */
  conflicts: Uint8Array | null;
}

/** folded_buckets (ours, 1039) from JSON when it is a count; anything else: not a folded row. */
export function foldedOf(v: unknown): { foldedBuckets?: string } {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
    ? { foldedBuckets: String(v) }
    : {};
}

/**
 * Sets `trackedBuckets` from an answer's tracked_buckets (1028) by the one rule every source
 * follows: a safe integer above the rows shown (the budget left buckets out), else nothing.
 */
export function setTrackedBuckets(m: Matrix, tracked: unknown): void {
  const t = typeof tracked === 'bigint' ? Number(tracked) : tracked;
  if (typeof t === 'number' && Number.isSafeInteger(t) && t > m.rowCount) m.trackedBuckets = t;
}

/** Buckets with traffic the row budget left out (tracked_buckets - rows); 0 when not said. */
export function leftOutOf(m: { trackedBuckets?: number; rowCount: number }): number {
  return Math.max(0, (m.trackedBuckets ?? 0) - m.rowCount);
}
