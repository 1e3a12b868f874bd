import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../server/sampler/clock.ts';
import { Sampler } from '../../server/sampler/sampler.ts';
import { OP_READ, OP_WRITE } from '../../server/sampler/types.ts';
import type { Column, RouteInfo } from '../../server/sampler/types.ts';
import { Rng } from '../../server/workload/prng.ts';

const enc = new TextEncoder();
const k = (s: string) => enc.encode(s);

function route(id: number, start: string, end: string, group = 1, label = 'rawkv'): RouteInfo {
  return { id, start: k(start), end: k(end), label, raftGroupId: group };
}

function make(opts: Partial<ConstructorParameters<typeof Sampler>[0]> = {}) {
  const clock = new ManualClock(1_000_000);
  const s = new Sampler({ clock, stepMs: 60_000, historyColumns: 10, ...opts });
  return { clock, s };
}

/** Sum of all four counters of every row, per column. */
function columnTotals(cols: Column[]): number[] {
  return cols.map((c) =>
    c.rows.reduce((a, r) => a + r.reads + r.writes + r.readBytes + r.writeBytes, 0),
  );
}

function ids(col: Column): string[] {
  return col.rows.map((r) => r.meta.bucketId);
}

describe('route registry', () => {
  it('registers routes in key order and rejects overlaps and duplicates', () => {
    const { s } = make();
    s.registerRoute(route(2, 'm', ''));
    s.registerRoute(route(1, '', 'm'));
    expect(s.listRoutes().map((r) => r.id)).toEqual([1, 2]);
    expect(() => s.registerRoute(route(3, 'a', 'b'))).toThrow(/overlaps/);
    expect(() => s.registerRoute(route(1, 'zz', 'zzz'))).toThrow(/already/);
    expect(() => s.registerRoute(route(4, 'b', 'a'))).toThrow(/below/);
  });

  it('copies keys so callers cannot mutate a registered route', () => {
    const { s } = make();
    const r = route(1, 'a', 'b');
    s.registerRoute(r);
    r.start[0] = 0x7a;
    expect(s.getRoute(1)!.start).toEqual(k('a'));
  });

  it('splits: left keeps the id, right gets the new id and inherits label/group', () => {
    const { s } = make();
    s.registerRoute(route(1, 'a', 'z', 7, 'redis'));
    const [l, r] = s.splitRoute(1, k('m'), 9);
    expect(l).toMatchObject({ id: 1, start: k('a'), end: k('m'), raftGroupId: 7 });
    expect(r).toMatchObject({ id: 9, start: k('m'), end: k('z'), raftGroupId: 7, label: 'redis' });
    expect(() => s.splitRoute(1, k('a'), 10)).toThrow(/inside/);
    expect(() => s.splitRoute(1, k('zz'), 10)).toThrow(/inside/);
    expect(() => s.splitRoute(1, k('c'), 9)).toThrow(/already/);
    const [, r2] = s.splitRoute(9, k('q'), 10, { raftGroupId: 8 });
    expect(r2.raftGroupId).toBe(8);
  });

  it('merges adjacent routes into the left id and refuses non-adjacent ones', () => {
    const { s } = make();
    s.registerRoute(route(1, 'a', 'c'));
    s.registerRoute(route(2, 'c', 'e'));
    s.registerRoute(route(3, 'f', ''));
    expect(() => s.mergeRoutes(2, 3)).toThrow(/adjacent/);
    expect(() => s.mergeRoutes(2, 1)).toThrow(/adjacent/);
    const m = s.mergeRoutes(1, 2);
    expect(m).toMatchObject({ id: 1, start: k('a'), end: k('e') });
    expect(s.listRoutes().map((r) => r.id)).toEqual([1, 3]);
    expect(s.removeRoute(2)).toBe(false);
    expect(s.removeRoute(3)).toBe(true);
    expect(s.listRoutes().map((r) => r.id)).toEqual([1]);
  });
});

