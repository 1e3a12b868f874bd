import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/sampler/clock.ts';
import { Sampler } from '../../server/sampler/sampler.ts';
import { OP_READ, OP_WRITE, type RouteInfo } from '../../server/sampler/types.ts';
import {
  byCountThenKey,
  bytesToKey,
  hashBytes,
  keyToBytes,
  SpaceSaving,
} from '../../server/sampler/hotkeys/spaceSaving.ts';
import { SampleRoll } from '../../server/sampler/hotkeys/roll.ts';
import { resolveHotKeyOptions } from '../../server/sampler/hotkeys/options.ts';
import { HotKeyTracker } from '../../server/sampler/hotkeys/tracker.ts';
import { WindowHistory } from '../../server/sampler/hotkeys/history.ts';
import { estimateBytes, type HotKeyWindow } from '../../server/sampler/hotkeys/window.ts';
import { Rng } from '../../server/workload/prng.ts';

const enc = new TextEncoder();
const k = (s: string) => enc.encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('Space-Saving sketch', () => {
  it('evicts the minimum and gives the newcomer min + 1', () => {
    const s = new SpaceSaving(2);
    s.offer('a');
    s.offer('a');
    s.offer('b');
    s.offer('c'); // evicts b (count 1): c = 2
    expect(s.count('b')).toBe(0);
    expect(s.count('c')).toBe(2);
    expect(s.count('a')).toBe(2);
    s.offer('d'); // a and c tie at the minimum 2: one goes, d = 3
    const e = s.entries();
    expect(e[0]).toEqual({ key: 'd', count: 3 });
    expect(e.length).toBe(2);
    expect(['a', 'c']).toContain(e[1].key);
    expect(e[1].count).toBe(2);
    expect(s.n).toBe(5);
  });

  it('never under-counts and over-counts by at most N/m, on adversarial streams', () => {
    const m = 16;
    const streams: string[][] = [];
    // 1: a heavy key hidden among ever-new keys (maximal churn).
    const churn: string[] = [];
    for (let i = 0; i < 5000; i++) churn.push(i % 3 === 0 ? 'heavy' : `k${i}`);
    streams.push(churn);
    // 2: round-robin over m + 1 keys (every offer evicts).
    const rr: string[] = [];
    for (let i = 0; i < 4000; i++) rr.push(`r${i % (m + 1)}`);
    streams.push(rr);
    // 3: Zipf-ish random stream.
    const rng = new Rng(7);
    const z: string[] = [];
    for (let i = 0; i < 8000; i++) z.push(`z${Math.floor(1 / (rng.float() + 0.002))}`);
    streams.push(z);
    // 4: sorted runs (heavy keys arrive last, after the sketch is full of others).
    const runs: string[] = [];
    for (let i = 0; i < 3000; i++) runs.push(`u${i}`);
    for (let i = 0; i < 600; i++) runs.push('late');
    streams.push(runs);
    for (const stream of streams) {
      const s = new SpaceSaving(m);
      const truth = new Map<string, number>();
      for (const x of stream) {
        s.offer(x);
        truth.set(x, (truth.get(x) ?? 0) + 1);
      }
      const bound = stream.length / m;
      for (const e of s.entries()) {
        const t = truth.get(e.key) ?? 0;
        expect(e.count).toBeGreaterThanOrEqual(t);
        expect(e.count - t).toBeLessThanOrEqual(bound);
      }
      // Any key with true count > N/m must be held.
      for (const [key, t] of truth) if (t > bound) expect(s.count(key)).toBeGreaterThan(0);
    }
  });

  it('counts exactly as the plain algorithm, by bytes or string, through hash collisions', () => {
    // Two different keys with the same 30-bit hash (found once by a birthday
    // search over `c<i>`): the index must tell them apart by their bytes.
    const pair = ['c268724', 'c698200'] as const;
    expect(hashBytes(k(pair[0]), 0, 7)).toBe(hashBytes(k(pair[1]), 0, 7));
    // The plain algorithm: an array of m counters, the newcomer takes the first minimum's place.
    const plain = (m: number, stream: string[]) => {
      const c: { key: string; count: number }[] = [];
      for (const x of stream) {
        const held = c.find((e) => e.key === x);
        if (held) held.count++;
        else if (c.length < m) c.push({ key: x, count: 1 });
        else {
          let v = 0;
          for (let j = 1; j < m; j++) if (c[j].count < c[v].count) v = j;
          c[v] = { key: x, count: c[v].count + 1 };
        }
      }
      return c.sort(byCountThenKey);
    };
    const rng = new Rng(11);
    // 9 and 100: storage grows 8 -> 9 and 8 -> 16 -> ... -> 100 (not powers of two).
    for (const m of [1, 2, 5, 9, 16, 64, 100]) {
      const stream: string[] = [];
      for (let i = 0; i < 6000; i++) {
        const r = rng.float();
        stream.push(r < 0.2 ? pair[0] : r < 0.4 ? pair[1] : `z${Math.floor(1 / (r - 0.399))}`);
      }
      const byString = new SpaceSaving(m);
      const byBytes = new SpaceSaving(m);
      const arena = new Uint8Array(64);
      for (const x of stream) {
        byString.offer(x);
        arena.set(k(x), 7);
        byBytes.offerBytes(arena, 7, x.length);
      }
      const want = plain(m, stream);
      expect(byString.entries()).toEqual(want);
      expect(byBytes.entries()).toEqual(want);
      expect(byBytes.n).toBe(stream.length);
      for (const e of want) expect(byBytes.count(e.key)).toBe(e.count);
      byBytes.reset();
      expect(byBytes.size).toBe(0);
      expect(byBytes.count(pair[0])).toBe(0);
      // The room grown so far is kept and holds a second window exactly too.
      const second = stream.slice(0, 3000).reverse();
      for (const x of second) {
        arena.set(k(x), 7);
        byBytes.offerBytes(arena, 7, x.length);
      }
      expect(byBytes.entries()).toEqual(plain(m, second));
    }
  });

  it('orders count desc then key bytes asc, and round-trips key bytes', () => {
    const raw = new Uint8Array([0, 255, 128, 10]);
    expect(keyToBytes(bytesToKey(raw))).toEqual(raw);
    const list = [
      { key: 'b', count: 1 },
      { key: '\u00ff', count: 2 },
      { key: 'a', count: 2 },
    ].sort(byCountThenKey);
    expect(list.map((e) => e.key)).toEqual(['a', '\u00ff', 'b']);
  });
});

