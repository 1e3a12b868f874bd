// mergeMatrices, cell by cell, for three nodes.
import { describe, expect, it } from 'vitest';
import { mergeMatrices, type NodeAnswer } from '../../server/gateway/merge.ts';
import { rowBudget } from '../../server/sampler/request.ts';
import type { MatrixAnswer, MatrixRequest, MatrixRow } from '../../server/sampler/types.ts';

const READS = 1;
const WRITES = 2;
const READ_BYTES = 3;
const WRITE_BYTES = 4;

const enc = new TextEncoder();

interface RowSpec {
  id: string;
  start?: string;
  end?: string;
  values: number[];
  groups?: number[];
  terms?: number[];
}

function row(s: RowSpec): MatrixRow {
  return {
    meta: {
      bucketId: s.id,
      start: enc.encode(s.start ?? ''),
      end: enc.encode(s.end ?? ''),
      label: '',
      aggregate: false,
      routeIds: [],
      routeCount: 1,
    },
    values: Float64Array.from(s.values),
    raftGroupIds: Float64Array.from(s.groups ?? s.values.map(() => 1)),
    leaderTerms: Float64Array.from(s.terms ?? s.values.map(() => 1)),
  };
}

function node(name: string, columns: number[], rows: RowSpec[]): NodeAnswer {
  const answer: MatrixAnswer = {
    columnUnixMs: columns,
    rows: rows.map(row),
    nodes: [],
    conflicts: [],
  };
  return { node: name, answer };
}

function req(series: number, extra: Partial<MatrixRequest> = {}): MatrixRequest {
  return { series, fromUnixMs: 0, toUnixMs: 0, rows: 0, ...extra };
}

/** bucketId -> values as a plain array, in result order. */
function cells(a: MatrixAnswer): [string, number[]][] {
  return a.rows.map((r) => [r.meta.bucketId, [...r.values]]);
}

describe('mergeMatrices: columns', () => {
  it('takes the sorted union of the nodes column times; a missing column contributes nothing', () => {
    const out = mergeMatrices(
      [
        node('n1', [100, 200], [{ id: 'route:1', values: [1, 2] }]),
        node('n2', [200, 300], [{ id: 'route:1', values: [10, 20] }]),
        node('n3', [100, 300], [{ id: 'route:1', values: [100, 200] }]),
      ],
      req(READS),
    );
    expect(out.columnUnixMs).toEqual([100, 200, 300]);
    expect(cells(out)).toEqual([['route:1', [101, 12, 220]]]);
  });

  it('drops columns outside the request window (from inclusive, to exclusive)', () => {
    const out = mergeMatrices(
      [
        node('n1', [100, 200, 300], [{ id: 'route:1', values: [1, 2, 3] }]),
        node('n2', [150, 300], [{ id: 'route:1', values: [10, 30] }]),
      ],
      req(READS, { fromUnixMs: 150, toUnixMs: 300, exactColumns: true }),
    );
    expect(out.columnUnixMs).toEqual([150, 200]);
    expect(cells(out)).toEqual([['route:1', [10, 2]]]);
  });

  it('by default aligns unaligned flushes to the step: one column per step, as on one node', () => {
    // A 60 s step; n1 flushes at :07, n2 at :43, n3 at :20 (and missed one flush).
    const m = 60_000;
    const out = mergeMatrices(
      [
        node('n1', [7_000, m + 7_000, 2 * m + 7_000], [{ id: 'route:1', values: [1, 2, 3] }]),
        node('n2', [43_000, m + 43_000, 2 * m + 43_000], [{ id: 'route:1', values: [10, 20, 30] }]),
        node('n3', [20_000, 2 * m + 20_000], [{ id: 'route:1', values: [100, 300] }]),
      ],
      req(READS),
    );
    expect(out.alignedStepMs).toBe(m);
    expect(out.columnUnixMs).toEqual([m, 2 * m, 3 * m]);
    expect(cells(out)).toEqual([['route:1', [111, 22, 333]]]);
    // Asked for the node's merge: every exact time, eight columns' worth here.
    const exact = mergeMatrices(
      [
        node('n1', [7_000, m + 7_000], [{ id: 'route:1', values: [1, 2] }]),
        node('n2', [43_000, m + 43_000], [{ id: 'route:1', values: [10, 20] }]),
      ],
      req(READS, { exactColumns: true }),
    );
    expect(exact.alignedStepMs).toBeUndefined();
    expect(exact.columnUnixMs).toEqual([7_000, 43_000, m + 7_000, m + 43_000]);
  });

  it('aligned writes dedupe per (group, term) across nodes in one step', () => {
    const m = 60_000;
    const out = mergeMatrices(
      [
        node(
          'n1',
          [5_000, m + 5_000],
          [{ id: 'route:1', values: [7, 9], groups: [2, 2], terms: [4, 4] }],
        ),
        node(
          'n2',
          [50_000, m + 50_000],
          [{ id: 'route:1', values: [7, 9], groups: [2, 2], terms: [4, 4] }],
        ),
      ],
      req(WRITES),
    );
    expect(out.columnUnixMs).toEqual([m, 2 * m]);
    expect(cells(out)).toEqual([['route:1', [7, 9]]]);
    expect(out.conflicts).toEqual([]);
  });

  it("tracked buckets: the distinct ids the nodes sent, or a node's own larger count", () => {
    const a = node(
      'n1',
      [1],
      [
        { id: 'route:1', values: [1] },
        { id: 'route:2', values: [1] },
      ],
    );
    const b = node(
      'n2',
      [1],
      [
        { id: 'route:2', values: [1] },
        { id: 'route:3', values: [1] },
      ],
    );
    expect(mergeMatrices([a, b], req(READS)).trackedBuckets).toBe(3);
    b.answer.trackedBuckets = 40; // n2 had 40 before its own budget
    expect(mergeMatrices([a, b], req(READS, { rows: 1 })).trackedBuckets).toBe(40);
  });

  it('an empty answer set gives an empty matrix', () => {
    const out = mergeMatrices([], req(WRITES));
    expect(out).toMatchObject({ columnUnixMs: [], rows: [], conflicts: [], contributingNodes: [] });
  });
});

