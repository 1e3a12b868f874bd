// The synthetic workload: determinism, tiling, key variety, each scenario's
// heatmap pattern, live driving and backfill speed.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/sampler/clock.ts';
import { compareBytes } from '../../server/sampler/keys.ts';
import { Sampler } from '../../server/sampler/sampler.ts';
import { OP_READ, type Op, type RouteInfo } from '../../server/sampler/types.ts';
import {
  REGIONS,
  SCENARIOS,
  createWorkload,
  tilingError,
  type SamplerSink,
  type ScenarioName,
} from '../../server/workload/index.ts';
import { Rng } from '../../server/workload/prng.ts';
import {
  BATCH_EVERY_MS,
  BATCH_FOR_MS,
  SEQUENTIAL_PERIOD_MS,
} from '../../server/workload/scenarios.ts';

// Timeouts below are generous: two cores are shared with other test runs.
const HOUR = 3_600_000;
const STEP = 60_000;
// A fixed "now" on an 8 h boundary (so also on 2 h and 24 h boundaries).
const NOW = Date.UTC(2026, 10, 24, 0, 0, 0);

interface Cell {
  reads: number;
  writes: number;
  readBytes: number;
  writeBytes: number;
}

interface FakeColumn {
  t: number;
  cells: Map<number, Cell>;
  /** Every route at flush time, in key order. */
  order: RouteInfo[];
}

/** A sampler stand-in that keeps its own route table and per-step counters. */
class FakeSink implements SamplerSink {
  routes = new Map<number, RouteInfo>();
  columns: FakeColumn[] = [];
  cur = new Map<number, Cell>();
  keys = new Map<string, Uint8Array>();
  hash = 0x811c9dc5;
  observed = 0;
  unknown = 0;
  /** Observations whose key was not inside the route at that moment. */
  outside = 0;

  constructor(
    private readonly clock: ManualClock,
    withSplitMerge = true,
    private readonly keepKeys = false,
  ) {
    if (!withSplitMerge) {
      this.splitRoute = undefined;
      this.mergeRoutes = undefined;
    }
  }

  registerRoute(r: RouteInfo): void {
    if (this.routes.has(r.id)) throw new Error(`duplicate ${r.id}`);
    this.routes.set(r.id, { ...r });
  }
  removeRoute(id: number): void {
    this.routes.delete(id);
  }
  splitRoute? = (id: number, key: Uint8Array, newId: number): void => {
    const r = this.routes.get(id)!;
    this.routes.set(id, { ...r, end: key });
    this.routes.set(newId, { ...r, id: newId, start: key });
  };
  mergeRoutes? = (leftId: number, rightId: number): void => {
    const l = this.routes.get(leftId)!;
    const r = this.routes.get(rightId)!;
    expect(compareBytes(l.end, r.start)).toBe(0);
    this.routes.set(leftId, { ...l, end: r.end });
    this.routes.delete(rightId);
  };
  observe(routeId: number, key: Uint8Array, op: Op, valueLength: number): void {
    const r = this.routes.get(routeId);
    if (!r) {
      this.unknown++;
      return;
    }
    this.observed++;
    if (compareBytes(key, r.start) < 0 || (r.end.length > 0 && compareBytes(key, r.end) >= 0))
      this.outside++;
    let h = this.hash ^ routeId;
    h = Math.imul(h ^ op, 0x01000193);
    h = Math.imul(h ^ valueLength, 0x01000193);
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i], 0x01000193);
    this.hash = h >>> 0;
    if (this.keepKeys) this.keys.set(`${routeId}:${Array.from(key).join(',')}`, key);
    let c = this.cur.get(routeId);
    if (!c) this.cur.set(routeId, (c = { reads: 0, writes: 0, readBytes: 0, writeBytes: 0 }));
    if (op === OP_READ) {
      c.reads++;
      c.readBytes += key.length;
    } else {
      c.writes++;
      c.writeBytes += key.length + valueLength;
    }
  }
  flush(): void {
    const order = [...this.routes.values()].sort((a, b) => compareBytes(a.start, b.start));
    this.columns.push({ t: this.clock.now(), cells: this.cur, order });
    this.cur = new Map();
  }
  sortedRoutes(): RouteInfo[] {
    return [...this.routes.values()].sort((a, b) => compareBytes(a.start, b.start));
  }
}