describe('observe and flush', () => {
  it('counts reads and writes with their byte sizes', () => {
    const { s } = make();
    s.registerRoute(route(1, '', ''));
    s.observe(1, k('abc'), OP_READ, 100); // value length ignored for reads
    s.observe(1, k('abcd'), OP_WRITE, 10);
    s.observe(1, k('ab'), OP_WRITE, 0);
    s.flush();
    const [col] = s.snapshot();
    expect(col.rows).toHaveLength(1);
    expect(col.rows[0]).toMatchObject({ reads: 1, readBytes: 3, writes: 2, writeBytes: 16 });
  });

  it('drops unknown route ids and counts them', () => {
    const { s } = make();
    s.registerRoute(route(1, '', ''));
    for (const id of [2, -1, 1.5, 2 ** 40, Number.NaN]) s.observe(id, k('x'), OP_WRITE, 1);
    expect(s.droppedObservations).toBe(5);
    s.flush();
    expect(s.snapshot()[0].rows).toHaveLength(0);
  });

  it('supports route ids beyond the dense index', () => {
    const { s } = make();
    const big = 2 ** 40;
    s.registerRoute(route(big, '', 'm'));
    s.observe(big, k('a'), OP_WRITE, 1);
    s.flush();
    expect(ids(s.snapshot()[0])).toEqual([`route:${big}`]);
    s.removeRoute(big);
    s.observe(big, k('a'), OP_WRITE, 1);
    expect(s.droppedObservations).toBe(1);
  });

  it('flushes at clock time, zeroes counters, keeps rows sorted by start, skips idle routes', () => {
    const { s, clock } = make({ leaderTermOf: (g) => g * 10 });
    s.registerRoute(route(3, 'm', '', 2));
    s.registerRoute(route(1, '', 'f', 1));
    s.registerRoute(route(2, 'f', 'm', 1));
    s.observe(3, k('x'), OP_WRITE, 1);
    s.observe(1, k('a'), OP_READ, 0);
    clock.set(5_000_123);
    s.flush();
    clock.advance(60_000);
    s.flush(); // idle step
    const cols = s.snapshot();
    expect(cols.map((c) => c.unixMs)).toEqual([5_000_123, 5_060_123]);
    expect(ids(cols[0])).toEqual(['route:1', 'route:3']);
    expect(cols[0].rows.map((r) => [r.raftGroupId, r.leaderTerm])).toEqual([
      [1, 10],
      [2, 20],
    ]);
    expect(cols[1].rows).toEqual([]);
  });

  it('asks leaderTermOf once per group per flush and records the term at flush time', () => {
    let term = 4;
    const termOf = vi.fn((_g: number) => term);
    const { s } = make({ leaderTermOf: termOf });
    for (let i = 0; i < 5; i++) s.registerRoute(route(i, String(i), String(i + 1), 1 + (i % 2)));
    for (let i = 0; i < 5; i++) s.observe(i, k('x'), OP_WRITE, 0);
    s.flush();
    expect(termOf).toHaveBeenCalledTimes(2);
    term = 5;
    s.observe(0, k('x'), OP_WRITE, 0);
    s.flush();
    expect(s.snapshot().map((c) => c.rows[0].leaderTerm)).toEqual([4, 5]);
  });

  it('keeps only the last historyColumns columns', () => {
    const { s, clock } = make({ historyColumns: 3 });
    s.registerRoute(route(1, '', ''));
    for (let i = 1; i <= 5; i++) {
      for (let j = 0; j < i; j++) s.observe(1, k('k'), OP_WRITE, 0);
      clock.advance(1000);
      s.flush();
    }
    const cols = s.snapshot();
    expect(cols).toHaveLength(3);
    expect(cols.map((c) => c.rows[0].writes)).toEqual([3, 4, 5]);
    expect(s.columnCount).toBe(3);
  });

  it('handles counters beyond 32 bits exactly', () => {
    const { s } = make();
    s.registerRoute(route(1, '', ''));
    s.observe(1, k('k'), OP_WRITE, 2 ** 40);
    s.observe(1, k('k'), OP_WRITE, 2 ** 52);
    s.flush();
    expect(s.snapshot()[0].rows[0].writeBytes).toBe(2 ** 40 + 2 ** 52 + 2);
  });
});

describe('snapshot windows', () => {
  const { s, clock } = make();
  s.registerRoute(route(1, '', ''));
  for (const t of [100, 200, 300, 400]) {
    clock.set(t);
    s.flush();
  }
  const times = (from: number, to: number) => s.snapshot(from, to).map((c) => c.unixMs);
  it('is half-open with 0 meaning unbounded', () => {
    expect(times(0, 0)).toEqual([100, 200, 300, 400]);
    expect(times(200, 0)).toEqual([200, 300, 400]);
    expect(times(0, 300)).toEqual([100, 200]);
    expect(times(200, 300)).toEqual([200]);
    expect(times(201, 300)).toEqual([]);
  });
  it('returns nothing for an inverted or empty window', () => {
    expect(times(300, 200)).toEqual([]);
    expect(times(300, 300)).toEqual([]);
  });
});