describe('sampling and options', () => {
  it('admits about one in R and is deterministic per seed', () => {
    const a = new SampleRoll(42);
    const b = new SampleRoll(42);
    let n = 0;
    let same = true;
    for (let i = 0; i < 160_000; i++) {
      const x = a.admit(16);
      if (b.admit(16) !== x) same = false;
      if (x) n++;
    }
    expect(same).toBe(true);
    expect(n).toBeGreaterThan(9_500);
    expect(n).toBeLessThan(10_500);
    // Independent per call: the gap between admitted calls is geometric, so
    // P(gap = 1) is 1/16 and gaps longer than 64 occur with (15/16)^64 ~ 1.6%.
    const c = new SampleRoll(7);
    const gaps: number[] = [];
    let last = 0;
    for (let i = 1; i <= 320_000; i++) {
      if (c.admit(16)) {
        gaps.push(i - last);
        last = i;
      }
    }
    const share = (f: (g: number) => boolean) => gaps.filter(f).length / gaps.length;
    expect(share((g) => g === 1)).toBeGreaterThan(0.055);
    expect(share((g) => g === 1)).toBeLessThan(0.07);
    expect(share((g) => g > 64)).toBeGreaterThan(0.012);
    expect(share((g) => g > 64)).toBeLessThan(0.02);
    const one = new SampleRoll(1);
    for (let i = 0; i < 100; i++) expect(one.admit(1)).toBe(true);
  });

  it("applies the node's defaults and caps (zero/negative -> default, above cap -> cap)", () => {
    expect(resolveHotKeyOptions({})).toMatchObject({
      enabled: true,
      perRoute: 64,
      sampleRate: 16,
      queueSize: 8192,
      maxKeyLen: 1024,
      historyBytes: 64 * 1024 * 1024,
    });
    expect(
      resolveHotKeyOptions({ perRoute: 0, sampleRate: -3, queueSize: 0, maxKeyLen: -1 }),
    ).toMatchObject({ perRoute: 64, sampleRate: 16, queueSize: 8192, maxKeyLen: 1024 });
    expect(
      resolveHotKeyOptions({
        perRoute: 1000,
        sampleRate: 5000,
        queueSize: 1 << 20,
        maxKeyLen: 10_000,
      }),
    ).toMatchObject({ perRoute: 256, sampleRate: 1024, queueSize: 65536, maxKeyLen: 4096 });
  });
});