function run(
  scenario: ScenarioName,
  opts: { seed?: number; routes?: number; hours?: number; now?: number } = {},
) {
  const clock = new ManualClock(0);
  const sink = new FakeSink(clock);
  const wl = createWorkload({ seed: opts.seed ?? 11, scenario, routes: opts.routes ?? 500 });
  const result = wl.backfill(sink, clock, {
    durationMs: (opts.hours ?? 24) * HOUR,
    stepMs: STEP,
    now: opts.now ?? NOW,
  });
  return { clock, sink, wl, result };
}

type Series = keyof Cell;
function total(col: FakeColumn, s: Series): number {
  let n = 0;
  for (const c of col.cells.values()) n += c[s];
  return n;
}
function argmax(col: FakeColumn, s: Series): number {
  let best = -1;
  let bv = -1;
  for (const [id, c] of col.cells) if (c[s] > bv) [best, bv] = [id, c[s]];
  return best;
}
/** Per-route totals over all columns, keyed by route id. */
function totals(cols: FakeColumn[], s: Series): Map<number, number> {
  const m = new Map<number, number>();
  for (const col of cols) for (const [id, c] of col.cells) m.set(id, (m.get(id) ?? 0) + c[s]);
  return m;
}
function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

describe('route catalogue', { timeout: 30_000 }, () => {
  it('regions are in ascending prefix order and their keys stay inside', () => {
    const rng = new Rng(1);
    REGIONS.forEach((region, i) => {
      const next = REGIONS[i + 1]?.prefix;
      if (next) expect(compareBytes(region.prefix, next)).toBeLessThan(0);
      for (let k = 0; k < 300; k++) {
        const key = region.key(rng);
        expect(compareBytes(key.subarray(0, region.prefix.length), region.prefix)).toBe(0);
        if (next) expect(compareBytes(key, next)).toBeLessThan(0);
      }
    });
  });

  it.each([1, 7, 60, 2000, 12_000])('%i routes tile the key space in sorted order', (n) => {
    const wl = createWorkload({ seed: 3, routes: n });
    const routes = wl.routes();
    expect(routes).toHaveLength(n);
    expect(tilingError(routes)).toBeNull();
    const groups = wl.raftGroups();
    expect(groups.length).toBeGreaterThanOrEqual(16);
    expect(groups.length).toBeLessThanOrEqual(64);
    for (const r of routes) expect(groups).toContain(r.raftGroupId);
  });

  it('labels every adapter', () => {
    const labels = new Set(
      createWorkload({ seed: 3, routes: 2000 })
        .routes()
        .map((r) => r.label),
    );
    expect([...labels].sort()).toEqual(['', 'dynamo', 'rawkv', 'redis', 's3', 'sqs']);
    const bare = createWorkload({ seed: 3, routes: 200, labels: false }).routes();
    expect(new Set(bare.map((r) => r.label))).toEqual(new Set(['']));
  });

  it('tilingError catches gaps, overlaps and open ends', () => {
    const e = new TextEncoder();
    const r = (id: number, s: string, t: string): RouteInfo => ({
      id,
      start: e.encode(s),
      end: e.encode(t),
      label: '',
      raftGroupId: 1,
    });
    expect(tilingError([r(1, '', 'm'), r(2, 'm', '')])).toBeNull();
    expect(tilingError([r(1, '', 'm'), r(2, 'n', '')])).toMatch(/gap/);
    expect(tilingError([r(1, 'a', 'm'), r(2, 'm', '')])).toMatch(/first/);
    expect(tilingError([r(1, '', 'm'), r(2, 'm', 'z')])).toMatch(/last/);
    expect(tilingError([r(1, '', 'm'), r(1, 'm', '')])).toMatch(/duplicate/);
  });
});

