import { describe, expect, it } from 'vitest';
import { columnTotals, maxOf, rowTotals } from '../../src/data/view/marginals.ts';

function sum(a: Float64Array): number {
  let s = 0;
  for (const x of a) s += x;
  return s;
}

// 3 rows x 4 columns: v[r][c] = 10 r + c
const R = 3;
const C = 4;
const V = Float64Array.from({ length: R * C }, (_, i) => 10 * Math.floor(i / C) + (i % C));

describe('rowTotals', () => {
  it('sums each row over the visible columns', () => {
    expect(Array.from(rowTotals(V, R, C, 0, 4))).toEqual([6, 46, 86]);
    expect(Array.from(rowTotals(V, R, C, 1, 3))).toEqual([3, 23, 43]);
  });
  it('fractional bounds widen to whole cells; out of range clamps', () => {
    expect(Array.from(rowTotals(V, R, C, 2.5, 3.2))).toEqual([5, 25, 45]);
    expect(Array.from(rowTotals(V, R, C, -5, 99))).toEqual([6, 46, 86]);
    expect(Array.from(rowTotals(V, R, C, 3, 1))).toEqual([0, 0, 0]);
  });
  it('reuses `out` of the right length', () => {
    const out = new Float64Array(R).fill(99);
    expect(rowTotals(V, R, C, 0, 1, out)).toBe(out);
    expect(Array.from(out)).toEqual([0, 10, 20]);
  });
  it('empty matrix', () => {
    expect(rowTotals(new Float64Array(0), 0, 0, 0, 0).length).toBe(0);
  });
});

describe('columnTotals', () => {
  it('sums each visible column over the visible rows', () => {
    expect(Array.from(columnTotals(V, R, C, 0, 3, 0, 4))).toEqual([30, 33, 36, 39]);
    expect(Array.from(columnTotals(V, R, C, 1, 2, 1, 3))).toEqual([11, 12]);
  });
  it('clamps and widens; reused out is cleared first', () => {
    const out = new Float64Array(2).fill(7);
    expect(Array.from(columnTotals(V, R, C, 1.5, 9, 2.1, 3.9, out))).toEqual([34, 36]);
    expect(columnTotals(V, R, C, 0, 3, 4, 9).length).toBe(0);
  });
  it('matches naive sums on odd shapes (the 4-row unrolled path and its remainder)', () => {
    for (const [rows, cols] of [
      [1, 1],
      [5, 3],
      [7, 9],
      [9, 2],
    ]) {
      const v = Float64Array.from({ length: rows * cols }, (_, i) => (i * 7919) % 101);
      for (const [r0, r1, c0, c1] of [
        [0, rows, 0, cols],
        [1, rows, 1, cols],
        [0.5, rows - 0.5, 0, 1],
      ]) {
        const want = new Float64Array(Math.ceil(c1) - Math.floor(c0));
        for (let r = Math.floor(r0); r < Math.ceil(r1); r++)
          for (let c = Math.floor(c0); c < Math.ceil(c1); c++)
            want[c - Math.floor(c0)] += v[r * cols + c];
        expect(Array.from(columnTotals(v, rows, cols, r0, r1, c0, c1))).toEqual(Array.from(want));
      }
    }
  });
  it('row and column totals agree on the grand total', () => {
    expect(sum(rowTotals(V, R, C, 1, 4))).toBe(sum(columnTotals(V, R, C, 0, 3, 1, 4)));
    expect(maxOf(rowTotals(V, R, C, 0, 4))).toBe(86);
    expect(maxOf(new Float64Array(0))).toBe(0);
  });
  // Its speed is a benchmark figure (npm run bench -- view), not a test.
  it('1024 x 1440: row and column totals agree, reused buffers included', () => {
    const rows = 1024;
    const cols = 1440;
    const big = new Float64Array(rows * cols);
    for (let i = 0; i < big.length; i++) big[i] = i % 97;
    const rt = new Float64Array(rows);
    const ct = new Float64Array(cols);
    rowTotals(big, rows, cols, 0, cols, rt);
    columnTotals(big, rows, cols, 0, rows, 0, cols, ct);
    // Twice into the same buffers: a stale `out` must be overwritten, not added to.
    expect(rowTotals(big, rows, cols, 0, cols, rt)).toBe(rt);
    expect(columnTotals(big, rows, cols, 0, rows, 0, cols, ct)).toBe(ct);
    expect(sum(rt)).toBe(sum(ct));
    expect(rt[0]).toBe(sum(big.subarray(0, cols)));
  });
});