describe('mergeMatrices: reads and read bytes add up', () => {
  for (const series of [READS, READ_BYTES]) {
    it(`series ${series}: sums per cell, ignoring (group, term)`, () => {
      const out = mergeMatrices(
        [
          node('n1', [1, 2], [{ id: 'route:1', values: [5, 0], terms: [3, 3] }]),
          node('n2', [1, 2], [{ id: 'route:1', values: [5, 7], terms: [3, 3] }]),
          node('n3', [1, 2], [{ id: 'route:2', start: 'b', values: [1, 1] }]),
        ],
        req(series),
      );
      expect(cells(out)).toEqual([
        ['route:1', [10, 7]],
        ['route:2', [1, 1]],
      ]);
      expect(out.conflicts).toEqual([]);
      expect(out.contributingNodes).toEqual([['n1', 'n2'], ['n3']]);
    });
  }
});

describe('mergeMatrices: writes and write bytes keep one value per (group, term)', () => {
  const three = [
    // column 1: all agree on (g1, t5) = 8           -> 8
    // column 2: n1 (g1,t5)=4, n2 (g1,t6)=6, n3 0     -> 10 (two terms add; a zero adds nothing)
    // column 3: n1 (g1,t7)=3, n2 (g1,t7)=9, n3 (g1,t7)=3 -> conflict, keeps 9
    // column 4: only n3 (g2,t1)=2                    -> 2
    node(
      'n1',
      [1, 2, 3],
      [{ id: 'route:1', values: [8, 4, 3], groups: [1, 1, 1], terms: [5, 5, 7] }],
    ),
    node(
      'n2',
      [1, 2, 3],
      [{ id: 'route:1', values: [8, 6, 9], groups: [1, 1, 1], terms: [5, 6, 7] }],
    ),
    node(
      'n3',
      [1, 2, 3, 4],
      [{ id: 'route:1', values: [8, 0, 3, 2], groups: [1, 1, 1, 2], terms: [5, 6, 7, 1] }],
    ),
  ];

  for (const series of [WRITES, WRITE_BYTES, 0, 99]) {
    it(`series ${series}: dedupes, adds distinct terms, flags disagreement`, () => {
      const out = mergeMatrices(three, req(series));
      expect(out.columnUnixMs).toEqual([1, 2, 3, 4]);
      expect(cells(out)).toEqual([['route:1', [8, 10, 9, 2]]]);
      expect(out.conflicts).toEqual([{ row: 0, column: 2, nodes: ['n1', 'n2', 'n3'] }]);
      expect(out.contributingNodes).toEqual([['n1', 'n2', 'n3']]);
    });
  }

  it('the same input as reads simply adds', () => {
    const out = mergeMatrices(three, req(READS));
    expect(cells(out)).toEqual([['route:1', [24, 10, 15, 2]]]);
    expect(out.conflicts).toEqual([]);
  });

  it('names only the nodes that disagreed on that (group, term)', () => {
    const out = mergeMatrices(
      [
        node('a', [1], [{ id: 'route:1', values: [5], terms: [2] }]),
        node('b', [1], [{ id: 'route:1', values: [4], terms: [3] }]),
        node('c', [1], [{ id: 'route:1', values: [6], terms: [3] }]),
      ],
      req(WRITES),
    );
    expect(cells(out)).toEqual([['route:1', [11]]]); // t2: 5, t3: max(4, 6)
    expect(out.conflicts).toEqual([{ row: 0, column: 0, nodes: ['b', 'c'] }]);
  });

  it('an unknown group or term (older node) falls back to the maximum, flagging differing values', () => {
    const out = mergeMatrices(
      [
        node('a', [1, 2], [{ id: 'route:1', values: [5, 5], groups: [0, 0], terms: [0, 0] }]),
        node('b', [1, 2], [{ id: 'route:1', values: [5, 7], groups: [1, 1], terms: [4, 4] }]),
        node('c', [1, 2], [{ id: 'route:1', values: [0, 0] }]),
      ],
      req(WRITES),
    );
    expect(cells(out)).toEqual([['route:1', [5, 7]]]);
    expect(out.conflicts).toEqual([{ row: 0, column: 1, nodes: ['a', 'b'] }]);
  });

  it('rows without group/term arrays (older nodes) merge by maximum', () => {
    const bare = (name: string, v: number[]): NodeAnswer => {
      const n = node(name, [1, 2], [{ id: 'route:1', values: v }]);
      n.answer.rows[0].raftGroupIds = new Float64Array(0);
      n.answer.rows[0].leaderTerms = new Float64Array(0);
      return n;
    };
    const out = mergeMatrices([bare('a', [3, 1]), bare('b', [3, 2])], req(WRITES));
    expect(cells(out)).toEqual([['route:1', [3, 2]]]);
    expect(out.rows[0].raftGroupIds.length).toBe(0);
    expect(out.conflicts).toEqual([{ row: 0, column: 1, nodes: ['a', 'b'] }]);
  });

  it('a cell takes the (group, term) of its largest contribution, ties the earlier node', () => {
    const out = mergeMatrices(
      [
        node('a', [1, 2], [{ id: 'route:1', values: [2, 4], groups: [7, 7], terms: [1, 1] }]),
        node('b', [1, 2], [{ id: 'route:1', values: [9, 4], groups: [8, 8], terms: [2, 2] }]),
      ],
      req(READS),
    );
    expect([...out.rows[0].raftGroupIds]).toEqual([8, 7]);
    expect([...out.rows[0].leaderTerms]).toEqual([2, 1]);
  });
});

