import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTiers } from '../../server/history/flags.ts';
import { planWindow } from '../../server/history/plan.ts';
import { historyMatrix, readSeriesSliced, SeriesColumnCache } from '../../server/history/query.ts';
import { openHistory } from '../../server/history/index.ts';
import { exportColumns, importColumns } from '../../server/history/exchange.ts';
import { fixtureText } from '../../server/fixture/record.ts';
import { parseFixture } from '../../server/fixture/replay.ts';
import { synthesizeStore } from '../../server/history/synth.ts';
import { pivotColumns, pivotColumnsSliced, pivotRing } from '../../server/sampler/pivot.ts';
import { toBinary } from '@bufbuild/protobuf';
import { GetKeyVizMatrixResponseWireSchema } from '../../src/gen/keyviz_wire_pb.ts';
import { encodeMatrixWire } from '../../server/wire/encode-matrix.ts';
import { OP_READ, OP_WRITE, type MatrixResult } from '../../server/sampler/types.ts';
import { Rollup } from '../../server/history/rollup.ts';
import {
  HISTORY_FILE,
  HistoryFileError,
  openSqliteStore,
} from '../../server/history/sqliteStore.ts';
import type { FullColumn, HistoryStore, WriteBatch } from '../../server/history/types.ts';
import { HistoryWriter } from '../../server/history/writer.ts';
import { ManualClock, Sampler } from '../../server/sampler/index.ts';
import type { BucketMeta } from '../../server/sampler/types.ts';

const MIN = 60_000;
const enc = new TextEncoder();
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'keyviz-history-test-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function meta(i: number): BucketMeta {
  return {
    bucketId: `route:${i}`,
    start: enc.encode(`k${i}`),
    end: enc.encode(`k${i + 1}`),
    label: '',
    aggregate: false,
    routeIds: [String(i)],
    routeCount: 1,
  };
}

/** A raw column: entries (key, reads, writes, group, term); all-zero entries listed idle. */
function col(
  t: number,
  entries: [number, number, number, number, number][],
  widthMs = MIN,
): FullColumn {
  const n = entries.length;
  const counters = new Float64Array(4 * n);
  const idle: number[] = [];
  entries.forEach(([, r, w], i) => {
    counters[i] = r;
    counters[n + i] = w;
    counters[2 * n + i] = r * 10;
    counters[3 * n + i] = w * 100;
    if (r === 0 && w === 0) idle.push(i);
  });
  return {
    unixMs: t,
    widthMs,
    keys: Uint32Array.from(entries.map((e) => e[0])),
    counters,
    groups: Float64Array.from(entries.map((e) => e[3])),
    terms: Float64Array.from(entries.map((e) => e[4])),
    idle: idle.length ? Uint32Array.from(idle) : null,
    changed: null,
  };
}

describe('roll-ups', () => {
  it('sum counters per window, keep the last group and term, and flag a change inside', () => {
    const r = new Rollup(10 * MIN);
    expect(
      r.add(
        col(0, [
          [1, 1, 2, 5, 7],
          [2, 0, 0, 5, 7],
        ]),
      ),
    ).toBeNull();
    expect(
      r.add(
        col(3 * MIN, [
          [1, 3, 4, 5, 8],
          [2, 1, 0, 6, 1],
        ]),
      ),
    ).toBeNull();
    const closed = r.add(col(10 * MIN, [[1, 9, 9, 5, 8]]))!;
    expect(closed.unixMs).toBe(0);
    expect(closed.widthMs).toBe(10 * MIN);
    expect([...closed.keys]).toEqual([1, 2]);
    const n = 2;
    expect([...closed.counters.subarray(0, n)]).toEqual([4, 1]); // reads
    expect([...closed.counters.subarray(n, 2 * n)]).toEqual([6, 0]); // writes
    expect([...closed.counters.subarray(3 * n, 4 * n)]).toEqual([600, 0]); // write bytes
    expect([...closed.groups]).toEqual([5, 6]);
    expect([...closed.terms]).toEqual([8, 1]);
    // Key 1 changed term 7 -> 8; key 2 was idle at first (not an entry), so no change.
    expect([...closed.changed!]).toEqual([1, 0]);
    const next = r.close()!;
    expect(next.unixMs).toBe(10 * MIN);
    expect(next.changed).toBeNull();
  });

  it('ignores a column older than the open window', () => {
    const r = new Rollup(10 * MIN);
    r.add(col(20 * MIN, [[1, 1, 1, 1, 1]]));
    expect(r.add(col(5 * MIN, [[1, 5, 5, 1, 1]]))).toBeNull();
    expect(r.close()!.counters[0]).toBe(1);
  });
});

