import { describe, expect, it } from 'vitest';
import {
  changeCaption,
  detailFromMatrices,
  relatedRows,
  termChanges,
} from '../../src/pages/bucket/bucketModel.ts';
import {
  bucketViewSearch,
  parseBucketView,
  pickedColumn,
} from '../../src/pages/bucket/bucketUrl.ts';
import { groupRows, sortRows } from '../../src/pages/cluster/clusterModel.ts';
import { newestFirstPage, pageRows } from '../../src/pages/bucket/paging.ts';
import { filterRows, parseFilter } from '../../src/data/view/filter.ts';
import type { Matrix, RowMeta, Series } from '../../src/data/matrix.ts';
import { nodeLabel } from '../../src/shell/nodeLabel.ts';
import { overviewOfNode } from '../../src/api/rpcTransport.ts';

function row(bucketId: string, start: string): RowMeta {
  return {
    bucketId,
    start: new TextEncoder().encode(start),
    end: new Uint8Array(0),
    label: '',
    aggregate: false,
    routeIds: [],
    routeIdsTruncated: false,
    routeCount: '1',
    total: 0,
    contributingNodes: [],
  };
}

function matrix(series: Series, rows: RowMeta[], values: number[], groups?: number[]): Matrix {
  return {
    series,
    columns: Float64Array.from([1000, 2000]),
    rows,
    rowCount: rows.length,
    colCount: 2,
    values: Float64Array.from(values),
    raftGroupIds: groups ? Float64Array.from(groups) : null,
    leaderTerms: groups ? Float64Array.from(groups.map((g) => g * 10)) : null,
    max: Math.max(...values),
    nodes: [],
    conflicts: null,
  };
}

describe('bucket page model', () => {
  const rows = [row('route:1', 'a'), row('route:2', 'b'), row('route:2:redis', 'b')];
  it('builds the bucket from the matrices a node without GetRouteDetail has', () => {
    const b = detailFromMatrices('route:2', {
      writes: matrix('writes', rows, [1, 2, 3, 4, 5, 6], [7, 7, 8, 9, 8, 8]),
      reads: matrix('reads', rows.slice(0, 1), [9, 9]),
    })!;
    expect(b.detail.series.writes).toEqual([3, 4]);
    expect(b.detail.groups).toEqual(['8', '9']);
    expect(b.detail.before?.bucketId).toBe('route:1');
    expect(b.detail.after?.bucketId).toBe('route:2:redis');
    expect(b.missing).toEqual(['reads', 'read_bytes', 'write_bytes']);
    expect(
      detailFromMatrices('route:77', { writes: matrix('writes', rows, [0, 0, 0, 0, 0, 0]) }),
    ).toBeNull();
  });

  it('marks every group or term change, skipping idle cells', () => {
    const ch = termChanges([1, 2, 3, 4, 5], ['3', '0', '3', '4', '4'], ['7', '0', '7', '7', '8']);
    expect(ch.map((c) => [c.col, c.kind])).toEqual([
      [0, 'first'],
      [3, 'group'],
      [4, 'term'],
    ]);
  });

  it('finds the same route under other labels and sub-ranges, never for a virtual id', () => {
    expect(
      relatedRows([...rows, row('route:2#3', 'c'), row('route:20', 'd')], 'route:2').map(
        (r) => r.bucketId,
      ),
    ).toEqual(['route:2:redis', 'route:2#3']);
    expect(relatedRows(rows, 'virtual:18446744073709551615')).toEqual([]);
  });
});

describe('bucket page: change table caption', () => {
  it('counts changes, not rows, and says when the table lists only the newest', () => {
    expect(changeCaption(1)).toBe('No change in the window');
    expect(changeCaption(2)).toBe('1 change in the window');
    expect(changeCaption(50)).toBe('49 changes in the window');
    expect(changeCaption(1201)).toBe(
      '1,200 changes in the window: the last 50 of 1,201 rows listed',
    );
    expect(changeCaption(4, newestFirstPage(4, 3, 1))).toContain('the last 3 of 4 rows');
    // Further back, the caption says which rows the page lists.
    expect(changeCaption(131, newestFirstPage(131, 50, 2))).toBe(
      '130 changes in the window: rows 32–81 of 131 listed',
    );
    expect(changeCaption(131, newestFirstPage(131, 50, 3))).toBe(
      '130 changes in the window: rows 1–31 of 131 listed',
    );
  });
});