describe('HotKeyTracker', () => {
  it('skips long keys before sampling, drops on a full queue, publishes and resets', () => {
    const t = new HotKeyTracker(
      { sampleRate: 1, queueSize: 4, maxKeyLen: 3, perRoute: 2, seed: 1 },
      (id) => id === 1,
      1000,
    );
    t.observe(1, '', k('long-key')); // skipped
    for (const x of ['a', 'a', 'b', 'c', 'd', 'e']) t.observe(1, '', k(x)); // 4 queued, 2 dropped
    expect(t.queued).toBe(4);
    expect(t.pending).toEqual({ dropped: 2, skipped: 1 });
    const w = t.publish(5000);
    expect(w).toMatchObject({ fromMs: 4000, toMs: 5000, droppedSamples: 2, skippedLongKeys: 1 });
    const slot = w.slots.get('1:')!;
    expect(slot.sampledN).toBe(4);
    expect(slot.entries.map((e) => e.key)).toEqual(['a', 'c']); // c evicted b: 1 + 1
    expect(slot.errorBound).toBe(Math.floor((1 * 4) / 2));
    expect(t.pending).toEqual({ dropped: 0, skipped: 0 });
    // Next window starts empty and begins where the last one ended.
    const w2 = t.publish(6000);
    expect(w2.fromMs).toBe(5000);
    expect(w2.slots.size).toBe(0);
  });

  it('ignores untracked (virtual or unknown) routes and keeps the key bytes it copied', () => {
    const t = new HotKeyTracker({ sampleRate: 1, seed: 1 }, (id) => id === 1, 1000);
    const buf = k('xy');
    t.observe(1, 'redis', buf);
    t.observe(2, '', k('other'));
    buf[0] = 0x7a; // the caller reuses its buffer
    const w = t.publish(1000);
    expect([...w.slots.keys()]).toEqual(['1:redis']);
    expect(w.slots.get('1:redis')!.entries[0].key).toBe('xy');
  });

  it('carries dropped/skipped forward when no sketch saw anything', () => {
    const t = new HotKeyTracker({ sampleRate: 1, maxKeyLen: 1, seed: 1 }, () => true, 1000);
    t.observe(1, '', k('toolong'));
    expect(t.publish(1000).skippedLongKeys).toBe(1);
    t.observe(1, '', k('a'));
    const w = t.publish(2000);
    expect(w.skippedLongKeys).toBe(1);
    expect(t.pending.skipped).toBe(0);
  });

  it('drains the queue on a microtask', async () => {
    const t = new HotKeyTracker({ sampleRate: 1, queueSize: 2, seed: 1 }, () => true, 1000);
    t.observe(1, '', k('a'));
    t.observe(1, '', k('b'));
    expect(t.queued).toBe(2);
    await Promise.resolve();
    expect(t.queued).toBe(0);
    t.observe(1, '', k('c'));
    expect(t.pending.dropped).toBe(0);
    expect(t.publish(1000).slots.get('1:')!.sampledN).toBe(3);
  });
});

function window(fromMs: number, toMs: number, keys: Record<string, number>): HotKeyWindow {
  const entries = Object.entries(keys).map(([key, count]) => ({ key, count }));
  const slots = new Map([['1:', { routeId: 1, label: '', sampledN: 10, errorBound: 1, entries }]]);
  return {
    fromMs,
    toMs,
    steps: 1,
    sampleRate: 1,
    capacity: 4,
    droppedSamples: 0,
    skippedLongKeys: 0,
    slots,
    bytes: estimateBytes(slots),
  };
}

describe('WindowHistory', () => {
  it('coarsens the oldest equal pairs first, never the latest, under the budget', () => {
    const one = window(0, 1, { a: 1 }).bytes;
    const h = new WindowHistory(one * 4);
    for (let i = 0; i < 12; i++) h.push(window(i * 10, (i + 1) * 10, { a: 1, [`k${i}`]: 1 }));
    expect(h.bytes).toBeLessThanOrEqual(one * 4 + 200);
    const ws = h.windows();
    expect(ws.at(-1)!.toMs).toBe(120);
    expect(ws.at(-1)!.steps).toBe(1);
    // Coarser windows are older: steps never increase towards the newest.
    for (let i = 1; i < ws.length; i++) expect(ws[i].steps).toBeLessThanOrEqual(ws[i - 1].steps);
    // Windows stay contiguous.
    for (let i = 1; i < ws.length; i++) expect(ws[i].fromMs).toBe(ws[i - 1].toMs);
    // Merged windows sum per key and the bound.
    const coarse = ws.find((w) => w.steps > 1)!;
    const slot = coarse.slots.get('1:')!;
    expect(slot.entries[0]).toEqual({ key: 'a', count: coarse.steps });
    expect(slot.errorBound).toBe(coarse.steps);
  });

  it('selects windows by column time in [from, to)', () => {
    const h = new WindowHistory(1 << 20);
    h.push(window(0, 10, { a: 1 }));
    h.push(window(10, 20, { b: 1 }));
    h.push(window(20, 30, { c: 1 }));
    expect(h.select(10, 11).map((w) => w.toMs)).toEqual([10]);
    expect(h.select(11, 21).map((w) => w.toMs)).toEqual([20]);
    expect(h.select(0, 0).map((w) => w.toMs)).toEqual([10, 20, 30]);
    expect(h.select(31, 0)).toEqual([]);
  });
});