describe('tier joining', () => {
  it('ring, raw tier and roll-ups cover a window without overlap, coarse columns below finer ones', () => {
    const H = 60 * MIN;
    const sources = [
      { first: 100 * H + 7_000, widthMs: 0 }, // ring
      { first: 99 * H + 30 * MIN + 123, widthMs: 0 }, // raw tier 0
      { first: 50 * H, last: 100 * H, widthMs: 10 * MIN },
      { first: 0, last: 99 * H, widthMs: H },
    ];
    const plan = planWindow(sources, 1, 0).sort((a, b) => a.from - b.from);
    expect(plan.map((p) => p.source)).toEqual([3, 2, 1, 0]);
    // tier 0 starts at the first 10-minute boundary after its oldest column
    expect(plan[2].from).toBe(99 * H + 40 * MIN);
    expect(plan[3].from).toBe(100 * H + 7_000);
    // the 10-minute tier starts on an hour boundary
    expect(plan[1].from).toBe(50 * H);
    expect(plan[1].to).toBe(99 * H + 40 * MIN);
    expect(plan[0].to).toBe(50 * H);
    for (let i = 1; i < plan.length; i++) expect(plan[i].from).toBe(plan[i - 1].to);
  });

  it('a coarse tier stops at its own boundary below an unaligned finer start', () => {
    const plan = planWindow(
      [
        { first: 632_691, widthMs: 0 },
        { first: 630_000, widthMs: 10_000 },
        { first: 600_000, widthMs: 60_000 },
      ],
      1,
      0,
    ).sort((a, b) => a.from - b.from);
    // 10 s tier from 600000 (a minute boundary), ring from 640000: no 1-minute column straddles.
    expect(plan.map((p) => [p.source, p.from, p.to])).toEqual([
      [2, 1, 600_000],
      [1, 600_000, 640_000],
      [0, 640_000, Infinity],
    ]);
  });

  it('a roll-up tier answers only up to its last closed window', () => {
    const plan = planWindow(
      [
        { first: 31 * MIN, widthMs: 0 },
        { first: 0, last: 20 * MIN, widthMs: 10 * MIN },
      ],
      1,
      0,
    ).sort((a, b) => a.from - b.from);
    expect(plan.map((p) => [p.source, p.from, p.to])).toEqual([
      [1, 1, 30 * MIN],
      [0, 30 * MIN, Infinity],
    ]);
  });

  it('an empty window or no sources plans nothing', () => {
    expect(planWindow([{ first: 5, widthMs: 0 }], 10, 10)).toEqual([]);
    expect(planWindow([{ first: null, widthMs: 0 }], 0, 0)).toEqual([]);
  });
});

describe('tier flags', () => {
  it('parse days and check each tier is a coarser multiple with a longer horizon', () => {
    expect(parseTiers('historyTiers', '1m:24h,10m:7d,1h:28d')).toEqual([
      { resolutionMs: MIN, horizonMs: 86_400_000 },
      { resolutionMs: 10 * MIN, horizonMs: 7 * 86_400_000 },
      { resolutionMs: 60 * MIN, horizonMs: 28 * 86_400_000 },
    ]);
    expect(() => parseTiers('historyTiers', '10m:24h,15m:7d')).toThrow(/multiple/);
    expect(() => parseTiers('historyTiers', '1m:24h,10m:12h')).toThrow(/horizon/);
    expect(() => parseTiers('historyTiers', 'x')).toThrow(/RESOLUTION:HORIZON/);
  });
});

function batch(columns: { tier: number; column: FullColumn }[], keys: number[] = []): WriteBatch {
  return {
    newBuckets: keys.map((k) => ({ key: k, bucketId: `route:${k}`, meta: meta(k) })),
    metaUpdates: [],
    columns,
  };
}

