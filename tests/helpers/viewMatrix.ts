// Builds small Matrix values for the view-model unit tests.
import type { Matrix, RowMeta, Series } from '../../src/data/matrix.ts';

const enc = new TextEncoder();

export const key = (s: string): Uint8Array => enc.encode(s);

export interface RowSpec {
  start: string | Uint8Array;
  end?: string | Uint8Array;
  label?: string;
  id?: string;
  aggregate?: boolean;
  routeCount?: string;
}

const bytes = (k: string | Uint8Array | undefined): Uint8Array =>
  k === undefined ? new Uint8Array(0) : typeof k === 'string' ? enc.encode(k) : k;

/** A matrix with the given rows; values[r][c] from `cell` (default r * 100 + c). */
export function makeMatrix(
  specs: RowSpec[],
  columns: number[],
  cell: (r: number, c: number) => number = (r, c) => r * 100 + c,
  series: Series = 'writes',
): Matrix {
  const R = specs.length;
  const C = columns.length;
  const values = new Float64Array(R * C);
  let max = 0;
  const rows: RowMeta[] = specs.map((s, r) => {
    let total = 0;
    for (let c = 0; c < C; c++) {
      const v = cell(r, c);
      values[r * C + c] = v;
      total += v;
      if (v > max) max = v;
    }
    return {
      bucketId: s.id ?? `route:${r + 1}`,
      start: bytes(s.start),
      end: bytes(s.end),
      label: s.label ?? '',
      aggregate: s.aggregate ?? false,
      routeIds: [String(r + 1)],
      routeIdsTruncated: false,
      routeCount: s.routeCount ?? '1',
      total,
      contributingNodes: [],
    };
  });
  return {
    series,
    columns: Float64Array.from(columns),
    rows,
    rowCount: R,
    colCount: C,
    values,
    raftGroupIds: null,
    leaderTerms: null,
    max,
    nodes: [],
    conflicts: null,
  };
}

/** Rows tiling the key space at the given split keys: ['', a), [a, b), ..., [z, ''). */
export function tiledRows(splits: string[]): RowSpec[] {
  const bounds = ['', ...splits, ''];
  return bounds.slice(0, -1).map((start, i) => ({ start, end: bounds[i + 1] }));
}