describe('Sampler hot keys', () => {
  const route = (id: number, start: string, end: string): RouteInfo => ({
    id,
    start: k(start),
    end: k(end),
    label: 'rawkv',
    raftGroupId: 1,
  });

  it('tracks writes only, answers the latest window, past windows, and merges a selection', () => {
    const clock = new ManualClock(1_000_000);
    const s = new Sampler({
      clock,
      stepMs: 1000,
      historyColumns: 10,
      hotKeys: { sampleRate: 1, seed: 3 },
    });
    s.registerRoute(route(1, 'a', 'm'));
    s.registerRoute(route(2, 'm', ''));
    for (let i = 0; i < 30; i++) s.observe(1, k('apple'), OP_WRITE, 1);
    for (let i = 0; i < 10; i++) s.observe(1, k('banana'), OP_WRITE, 1);
    for (let i = 0; i < 50; i++) s.observe(1, k('cherry'), OP_READ, 0);
    clock.advance(1000);
    s.flush(); // window [1_000_000, 1_001_000)
    for (let i = 0; i < 7; i++) s.observe(1, k('banana'), OP_WRITE, 1);
    clock.advance(1000);
    s.flush(); // window [1_001_000, 1_002_000)
    const q = { routeId: 1, label: '', subBucket: null, top: 20, fromMs: 0, toMs: 0 };
    const latest = s.hotKeys(q);
    expect(latest).toMatchObject({
      ok: true,
      result: { windowFromMs: 1_001_000, windowToMs: 1_002_000, sampledN: 7, windows: 1 },
    });
    if (!latest?.ok) throw new Error('no answer');
    expect(latest.result.keys.map((e) => [dec(e.key), e.count])).toEqual([['banana', 7]]);
    // The first column, by its time.
    const past = s.hotKeys({ ...q, fromMs: 1_001_000, toMs: 1_001_001 });
    if (!past?.ok) throw new Error('no past answer');
    expect(past.result.windowToMs).toBe(1_001_000);
    expect(past.result.keys.map((e) => [dec(e.key), e.count])).toEqual([
      ['apple', 30],
      ['banana', 10],
    ]);
    // Both columns merged.
    const both = s.hotKeys({ ...q, fromMs: 1_000_500, toMs: 1_002_001 });
    if (!both?.ok) throw new Error('no merged answer');
    expect(both.result.windows).toBe(2);
    expect(both.result.keys.map((e) => [dec(e.key), e.count])).toEqual([
      ['apple', 30],
      ['banana', 17],
    ]);
    // Far away: out of window; unknown route: no snapshot.
    expect(s.hotKeys({ ...q, fromMs: 5_000_000, toMs: 6_000_000 })).toEqual({
      ok: false,
      kind: 'out_of_snapshot_window',
    });
    expect(s.hotKeys({ ...q, routeId: 99 })).toEqual({ ok: false, kind: 'no_snapshot' });
    // Quiet but tracked route: an empty answer.
    const quiet = s.hotKeys({ ...q, routeId: 2 });
    expect(quiet?.ok && quiet.result.keys).toEqual([]);
  });

  it('answers a past column of a route merged or removed since, from the windows that hold it', () => {
    const clock = new ManualClock(1_000_000);
    const s = new Sampler({ clock, hotKeys: { sampleRate: 1 }, keyBucketsPerRoute: 2 });
    s.registerRoute(route(1, 'a', 'b'));
    s.registerRoute(route(2, 'b', 'c'));
    s.registerRoute(route(3, 'c', 'd'));
    for (let i = 0; i < 5; i++) s.observe(2, k('bz'), OP_WRITE, 1);
    s.observe(3, k('cc'), OP_WRITE, 1);
    clock.advance(1000);
    s.flush(); // column 1_001_000
    s.mergeRoutes(1, 2); // route 2 is absorbed
    s.removeRoute(3);
    clock.advance(1000);
    s.flush();
    const q = { label: '', subBucket: null, top: 5, fromMs: 1_001_000, toMs: 1_001_001 };
    const past = s.hotKeys({ ...q, routeId: 2 });
    if (!past?.ok) throw new Error(`no answer: ${JSON.stringify(past)}`);
    expect(past.result.keys.map((e) => [dec(e.key), e.count])).toEqual([['bz', 5]]);
    expect(past.result.windowToMs).toBe(1_001_000);
    const removed = s.hotKeys({ ...q, routeId: 3 });
    expect(removed?.ok && removed.result.keys.map((e) => dec(e.key))).toEqual(['cc']);
    // Its sub-buckets split the bounds it had ([b, c), midpoint b\x80), not the merged [a, c).
    const lower = s.hotKeys({ ...q, routeId: 2, subBucket: 0 });
    expect(lower?.ok && lower.result.keys.map((e) => dec(e.key))).toEqual(['bz']);
    const upper = s.hotKeys({ ...q, routeId: 2, subBucket: 1 });
    expect(upper?.ok && upper.result.keys).toEqual([]);
    // The latest window does not hold it: no snapshot, as for any unknown route.
    expect(s.hotKeys({ ...q, routeId: 2, fromMs: 0, toMs: 0 })).toEqual({
      ok: false,
      kind: 'no_snapshot',
    });
    expect(s.hotKeys({ ...q, routeId: 77 })).toEqual({ ok: false, kind: 'no_snapshot' });
  });

  it('is off without a hot-key config, and virtual buckets are never tracked', () => {
    const clock = new ManualClock(0);
    const off = new Sampler({ clock });
    off.registerRoute(route(1, 'a', 'b'));
    expect(
      off.hotKeys({ routeId: 1, label: '', subBucket: null, top: 1, fromMs: 0, toMs: 0 }),
    ).toBe(null);
    const s = new Sampler({ clock, maxTrackedRoutes: 1, hotKeys: { sampleRate: 1 } });
    s.registerRoute(route(1, 'a', 'b'));
    s.registerRoute(route(2, 'b', 'c')); // folded into a virtual bucket
    s.observe(2, k('bx'), OP_WRITE, 1);
    clock.advance(60_000);
    s.flush();
    expect(s.isTrackedRoute(2)).toBe(false);
    expect(
      s.hotKeys({ routeId: 2, label: '', subBucket: null, top: 5, fromMs: 0, toMs: 0 }),
    ).toEqual({ ok: false, kind: 'no_snapshot' });
  });

  it('gives each adapter label its own slot only with labels enabled', () => {
    const clock = new ManualClock(0);
    for (const labelsEnabled of [false, true]) {
      const s = new Sampler({ clock, labelsEnabled, hotKeys: { sampleRate: 1 } });
      s.registerRoute(route(1, 'a', 'b'));
      s.observe(1, k('a1'), OP_WRITE, 1, 'redis');
      s.observe(1, k('a2'), OP_WRITE, 1, '');
      clock.advance(60_000);
      s.flush();
      const q = { routeId: 1, subBucket: null, top: 5, fromMs: 0, toMs: 0 };
      const legacy = s.hotKeys({ ...q, label: '' });
      const redis = s.hotKeys({ ...q, label: 'redis' });
      if (!legacy?.ok || !redis?.ok) throw new Error('no answer');
      expect(legacy.result.keys.map((e) => dec(e.key))).toEqual(
        labelsEnabled ? ['a2'] : ['a1', 'a2'],
      );
      expect(redis.result.keys.map((e) => dec(e.key))).toEqual(labelsEnabled ? ['a1'] : []);
    }
  });

  it('filters a sub-bucket to its byte range and rejects one out of range', () => {
    const clock = new ManualClock(0);
    const s = new Sampler({ clock, keyBucketsPerRoute: 2, hotKeys: { sampleRate: 1 } });
    s.registerRoute({
      id: 1,
      start: new Uint8Array([0x10]),
      end: new Uint8Array([0x20]),
      label: '',
      raftGroupId: 1,
    });
    s.observe(1, new Uint8Array([0x11]), OP_WRITE, 1);
    s.observe(1, new Uint8Array([0x1f, 1]), OP_WRITE, 1);
    clock.advance(60_000);
    s.flush();
    const q = { routeId: 1, label: '', top: 5, fromMs: 0, toMs: 0 };
    const b0 = s.hotKeys({ ...q, subBucket: 0 });
    const b1 = s.hotKeys({ ...q, subBucket: 1 });
    if (!b0?.ok || !b1?.ok) throw new Error('no answer');
    expect(b0.result.keys.map((e) => [...e.key])).toEqual([[0x11]]);
    expect(b1.result.keys.map((e) => [...e.key])).toEqual([[0x1f, 1]]);
    expect(s.hotKeys({ ...q, subBucket: 2 })).toEqual({
      ok: false,
      kind: 'sub_bucket_out_of_range',
    });
  });
});