describe('the SQLite store', () => {
  it('round-trips columns, shares repeated bucket lists, and never overwrites a stored column', () => {
    const dir = tempDir();
    const s = openSqliteStore(dir);
    const entries = (w: number): [number, number, number, number, number][] => [
      [0, 1, w, 3, 9],
      [1, 0, 0, 3, 9],
      [2, 2, 1, 4, 9],
    ];
    s.write(
      batch(
        [0, 1, 2].map((i) => ({ tier: 0, column: col(i * MIN, entries(i + 1)) })),
        [0, 1, 2],
      ),
    );
    s.write(batch([{ tier: 0, column: col(MIN, entries(99)) }])); // held already: ignored
    const back = s.readSeries(0, 0, 10 * MIN, 1);
    expect(back.map((c) => c.unixMs)).toEqual([0, MIN, 2 * MIN]);
    expect(back.map((c) => [...c.series])).toEqual([
      [1, 0, 1],
      [2, 0, 1],
      [3, 0, 1],
    ]);
    expect(back[1].keys).toBe(back[0].keys); // one shared list, read once
    expect([...back[2].idle!]).toEqual([1]);
    const full = s.readFull(0, MIN, 2 * MIN);
    expect([...full[0].counters]).toEqual([1, 0, 2, 2, 0, 1, 10, 0, 20, 200, 0, 100]);
    expect(s.metaOf(2)!.start).toEqual(enc.encode('k2'));
    s.close();
    // Reopened: same answer, keys known.
    const s2 = openSqliteStore(dir);
    expect(s2.bucketKeys().get('route:1')).toBe(1);
    expect(s2.readSeries(0, MIN, 2 * MIN, 1)[0].series[0]).toBe(2);
    s2.close();
  });

  it('retention deletes the oldest columns and keeps shared blobs readable for the rest', () => {
    const s = openSqliteStore(tempDir());
    const cols = Array.from({ length: 10 }, (_, i) => ({
      tier: 1,
      column: col(i * MIN, [[0, i + 1, i + 1, 2, 2]]),
    }));
    s.write(batch(cols, [0]));
    expect(s.deleteBefore(1, 6 * MIN, 4)).toBe(4); // a chunk of 4
    expect(s.deleteBefore(1, 6 * MIN, 4)).toBe(2);
    expect(s.deleteBefore(1, 6 * MIN, 4)).toBe(0);
    const left = s.readSeries(1, 0, Infinity, 0);
    expect(left.map((c) => c.unixMs)).toEqual([6, 7, 8, 9].map((i) => i * MIN));
    expect([...left[0].keys]).toEqual([0]);
    expect(left[0].groups[0]).toBe(2);
    expect(s.bounds(1)).toEqual({ first: 6 * MIN, last: 9 * MIN, count: 4 });
    s.close();
  });

  it('hands out one decoded object per stored array, and forgets what retention deletes', () => {
    // 60 bytes of tier-0 series kept: two 3-entry Float64 columns (24 bytes each) of four.
    const s = openSqliteStore(tempDir(), { seriesCacheBytes: 60 });
    const entries = (i: number): [number, number, number, number, number][] => [
      [0, i, 1000 + i, 2, 7],
      [1, 0, 0, 2, 7],
      [2, i, 2000 + i, 3, 7],
    ];
    s.write(
      batch(
        [0, 1, 2, 3].map((i) => ({ tier: 0, column: col(i * MIN, entries(i)) })),
        [0, 1, 2],
      ),
    );
    const a = s.readSeries(0, 0, 4 * MIN, 1);
    const b = s.readSeries(0, 2 * MIN, 4 * MIN, 1);
    // Bucket lists, groups and terms: the same objects from read to read (query.ts maps a
    // list's keys to buckets once per object).
    expect(b[0].keys).toBe(a[0].keys);
    expect(b[0].groups).toBe(a[0].groups);
    // The newest two series columns read are kept; the older ones were let go.
    expect(b[0].series).toBe(a[2].series);
    expect(b[1].series).toBe(a[3].series);
    expect(s.readSeries(0, 0, MIN, 1)[0].series).not.toBe(a[0].series);
    expect(s.seriesCache.bytes).toBeLessThanOrEqual(60);
    // What /healthz/detail reports: the series kept plus the shared blobs, within their bounds.
    const held = s.decodedCache();
    expect(held.bytes).toBeGreaterThan(s.seriesCache.bytes);
    expect(held.bytes).toBeLessThanOrEqual(held.maxBytes);
    expect(held.maxBytes).toBe(60 + (8 << 20));
    // Retention deletes minutes 0 and 1: the first column kept gets its own copy of the
    // shared blobs, the answers stay the same, and nothing deleted is handed out again.
    expect(s.deleteBefore(0, 2 * MIN, 10)).toBe(2);
    const c = s.readSeries(0, 0, 4 * MIN, 1);
    expect(c.map((x) => x.unixMs)).toEqual([2 * MIN, 3 * MIN]);
    expect(c.map((x) => [...x.series])).toEqual([
      [1002, 0, 2002],
      [1003, 0, 2003],
    ]);
    expect([...c[0].keys]).toEqual([0, 1, 2]);
    expect([...c[0].groups]).toEqual([2, 2, 3]);
    expect(s.bounds(0)).toEqual({ first: 2 * MIN, last: 3 * MIN, count: 2 });
    // Bounds follow writes too.
    s.write(batch([{ tier: 0, column: col(9 * MIN, entries(9)) }]));
    expect(s.bounds(0)).toEqual({ first: 2 * MIN, last: 9 * MIN, count: 3 });
    s.close();
  });

  it('refuses a corrupt or foreign file and leaves it untouched', () => {
    const dir = tempDir();
    const junk = Buffer.alloc(8192, 7);
    writeFileSync(join(dir, HISTORY_FILE), junk);
    expect(() => openSqliteStore(dir)).toThrow(HistoryFileError);
    expect(() => openSqliteStore(dir)).toThrow(/left untouched|cannot open/);
    const other = join(tempDir(), 'x');
    mkdirSync(other);
    const db = new Database(join(other, HISTORY_FILE));
    db.exec('CREATE TABLE t(x)');
    db.close();
    expect(() => openSqliteStore(other)).toThrow(/not a keyviz history file/);
  });
});