describe('mergeMatrices: row order and budget', () => {
  const spread = [
    node(
      'n1',
      [1],
      [
        { id: 'route:3', start: 'c', values: [5] },
        { id: 'route:1', start: '', values: [1] },
      ],
    ),
    node(
      'n2',
      [1],
      [
        { id: 'route:2', start: 'b', values: [5] },
        { id: 'route:4', start: 'b', values: [9] },
      ],
    ),
    node(
      'n3',
      [1],
      [
        { id: 'route:3', start: 'c', values: [1] },
        { id: 'route:0', start: 'd', values: [2] },
      ],
    ),
  ];

  it('re-sorts merged rows by start key (empty first), ties by bucket_id', () => {
    const out = mergeMatrices(spread, req(READS));
    expect(cells(out)).toEqual([
      ['route:1', [1]],
      ['route:2', [5]],
      ['route:4', [9]],
      ['route:3', [6]],
      ['route:0', [2]],
    ]);
    expect(out.contributingNodes).toEqual([['n1'], ['n2'], ['n2'], ['n1', 'n3'], ['n3']]);
  });

  it('keeps the busiest rows (merged sums), ties by bucket_id ascending', () => {
    // Totals: route:4 9, route:3 6, route:2 5, route:0 2, route:1 1.
    const out = mergeMatrices(spread, req(READS, { rows: 3 }));
    expect(cells(out).map(([id]) => id)).toEqual(['route:2', 'route:4', 'route:3']);
    // route:2 (5) and a 5 made of two nodes tie: ids break it.
    const tie = mergeMatrices(
      [
        node(
          'a',
          [1],
          [
            { id: 'route:9', start: 'a', values: [5] },
            { id: 'route:5', start: 'z', values: [2] },
          ],
        ),
        node('b', [1], [{ id: 'route:5', start: 'z', values: [3] }]),
      ],
      req(READS, { rows: 1 }),
    );
    expect(cells(tie)).toEqual([['route:5', [5]]]);
  });

  it('conflicts point at rows after re-sorting and budgeting', () => {
    const out = mergeMatrices(
      [
        node(
          'a',
          [1, 2],
          [
            { id: 'route:1', start: 'a', values: [1, 1] },
            { id: 'route:2', start: 'b', values: [50, 0] },
            { id: 'route:3', start: 'c', values: [0, 4] },
          ],
        ),
        node('b', [1, 2], [{ id: 'route:3', start: 'c', values: [0, 6] }]),
      ],
      req(WRITES, { rows: 2 }),
    );
    expect(cells(out)).toEqual([
      ['route:2', [50, 0]],
      ['route:3', [0, 6]],
    ]);
    expect(out.conflicts).toEqual([{ row: 1, column: 1, nodes: ['a', 'b'] }]);
  });

  it('rowBudget: 0 means 1024, above 1024 clamps', () => {
    expect([rowBudget(0), rowBudget(-3), rowBudget(5), rowBudget(5000)]).toEqual([
      1024, 1024, 5, 1024,
    ]);
  });
});