describe('start and stop', () => {
  afterEach(() => vi.useRealTimers());

  it('flushes every step and once more on stop', () => {
    vi.useFakeTimers();
    const { s, clock } = make({ stepMs: 1000 });
    s.registerRoute(route(1, '', ''));
    s.start();
    s.start(); // idempotent
    expect(s.running).toBe(true);
    s.observe(1, k('a'), OP_WRITE, 0);
    clock.advance(1000);
    vi.advanceTimersByTime(1000);
    expect(s.columnCount).toBe(1);
    vi.advanceTimersByTime(2000);
    expect(s.columnCount).toBe(3);
    s.observe(1, k('a'), OP_WRITE, 0);
    s.observe(1, k('a'), OP_WRITE, 0);
    s.stop();
    expect(s.running).toBe(false);
    const cols = s.snapshot();
    expect(cols).toHaveLength(4);
    expect(cols[3].rows[0].writes).toBe(2);
    vi.advanceTimersByTime(5000);
    expect(s.columnCount).toBe(4);
  });
});

describe('split and merge continuity', () => {
  it('split: counts before the split stay with the left (old) id, none lost', () => {
    const { s } = make();
    s.registerRoute(route(1, '', ''));
    s.observe(1, k('a'), OP_WRITE, 0);
    s.observe(1, k('z'), OP_WRITE, 0); // right half's key, observed before the split
    s.splitRoute(1, k('m'), 2);
    s.observe(1, k('a'), OP_WRITE, 0);
    s.observe(2, k('z'), OP_WRITE, 0);
    s.flush();
    s.observe(2, k('z'), OP_READ, 0);
    s.flush();
    const cols = s.snapshot();
    expect(cols[0].rows.map((r) => [r.meta.bucketId, r.writes])).toEqual([
      ['route:1', 3],
      ['route:2', 1],
    ]);
    expect(cols[0].rows[0].meta.end).toEqual(k('m'));
    expect(columnTotals(cols)).toEqual([4 + 4, 1 + 1]);
  });

  it('merge: the absorbed route’s open-step counts move into the survivor', () => {
    const { s } = make();
    s.registerRoute(route(1, '', 'm'));
    s.registerRoute(route(2, 'm', ''));
    s.observe(1, k('a'), OP_WRITE, 0);
    s.observe(2, k('z'), OP_WRITE, 0);
    s.observe(2, k('z'), OP_READ, 0);
    s.mergeRoutes(1, 2);
    s.observe(1, k('z'), OP_WRITE, 0);
    s.observe(2, k('z'), OP_WRITE, 0); // route 2 no longer exists: dropped
    s.flush();
    const [col] = s.snapshot();
    expect(col.rows).toHaveLength(1);
    expect(col.rows[0]).toMatchObject({ writes: 3, reads: 1 });
    expect(col.rows[0].meta).toMatchObject({ bucketId: 'route:1', start: k(''), end: k('') });
    expect(s.droppedObservations).toBe(1);
  });

  it('remove: pending counts are harvested once under the old identity', () => {
    const { s } = make();
    s.registerRoute(route(1, '', 'm'));
    s.registerRoute(route(2, 'm', ''));
    s.observe(2, k('z'), OP_WRITE, 5);
    s.removeRoute(2);
    s.flush();
    s.flush();
    const cols = s.snapshot();
    expect(ids(cols[0])).toEqual(['route:2']);
    expect(cols[0].rows[0].writeBytes).toBe(6);
    expect(cols[1].rows).toEqual([]);
  });

  it('remove then re-register within one step keeps one row per bucket', () => {
    const { s } = make();
    s.registerRoute(route(1, '', 'm'));
    s.observe(1, k('a'), OP_WRITE, 0);
    s.removeRoute(1);
    s.registerRoute(route(1, '', 'f'));
    s.observe(1, k('a'), OP_WRITE, 0);
    s.flush();
    const [col] = s.snapshot();
    expect(col.rows).toHaveLength(1);
    expect(col.rows[0]).toMatchObject({ writes: 2 });
    expect(col.rows[0].meta.end).toEqual(k('f'));
  });

  it('random split/merge/remove churn never loses or invents a count', () => {
    const gen = new Rng(42);
    const rnd = (n: number): number => gen.int(n);
    const { s, clock } = make({
      maxTrackedRoutes: 6,
      maxMemberRoutesPerSlot: 2,
      historyColumns: 100,
    });
    s.registerRoute(route(0, '', ''));
    let nextId = 1;
    let splits = 0;
    let merges = 0;
    let sawVirtual = 0;
    const expected: number[] = [];
    for (let step = 0; step < 60; step++) {
      let observed = 0;
      for (let op = 0; op < 30; op++) {
        const routes = s.listRoutes();
        const r = routes[rnd(routes.length)];
        const action = rnd(10);
        if (action === 0) {
          const key = new Uint8Array([...r.start, 100 + rnd(50)]);
          // Keys outside the route are refused before anything changes.
          try {
            s.splitRoute(r.id, key, nextId);
            nextId++;
            splits++;
          } catch (e) {
            expect(e).toBeInstanceOf(RangeError);
          }
        } else if (action === 1) {
          const i = routes.indexOf(r);
          const nb = routes[i + 1];
          if (
            nb &&
            r.end.length &&
            nb.start.length === r.end.length &&
            nb.start.every((b, j) => b === r.end[j])
          ) {
            s.mergeRoutes(r.id, nb.id);
            merges++;
          }
        } else {
          const key = k('key' + rnd(100));
          const op2 = rnd(2) === 0 ? OP_READ : OP_WRITE;
          const vlen = rnd(50);
          s.observe(r.id, key, op2, vlen);
          observed += 1 + key.length + (op2 === OP_WRITE ? vlen : 0);
        }
      }
      clock.advance(60_000);
      s.flush();
      expected.push(observed);
      if (s.stats().virtual > 0) sawVirtual++;
    }
    expect(splits).toBeGreaterThan(20);
    expect(merges).toBeGreaterThan(5);
    expect(sawVirtual).toBeGreaterThan(10);
    const cols = s.snapshot();
    expect(columnTotals(cols)).toEqual(expected);
    for (const c of cols) {
      const seen = ids(c);
      expect(new Set(seen).size).toBe(seen.length);
    }
    expect(s.droppedObservations).toBe(0);
  });
});

