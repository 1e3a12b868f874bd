// Appending live columns to the page's matrix: no mutation, new rows in key
// order, the sliding window, duplicates ignored, a gap's columns replayed.
import { describe, expect, it } from 'vitest';
import {
  capRows,
  appendColumn,
  appendColumns,
  matrixColumns,
  type LiveRow,
} from '../../src/data/liveAppend.ts';
import type { Matrix, RowMeta } from '../../src/data/matrix.ts';
import { key, makeMatrix } from '../helpers/viewMatrix.ts';

const all = { windowMs: null, maxColumns: 1440 };

function row(m: Matrix, id: string): number[] {
  const i = m.rows.findIndex((r) => r.bucketId === id);
  return Array.from(m.values.subarray(i * m.colCount, (i + 1) * m.colCount));
}

function meta(id: string, start: string, end: string): RowMeta {
  return {
    bucketId: id,
    start: key(start),
    end: key(end),
    label: '',
    aggregate: false,
    routeIds: [],
    routeIdsTruncated: false,
    routeCount: '1',
    total: 0,
    contributingNodes: [],
  };
}

const live = (m: RowMeta, value: number, term = 0): LiveRow => ({
  meta: m,
  value,
  raftGroupId: term ? 1 : 0,
  leaderTerm: term,
});

describe('appendColumn', () => {
  const base = makeMatrix(
    [
      { start: 'a', end: 'c', id: 'route:1' },
      { start: 'e', end: 'g', id: 'route:2' },
    ],
    [1000, 2000],
  );

  it('appends a column, zero where a row is absent, without touching the old matrix', () => {
    const before = Array.from(base.values);
    const m = appendColumn(base, { unixMs: 3000, rows: [live(base.rows[1], 7)] }, all);
    expect(Array.from(m.columns)).toEqual([1000, 2000, 3000]);
    expect(row(m, 'route:1')).toEqual([0, 1, 0]);
    expect(row(m, 'route:2')).toEqual([100, 101, 7]);
    expect(m.rows[1].total).toBe(208);
    expect(m.max).toBe(101);
    expect(Array.from(base.values)).toEqual(before);
    expect(base.colCount).toBe(2);
    // An unchanged row keeps its metadata object (cheap for memoised views).
    expect(m.rows[0]).toBe(base.rows[0]);
  });

  it('inserts rows seen for the first time in start-key order', () => {
    const m = appendColumn(
      base,
      {
        unixMs: 3000,
        rows: [
          live(meta('route:9', 'h', ''), 5),
          live(meta('route:3', 'c', 'e'), 4),
          live(meta('route:0', '', 'a'), 1),
        ],
      },
      all,
    );
    expect(m.rows.map((r) => r.bucketId)).toEqual([
      'route:0',
      'route:1',
      'route:3',
      'route:2',
      'route:9',
    ]);
    expect(row(m, 'route:3')).toEqual([0, 0, 4]);
    expect(m.rowCount).toBe(5);
    expect(m.rows[2].total).toBe(4);
  });

  it('ignores a column not newer than the newest held (same object back)', () => {
    expect(appendColumn(base, { unixMs: 2000, rows: [] }, all)).toBe(base);
    expect(appendColumn(base, { unixMs: 1500, rows: [] }, all)).toBe(base);
  });

  it('slides a window: the oldest columns leave, totals and max follow', () => {
    const m = appendColumn(
      base,
      { unixMs: 3000, rows: [live(base.rows[0], 3)] },
      { windowMs: 1500, maxColumns: 1440 },
    );
    expect(Array.from(m.columns)).toEqual([2000, 3000]);
    expect(row(m, 'route:1')).toEqual([1, 3]);
    expect(row(m, 'route:2')).toEqual([101, 0]);
    expect(m.rows[0].total).toBe(4);
    expect(m.max).toBe(101);
    const capped = appendColumn(
      base,
      { unixMs: 3000, rows: [] },
      { windowMs: null, maxColumns: 2 },
    );
    expect(Array.from(capped.columns)).toEqual([2000, 3000]);
  });

  it('carries raft groups and leader terms once a column has them', () => {
    const m = appendColumn(base, { unixMs: 3000, rows: [live(base.rows[0], 2, 9)] }, all);
    expect(m.leaderTerms).not.toBeNull();
    expect(m.leaderTerms![0 * 3 + 2]).toBe(9);
    expect(m.raftGroupIds![0 * 3 + 2]).toBe(1);
  });

  it('replays a gap matrix column by column (what a reconnect fetches)', () => {
    const gap = makeMatrix(
      [{ start: 'a', end: 'c', id: 'route:1' }],
      [3000, 4000],
      (_r, c) => c + 10,
    );
    const m = appendColumns(base, matrixColumns(gap), all);
    expect(Array.from(m.columns)).toEqual([1000, 2000, 3000, 4000]);
    expect(row(m, 'route:1')).toEqual([0, 1, 10, 11]);
    expect(row(m, 'route:2')).toEqual([100, 101, 0, 0]);
  });
});

describe('capRows', () => {
  it('keeps the busiest rows within the budget, in key order', () => {
    const m = makeMatrix(
      [
        { start: 'a', end: 'b', id: 'route:1' },
        { start: 'b', end: 'c', id: 'route:2' },
        { start: 'c', end: '', id: 'route:3' },
      ],
      [1000, 2000],
      (r) => [5, 1, 9][r],
    );
    const c = capRows(m, 2);
    expect(c.rows.map((r) => r.bucketId)).toEqual(['route:1', 'route:3']);
    expect(Array.from(c.values)).toEqual([5, 5, 9, 9]);
    expect(c.max).toBe(9);
    expect(capRows(m, 3)).toBe(m);
  });
});
