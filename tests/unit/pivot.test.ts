import { describe, expect, it } from 'vitest';
import { appendColumns, buildMatrix } from '../../server/sampler/column-view.ts';
import { ColumnRing } from '../../server/sampler/column-store.ts';
import { pivotRing, pivotRingSliced, windowSpan } from '../../server/sampler/pivot.ts';
import { ManualClock } from '../../server/sampler/clock.ts';
import { Sampler } from '../../server/sampler/sampler.ts';
import { OP_READ, OP_WRITE } from '../../server/sampler/types.ts';
import type {
  BucketMeta,
  Column,
  ColumnRow,
  MatrixRequest,
  MatrixResult,
} from '../../server/sampler/types.ts';
import { Rng } from '../../server/workload/prng.ts';

const enc = new TextEncoder();

function meta(
  bucketId: string,
  start: string,
  end = '',
  extra: Partial<BucketMeta> = {},
): BucketMeta {
  return {
    bucketId,
    start: enc.encode(start),
    end: enc.encode(end),
    label: '',
    aggregate: false,
    routeIds: [bucketId.split(':')[1]],
    routeCount: 1,
    ...extra,
  };
}

function cell(m: BucketMeta, c: Partial<ColumnRow> = {}): ColumnRow {
  return {
    meta: m,
    reads: 0,
    writes: 0,
    readBytes: 0,
    writeBytes: 0,
    raftGroupId: 0,
    leaderTerm: 0,
    ...c,
  };
}

const req = (p: Partial<MatrixRequest> = {}): MatrixRequest => ({
  series: 2,
  fromUnixMs: 0,
  toUnixMs: 0,
  rows: 0,
  ...p,
});

const A = meta('route:1', 'a', 'b');
const B = meta('route:2', 'b', 'c');
const C = meta('route:3', 'c', 'd');
const EMPTY = meta('route:4', '', 'a');

const rowIds = (m: MatrixResult) => m.rows.map((r) => r.meta.bucketId);
const values = (m: MatrixResult) => m.rows.map((r) => Array.from(r.values));