describe('virtual buckets', () => {
  const V0 = '18446744073709551615';
  const V1 = '18446744073709551614';

  it('folds routes beyond maxTrackedRoutes into a virtual bucket with a 2^64-1 id', () => {
    const { s } = make({ maxTrackedRoutes: 2 });
    s.registerRoute(route(1, 'a', 'b'));
    s.registerRoute(route(2, 'b', 'c'));
    s.registerRoute(route(3, 'c', 'd', 5, 'redis'));
    s.registerRoute(route(4, 'd', 'e', 5, 'redis'));
    for (const id of [1, 2, 3, 4]) s.observe(id, k('x'), OP_WRITE, 0);
    s.flush();
    const [col] = s.snapshot();
    expect(ids(col)).toEqual(['route:1', 'route:2', `virtual:${V0}`]);
    const v = col.rows[2];
    expect(v.writes).toBe(2);
    expect(v.meta).toMatchObject({
      aggregate: true,
      start: k('c'),
      end: k('e'),
      routeIds: ['3', '4'],
      routeCount: 2,
      label: 'redis',
    });
    expect(v.raftGroupId).toBe(5);
    expect(s.stats()).toMatchObject({ tracked: 2, virtual: 1, routes: 4 });
  });

  it('opens a second virtual bucket for non-adjacent overflow and widens on neighbours', () => {
    const { s } = make({ maxTrackedRoutes: 2 });
    s.registerRoute(route(1, 'b', 'c'));
    s.registerRoute(route(2, 'e', 'f'));
    s.registerRoute(route(3, 'g', 'h', 1)); // right of 2: new virtual V0
    s.registerRoute(route(4, 'a', 'b', 2)); // left of 1: neighbour 1 is tracked -> new V1
    s.registerRoute(route(5, 'h', '', 3)); // neighbour 3 is in V0 -> joins, widens to the tail
    for (const id of [3, 4, 5]) s.observe(id, k('x'), OP_WRITE, 0);
    s.flush();
    const [col] = s.snapshot();
    expect(ids(col)).toEqual([`virtual:${V1}`, `virtual:${V0}`]);
    expect(col.rows[1].meta).toMatchObject({
      start: k('g'),
      end: k(''),
      routeCount: 2,
      label: 'rawkv',
    });
    expect(col.rows[1].raftGroupId).toBe(0); // members in different groups
  });

  it('caps the visible member list but keeps the true count, also after removals', () => {
    const { s } = make({ maxTrackedRoutes: 1, maxMemberRoutesPerSlot: 3 });
    s.registerRoute(route(0, '', 'a'));
    for (let i = 1; i <= 6; i++) s.registerRoute(route(i, `a${i}`, `a${i + 1}`));
    s.observe(1, k('x'), OP_WRITE, 0);
    s.flush();
    let meta = s.snapshot().at(-1)!.rows[0].meta;
    expect(meta).toMatchObject({ routeIds: ['1', '2', '3'], routeCount: 6 });
    s.removeRoute(5); // beyond the visible cap
    s.removeRoute(2); // visible
    s.observe(1, k('x'), OP_WRITE, 0);
    s.flush();
    meta = s.snapshot().at(-1)!.rows[0].meta;
    expect(meta).toMatchObject({ routeIds: ['1', '3', '4'], routeCount: 4, end: k('a7') });
    s.removeRoute(6);
    s.observe(1, k('x'), OP_WRITE, 0);
    s.flush();
    meta = s.snapshot().at(-1)!.rows[0].meta;
    expect(meta).toMatchObject({ routeCount: 3, end: k('a5') });
  });

  it('retires an emptied virtual bucket after harvesting it; ids are never reused', () => {
    const { s } = make({ maxTrackedRoutes: 1 });
    s.registerRoute(route(1, 'a', 'b'));
    s.registerRoute(route(2, 'c', 'd'));
    s.observe(2, k('x'), OP_WRITE, 0);
    s.removeRoute(2);
    s.flush();
    expect(ids(s.snapshot().at(-1)!)).toEqual([`virtual:${V0}`]);
    s.registerRoute(route(3, 'e', 'f'));
    s.observe(3, k('x'), OP_WRITE, 0);
    s.flush();
    expect(ids(s.snapshot().at(-1)!)).toEqual([`virtual:${V1}`]);
  });

  it('a split of a folded route folds the new half into the same virtual bucket', () => {
    const { s } = make({ maxTrackedRoutes: 1 });
    s.registerRoute(route(1, '', 'c'));
    s.registerRoute(route(2, 'c', ''));
    s.splitRoute(2, k('m'), 3);
    s.observe(2, k('x'), OP_WRITE, 0);
    s.observe(3, k('x'), OP_WRITE, 0);
    s.flush();
    const [col] = s.snapshot();
    expect(col.rows.map((r) => [r.meta.bucketId, r.writes, r.meta.routeCount])).toEqual([
      [`virtual:${V0}`, 2, 2],
    ]);
  });

  it('merge into a folded survivor keeps counts; a merge absorbing a folded route leaves them in its bucket', () => {
    const { s } = make({ maxTrackedRoutes: 1 });
    s.registerRoute(route(1, '', 'c'));
    s.registerRoute(route(2, 'c', 'f'));
    s.registerRoute(route(3, 'f', ''));
    s.observe(1, k('x'), OP_WRITE, 0);
    s.observe(2, k('x'), OP_WRITE, 0);
    s.mergeRoutes(1, 2); // 2 was folded: its count stays in the virtual bucket (now only route 3)
    s.flush();
    const [col] = s.snapshot();
    expect(col.rows.map((r) => [r.meta.bucketId, r.writes])).toEqual([
      ['route:1', 1],
      [`virtual:${V0}`, 1],
    ]);
    expect(col.rows[1].meta).toMatchObject({ routeCount: 1, routeIds: ['3'], start: k('f') });
  });

  it('with all virtual slots in use, folds into the one starting closest below', () => {
    const { s } = make({ maxTrackedRoutes: 1, maxVirtualBuckets: 2 });
    s.registerRoute(route(1, 'm', 'n'));
    s.registerRoute(route(2, 'c', 'd')); // V0
    s.registerRoute(route(3, 'p', 'q')); // V1 (neighbour 1 is tracked)
    s.registerRoute(route(4, 'r', 's')); // neighbour 3 -> V1
    s.registerRoute(route(5, 'a', 'b')); // neighbour 2 -> V0
    s.registerRoute(route(6, 'o', 'p')); // neighbours 1 (tracked) and 3 (V1) -> V1
    s.registerRoute(route(7, 'h', 'i')); // neighbours 2 (V0) -> V0
    s.removeRoute(7);
    s.registerRoute(route(8, 'n', 'o')); // neighbours 1 tracked, 6 in V1 -> V1
    s.registerRoute(route(9, 'f', 'g')); // neighbours 2 (V0)
    expect(s.stats().virtual).toBe(2);
  });
});