describe('bucket page: paging newest first', () => {
  it('page 1 is the newest rows; the last page the oldest, shorter one', () => {
    expect(newestFirstPage(131, 50, 1)).toEqual({ page: 1, pages: 3, from: 81, to: 131 });
    expect(newestFirstPage(131, 50, 2)).toEqual({ page: 2, pages: 3, from: 31, to: 81 });
    expect(newestFirstPage(131, 50, 3)).toEqual({ page: 3, pages: 3, from: 0, to: 31 });
    // Every row is on exactly one page.
    for (const total of [0, 1, 49, 50, 51, 100, 101, 1441]) {
      const seen: number[] = [];
      const { pages } = newestFirstPage(total, 50, 1);
      for (let p = 1; p <= pages; p++) {
        const s = newestFirstPage(total, 50, p);
        for (let i = s.from; i < s.to; i++) seen.push(i);
      }
      expect(seen.sort((a, b) => a - b)).toEqual([...Array(total).keys()]);
    }
  });
  it('clamps a page past either end (a link from a longer window)', () => {
    expect(newestFirstPage(131, 50, 9)).toMatchObject({ page: 3, from: 0, to: 31 });
    expect(newestFirstPage(131, 50, 0).page).toBe(1);
    expect(newestFirstPage(0, 50, 4)).toEqual({ page: 1, pages: 1, from: 0, to: 0 });
  });
  it('names the rows a page lists', () => {
    expect(pageRows(newestFirstPage(1201, 50, 1), 1201)).toBe('the last 50 of 1,201 rows');
    expect(pageRows(newestFirstPage(1201, 50, 2), 1201)).toBe('rows 1,102–1,151 of 1,201');
  });
});

describe('bucket page: view state in the query', () => {
  it('reads the picked column and the top-N, defaults for anything invalid', () => {
    expect(parseBucketView('')).toEqual({ pick: 'newest', top: 20, changes: 1, events: 1 });
    expect(parseBucketView('?range=6h&hkt=1700000000000&hktop=50')).toEqual({
      pick: 1700000000000,
      top: 50,
      changes: 1,
      events: 1,
    });
    expect(parseBucketView('hkt=none')).toEqual({ pick: 'none', top: 20, changes: 1, events: 1 });
    for (const bad of [
      'hkt=-5',
      'hkt=1e9',
      'hkt=12.5',
      'hkt=9999999999999999',
      'hkt=',
      'hkt=NONE',
    ]) {
      expect(parseBucketView(bad).pick, bad).toBe('newest');
    }
    expect(parseBucketView('hktop=7').top).toBe(20);
    expect(parseBucketView('hktop=256').top).toBe(256);
  });

  it('writes only non-defaults and keeps the other parameters (the window)', () => {
    const first = { changes: 1, events: 1 };
    expect(bucketViewSearch('?range=6h', { pick: 'newest', top: 20, ...first })).toBe('?range=6h');
    expect(bucketViewSearch('', { pick: 'newest', top: 20, ...first })).toBe('');
    const s = bucketViewSearch('?range=6h&hkt=5&hktop=10&chg=4', {
      pick: 1700000600000,
      top: 256,
      ...first,
    });
    expect(s).toBe('?range=6h&hkt=1700000600000&hktop=256');
    expect(parseBucketView(s)).toEqual({ pick: 1700000600000, top: 256, ...first });
    expect(bucketViewSearch('?range=1h', { pick: 'none', top: 10, ...first })).toBe(
      '?range=1h&hkt=none&hktop=10',
    );
    // The tables' pages: written past the first, read back, junk reads as the first.
    const paged = bucketViewSearch('?range=1h', { pick: 'newest', top: 20, changes: 3, events: 2 });
    expect(paged).toBe('?range=1h&chg=3&evt=2');
    expect(parseBucketView(paged)).toMatchObject({ changes: 3, events: 2 });
    for (const bad of ['chg=0', 'chg=-1', 'chg=2.5', 'chg=x', 'chg=1234567', 'chg=']) {
      expect(parseBucketView(bad).changes, bad).toBe(1);
    }
  });

  it('maps a pick to a column of the window, null when closed or gone', () => {
    const cols = [1000, 2000, 3000];
    expect(pickedColumn(cols, 'newest')).toBe(2);
    expect(pickedColumn(cols, 2000)).toBe(1);
    expect(pickedColumn(cols, 2500)).toBeNull();
    expect(pickedColumn(cols, 'none')).toBeNull();
    expect(pickedColumn([], 'newest')).toBeNull();
  });
});