/** A store whose writes fail (a full disk), for the writer's failure path. */
class FailingStore implements HistoryStore {
  fail = true;
  writes: WriteBatch[] = [];
  readonly path = '/nowhere';
  bucketKeys() {
    return new Map<string, number>();
  }
  metaOf() {
    return undefined;
  }
  bucketIdOf() {
    return undefined;
  }
  write(b: WriteBatch) {
    if (this.fail) throw new Error('database or disk is full');
    this.writes.push(b);
  }
  readSeries() {
    return [];
  }
  readFull() {
    return [];
  }
  bounds() {
    return null;
  }
  span() {
    return null;
  }
  deleteBefore() {
    return 0;
  }
  sizeBytes() {
    return 0;
  }
  close() {}
}

describe('the writer', () => {
  it('logs and counts a failed write, keeps the sampler flushing, and writes the backlog once the disk recovers', () => {
    const store = new FailingStore();
    const lines: string[] = [];
    const w = new HistoryWriter(store, parseTiers('t', '1m:1h,10m:1d'), MIN, (l) => lines.push(l));
    const clock = new ManualClock(0);
    const s = new Sampler({ stepMs: MIN, clock, onColumn: w.onColumn });
    s.registerRoute({
      id: 1,
      start: new Uint8Array(0),
      end: new Uint8Array(0),
      label: '',
      raftGroupId: 1,
    });
    for (let i = 1; i <= 3; i++) {
      s.observe(1, enc.encode('a'), 1, 1);
      clock.set(i * MIN);
      s.flush();
      expect(w.drain()).toBe(false);
    }
    expect(s.columnCount).toBe(3);
    expect(w.health.failedWrites).toBe(3);
    expect(w.health.pendingColumns).toBe(3);
    expect(lines[0]).toMatch(/HISTORY WRITE FAILED.*disk is full/);
    store.fail = false;
    expect(w.drain()).toBe(true);
    expect(store.writes[0].columns.map((c) => c.column.unixMs)).toEqual([MIN, 2 * MIN, 3 * MIN]);
    expect(store.writes[0].newBuckets.map((b) => b.bucketId)).toEqual(['route:1']);
    expect(w.health.pendingColumns).toBe(0);
  });
});