describe('determinism', { timeout: 30_000 }, () => {
  it('same seed gives the same observations; another seed does not', () => {
    const a = run('mix', { seed: 5, routes: 300, hours: 6 });
    const b = run('mix', { seed: 5, routes: 300, hours: 6 });
    const c = run('mix', { seed: 6, routes: 300, hours: 6 });
    expect(a.sink.observed).toBeGreaterThan(10_000);
    expect(b.sink.observed).toBe(a.sink.observed);
    expect(b.sink.hash).toBe(a.sink.hash);
    expect(b.result).toEqual(a.result);
    expect(b.wl.routes()).toEqual(a.wl.routes());
    expect(c.sink.hash).not.toBe(a.sink.hash);
    expect(c.wl.routes()).not.toEqual(a.wl.routes());
  });
});

describe('splits and merges', { timeout: 30_000 }, () => {
  it('keep the tiling valid, in the workload and in the sink', () => {
    const { sink, wl, result } = run('split-merge', { routes: 300, hours: 12 });
    expect(result.splits).toBeGreaterThan(50);
    expect(result.merges).toBeGreaterThan(50);
    expect(tilingError(wl.routes())).toBeNull();
    expect(sink.sortedRoutes()).toEqual(wl.routes());
    expect(sink.unknown).toBe(0);
    for (const col of sink.columns) expect(tilingError(col.order)).toBeNull();
  });

  it('fall back to remove + register when the sink cannot split or merge', () => {
    const clock = new ManualClock(0);
    const sink = new FakeSink(clock, false);
    const wl = createWorkload({ seed: 2, scenario: 'split-merge', routes: 200 });
    const r = wl.backfill(sink, clock, { durationMs: 4 * HOUR, now: NOW });
    expect(r.splits + r.merges).toBeGreaterThan(20);
    expect(sink.sortedRoutes()).toEqual(wl.routes());
    expect(sink.unknown).toBe(0);
  });

  it('load-based splits land on the hot range in hot-range', () => {
    const { wl, result } = run('hot-range', { routes: 500 });
    expect(result.splits).toBeGreaterThan(10);
    const routes = wl.routes();
    expect(tilingError(routes)).toBeNull();
    // Routes born from splits (ids above the initial 500) sit where the band is (u 0.42-0.44).
    const born = routes.map((r, i) => [r.id, i / routes.length]).filter(([id]) => id > 500);
    expect(born.length).toBeGreaterThan(10);
    for (const [, pos] of born) expect(pos).toBeGreaterThan(0.38);
    for (const [, pos] of born) expect(pos).toBeLessThan(0.5);
  });
});

