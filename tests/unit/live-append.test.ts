// Appending live columns to the page's matrix: no mutation, new rows in key
// order, the sliding window, duplicates ignored, a gap's columns replayed.
import { describe, expect, it } from 'vitest';
import {
  capRows,
  appendColumn,
  appendColumns,
  matrixColumns,
  withNewerColumns,
  type LiveRow,
} from '../../src/data/liveAppend.ts';
import type { Matrix, RowMeta } from '../../src/data/matrix.ts';
import { key, makeMatrix } from '../helpers/viewMatrix.ts';
import { newerColumnsCarry } from '../../src/pages/keyviz/liveSession.ts';
import { loadedOf, windowedClient } from '../../src/pages/keyviz/windowedClient.ts';

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

  it("keeps the answer's column widths (stored roll-ups) and its tracked-bucket count", () => {
    // Column 1000 is a 10-minute roll-up, 2000 a 1-minute step; the budget left buckets out.
    const wide: Matrix = {
      ...base,
      columnWidths: Float64Array.from([600_000, 60_000]),
      trackedBuckets: 9,
    };
    const m = appendColumn(wide, { unixMs: 3000, rows: [] }, all);
    expect(Array.from(m.columnWidths!)).toEqual([600_000, 60_000, 60_000]);
    expect(m.trackedBuckets).toBe(9);
    // Sliding out the roll-up slides its width out too.
    const slid = appendColumn(
      wide,
      { unixMs: 3000, rows: [] },
      { windowMs: 1500, maxColumns: 1440 },
    );
    expect(Array.from(slid.columnWidths!)).toEqual([60_000, 60_000]);
    // Without widths or a count (a node's answer), none appear.
    const plain = appendColumn(base, { unixMs: 3000, rows: [] }, all);
    expect(plain.columnWidths).toBeUndefined();
    expect(plain.trackedBuckets).toBeUndefined();
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

describe('appendColumn with a row budget', () => {
  // A deterministic pseudo-random matrix and live columns that bring new rows and drop old ones.
  function rng(seed: number) {
    let s = seed >>> 0;
    return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  }
  const ids = Array.from({ length: 40 }, (_x, i) => i);
  const metaOf = (i: number) =>
    meta(`route:${i}`, `k${String(i).padStart(3, '0')}`, `k${String(i + 1).padStart(3, '0')}`);

  it('equals capRows on the appended matrix, one column or several, ties included', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rand = rng(seed);
      let m = appendColumns(
        makeMatrix(
          ids.slice(0, 12).map((i) => ({
            start: `k${String(i).padStart(3, '0')}`,
            end: `k${String(i + 1).padStart(3, '0')}`,
            id: `route:${i}`,
          })),
          [1000, 2000, 3000],
        ),
        [],
        all,
      );
      for (let step = 0; step < 6; step++) {
        const n = 1 + Math.floor(rand() * 3);
        const cols = Array.from({ length: n }, (_c, j) => ({
          unixMs: 4000 + step * 10_000 + j * 1000,
          rows: ids
            .filter(() => rand() < 0.4)
            .map((i) => live(metaOf(i), Math.floor(rand() * 4) * 50, rand() < 0.3 ? 2 : 0)),
        }));
        const opts = { windowMs: 9000, maxColumns: 6 };
        const budget = 8 + (seed % 5);
        const want = capRows(appendColumns(m, cols, opts), budget);
        const got = appendColumns(m, cols, { ...opts, maxRows: budget });
        expect(got.rows.map((r) => [r.bucketId, r.total])).toEqual(
          want.rows.map((r) => [r.bucketId, r.total]),
        );
        expect(got.rowCount).toBe(want.rowCount);
        expect(got.rowCount).toBeLessThanOrEqual(budget);
        expect(Array.from(got.values)).toEqual(Array.from(want.values));
        expect(Array.from(got.raftGroupIds ?? [])).toEqual(Array.from(want.raftGroupIds ?? []));
        expect(Array.from(got.leaderTerms ?? [])).toEqual(Array.from(want.leaderTerms ?? []));
        expect(Array.from(got.columns)).toEqual(Array.from(want.columns));
        expect(got.max).toBe(want.max);
        m = got;
      }
    }
  });

  it('keeps a row object whose total did not change (memoised views compare by identity)', () => {
    const base = makeMatrix(
      [
        { start: 'a', end: 'c', id: 'route:1' },
        { start: 'e', end: 'g', id: 'route:2' },
      ],
      [1000, 2000],
    );
    const m = appendColumn(
      base,
      { unixMs: 3000, rows: [live(base.rows[1], 7)] },
      {
        ...all,
        maxRows: 1,
      },
    );
    expect(m.rows.map((r) => r.bucketId)).toEqual(['route:2']);
    expect(m.rowCount).toBe(1);
    const n = appendColumn(m, { unixMs: 4000, rows: [] }, { ...all, maxRows: 1 });
    expect(n.rows[0]).toBe(m.rows[0]);
  });
});