describe('cluster page model', () => {
  const g = (id: string, leader: string, commit: string, applied: string, last: number | null) => ({
    id,
    leader,
    term: '1',
    commit,
    applied,
    lastContactMs: last,
    replicas: [],
  });
  it('exact lag beyond 2^53, lagging and leaderless flags, sorting', () => {
    const rows = groupRows(
      [
        g('2', 'n1', '18446744073709551615', '18446744073709550000', 99_000),
        g('1', '', '5', '5', 100_000),
        g('10', 'n2', '9', '9', 80_000),
      ],
      100_000,
    );
    expect(rows[0].lag).toBe(1615n);
    expect(rows[0].lagging).toBe(true);
    expect(rows[1].leaderless).toBe(true);
    expect(rows[2].lagging).toBe(true); // 20 s without contact
    expect(sortRows(rows, 'group', false).map((r) => r.id)).toEqual(['1', '2', '10']);
    expect(sortRows(rows, 'lag', true).map((r) => r.id)[0]).toBe('2');
    expect(sortRows(rows, 'contact', true).map((r) => r.id)[0]).toBe('10');
  });
  it('behind a gateway: a group is as healthy as its worst replica, named by node', () => {
    const rep = (node: string, commit: string, applied: string, last: number | null) => ({
      node,
      term: '3',
      commit,
      applied,
      lastContactMs: last,
    });
    const [row] = groupRows(
      [
        {
          ...g('7', 'n1', '9000', '9000', 99_500),
          replicas: [
            rep('a:1', '9000', '9000', 99_500),
            rep('b:2', '9000', '6500', 99_000), // a follower 2,500 entries behind
            rep('c:3', '8999', '8998', 99_900),
          ],
        },
      ],
      100_000,
    );
    expect(row.lag).toBe(2500n);
    expect(row.lagNode).toBe('b:2');
    expect(row.lagging).toBe(true);
    expect(row.replicaRows.map((r) => [r.node, r.lag, r.lagging])).toEqual([
      ['a:1', 0n, false],
      ['b:2', 2500n, true],
      ['c:3', 1n, false],
    ]);
    // All replicas healthy: not flagged, the worst (1) still named.
    const [ok] = groupRows(
      [
        {
          ...g('8', 'n1', '5', '5', 99_000),
          replicas: [rep('a:1', '5', '5', 99_000), rep('b:2', '6', '5', 99_000)],
        },
      ],
      100_000,
    );
    expect([ok.lag, ok.lagNode, ok.lagging]).toEqual([1n, 'b:2', false]);
  });
});

describe('group: filter term', () => {
  it('keeps rows whose route was in the group in any column', () => {
    const m = matrix(
      'writes',
      [row('route:1', 'a'), row('route:2', 'b')],
      [1, 1, 1, 1],
      [3, 4, 5, 5],
    );
    expect(Array.from(filterRows(m, parseFilter('group:4')))).toEqual([0]);
    expect(Array.from(filterRows(m, parseFilter('group:5')))).toEqual([1]);
    expect(parseFilter('group:x').error).toMatch(/Raft group id/);
  });
});

describe('shell: what serves the page, named', () => {
  it('a node by its id, its address on hover', () => {
    expect(nodeLabel({ nodeId: 'n1', address: '10.0.0.1:50051', upstreams: [] })).toEqual({
      text: 'n1',
      title: '10.0.0.1:50051',
    });
  });
  it('a gateway as a gateway: the node behind it, or how many', () => {
    const one = nodeLabel({ nodeId: 'n1', address: '', upstreams: ['10.0.0.1:50051'] });
    expect(one.text).toBe('gateway to n1');
    expect(one.title).toBe('A gateway in front of the node: 10.0.0.1:50051');
    // Never "n1" alone: the first node that answered does not serve the page.
    const three = nodeLabel({ nodeId: '', address: '', upstreams: ['a:1', 'b:1', 'c:1'] });
    expect(three).toEqual({
      text: 'gateway to 3 nodes',
      title: 'A gateway in front of 3 nodes: a:1, b:1, c:1',
    });
    // Without a name from the node, its address.
    expect(nodeLabel({ nodeId: '', address: '', upstreams: ['a:1'] }).text).toBe('gateway to a:1');
  });
  it("the JSON source's overview: a gateway's own node_id is not a node's name", () => {
    expect(overviewOfNode('n1').self?.nodeId).toBe('n1');
    expect(overviewOfNode('n1').nodes).toEqual([]);
    const one = overviewOfNode('gw', [{ node: 'a:1', ok: true }]);
    expect([one.self?.nodeId, one.nodes.map((n) => [n.node, n.ok])]).toEqual([
      'a:1',
      [['a:1', true]],
    ]);
    const two = overviewOfNode('gw', [
      { node: 'a:1', ok: true },
      { node: 'b:1', ok: false },
    ]);
    expect(two.self).toBeUndefined();
    expect(two.nodes.map((n) => [n.node, n.ok])).toEqual([
      ['a:1', true],
      ['b:1', false],
    ]);
  });
});
