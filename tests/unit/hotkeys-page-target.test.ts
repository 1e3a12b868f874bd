// The hot-keys selection in the URL and what it asks: by bucket id and column time (never a
// row index), the column's window by flush time, a range's buckets with the cap.
import { describe, expect, it } from 'vitest';
import type { Matrix, RowMeta } from '../../src/data/matrix.ts';
import { columnEdges } from '../../src/data/view/gaps.ts';
import { hotKeysSearch, parseHotKeysSel } from '../../src/pages/keyviz/hotKeysUrl.ts';
import { cellTarget, rangeTarget } from '../../src/pages/keyviz/hotKeysTarget.ts';

const enc = (s: string) => new TextEncoder().encode(s);

function row(id: string, start: string, end: string, total: number, aggregate = false): RowMeta {
  return {
    bucketId: id,
    start: enc(start),
    end: enc(end),
    label: '',
    aggregate,
    routeIds: [],
    routeIdsTruncated: false,
    routeCount: '1',
    total,
    contributingNodes: [],
  };
}

function matrix(rows: RowMeta[]): Matrix {
  const columns = Float64Array.from([60_000, 120_000, 180_000]);
  const values = new Float64Array(rows.length * 3).map((_, i) => i + 1);
  return {
    series: 'writes',
    columns,
    rows,
    rowCount: rows.length,
    colCount: 3,
    values,
    raftGroupIds: null,
    leaderTerms: null,
    max: values.length,
    nodes: [],
    conflicts: null,
  };
}

describe('hot-keys URL state', () => {
  it('round-trips a cell, keeps foreign parameters, drops the default top', () => {
    const q = hotKeysSearch('?series=reads&api=x', {
      cell: { bucketId: 'route:7:redis#3', colMs: 120_000 },
      range: null,
      top: 50,
    });
    expect(q).toBe('?series=reads&api=x&hk=route%3A7%3Aredis%233&hkt=120000&hktop=50');
    expect(parseHotKeysSel(q)).toEqual({
      cell: { bucketId: 'route:7:redis#3', colMs: 120_000 },
      range: null,
      top: 50,
    });
    expect(hotKeysSearch(q, { cell: null, range: null, top: 20 })).toBe('?series=reads&api=x');
  });

  it('ignores what is not a selection', () => {
    expect(parseHotKeysSel('?hk=route:x&hkt=5').cell).toBeNull();
    expect(parseHotKeysSel('?hk=route:7&hkt=-5').cell).toBeNull();
    expect(parseHotKeysSel('?hk=route:7&hkt=5&hktop=33').top).toBe(20);
    expect(parseHotKeysSel('?hkr=9-3').range).toBeNull();
    expect(parseHotKeysSel('?hkr=3-9,61,').range).toEqual({
      fromMs: 3,
      toMs: 9,
      startKeyHex: '61',
    });
  });
});

describe('targets', () => {
  const m = matrix([
    row('route:1', '', 'b', 10),
    row('virtual:18446744073709551615', 'b', 'd', 99, true),
    row('route:2:redis#1', 'd', 'f', 30),
    row('route:3', 'f', '', 20),
  ]);
  const edges = columnEdges(m.columns, 60_000);

  it('a cell asks its column by flush time and finds its row by id after a renumbering', () => {
    const t = cellTarget(m, edges, 60_000, { bucketId: 'route:2:redis#1', colMs: 120_000 });
    expect(t.ask).toEqual({ fromMs: 120_000, toMs: 120_001 });
    expect(t.window).toEqual({ fromMs: 60_000, toMs: 120_000 });
    expect(t.parsed).toEqual({ kind: 'route', routeId: '2', label: 'redis', subBucket: 1 });
    expect(t.cellWrites).toBe(m.values[2 * 3 + 1]);
    // Gone from the matrix: still asked, no share of the cell.
    const gone = cellTarget(m, edges, 60_000, { bucketId: 'route:9', colMs: 600_000 });
    expect(gone.row).toBeNull();
    expect(gone.cellWrites).toBeNull();
    expect(gone.window).toEqual({ fromMs: 540_000, toMs: 600_000 });
  });

  it('a range keeps route buckets meeting its keys, counts aggregates, caps by activity', () => {
    const t = rangeTarget(m, edges, { fromMs: 70_000, toMs: 130_000, startKeyHex: '63' });
    expect(t.buckets.map((b) => b.bucketId)).toEqual(['route:2:redis#1', 'route:3']);
    expect(t.aggregates).toBe(1);
    // Columns 1 and 2 overlap [70 s, 130 s): their flush times.
    expect(t.ask).toEqual({ fromMs: 120_000, toMs: 180_001 });
    const capped = rangeTarget(m, edges, { fromMs: 0, toMs: 180_000 }, 2);
    expect(capped.inRange).toBe(3);
    expect(capped.buckets.map((b) => b.bucketId)).toEqual(['route:2:redis#1', 'route:3']);
  });
});