describe('exact digits above 2^53 through live appends', () => {
  const MAX64 = '18446744073709551615';
  const ABOVE53 = '9007199254740993';
  const base = (): Matrix => {
    const m = makeMatrix(
      [
        { start: 'a', end: 'c', id: 'route:1' },
        { start: 'e', end: 'g', id: 'route:2' },
      ],
      [1000, 2000, 3000],
    );
    // route:2's middle cell holds 2^53 + 1 (index 1 * 3 + 1).
    m.values[4] = Number(ABOVE53);
    m.exactValues = new Map([[4, ABOVE53]]);
    return m;
  };
  const digitsOf = (m: Matrix, id: string, col: number) => {
    const i = m.rows.findIndex((r) => r.bucketId === id);
    return m.exactValues?.get(i * m.colCount + col);
  };

  it('keeps old exact cells at their new index and adds the live cell exactly', () => {
    const m0 = base();
    const fresh = meta('route:0', '', 'a');
    const m = appendColumn(
      m0,
      {
        unixMs: 4000,
        rows: [{ meta: fresh, value: Number(MAX64), exact: MAX64, raftGroupId: 0, leaderTerm: 0 }],
      },
      { windowMs: null, maxColumns: 3 },
    );
    // The oldest column slid out and a row was inserted above: both move the index.
    expect(m.colCount).toBe(3);
    expect(digitsOf(m, 'route:2', 0)).toBe(ABOVE53);
    expect(digitsOf(m, 'route:0', 2)).toBe(MAX64);
    expect(m.exactValues?.size).toBe(2);
    // Without the exact strings a double would give ...992 and ...552000.
    expect(String(m.values[2 * 3 + 0])).not.toBe(ABOVE53);
  });

  it('drops exact cells that slid out of the window', () => {
    const m = appendColumn(base(), { unixMs: 4000, rows: [] }, { windowMs: null, maxColumns: 2 });
    expect(m.exactValues).toBeUndefined();
  });

  it('capRows moves exact digits with their rows', () => {
    const m = capRows(base(), 1);
    expect(m.rows.map((r) => r.bucketId)).toEqual(['route:2']);
    expect(m.exactValues?.get(1)).toBe(ABOVE53);
  });

  it('a gap replayed through matrixColumns carries the digits', () => {
    const cols = matrixColumns(base());
    expect(cols[1].rows.find((r) => r.meta.bucketId === 'route:2')?.exact).toBe(ABOVE53);
  });
});

describe('withNewerColumns (a load that was on the wire while live columns came)', () => {
  const held = makeMatrix(
    [
      { start: 'a', end: 'c', id: 'route:1' },
      { start: 'e', end: 'g', id: 'route:2' },
    ],
    [1000, 2000, 3000, 4000],
  );

  it('takes on the held columns newer than the answer, values as held', () => {
    // The answer was asked at 2000: its own rows (one new) and values.
    const fresh = makeMatrix(
      [
        { start: 'a', end: 'c', id: 'route:1' },
        { start: 'c', end: 'e', id: 'route:3' },
      ],
      [1000, 2000],
      (r, c) => 50 + r * 10 + c,
    );
    const m = withNewerColumns(held, fresh, all);
    expect(Array.from(m.columns)).toEqual([1000, 2000, 3000, 4000]);
    // The answer's cells stay the answer's; the carried columns are the held matrix's.
    const h2 = row(held, 'route:2');
    expect(row(m, 'route:1')).toEqual([...row(fresh, 'route:1'), ...row(held, 'route:1').slice(2)]);
    expect(row(m, 'route:2')).toEqual([0, 0, h2[2], h2[3]]);
    expect(row(m, 'route:3')).toEqual([...row(fresh, 'route:3'), 0, 0]);
  });

  it('is the answer itself when nothing held is newer, or the series differ', () => {
    const fresh = makeMatrix([{ start: 'a', end: 'c', id: 'route:1' }], [1000, 2000, 3000, 4000]);
    expect(withNewerColumns(held, fresh, all)).toBe(fresh);
    const other = makeMatrix([{ start: 'a', end: 'c', id: 'route:1' }], [1000], () => 1, 'reads');
    expect(withNewerColumns(held, other, all)).toBe(other);
  });

  it('an answer for a window that ends takes only the held columns before its end', () => {
    const fresh = makeMatrix([{ start: 'a', end: 'c', id: 'route:1' }], [1000, 2000]);
    expect(Array.from(withNewerColumns(held, fresh, all, 3500).columns)).toEqual([
      1000, 2000, 3000,
    ]);
    expect(withNewerColumns(held, fresh, all, 3000)).toBe(fresh);
  });

  it('an empty answer takes every held column', () => {
    const fresh = makeMatrix([], []);
    expect(Array.from(withNewerColumns(held, fresh, all).columns)).toEqual([
      1000, 2000, 3000, 4000,
    ]);
  });
});

describe("newerColumnsCarry (the page's use of withNewerColumns)", () => {
  const held = makeMatrix([{ start: 'a', end: 'c', id: 'route:1' }], [1000, 2000, 3000]);
  const answer = () => makeMatrix([{ start: 'a', end: 'c', id: 'route:1' }], [1000, 2000]);
  const through = async (toMs: number) => {
    const fresh = answer();
    const client = windowedClient(
      { getMatrix: () => Promise.resolve(fresh), getOverview: () => Promise.resolve(null) },
      { window: () => ({ window: { fromMs: 1, toMs }, zoomed: toMs > 0 }), record: () => null },
    );
    return client.getMatrix({ series: 'writes', rows: 0 });
  };

  it('tops up an open-ended answer and keeps its loaded window; a bounded one up to its end', async () => {
    const carry = newerColumnsCarry(null, 0);
    const open = await through(0);
    const out = carry(held, open);
    expect(Array.from(out.columns)).toEqual([1000, 2000, 3000]);
    expect(loadedOf(out)).toEqual(loadedOf(open));
    const bounded = await through(2500);
    expect(carry(held, bounded)).toBe(bounded);
    // A window ending after the answer's newest column: the stream's columns inside it that
    // came while it was on the wire are kept (else a hole, drawn as the server pausing).
    const later = await through(3500);
    expect(Array.from(carry(held, later).columns)).toEqual([1000, 2000, 3000]);
    expect(carry(null, open)).toBe(open);
  });
});
