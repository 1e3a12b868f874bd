// The whole-key-space fold (server/sampler/fold.ts; gateway: foldMerged.ts).
import { describe, expect, it } from 'vitest';
import { foldMergedAnswer } from '../../server/gateway/foldMerged.ts';
import {
  FOLD_ID_PREFIX,
  foldMatrix,
  foldMatrixSliced,
  planFold,
  rowTotals,
} from '../../server/sampler/fold.ts';
import { compareBytes } from '../../server/sampler/keys.ts';
import type { MatrixResult, MatrixRow } from '../../server/sampler/types.ts';
import { exactCell } from '../../server/wire/exact.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

function row(id: string, start: string, end: string, values: number[], routes = 1): MatrixRow {
  return {
    meta: {
      bucketId: id,
      start: enc.encode(start),
      end: enc.encode(end),
      label: 'redis',
      aggregate: routes > 1,
      routeIds: routes > 1 ? Array.from({ length: routes }, (_, i) => String(i + 100)) : [],
      routeCount: routes,
    },
    values: Float64Array.from(values),
    raftGroupIds: Float64Array.from(values.map(() => 7)),
    leaderTerms: Float64Array.from(values.map(() => 3)),
  };
}

/** Routes k00..k(n-1) tiling the key space: the first starts at '', the last ends at ''. */
function tiling(n: number, valueOf: (i: number, j: number) => number, C = 3): MatrixResult {
  const key = (i: number) => (i === 0 || i === n ? '' : `k${String(i).padStart(3, '0')}`);
  const rows = Array.from({ length: n }, (_, i) =>
    row(
      `route:${i}`,
      key(i),
      key(i + 1),
      Array.from({ length: C }, (_, j) => valueOf(i, j)),
    ),
  );
  return { columnUnixMs: Array.from({ length: C }, (_, j) => 1000 * (j + 1)), rows };
}

/** Asserts the rows tile the key space: first start '', each end = next start, last end ''. */
function expectTiles(rows: readonly MatrixRow[]): void {
  expect(rows.length).toBeGreaterThan(0);
  expect(rows[0].meta.start.length).toBe(0);
  for (let i = 1; i < rows.length; i++) {
    expect(
      compareBytes(rows[i - 1].meta.end, rows[i].meta.start),
      `${dec.decode(rows[i - 1].meta.end)} -> ${dec.decode(rows[i].meta.start)}`,
    ).toBe(0);
  }
  expect(rows[rows.length - 1].meta.end.length).toBe(0);
}

function columnSums(rows: readonly MatrixRow[], C: number): bigint[] {
  return Array.from({ length: C }, (_, j) => rows.reduce((s, r) => s + exactCell(r, j), 0n));
}

