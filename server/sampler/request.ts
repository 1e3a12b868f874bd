// GetKeyVizMatrix request rules shared by every backend (contract.md §1).
import { KeyVizSeries } from '../../src/gen/admin_pb.ts';

/** Largest row budget; larger requests are clamped, 0 means this. */
export const MAX_MATRIX_ROWS = 1024;

/** Counter offsets inside a bucket's four counters. */
export const COUNTER_READS = 0;
export const COUNTER_WRITES = 1;
export const COUNTER_READ_BYTES = 2;
export const COUNTER_WRITE_BYTES = 3;

/** KeyVizSeries enum -> counter offset; UNSPECIFIED and unknown mean writes. */
export function seriesCounter(series: number): number {
  switch (series) {
    case KeyVizSeries.KEYVIZ_SERIES_READS:
      return COUNTER_READS;
    case KeyVizSeries.KEYVIZ_SERIES_READ_BYTES:
      return COUNTER_READ_BYTES;
    case KeyVizSeries.KEYVIZ_SERIES_WRITE_BYTES:
      return COUNTER_WRITE_BYTES;
    default:
      return COUNTER_WRITES;
  }
}

/** Row budget: 0 (and anything not a positive number) means 1024; above 1024 clamps. */
export function rowBudget(rows: number): number {
  if (!(rows > 0)) return MAX_MATRIX_ROWS;
  return Math.min(Math.floor(rows), MAX_MATRIX_ROWS) || MAX_MATRIX_ROWS;
}

/**
 * The pivot's budget for a request: every bucket with traffic when the answer is to be folded
 * (fold.ts then budgets it), else the node's rowBudget.
 */
export function pivotBudget(req: { rows: number; foldKeySpace?: boolean }): number {
  return req.foldKeySpace ? Number.MAX_SAFE_INTEGER : rowBudget(req.rows);
}

/** Half-open [from, to) on flush time; 0 = unbounded on that side. */
export function inWindow(t: number, fromMs: number, toMs: number): boolean {
  return (fromMs === 0 || t >= fromMs) && (toMs === 0 || t < toMs);
}