describe('keys', { timeout: 30_000 }, () => {
  it('cover printable adapters, binary ints, UTF-8 text and invalid UTF-8', () => {
    const clock = new ManualClock(0);
    const sink = new FakeSink(clock, true, true);
    createWorkload({ seed: 9, scenario: 'mix', routes: 1000 }).backfill(sink, clock, {
      durationMs: 2 * HOUR,
      now: NOW,
    });
    const keys = [...sink.keys.values()];
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const text = (k: Uint8Array): string | null => {
      try {
        return fatal.decode(k);
      } catch {
        return null;
      }
    };
    const texts = keys.map(text);
    for (const p of [
      '!redis|str|user:',
      '!redis|hash|session:',
      '!ddb|orders|cust#',
      '!s3|',
      '!sqs|',
    ]) {
      expect(texts.some((t) => t?.startsWith(p))).toBe(true);
    }
    expect(texts.some((t) => t?.includes('<script>'))).toBe(true);
    // Raw KV: 't' + 8-byte BE table id + '_r' + 8-byte BE row id.
    const raw = keys.filter(
      (k) => k.length === 19 && k[0] === 0x74 && k[9] === 0x5f && k[10] === 0x72,
    );
    expect(raw.length).toBeGreaterThan(10);
    expect(raw.some((k) => k[1] === 0 && k[2] === 0)).toBe(true);
    // Valid UTF-8 beyond ASCII: Cyrillic, CJK and emoji.
    expect(texts.some((t) => t?.startsWith('ключ/'))).toBe(true);
    expect(texts.some((t) => t?.startsWith('用户/'))).toBe(true);
    expect(texts.some((t) => t !== null && /\p{Extended_Pictographic}/u.test(t))).toBe(true);
    // Neither: invalid UTF-8, NUL-led and 0xff-led keys, control bytes.
    expect(texts.some((t) => t === null)).toBe(true);
    expect(keys.some((k) => k[0] === 0x00)).toBe(true);
    expect(keys.some((k) => k[0] === 0xff)).toBe(true);
    expect(keys.some((k) => k.some((b) => b > 0 && b < 0x20))).toBe(true);
  });

  it('every observed key lies inside its route, across splits and merges', () => {
    const clock = new ManualClock(0);
    const sink = new FakeSink(clock);
    const wl = createWorkload({ seed: 4, scenario: 'split-merge', routes: 200 });
    const r = wl.backfill(sink, clock, { durationMs: 6 * HOUR, now: NOW });
    expect(r.splits + r.merges).toBeGreaterThan(100);
    expect(sink.observed).toBeGreaterThan(1000);
    expect(sink.outside).toBe(0);
  });
});