describe('pivot row selection', () => {
  const cols: Column[] = [
    { unixMs: 100, rows: [cell(A, { writes: 5 }), cell(B, { reads: 3 })] },
    { unixMs: 200, rows: [] },
    { unixMs: 300, rows: [cell(A, { writes: 1 }), cell(C, { readBytes: 9 })] },
  ];

  it('has a row for every bucket with any non-zero counter, even all-zero in the series', () => {
    const m = buildMatrix(cols, req({ series: 2 }));
    expect(rowIds(m)).toEqual(['route:1', 'route:2', 'route:3']);
    expect(values(m)).toEqual([
      [5, 0, 1],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('keeps idle columns', () => {
    expect(buildMatrix(cols, req()).columnUnixMs).toEqual([100, 200, 300]);
  });

  it('ignores entries whose four counters are all zero', () => {
    const m = buildMatrix([{ unixMs: 1, rows: [cell(A), cell(B, { writeBytes: 1 })] }], req());
    expect(rowIds(m)).toEqual(['route:2']);
  });

  it('windows columns half-open, 0 unbounded, inverted empty', () => {
    expect(buildMatrix(cols, req({ fromUnixMs: 200 })).columnUnixMs).toEqual([200, 300]);
    expect(buildMatrix(cols, req({ toUnixMs: 300 })).columnUnixMs).toEqual([100, 200]);
    const inv = buildMatrix(cols, req({ fromUnixMs: 300, toUnixMs: 100 }));
    expect(inv).toEqual({ columnUnixMs: [], rows: [] });
    // Only the idle column: no rows, one column.
    expect(buildMatrix(cols, req({ fromUnixMs: 200, toUnixMs: 300 }))).toEqual({
      columnUnixMs: [200],
      rows: [],
    });
  });

  it('rows only exist for buckets active inside the window', () => {
    expect(rowIds(buildMatrix(cols, req({ fromUnixMs: 300 })))).toEqual(['route:1', 'route:3']);
  });
});

describe('series mapping', () => {
  const cols: Column[] = [
    { unixMs: 1, rows: [cell(A, { reads: 1, writes: 2, readBytes: 3, writeBytes: 4 })] },
  ];
  it.each([
    [0, 2],
    [1, 1],
    [2, 2],
    [3, 3],
    [4, 4],
    [5, 2],
    [-1, 2],
    [99, 2],
  ])('series %i reads counter value %i', (series, expected) => {
    expect(values(buildMatrix(cols, req({ series })))).toEqual([[expected]]);
  });
});

describe('budget, ranking and order', () => {
  it('ranks by series sum desc, ties by bucket_id string order, then orders by start', () => {
    const m1 = meta('route:10', 'k');
    const m2 = meta('route:9', 'j');
    const m3 = meta('route:2', 'z');
    const m4 = meta('route:1', 'a');
    const cols: Column[] = [
      {
        unixMs: 1,
        rows: [
          cell(m4, { writes: 1, reads: 100 }),
          cell(m2, { writes: 5 }),
          cell(m1, { writes: 5 }),
          cell(m3, { writes: 7 }),
        ],
      },
    ];
    // Sums: route:2=7, route:10=5, route:9=5, route:1=1. Tie 10 vs 9: "route:10" < "route:9".
    expect(rowIds(buildMatrix(cols, req({ rows: 2 })))).toEqual(['route:10', 'route:2']);
    expect(rowIds(buildMatrix(cols, req({ rows: 3 })))).toEqual(['route:9', 'route:10', 'route:2']);
    // Ranking follows the chosen series.
    expect(rowIds(buildMatrix(cols, req({ rows: 1, series: 1 })))).toEqual(['route:1']);
  });

  it('says how many buckets had traffic before the budget (tracked_buckets)', () => {
    const ms = ['a', 'b', 'c', 'd', 'e'].map((k, i) => meta(`route:${i + 1}`, k));
    const cols: Column[] = [
      // route:5 is idle (all four counters zero): not a bucket with traffic.
      { unixMs: 1, rows: ms.map((m, i) => cell(m, { writes: i < 4 ? i + 1 : 0 })) },
    ];
    const two = buildMatrix(cols, req({ rows: 2 }));
    expect(two.rows).toHaveLength(2);
    expect(two.trackedBuckets).toBe(4);
    expect(buildMatrix(cols, req({ rows: 10 })).trackedBuckets).toBe(4);
  });

  it('orders by start bytes with empty first and ties by bucket_id', () => {
    const x1 = meta('route:b', 'same');
    const x2 = meta('route:a', 'same');
    const hi = { ...meta('route:h', ''), start: Uint8Array.of(0xff) };
    const lo = { ...meta('route:l', ''), start: Uint8Array.of(0x00) };
    const cols: Column[] = [
      { unixMs: 1, rows: [x1, hi, x2, EMPTY, lo].map((m) => cell(m, { writes: 1 })) },
    ];
    expect(rowIds(buildMatrix(cols, req()))).toEqual([
      'route:4',
      'route:l',
      'route:a',
      'route:b',
      'route:h',
    ]);
  });

  it('0 means 1024 rows and more than 1024 is clamped', () => {
    const rows = Array.from({ length: 1100 }, (_, i) =>
      cell(meta(`route:${i}`, `k${String(i).padStart(5, '0')}`), { writes: i + 1 }),
    );
    const cols: Column[] = [{ unixMs: 1, rows }];
    for (const n of [0, 1024, 5000]) {
      const m = buildMatrix(cols, req({ rows: n }));
      expect(m.rows).toHaveLength(1024);
      // The smallest 76 are dropped.
      expect(m.rows[0].meta.bucketId).toBe('route:76');
    }
    expect(buildMatrix(cols, req({ rows: 10 })).rows).toHaveLength(10);
  });
});

describe('per-cell groups, terms and metadata', () => {
  it('fills group and term per cell, 0 where the bucket had no entry', () => {
    const cols: Column[] = [
      { unixMs: 1, rows: [cell(A, { writes: 1, raftGroupId: 3, leaderTerm: 7 })] },
      { unixMs: 2, rows: [] },
      { unixMs: 3, rows: [cell(A, { writes: 2, raftGroupId: 4, leaderTerm: 9 })] },
    ];
    const [r] = buildMatrix(cols, req()).rows;
    expect(Array.from(r.raftGroupIds)).toEqual([3, 0, 4]);
    expect(Array.from(r.leaderTerms)).toEqual([7, 0, 9]);
    expect(r.values).toHaveLength(3);
  });

  it('uses the latest column’s meta for a bucket', () => {
    const before = meta('route:1', 'a', 'z');
    const after = meta('route:1', 'a', 'm');
    const cols: Column[] = [
      { unixMs: 1, rows: [cell(before, { writes: 1 })] },
      { unixMs: 2, rows: [cell(after, { writes: 1 })] },
      { unixMs: 3, rows: [] },
    ];
    expect(buildMatrix(cols, req()).rows[0].meta.end).toEqual(enc.encode('m'));
    expect(buildMatrix(cols, req({ toUnixMs: 2 })).rows[0].meta.end).toEqual(enc.encode('z'));
  });
});

describe('sampler.matrix equals buildMatrix(snapshot)', () => {
  it('on a live sampler with splits, virtual buckets and a window', () => {
    const clock = new ManualClock(1000);
    const s = new Sampler({
      clock,
      maxTrackedRoutes: 5,
      historyColumns: 30,
      leaderTermOf: (g) => g + 100,
    });
    s.registerRoute({
      id: 0,
      start: new Uint8Array(0),
      end: new Uint8Array(0),
      label: 'redis',
      raftGroupId: 1,
    });
    for (let i = 1; i < 9; i++)
      s.splitRoute(i - 1, Uint8Array.of(i * 10), i, { raftGroupId: 1 + (i % 3) });
    for (let t = 0; t < 40; t++) {
      for (let i = 0; i < 9; i++) {
        for (let j = 0; j < (i * 7 + t) % 5; j++)
          s.observe(i, Uint8Array.of(i, j), j % 2 ? OP_READ : OP_WRITE, j);
      }
      clock.advance(60_000);
      s.flush();
    }
    for (const r of [
      req(),
      req({ rows: 3, series: 1 }),
      req({ fromUnixMs: 1000 + 60_000 * 20, rows: 2, series: 4 }),
    ]) {
      expect(s.matrix(r)).toEqual(buildMatrix(s.snapshot(), r));
    }
    expect(s.matrix(req()).rows.length).toBe(6); // 5 tracked + 1 virtual
  });
});

describe('whole-history totals agree with the per-cell pass', () => {
  it('for random histories with evictions, fixtures with zero entries and every series', async () => {
    const gen = new Rng(7);
    const rnd = (n: number): number => gen.int(n);
    const metas = Array.from({ length: 40 }, (_, i) =>
      meta(`route:${i}`, `k${String(i).padStart(2, '0')}`),
    );
    const cols: Column[] = [];
    for (let j = 0; j < 50; j++) {
      const rows: ColumnRow[] = [];
      for (const m of metas) {
        if (rnd(3) === 0) continue;
        const big = rnd(10) === 0 ? 2 ** 40 : 1;
        rows.push(
          cell(m, {
            reads: rnd(3) * big,
            writes: rnd(3),
            readBytes: rnd(2) * 300,
            writeBytes: rnd(4) * 70000,
            raftGroupId: rnd(3),
            leaderTerm: rnd(5),
          }),
        );
      }
      cols.push({ unixMs: 1000 * (j + 1), rows });
    }
    const ring = new ColumnRing(20); // 50 columns through a 20-column ring: 30 evictions
    appendColumns(ring, cols);
    for (let series = 0; series <= 4; series++) {
      for (const rows of [0, 5, 17]) {
        const r = req({ series, rows });
        const fast = pivotRing(ring, r);
        expect(fast).toEqual(pivotRing(ring, r, false));
        expect(fast).toEqual(buildMatrix(cols.slice(30), r));
        // Sliced (a few columns per slice, pauses in between): the very same matrix.
        let pauses = 0;
        const pause = () => {
          pauses++;
          return Promise.resolve();
        };
        expect(await pivotRingSliced(ring, r, pause, 7)).toEqual(fast);
        expect(pauses).toBeGreaterThan(1);
      }
    }
    // A window's span names its columns: moving `from` inside a column keeps it.
    expect(windowSpan(ring, 31_001, 0)).toBe(windowSpan(ring, 31_999, 0));
    expect(windowSpan(ring, 31_001, 0)).not.toBe(windowSpan(ring, 32_001, 0));
    expect(windowSpan(ring, 5, 6)).toBe('');
  });
});

describe('mostly-active steps (idle slots stored as zeros internally)', () => {
  it('look exactly like compact columns from outside', () => {
    const clock = new ManualClock(0);
    const s = new Sampler({ clock, historyColumns: 40, leaderTermOf: () => 3 });
    for (let i = 0; i < 8; i++) {
      s.registerRoute({
        id: i,
        start: i ? Uint8Array.of(i) : new Uint8Array(0),
        end: i < 7 ? Uint8Array.of(i + 1) : new Uint8Array(0),
        label: '',
        raftGroupId: 1 + (i % 2),
      });
    }
    for (let t = 0; t < 30; t++) {
      // 7 of 8 active (stores idle zeros), except every 5th step: 2 of 8 (compact).
      for (let i = 0; i < 8; i++) {
        const on = t % 5 === 4 ? i < 2 : i !== t % 8;
        if (on) s.observe(i, Uint8Array.of(i), t % 2 ? OP_READ : OP_WRITE, t);
      }
      clock.advance(1000);
      s.flush();
    }
    const cols = s.snapshot();
    expect(cols[0].rows.map((r) => r.meta.bucketId)).not.toContain('route:0');
    expect(cols[4].rows).toHaveLength(2);
    for (const r of [
      req(),
      req({ series: 1, rows: 3 }),
      req({ fromUnixMs: 3000, toUnixMs: 17_000 }),
      req({ fromUnixMs: 9000, series: 4, rows: 2 }),
    ]) {
      const m = s.matrix(r);
      expect(m).toEqual(buildMatrix(s.snapshot(r.fromUnixMs, r.toUnixMs), r));
    }
    // Idle cells carry group and term 0.
    const row0 = s.matrix(req()).rows[0];
    expect(row0.meta.bucketId).toBe('route:0');
    expect(row0.raftGroupIds[0]).toBe(0);
    expect(row0.leaderTerms[0]).toBe(0);
    expect(row0.raftGroupIds[1]).toBe(1);
    expect(row0.leaderTerms[1]).toBe(3);
  });
});

describe('groups and terms that change over time', () => {
  it('per-cell values follow elections and re-grouping, idle cells read 0', () => {
    const clock = new ManualClock(0);
    let epoch = 1;
    const s = new Sampler({ clock, historyColumns: 50, leaderTermOf: (g) => g * 100 + epoch });
    for (let i = 0; i < 6; i++) {
      s.registerRoute({
        id: i,
        start: i ? Uint8Array.of(i) : new Uint8Array(0),
        end: i < 5 ? Uint8Array.of(i + 1) : new Uint8Array(0),
        label: '',
        raftGroupId: 1 + (i % 3),
      });
    }
    for (let t = 0; t < 40; t++) {
      if (t % 7 === 0) epoch++;
      if (t === 20) s.splitRoute(5, Uint8Array.of(5, 5), 6, { raftGroupId: 9 });
      for (let i = 0; i < 7; i++) if (i !== t % 6) s.observe(i, Uint8Array.of(i), OP_WRITE, 1);
      clock.advance(1000);
      s.flush();
    }
    for (const r of [req(), req({ fromUnixMs: 5000, toUnixMs: 33_000 }), req({ rows: 3 })]) {
      expect(s.matrix(r)).toEqual(buildMatrix(s.snapshot(r.fromUnixMs, r.toUnixMs), r));
    }
    const row1 = s.matrix(req()).rows[1];
    expect(row1.meta.bucketId).toBe('route:1');
    expect(row1.leaderTerms[0]).toBe(202);
    expect(row1.leaderTerms[1]).toBe(0); // idle at t = 1
    expect(row1.leaderTerms[39]).toBe(207);
  });
});
