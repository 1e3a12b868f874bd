// A live column and the plot's pooled raster: kept when the column changed no cell of the view.
import { describe, expect, it } from 'vitest';
import { appendColumn } from '../../src/data/liveAppend.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { viewUnchangedByAppend } from '../../src/data/view/appendedView.ts';
import { columnEdges, inferStepMs } from '../../src/data/view/gaps.ts';
import { makeMatrix, key } from '../helpers/viewMatrix.ts';

const specs = [
  { start: 'a', end: 'c', id: 'route:1' },
  { start: 'e', end: 'g', id: 'route:2' },
];
const at = (m: Matrix) => ({ matrix: m, edges: columnEdges(m.columns, inferStepMs(m.columns)) });
const col = (m: Matrix, unixMs: number) => ({
  unixMs,
  rows: m.rows.map((meta) => ({ meta, value: 9, raftGroupId: 0, leaderTerm: 0 })),
});
const all = { windowMs: null, maxColumns: 1440 };
// Columns every second, 1..5 s; a column covers the second before its flush time.
const base = makeMatrix(specs, [1000, 2000, 3000, 4000, 5000]);
const past = { t0: 1000, t1: 3000, r0: 0, r1: 2 };

describe('viewUnchangedByAppend', () => {
  it('a view of older columns is unchanged by a new column', () => {
    const next = appendColumn(base, col(base, 6000), all);
    expect(viewUnchangedByAppend(at(base), at(next), past)).toBe(true);
  });

  it('a view that reaches the new column is changed', () => {
    const next = appendColumn(base, col(base, 6000), all);
    expect(viewUnchangedByAppend(at(base), at(next), { ...past, t1: 6000 })).toBe(false);
  });

  it('a slid window: kept columns map by time; a view over a dropped column is changed', () => {
    const next = appendColumn(base, col(base, 6000), { windowMs: 4000, maxColumns: 1440 });
    expect(next.columns[0]).toBe(2000); // the oldest column left
    expect(viewUnchangedByAppend(at(base), at(next), past)).toBe(true); // columns 2 and 3 s
    // From 0.5 s: the column flushed at 1 s (covering 0-1 s), dropped.
    expect(viewUnchangedByAppend(at(base), at(next), { ...past, t0: 500 })).toBe(false);
  });

  it('new rows, another base or a matrix not appended say changed', () => {
    const extra = { ...base.rows[0], bucketId: 'route:3', start: key('c'), end: key('e') };
    const withRow = appendColumn(
      base,
      { unixMs: 6000, rows: [{ meta: extra, value: 1, raftGroupId: 0, leaderTerm: 0 }] },
      all,
    );
    expect(viewUnchangedByAppend(at(base), at(withRow), past)).toBe(false);
    const next = appendColumn(base, col(base, 6000), all);
    const after = appendColumn(next, col(next, 7000), all);
    expect(viewUnchangedByAppend(at(base), at(after), past)).toBe(false); // two appends apart
    expect(viewUnchangedByAppend(at(base), at({ ...next }), past)).toBe(false); // a copy
  });
});