describe('scenarios', { timeout: 30_000 }, () => {
  it('lists every scenario with a description', () => {
    expect(SCENARIOS.map((s) => s.name).sort()).toEqual(
      [
        'batch',
        'hot-key',
        'hot-range',
        'idle',
        'mix',
        'moving-hotspot',
        'scan',
        'sequential',
        'split-merge',
        'zipf',
      ].sort(),
    );
    for (const s of SCENARIOS) expect(s.description.length).toBeGreaterThan(10);
  });

  it('idle: no traffic, but a column every step', () => {
    const { sink, result } = run('idle', { hours: 3 });
    expect(result.steps).toBe(180);
    expect(sink.columns).toHaveLength(180);
    expect(sink.observed).toBe(0);
    expect(sink.columns.at(-1)!.t).toBe(NOW);
    expect(sink.columns[0].t).toBe(NOW - 3 * HOUR + STEP);
  });

  it('sequential: the busiest route moves monotonically through key order', () => {
    const { sink } = run('sequential', { hours: SEQUENTIAL_PERIOD_MS / HOUR });
    const starts = sink.columns.map((col) => {
      const id = argmax(col, 'writes');
      return col.order.find((r) => r.id === id)!.start;
    });
    let backwards = 0;
    for (let i = 1; i < starts.length; i++)
      if (compareBytes(starts[i], starts[i - 1]) < 0) backwards++;
    expect(backwards).toBe(0);
    // It sweeps the whole space: starts near the bottom, ends near the top.
    const pos = (col: FakeColumn, id: number) =>
      col.order.findIndex((r) => r.id === id) / col.order.length;
    const first = sink.columns[0];
    const last = sink.columns.at(-1)!;
    expect(pos(first, argmax(first, 'writes'))).toBeLessThan(0.05);
    expect(pos(last, argmax(last, 'writes'))).toBeGreaterThan(0.95);
  });

  it('batch: activity inside the batch windows dwarfs the rest', () => {
    const { sink } = run('batch');
    const inside: number[] = [];
    const outside: number[] = [];
    for (const col of sink.columns) {
      const stepStart = col.t - STEP;
      (stepStart % BATCH_EVERY_MS < BATCH_FOR_MS ? inside : outside).push(total(col, 'writes'));
    }
    expect(inside.length).toBe(12 * (BATCH_FOR_MS / STEP));
    expect(mean(inside)).toBeGreaterThan(10 * mean(outside));
    // Vertical: a batch column lights (almost) every route.
    const lit = sink.columns
      .filter((c) => (c.t - STEP) % BATCH_EVERY_MS < BATCH_FOR_MS)
      .map((c) => c.cells.size / c.order.length);
    expect(Math.min(...lit)).toBeGreaterThan(0.9);
  });

  it('hot-range: one contiguous band of routes holds most writes', () => {
    const { sink } = run('hot-range');
    const order = sink.columns.at(-1)!.order;
    const t = totals(sink.columns, 'writes');
    const v = order.map((r) => t.get(r.id) ?? 0);
    const all = v.reduce((a, b) => a + b, 0);
    // The band is 2% of the key space at first; load-based splits cut it into more routes.
    const w = Math.ceil(order.length * 0.1);
    let best = 0;
    let window = 0;
    for (let i = 0; i < v.length; i++) {
      window += v[i] - (i >= w ? v[i - w] : 0);
      best = Math.max(best, window);
    }
    expect(best / all).toBeGreaterThan(0.5);
  });

  it('hot-key: one key ("#hot0") takes nearly all of its route\'s writes', () => {
    const clock = new ManualClock(0);
    const sink = new FakeSink(clock);
    const writesOf = new Map<string, number>();
    const perRoute = new Map<number, number>();
    const observe = sink.observe.bind(sink);
    sink.observe = (routeId, key, op, len) => {
      observe(routeId, key, op, len);
      if (op === OP_READ) return;
      const k = `${routeId}:${new TextDecoder().decode(key)}`;
      writesOf.set(k, (writesOf.get(k) ?? 0) + 1);
      perRoute.set(routeId, (perRoute.get(routeId) ?? 0) + 1);
    };
    const wl = createWorkload({ seed: 11, scenario: 'hot-key', routes: 300 });
    wl.backfill(sink, clock, { now: NOW, durationMs: 2 * HOUR, stepMs: STEP });
    const [top, n] = [...writesOf].sort((a, b) => b[1] - a[1])[0];
    const route = Number(top.split(':')[0]);
    expect(top).toMatch(/#hot0$/);
    expect(n / perRoute.get(route)!).toBeGreaterThan(0.9);
    // And it is the busiest route by far (a sustained hot range of one row).
    const others = [...perRoute].filter(([id]) => id !== route).map(([, w]) => w);
    expect(perRoute.get(route)!).toBeGreaterThan(20 * Math.max(...others));
  });

  it('zipf: a few routes take most of the traffic', () => {
    const { sink } = run('zipf');
    const v = [...totals(sink.columns, 'reads').values()].sort((a, b) => b - a);
    const all = v.reduce((a, b) => a + b, 0);
    // Load-based splits divide the hottest routes, so look at the top 10%, not the top few.
    const top = v.slice(0, Math.ceil(v.length / 10)).reduce((a, b) => a + b, 0);
    expect(top / all).toBeGreaterThan(0.5);
    expect(v[0]).toBeGreaterThan(50 * v[v.length >> 1]);
    // ...and a long tail still shows up.
    expect(v.length).toBeGreaterThan(400);
  });

  it('scan: read-heavy contiguous runs', () => {
    const { sink } = run('scan');
    const reads = sink.columns.reduce((s, c) => s + total(c, 'reads'), 0);
    const writes = sink.columns.reduce((s, c) => s + total(c, 'writes'), 0);
    expect(reads).toBeGreaterThan(5 * writes);
    let longest = 0;
    let fragmented = 0;
    for (const col of sink.columns) {
      // Background reads stay at 0 or 1 per route; scanned routes read several.
      const hot = col.order.map((r) => (col.cells.get(r.id)?.reads ?? 0) >= 2);
      let runs = 0;
      let len = 0;
      let gap = Infinity;
      for (let i = 0; i < hot.length; i++) {
        if (!hot[i]) {
          gap++;
          if (gap > 3) len = 0;
          continue;
        }
        // Gaps of up to 3 routes inside one scan (an unlucky draw) do not start a new run.
        if (gap > 3) runs++;
        len += gap <= 3 ? gap + 1 : 1;
        gap = 0;
        longest = Math.max(longest, len);
      }
      // At most 4 scans run at once; a scan starting or ending mid-step may look ragged.
      if (runs > 4) fragmented++;
    }
    expect(fragmented / sink.columns.length).toBeLessThan(0.1);
    expect(longest).toBeGreaterThanOrEqual(10);
  });

  it('moving-hotspot: a hot spot appears, moves, and vanishes', () => {
    const { sink } = run('moving-hotspot');
    const phase = (col: FakeColumn) => ((col.t - STEP / 2) % (6 * HOUR)) / (6 * HOUR);
    const active = sink.columns.filter((c) => phase(c) >= 1 / 6 + 0.01 && phase(c) < 4 / 6 - 0.01);
    const quiet = sink.columns.filter((c) => phase(c) < 1 / 6 - 0.01 || phase(c) >= 4 / 6 + 0.01);
    const peak = (c: FakeColumn) => Math.max(...[...c.cells.values()].map((x) => x.writes));
    expect(mean(active.map(peak))).toBeGreaterThan(5 * mean(quiet.map(peak)));
    // Within one appearance the peak travels a good part of the key space.
    const cycle = active.filter((c) => c.t < active[0].t + 3 * HOUR);
    const pos = (c: FakeColumn) =>
      c.order.findIndex((r) => r.id === argmax(c, 'writes')) / c.order.length;
    expect(Math.abs(pos(cycle.at(-1)!) - pos(cycle[0]))).toBeGreaterThan(0.2);
  });

  it('mix: every series has structure, in different places', () => {
    const { sink } = run('mix', { routes: 1000 });
    const order = sink.columns.at(-1)!.order;
    const label = new Map(order.map((r) => [r.id, r.label]));
    const top = (s: Series) => {
      const t = [...totals(sink.columns, s)].sort((a, b) => b[1] - a[1]);
      return { label: label.get(t[0][0]), max: t[0][1], median: t[t.length >> 1][1] };
    };
    for (const s of ['reads', 'writes', 'readBytes', 'writeBytes'] as const) {
      const r = top(s);
      expect(r.max, s).toBeGreaterThan(8 * r.median);
    }
    // The hot redis band holds most of the ten busiest read routes.
    const topReads = [...totals(sink.columns, 'reads')].sort((a, b) => b[1] - a[1]).slice(0, 10);
    expect(topReads.filter(([id]) => label.get(id) === 'redis').length).toBeGreaterThanOrEqual(5);
    expect(top('writeBytes').label).toBe('s3');
    // Vertical bands in write bytes: the 2-hourly s3 uploads.
    const inWin = (c: FakeColumn) => (c.t - STEP) % (2 * HOUR) < 10 * 60_000;
    const wb = (cs: FakeColumn[]) => mean(cs.map((c) => total(c, 'writeBytes')));
    expect(wb(sink.columns.filter(inWin))).toBeGreaterThan(
      10 * wb(sink.columns.filter((c) => !inWin(c))),
    );
    // A sudden change: the CJK workload runs 16:00-22:00 UTC only.
    const cjk = new Set(
      order.filter((r) => new TextDecoder().decode(r.start).startsWith('用户/')).map((r) => r.id),
    );
    const cjkWrites = (cs: FakeColumn[]) =>
      mean(cs.map((c) => [...c.cells].reduce((s, [id, x]) => s + (cjk.has(id) ? x.writes : 0), 0)));
    const hour = (c: FakeColumn) => new Date(c.t - STEP).getUTCHours();
    const on = sink.columns.filter((c) => hour(c) >= 16 && hour(c) < 22);
    const off = sink.columns.filter((c) => hour(c) < 15 || hour(c) >= 23);
    expect(cjkWrites(on)).toBeGreaterThan(5 * cjkWrites(off));
    // A failure: two Raft groups go dark 05:00-05:20 UTC; every group is busy otherwise.
    const byGroup = (c: FakeColumn) => {
      const g = new Map<number, number>();
      for (const r of c.order) g.set(r.raftGroupId, 0);
      for (const r of c.order) {
        const x = c.cells.get(r.id);
        if (x) g.set(r.raftGroupId, g.get(r.raftGroupId)! + x.reads + x.writes);
      }
      return g;
    };
    const dark = (c: FakeColumn) => [...byGroup(c)].filter(([, n]) => n === 0).map(([g]) => g);
    const outage = sink.columns.filter(
      (c) => hour(c) === 5 && new Date(c.t - STEP).getUTCMinutes() < 20,
    );
    expect(outage).toHaveLength(20);
    const darkSets = new Set(outage.map((c) => dark(c).join(',')));
    expect(darkSets.size).toBe(1);
    expect(dark(outage[0])).toHaveLength(2);
    const others = sink.columns.filter((c) => !outage.includes(c));
    expect(others.filter((c) => dark(c).length > 0).length).toBeLessThan(others.length / 50);
  });
});

describe('live', () => {
  it('continues after a backfill in slices, flushing once per step', () => {
    const clock = new ManualClock(0);
    const sink = new FakeSink(clock);
    const wl = createWorkload({ seed: 1, scenario: 'mix', routes: 300 });
    wl.backfill(sink, clock, { durationMs: HOUR, now: NOW });
    const before = sink.columns.length;
    let wall = NOW + 10;
    const live = wl.startLive(sink, { stepMs: STEP, clock, now: () => wall });
    const observedBefore = sink.observed;
    for (let i = 0; i < (3 * STEP) / 250; i++) {
      wall += 250;
      live.tick();
    }
    wl.stop();
    expect(sink.columns.length - before).toBe(3);
    expect(sink.columns.slice(before).map((c) => c.t)).toEqual([
      NOW + STEP,
      NOW + 2 * STEP,
      NOW + 3 * STEP,
    ]);
    expect(clock.now()).toBe(wall);
    // About three steps' worth of traffic, like a backfill step.
    const perStep = observedBefore / 60;
    expect(sink.observed - observedBefore).toBeGreaterThan(2 * perStep);
    expect(sink.observed - observedBefore).toBeLessThan(4.5 * perStep);
    expect(sink.unknown).toBe(0);
    expect(sink.outside).toBe(0);
  });

  it('registers routes itself and does not flush when told not to', () => {
    const clock = new ManualClock(NOW);
    const sink = new FakeSink(clock);
    const wl = createWorkload({ seed: 1, scenario: 'hot-range', routes: 100 });
    let wall = NOW;
    const live = wl.startLive(sink, { stepMs: STEP, flush: false, now: () => wall });
    expect(sink.routes.size).toBe(100);
    for (let i = 0; i < 10; i++) {
      wall += STEP / 2;
      live.tick();
    }
    live.stop();
    expect(sink.columns).toHaveLength(0);
    expect(sink.cur.size).toBeGreaterThan(0);
  });
});

// Its speed is measured by `npm run bench -- workload`, not asserted here.
describe('full backfill', { timeout: 60_000 }, () => {
  it('24 h x 2,000 routes of mix fill a real Sampler: 1,440 columns, nothing dropped, tiling kept', () => {
    const clock = new ManualClock(0);
    const sampler = new Sampler({ clock, stepMs: STEP });
    const wl = createWorkload({ seed: 42, scenario: 'mix', routes: 2000 });
    const r = wl.backfill(sampler, clock, { now: NOW });
    expect(sampler.columnCount).toBe(1440);
    expect(sampler.stats().dropped).toBe(0);
    expect(r.observed).toBeGreaterThan(1_000_000);
    expect(tilingError([...sampler.listRoutes()])).toBeNull();
  });
});