describe('mergeMatrices: metadata and purity', () => {
  it('widens an aggregate to cover every node and keeps the larger route count', () => {
    const a = node(
      'a',
      [1],
      [{ id: 'virtual:18446744073709551615', start: 'm', end: 'p', values: [1] }],
    );
    const b = node(
      'b',
      [1],
      [{ id: 'virtual:18446744073709551615', start: 'k', end: 'n', values: [1] }],
    );
    a.answer.rows[0].meta = {
      ...a.answer.rows[0].meta,
      aggregate: true,
      routeIds: ['1', '2'],
      routeCount: 4,
    };
    b.answer.rows[0].meta = {
      ...b.answer.rows[0].meta,
      aggregate: true,
      routeIds: ['2', '3'],
      routeCount: 6,
    };
    const m = mergeMatrices([a, b], req(READS)).rows[0].meta;
    expect(new TextDecoder().decode(m.start)).toBe('k');
    expect(new TextDecoder().decode(m.end)).toBe('p');
    expect(m.routeCount).toBe(6);
    expect(m.routeIds).toEqual(['1', '2']); // capped at the longest visible list
    expect(m.aggregate).toBe(true);
  });

  it('an open end stays open', () => {
    const a = node('a', [1], [{ id: 'route:1', start: 'x', end: '', values: [1] }]);
    const b = node('b', [1], [{ id: 'route:1', start: 'x', end: 'z', values: [1] }]);
    expect(mergeMatrices([b, a], req(READS)).rows[0].meta.end.length).toBe(0);
  });

  it('never mutates its inputs', () => {
    const inputs = [
      node('a', [2, 1], [{ id: 'route:1', values: [1, 2] }]),
      node('b', [3], [{ id: 'route:1', values: [4] }]),
    ];
    const snapshot = JSON.stringify(inputs, (_k, v) =>
      ArrayBuffer.isView(v) ? [...(v as Float64Array)] : v,
    );
    mergeMatrices(inputs, req(WRITES, { rows: 1 }));
    expect(
      JSON.stringify(inputs, (_k, v) => (ArrayBuffer.isView(v) ? [...(v as Float64Array)] : v)),
    ).toBe(snapshot);
  });
});