describe('foldMatrix', () => {
  it('tiles the key space, keeps the busiest rows whole and every count in one row', () => {
    // 50 routes; routes 10, 20 and 30 are hot.
    const full = tiling(50, (i, j) => (i % 10 === 0 && i > 0 ? 1000 + j : i + j));
    for (const budget of [1, 2, 3, 5, 8, 16, 49]) {
      const f = foldMatrix(full, budget);
      expect(f.rows.length, `budget ${budget}`).toBeLessThanOrEqual(budget);
      expectTiles(f.rows);
      expect(f.keySpaceFolded).toBe(true);
      expect(columnSums(f.rows, 3)).toEqual(columnSums(full.rows, 3));
      // Every input is in exactly one output: hot rows by identity, the rest by member count.
      const hot = f.rows.filter((r) => r.meta.foldedBuckets === undefined);
      const members = f.rows.reduce((s, r) => s + (r.meta.foldedBuckets ?? 0), 0);
      expect(hot.length + members).toBe(50);
      for (const h of hot) expect(full.rows).toContain(h); // kept whole: the same object
    }
    // At 8 rows the three hot routes are kept whole (ranking: busiest first).
    const eight = foldMatrix(full, 8).rows.map((r) => r.meta.bucketId);
    expect(eight).toEqual(expect.arrayContaining(['route:10', 'route:20', 'route:30']));
  });

  it('one row: the whole key space folded, member count and routes summed', () => {
    const full = tiling(5, () => 1);
    const [only] = foldMatrix(full, 1).rows;
    expect(only.meta.bucketId.startsWith(FOLD_ID_PREFIX)).toBe(true);
    expect(only.meta.foldedBuckets).toBe(5);
    expect(only.meta.routeCount).toBe(5);
    expect(only.meta.aggregate).toBe(true);
    expect(only.meta.label).toBe('redis'); // every member's label
    expect([...only.values]).toEqual([5, 5, 5]);
    expect([...only.raftGroupIds]).toEqual([0, 0, 0]); // members span groups: unknown
  });

  it('fills key space no bucket covers with a folded row of 0 members', () => {
    // a..b and c..d busy; nothing between b and c, nor below a, nor above d.
    const full: MatrixResult = {
      columnUnixMs: [1],
      rows: [row('route:1', 'a', 'b', [9]), row('route:2', 'c', 'd', [8])],
    };
    const f = foldMatrix(full, 5);
    expectTiles(f.rows);
    expect(f.rows.map((r) => [r.meta.bucketId.split('@')[0], r.meta.foldedBuckets])).toEqual([
      ['fold:idle', 0],
      ['route:1', undefined],
      ['fold:idle', 0],
      ['route:2', undefined],
      ['fold:idle', 0],
    ]);
    expect(new Set(f.rows.map((r) => r.meta.bucketId)).size).toBe(5); // ids stay unique
  });

  it('sums exactly above 2^53 (bigint, saturating at 2^64-1)', () => {
    const big = 2n ** 60n + 1n;
    const a = row('route:1', '', 'm', [Number(big), 1]);
    a.exactValues = new Map([[0, big]]);
    const b = row('route:2', 'm', '', [2 ** 52, 2]);
    const f = foldMatrix({ columnUnixMs: [1, 2], rows: [a, b] }, 1);
    expect(exactCell(f.rows[0], 0)).toBe(big + 2n ** 52n);
    expect(exactCell(f.rows[0], 1)).toBe(3n);
    // Two doubles of 2^53 each: the double sum is exact here, but the cell is at 2^54: kept exact.
    const c = row('route:3', '', 'm', [2 ** 53]);
    const d = row('route:4', 'm', '', [2 ** 53 + 2]);
    expect(exactCell(foldMatrix({ columnUnixMs: [1], rows: [c, d] }, 1).rows[0], 0)).toBe(
      2n ** 54n + 2n,
    );
    const max = (1n << 64n) - 1n;
    const e = row('route:5', '', 'm', [Number(max)]);
    e.exactValues = new Map([[0, max]]);
    const g = row('route:6', 'm', '', [5]);
    expect(exactCell(foldMatrix({ columnUnixMs: [1], rows: [e, g] }, 1).rows[0], 0)).toBe(max);
  });

  it('overlapping ranges (a split in the window) lose nothing', () => {
    const full: MatrixResult = {
      columnUnixMs: [1],
      rows: [
        row('route:1', '', 'm', [100]), // parent, later split into 2 and 3
        row('route:2', '', 'f', [1]),
        row('route:3', 'f', 'm', [2]),
        row('route:4', 'm', '', [50]),
      ],
    };
    for (const budget of [1, 2, 3, 4]) {
      const f = foldMatrix(full, budget);
      expect(f.rows.length).toBeLessThanOrEqual(budget);
      expect(columnSums(f.rows, 1)).toEqual([153n]);
    }
  });

  it('the sliced fold gives the same rows', async () => {
    const full = tiling(300, (i, j) => ((i * 7919 + j * 31) % 97) * (i % 13 === 0 ? 50 : 1), 400);
    const sync = foldMatrix(full, 16);
    let pauses = 0;
    const sliced = await foldMatrixSliced(full, 16, async () => void pauses++);
    expect(sliced.rows.map((r) => [r.meta.bucketId, [...r.values]])).toEqual(
      sync.rows.map((r) => [r.meta.bucketId, [...r.values]]),
    );
    expect(pauses).toBeGreaterThan(0);
  });

  it('plans the most hot rows that fit (rows = hot + stretches <= budget)', () => {
    const full = tiling(100, (i) => 100 - i); // route:0 busiest, then 1, ...
    const plan = planFold(
      full.rows.map((r) => r.meta),
      rowTotals(full.rows),
      10,
    );
    expect(plan.length).toBeLessThanOrEqual(10);
    // The busiest are adjacent at the low end: 9 hot rows and one stretch for the rest.
    expect(plan.filter((s) => s.kind === 'hot').length).toBe(9);
  });
});

describe('foldMergedAnswer (gateway)', () => {
  it('folds merged rows the same way, remapping conflicts and contributing nodes', () => {
    const full = tiling(6, (i) => (i === 3 ? 100 : 1), 1);
    const answer = {
      ...full,
      nodes: [],
      conflicts: [
        { row: 0, column: 0, nodes: ['n1', 'n2'] },
        { row: 1, column: 0, nodes: ['n2', 'n3'] },
        { row: 3, column: 0, nodes: ['n1', 'n3'] },
      ],
      contributingNodes: full.rows.map((_, i) => [i % 2 ? 'n1' : 'n2']),
    };
    const f = foldMergedAnswer(answer, 3);
    expectTiles(f.rows);
    expect(f.rows.map((r) => r.meta.bucketId)).toEqual([
      'fold:route:0+3',
      'route:3',
      'fold:route:4+2',
    ]);
    expect(f.contributingNodes).toEqual([['n1', 'n2'], ['n1'], ['n1', 'n2']]);
    expect(f.conflicts).toEqual([
      { row: 0, column: 0, nodes: ['n1', 'n2', 'n3'] },
      { row: 1, column: 0, nodes: ['n1', 'n3'] },
    ]);
  });
});