describe('fromColumns / loadColumns', () => {
  it('restores a recorded history that snapshot() returns unchanged', () => {
    const { s, clock } = make({ maxTrackedRoutes: 1 });
    s.registerRoute(route(1, '', 'm'));
    s.registerRoute(route(2, 'm', ''));
    for (let i = 0; i < 4; i++) {
      s.observe(1, k('a'), OP_WRITE, i);
      s.observe(2, k('z'), OP_READ, 0);
      clock.advance(60_000);
      s.flush();
    }
    const recorded = s.snapshot();
    const replay = Sampler.fromColumns(recorded, { historyColumns: 10 });
    expect(replay.snapshot()).toEqual(recorded);
    const short = Sampler.fromColumns(recorded, { historyColumns: 2 });
    expect(short.snapshot()).toEqual(recorded.slice(2));
    expect(replay.matrix({ series: 2, fromUnixMs: 0, toUnixMs: 0, rows: 0 })).toEqual(
      s.matrix({ series: 2, fromUnixMs: 0, toUnixMs: 0, rows: 0 }),
    );
  });
});

describe('latest column helpers and history laps', () => {
  it('latestColumn/latestTotals read only the newest column', () => {
    const { s, clock } = make();
    expect(s.latestColumn()).toBeUndefined();
    expect(s.latestTotals()).toBeUndefined();
    s.registerRoute(route(1, '', 'm'));
    s.registerRoute(route(2, 'm', ''));
    s.observe(1, k('a'), OP_WRITE, 10);
    s.flush();
    clock.advance(60_000);
    s.observe(1, k('ab'), OP_READ, 0);
    s.observe(2, k('z'), OP_WRITE, 3);
    s.flush();
    expect(s.latestColumn()).toEqual(s.snapshot().at(-1));
    expect(s.latestTotals()).toEqual({
      unixMs: 1_060_000,
      reads: 1,
      writes: 1,
      readBytes: 2,
      writeBytes: 4,
    });
  });

  it('columns keep the metadata they were flushed with across many ring laps', () => {
    const { s, clock } = make({ historyColumns: 7, maxTrackedRoutes: 3 });
    s.registerRoute(route(0, '', ''));
    const seen: Column[] = [];
    let next = 1;
    for (let step = 0; step < 60; step++) {
      const routes = s.listRoutes();
      if (step % 3 === 0) {
        const r = routes[step % routes.length];
        const key = new Uint8Array([...r.start, 1 + (step % 200)]);
        try {
          s.splitRoute(r.id, key, next);
          next++;
        } catch {
          // key outside this route: skip
        }
      } else if (step % 3 === 1 && routes.length > 1) {
        s.mergeRoutes(routes[0].id, routes[1].id);
      }
      for (const r of s.listRoutes()) s.observe(r.id, r.start, OP_WRITE, step);
      clock.advance(60_000);
      s.flush();
      seen.push(s.latestColumn()!);
    }
    expect(s.snapshot()).toEqual(seen.slice(-7));
    const req = { series: 4, fromUnixMs: 0, toUnixMs: 0, rows: 2 };
    expect(s.matrix(req)).toEqual(
      Sampler.fromColumns(seen.slice(-7), { historyColumns: 7 }).matrix(req),
    );
  });
});

describe('options', () => {
  it('defaults to the node flags and validates sizes', async () => {
    const index = await import('../../server/sampler/index.ts');
    const s = new index.Sampler();
    expect(s.options).toMatchObject({
      stepMs: 60_000,
      historyColumns: 1440,
      maxTrackedRoutes: 10_000,
      maxMemberRoutesPerSlot: 256,
    });
    expect(s.options.clock).toBe(index.systemClock);
    expect(() => new Sampler({ historyColumns: 0 })).toThrow(RangeError);
    expect(() => new Sampler({ stepMs: 0 })).toThrow(RangeError);
    expect(index.FIRST_VIRTUAL_ID.toString()).toBe('18446744073709551615');
  });

  it('start() uses an unref’d timer so it never keeps the process alive', () => {
    const s = new Sampler({ stepMs: 1000 });
    const spy = vi.spyOn(globalThis, 'setInterval');
    s.start();
    const timer = spy.mock.results[0].value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    s.stop();
    spy.mockRestore();
  });
});