describe('answering from ring and store', () => {
  it('joins stored tiers before the ring, with column widths, ranking over the whole window', () => {
    const store = openSqliteStore(tempDir());
    // Tier 1 (10 min): route 7 was the hottest an hour ago and is silent since.
    store.write(
      batch(
        [0, 1, 2].map((i) => ({
          tier: 1,
          column: col(
            i * 10 * MIN,
            [
              [7, 0, 1000, 1, 1],
              [8, 0, 1, 1, 1],
            ],
            10 * MIN,
          ),
        })),
        [7, 8],
      ),
    );
    const clock = new ManualClock(0);
    const s = new Sampler({ stepMs: MIN, clock });
    s.registerRoute({
      id: 8,
      start: enc.encode('k8'),
      end: enc.encode('k9'),
      label: '',
      raftGroupId: 1,
    });
    s.registerRoute({
      id: 9,
      start: enc.encode('k9'),
      end: new Uint8Array(0),
      label: '',
      raftGroupId: 1,
    });
    for (let i = 0; i < 5; i++) {
      s.observe(8, enc.encode('k8'), 1, 1);
      s.observe(9, enc.encode('k9'), 1, 1);
      clock.set(30 * MIN + (i + 1) * MIN);
      s.flush();
    }
    const req = { series: 2, fromUnixMs: 1, toUnixMs: 0, rows: 1 };
    const o = { ring: s.columnRing, store, tierWidths: [0, 10 * MIN], stepMs: MIN };
    const m = historyMatrix(o, { ...req, fromUnixMs: -1 });
    // A roll-up is answered by its end (start + width - step): the windows at 0, 10, 20 min
    // hold the flushes at 0..9, 10..19, 20..29, which cover [-1, 29) min.
    expect(m.columnUnixMs).toEqual([9, 19, 29, 31, 32, 33, 34, 35].map((x) => x * MIN));
    expect(m.columnWidthMs).toEqual([10, 10, 10, 1, 1, 1, 1, 1].map((x) => x * MIN));
    // rows=1: route 7's 3000 writes (store only) outrank everything in the ring.
    expect(m.rows.map((r) => r.meta.bucketId)).toEqual(['route:7']);
    expect([...m.rows[0].values]).toEqual([1000, 1000, 1000, 0, 0, 0, 0, 0]);
    const all = historyMatrix(o, { ...req, fromUnixMs: -1, rows: 10 });
    // route:8 is in both: one row spanning store and ring.
    const r8 = all.rows.find((r) => r.meta.bucketId === 'route:8')!;
    expect([...r8.values]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(all.rows.map((r) => r.meta.bucketId)).toEqual(['route:7', 'route:8', 'route:9']);
    // A window inside the ring is the ring's own answer (no widths).
    expect(historyMatrix(o, { ...req, fromUnixMs: 31 * MIN }).columnWidthMs).toBeUndefined();
    store.close();
  });
});

describe('identities shared between queries', () => {
  it('a meta update in the store and new ring buckets show in the next answer', () => {
    const store = openSqliteStore(tempDir());
    store.write(
      batch(
        [0, 1].map((i) => ({
          tier: 0,
          column: col(i * MIN, [
            [7, 0, 5, 1, 1],
            [8, 0, 3, 1, 1],
          ]),
        })),
        [7, 8],
      ),
    );
    const clock = new ManualClock(10 * MIN);
    const s = new Sampler({ stepMs: MIN, clock });
    const o = { ring: s.columnRing, store, tierWidths: [0], stepMs: MIN };
    const req = { series: 2, fromUnixMs: -1, toUnixMs: 0, rows: 10 };
    const ends = () =>
      historyMatrix(o, req).rows.map((r) => [
        r.meta.bucketId,
        new TextDecoder().decode(r.meta.end),
      ]);
    expect(ends()).toEqual([
      ['route:7', 'k8'],
      ['route:8', 'k9'],
    ]);
    // route:7 split: the store keeps its key and updates its meta in place.
    store.write({
      newBuckets: [],
      metaUpdates: [{ key: 7, meta: { ...meta(7), end: enc.encode('k7m') } }],
      columns: [],
    });
    expect(ends()).toEqual([
      ['route:7', 'k7m'],
      ['route:8', 'k9'],
    ]);
    // The ring interns new buckets: joint indexes must not collide with the store's.
    for (const id of [20, 21]) {
      s.registerRoute({
        id,
        start: enc.encode(`r${id}`),
        end: enc.encode(`r${id}z`),
        label: '',
        raftGroupId: 1,
      });
      s.observe(id, enc.encode(`r${id}`), 1, 1);
    }
    clock.set(11 * MIN);
    s.flush();
    const m = historyMatrix(o, req);
    expect(m.rows.map((r) => [r.meta.bucketId, [...r.values]])).toEqual([
      ['route:7', [5, 5, 0]],
      ['route:8', [3, 3, 0]],
      ['route:20', [0, 0, 1]],
      ['route:21', [0, 0, 1]],
    ]);
    store.close();
  });
});

describe('a window from the store answers as the ring does', () => {
  it('byte for byte on the wire, cold and warm, across a split, a new route and retention', () => {
    const store = openSqliteStore(tempDir(), { seriesCacheBytes: 6000 }); // small: evictions
    const tiers = parseTiers('t', '1m:1d,10m:7d');
    const writer = new HistoryWriter(store, tiers, MIN, () => {});
    const t0 = 1_800_000_000_000;
    const clock = new ManualClock(t0);
    let term = 1;
    const s = new Sampler({
      stepMs: MIN,
      clock,
      historyColumns: 500,
      leaderTermOf: (g) => term + g,
      onColumn: writer.onColumn,
    });
    const key = (i: number) => enc.encode(`k${String(i).padStart(3, '0')}`);
    for (let i = 0; i < 12; i++) {
      s.registerRoute({
        id: i + 1,
        start: key(i * 10),
        end: key(i * 10 + 10),
        label: '',
        raftGroupId: 1 + (i % 3),
      });
    }
    for (let step = 0; step < 180; step++) {
      if (step === 40) s.splitRoute(4, key(35), 100);
      if (step === 70) {
        s.registerRoute({ id: 200, start: key(200), end: key(210), label: '', raftGroupId: 2 });
      }
      if (step === 90) term = 5;
      for (let i = 0; i < 12; i++) {
        const n = (i * 7 + step * 3) % 11; // some routes idle in some steps
        for (let j = 0; j < n; j++) s.observe(i + 1, key(i * 10 + (j % 10)), OP_WRITE, 10 + j);
        if (i % 2 === 0) s.observe(i + 1, key(i * 10), OP_READ, 5);
      }
      if (step >= 40 && step % 2 === 0) s.observe(100, key(36), OP_WRITE, 3);
      if (step >= 70) s.observe(200, key(201), OP_WRITE, step % 4);
      clock.set(t0 + (step + 1) * MIN);
      s.flush();
      writer.drain();
    }
    const empty = new Sampler({ stepMs: MIN, clock: new ManualClock(t0 + 181 * MIN) });
    const o = { ring: empty.columnRing, store, tierWidths: [0, 10 * MIN], stepMs: MIN };
    // The ring's answer names no widths (all one step): the rest must be the same bytes.
    const wire = (m: MatrixResult) =>
      toBinary(GetKeyVizMatrixResponseWireSchema, encodeMatrixWire({ ...m, columnWidthMs: [] }));
    const check = (fromMin: number, toMin: number) => {
      for (const series of [1, 2, 3]) {
        for (const rows of [1024, 5]) {
          const req = { series, fromUnixMs: t0 + fromMin * MIN, toUnixMs: t0 + toMin * MIN, rows };
          const fromStore = historyMatrix(o, req);
          const fromRing = pivotRing(s.columnRing, req);
          expect(fromStore.columnUnixMs.length).toBe(toMin - fromMin);
          expect(fromStore.columnWidthMs).toEqual(fromStore.columnUnixMs.map(() => MIN));
          expect(Buffer.from(wire(fromStore)).equals(Buffer.from(wire(fromRing)))).toBe(true);
        }
      }
    };
    for (let pass = 0; pass < 2; pass++) {
      // Cold, then with the store's decoded arrays and the joint mappings reused.
      check(50, 110);
      check(100, 160);
      check(121, 181);
    }
    // Retention trims tier 0 up to minute 120: the first column kept takes its own copy of
    // the shared blobs, and windows from there answer as before.
    while (store.deleteBefore(0, t0 + 120 * MIN, 7) > 0);
    check(121, 181);
    check(125, 175);
    writer.close();
  });
});

/** A matrix as plain data, for comparing two answers. */
function plain(m: MatrixResult & { columnWidthMs?: number[] }) {
  return {
    columns: m.columnUnixMs,
    widths: m.columnWidthMs,
    rows: m.rows.map((r) => ({
      id: r.meta.bucketId,
      values: Array.from(r.values),
      groups: Array.from(r.raftGroupIds),
      terms: Array.from(r.leaderTerms),
    })),
  };
}

describe('answering in slices (the event loop stays free)', () => {
  it('the sliced 3-day answer equals the one-piece answer, cold and warm, and pauses often', async () => {
    const dir = tempDir();
    // Off the 10-minute grid: the 10 min tier answers the ring's oldest few minutes, so the
    // ring's running totals are used less those columns.
    const now = 1_800_000_000_000 + 4 * MIN;
    const tiers = parseTiers('t', '1m:2h,10m:1d,1h:3d');
    const st = openSqliteStore(dir);
    synthesizeStore(st, { routes: 40, now, stepMs: MIN, tiers });
    st.close();
    const flags = { enabled: true, dir, tiers };
    const open = () => {
      const h = openHistory(flags, MIN, () => {});
      const s = new Sampler({ stepMs: MIN, clock: new ManualClock(now) });
      h.restore(s, now);
      return { h, s };
    };
    const a = open();
    const b = open();
    let pauses = 0;
    const pause = () => {
      pauses++;
      return new Promise<void>((r) => setImmediate(r));
    };
    for (const [series, rows] of [
      [2, 1024],
      [2, 7],
      [1, 7],
    ]) {
      const req = { series, fromUnixMs: now - 3 * 24 * 60 * MIN, toUnixMs: 0, rows };
      pauses = 0;
      const sliced = await b.h.matrixSliced(b.s, req, pause); // cold cache on the first pass
      const whole = a.h.matrix(a.s, req);
      expect(plain(sliced)).toEqual(plain(whole));
      expect(new Set(sliced.columnWidthMs)).toEqual(new Set([60 * MIN, 10 * MIN, MIN]));
      expect(sliced.rows.length).toBe(Math.min(rows, 40));
      // Reads of 48 columns, pass 1 and the fill each paused: many slices, never one piece.
      expect(pauses).toBeGreaterThan(rows === 1024 ? 3 : 1);
    }
    // A window the ring holds is the ring's own sliced pivot, equal to the plain one.
    const ringReq = { series: 1, fromUnixMs: now - 30 * MIN, toUnixMs: 0, rows: 10 };
    expect(plain(await b.h.matrixSliced(b.s, ringReq, pause))).toEqual(
      plain(a.h.matrix(a.s, ringReq)),
    );
    // A cancelled call stops at its next pause.
    const stop = () => Promise.reject(new Error('cancelled'));
    await expect(
      b.h.matrixSliced(
        b.s,
        { series: 2, fromUnixMs: now - 50 * 60 * MIN, toUnixMs: 0, rows: 5 },
        stop,
      ),
    ).rejects.toThrow('cancelled');
    a.h.close();
    b.h.close();
  });

  it('prewarm reads the roll-up tiers in slices, so the first long window reads none of them', async () => {
    const dir = tempDir();
    const now = 1_800_000_000_000;
    const tiers = parseTiers('t', '1m:2h,10m:1d,1h:3d');
    const st = openSqliteStore(dir);
    synthesizeStore(st, { routes: 20, now, stepMs: MIN, tiers });
    st.close();
    const store = openSqliteStore(dir);
    const reads: number[] = [];
    const counting: HistoryStore = Object.create(store, {
      readSeries: {
        value: (tier: number, from: number, to: number, series: number) => {
          reads.push(tier);
          return store.readSeries(tier, from, to, series);
        },
      },
    });
    const h = openHistory({ enabled: true, dir, tiers }, MIN, () => {}, counting);
    const s = new Sampler({ stepMs: MIN, clock: new ManualClock(now) });
    h.restore(s, now);
    let pauses = 0;
    await h.prewarm(undefined, async () => {
      pauses++;
    });
    expect(pauses).toBeGreaterThan(2); // 1 d of 10 min columns: 3 chunks of 48, then the 1 h tier
    expect(new Set(reads)).toEqual(new Set([1, 2]));
    reads.length = 0;
    const req = { series: 2, fromUnixMs: now - 3 * 24 * 60 * MIN, toUnixMs: 0, rows: 1024 };
    const m = await h.matrixSliced(s, req, async () => {});
    expect(reads.filter((t) => t > 0)).toEqual([]);
    expect(new Set(m.columnWidthMs)).toEqual(new Set([60 * MIN, 10 * MIN, MIN]));
    expect(plain(m)).toEqual(plain(h.matrix(s, req)));
    h.close();
    // Closing mid-way ends a prewarm quietly.
    const h2 = openHistory({ enabled: true, dir, tiers }, MIN, () => {});
    const p = h2.prewarm(undefined, async () => {});
    h2.close();
    await expect(p).resolves.toBeUndefined();
  });

  it('reads a tier in chunks that keep shared key, group and term arrays one object', async () => {
    const store = openSqliteStore(tempDir());
    store.write(
      batch(
        Array.from({ length: 120 }, (_, i) => ({
          tier: 0,
          column: col(i * MIN, [
            [1, i, i, 2, 3],
            [2, 1, 1, 2, 3],
          ]),
        })),
        [1, 2],
      ),
    );
    let pauses = 0;
    const cols = await readSeriesSliced(store, 0, MIN, -Infinity, Infinity, 1, async () => {
      pauses++;
    });
    expect(cols.map((c) => c.unixMs)).toEqual(Array.from({ length: 120 }, (_, i) => i * MIN));
    expect(pauses).toBe(3); // 48 + 48 + 24 columns
    expect(new Set(cols.map((c) => c.keys)).size).toBe(1);
    expect(new Set(cols.map((c) => c.groups)).size).toBe(1);
    expect(new Set(cols.map((c) => c.terms)).size).toBe(1);
    expect(Array.from(cols[119].series)).toEqual([119, 1]);
    // Same columns as one read.
    const one = store.readSeries(0, -Infinity, Infinity, 1);
    expect(cols.map((c) => Array.from(c.series))).toEqual(one.map((c) => Array.from(c.series)));
    store.close();
  });

  it('the ring running totals, less the columns a coarser tier answers, rank like pass 1', async () => {
    const clock = new ManualClock(0);
    const s = new Sampler({ stepMs: MIN, clock });
    for (let id = 1; id <= 4; id++) {
      s.registerRoute({
        id,
        start: enc.encode(`k${id}`),
        end: enc.encode(`k${id + 1}`),
        label: '',
        raftGroupId: 1,
      });
    }
    for (let j = 1; j <= 10; j++) {
      // Route 1: a burst in the first 3 columns only; route 2 heavy there and light after;
      // route 3 steady, the heaviest after them; route 4 the least.
      const put = (id: number, times: number) => {
        for (let x = 0; x < times; x++) s.observe(id, enc.encode(`k${id}`), OP_WRITE, 1);
      };
      if (j <= 3) put(1, 1000);
      put(2, j <= 3 ? 1000 : 10);
      put(3, 20 + j);
      if (j % 2) put(4, 5);
      clock.set(j * MIN);
      s.flush();
    }
    const ring = s.columnRing;
    const k = 1; // writes
    const all = Array.from({ length: ring.length }, (_, i) => ring.at(i));
    const cols = all.slice(3).map((c) => {
      const n = c.buckets.length;
      return { ...c, counters: c.counters.subarray(k * n, (k + 1) * n) };
    });
    const tail = {
      from: 0,
      k,
      totals: { sums: ring.totals, active: ring.activeColumns, lastSeq: ring.lastActiveSeq },
      skipped: all.slice(0, 3),
    };
    for (const budget of [1, 2, 1024]) {
      const whole = pivotColumns(cols, ring.identities, 0, budget, null);
      const fast = await pivotColumnsSliced(
        cols,
        ring.identities,
        0,
        budget,
        async () => {},
        1 << 16,
        tail,
      );
      expect(plain(fast)).toEqual(plain(whole));
      // Route 1's burst lies in the left-out columns: it neither ranks nor makes a row.
      expect(fast.rows.map((r) => r.meta.bucketId)).not.toContain('route:1');
    }
    // Over the window's columns route 3 leads (189 writes), though route 2 led the ring (3,070).
    expect(
      (
        await pivotColumnsSliced(cols, ring.identities, 0, 1, async () => {}, 1 << 16, tail)
      ).rows.map((r) => r.meta.bucketId),
    ).toEqual(['route:3']);
  });

  it('pivotColumnsSliced equals pivotColumns', async () => {
    const clock = new ManualClock(0);
    const s = new Sampler({ stepMs: MIN, clock });
    for (let id = 1; id <= 30; id++) {
      s.registerRoute({
        id,
        start: enc.encode(`k${String(id).padStart(2, '0')}`),
        end: enc.encode(`k${String(id + 1).padStart(2, '0')}`),
        label: '',
        raftGroupId: id % 4,
      });
    }
    for (let j = 1; j <= 50; j++) {
      for (let id = 1; id <= 30; id++)
        if ((id * j) % 7 !== 0) {
          for (let x = 0; x < ((id + j) % 5) + 1; x++) {
            s.observe(id, enc.encode(`k${id}`), x % 2 ? OP_READ : OP_WRITE, 8);
          }
        }
      clock.set(j * MIN);
      s.flush();
    }
    const ring = s.columnRing;
    const cols = Array.from({ length: ring.length }, (_, i) => ring.at(i));
    for (const budget of [1024, 5]) {
      const whole = pivotColumns(cols, ring.identities, 1, budget, null);
      let pauses = 0;
      const sliced = await pivotColumnsSliced(
        cols,
        ring.identities,
        1,
        budget,
        async () => {
          pauses++;
        },
        64,
      );
      expect(plain(sliced)).toEqual(plain(whole));
      expect(pauses).toBeGreaterThan(5); // pass 1 alone takes 6 slices of 256 entries
    }
  });
});

describe('export and import of a window as a record file', () => {
  it('round-trips through the record format into another store, rolls up, never overwrites', () => {
    const now = 1_800_000_000_000;
    const tiers = parseTiers('t', '1m:3h,10m:1d,1h:3d');
    const a = openSqliteStore(tempDir());
    synthesizeStore(a, { routes: 12, now, stepMs: MIN, tiers });
    const from = now - 2 * 60 * MIN;
    const cols = exportColumns(a, 0, from, Infinity, MIN);
    expect(cols.length).toBe(120);
    expect(cols[0].rows.map((r) => r.meta.bucketId)).toEqual(
      Array.from({ length: 12 }, (_, i) => `route:${i + 1}`),
    );
    const fx = parseFixture(fixtureText(cols, MIN, now));
    const bDir = tempDir();
    const w = new HistoryWriter(openSqliteStore(bDir), tiers, MIN, () => {});
    expect(importColumns(w, fx.columns, fx.stepMs)).toEqual({ written: 120, skipped: 0 });
    const b = openSqliteStore(bDir);
    const again = exportColumns(b, 0, from, Infinity, MIN);
    const cells = (cs: typeof cols) =>
      cs.map((c) => [
        c.unixMs,
        c.rows.map((r) => [
          r.meta.bucketId,
          r.reads,
          r.writes,
          r.writeBytes,
          r.raftGroupId,
          r.leaderTerm,
        ]),
      ]);
    expect(cells(again)).toEqual(cells(cols));
    // The import fed the roll-ups: closed 10 min windows are in tier 1.
    expect(b.bounds(1)?.count).toBeGreaterThanOrEqual(10);
    b.close();
    // Importing the same recording again writes nothing over stored history.
    const w2 = new HistoryWriter(openSqliteStore(bDir), tiers, MIN, () => {});
    expect(importColumns(w2, fx.columns, fx.stepMs)).toEqual({ written: 0, skipped: 120 });
    // A recording of another step is refused with the reason.
    const w3 = new HistoryWriter(openSqliteStore(tempDir()), tiers, MIN, () => {});
    expect(() => importColumns(w3, fx.columns, 10_000)).toThrow(
      /step is 10000 ms, the store's 60000 ms/,
    );
    w3.close();
    // A roll-up tier exports under the answer's names: window start + width - step.
    const hourly = exportColumns(a, 2, -Infinity, Infinity, MIN);
    const stored = a.readSeries(2, -Infinity, Infinity, 1);
    expect(hourly.map((c) => c.unixMs)).toEqual(stored.map((c) => c.unixMs + 60 * MIN - MIN));
    a.close();
  });
});

describe('the roll-up column cache', () => {
  it('reads only new columns, follows retention, and answers like the store', () => {
    const store = openSqliteStore(tempDir());
    const put = (i: number, keys: number[] = []) =>
      store.write(batch([{ tier: 1, column: col(i * MIN, [[0, i, i, 1, 1]]) }], keys));
    put(0, [0]);
    put(1);
    const cache = new SeriesColumnCache(store);
    const seen = () => cache.columns(1, 0, -Infinity, Infinity).map((c) => c.series[0]);
    expect(seen()).toEqual([0, 1]);
    put(2);
    expect(seen()).toEqual([0, 1, 2]);
    store.deleteBefore(1, MIN, 10);
    expect(seen()).toEqual([1, 2]);
    expect(cache.columns(1, 0, 2 * MIN, 3 * MIN).map((c) => c.unixMs)).toEqual([2 * MIN]);
    expect(cache.columns(1, 0, 2 * MIN, 3 * MIN)[0].series).toEqual(
      store.readSeries(1, 2 * MIN, 3 * MIN, 0)[0].series,
    );
    store.close();
  });
});
