// Hot-spot detection: the default workload's planted patterns found (and nothing on its calm
// routes) in a matrix made by the real workload, sampler, wire encoder and page decoder; and the
// rules one by one on small matrices.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/data/matrix.ts';
import { detectHotSpots, hottestCell, type HotSpot } from '../../src/data/hotspots/index.ts';
import { Rng } from '../../server/workload/prng.ts';
import { makeMatrix } from '../helpers/viewMatrix.ts';
import { WORKLOAD_NOW, workloadMatrices } from '../helpers/workloadMatrix.ts';

const HOUR = 3_600_000;
const MIN = 60_000;
const enc = new TextEncoder();

/** The workload region a row's start key lies in (keyspace.ts prefixes). */
function regionOf(start: Uint8Array): string {
  const prefixes: [string, Uint8Array][] = [
    ['dynamo', enc.encode('!ddb|')],
    ['redis', enc.encode('!redis|')],
    ['s3', enc.encode('!s3|')],
    ['sqs', enc.encode('!sqs|')],
    ['rawkv', enc.encode('t')],
    ['cyrillic', enc.encode('ключ/')],
    ['cjk', enc.encode('用户/')],
  ];
  for (const [name, p] of prefixes) {
    if (start.length >= p.length && p.every((b, i) => start[i] === b)) return name;
  }
  return 'other';
}

/** Every region the hot spot's rows touch. */
function regions(m: Matrix, h: HotSpot): Set<string> {
  const out = new Set<string>();
  for (let r = h.r0; r < h.r1; r++) out.add(regionOf(m.rows[r].start));
  return out;
}

function only(m: Matrix, h: HotSpot, region: string): void {
  expect([...regions(m, h)], `${h.kind} rows ${h.r0}-${h.r1}`).toEqual([region]);
}

describe('the default workload (mix, 2,000 routes, 24 h, 1,024 rows)', { timeout: 120_000 }, () => {
  let writes: Matrix;
  let reads: Matrix;
  beforeAll(() => {
    const w = workloadMatrices();
    writes = w.matrix('writes');
    reads = w.matrix('reads');
  }, 120_000);

  it('writes: finds each planted pattern once, with the right diagnosis, and nothing else', () => {
    const spots = detectHotSpots(writes);
    expect(new Set(spots.map((s) => s.kind))).toEqual(
      new Set(['moving', 'periodic', 'sequential', 'sudden', 'sustained']),
    );
    // The five region-wide patterns, each found once where it was planted.
    // (The over-long keys below also land in s3, every hour: the s3 batch is the 2-hourly one.)
    const inRegion = (kind: string, region: string) =>
      spots.filter(
        (s) =>
          s.kind === kind &&
          regions(writes, s).has(region) &&
          (kind !== 'periodic' || s.detail.periodMs === 2 * HOUR),
      );
    for (const [kind, region] of [
      ['sequential', 'rawkv'],
      ['sustained', 'redis'],
      ['periodic', 's3'],
      ['moving', 'dynamo'],
      ['sudden', 'cjk'],
    ]) {
      expect(inRegion(kind, region), `${kind} in ${region}`).toHaveLength(1);
    }
    const by = new Map(
      (
        [
          ['sequential', 'rawkv'],
          ['sustained', 'redis'],
          ['periodic', 's3'],
          ['moving', 'dynamo'],
          ['sudden', 'cjk'],
        ] as const
      ).map(([kind, region]) => [kind, inRegion(kind, region)[0]]),
    );
    // Everything else is the hot-key traffic (server/workload/hotKeys.ts): five warm routes with
    // Zipf-hot keys and a hot sub-range (each one narrow sustained range), and over-long keys
    // ten minutes every hour (a periodic batch on one route). Nothing else, anywhere.
    const planted = new Set(by.values());
    const extra = spots.filter((s) => !planted.has(s));
    for (const s of extra) {
      expect(s.r1 - s.r0, `${s.kind} rows ${s.r0}-${s.r1}`).toBeLessThanOrEqual(3);
      if (s.kind === 'periodic') expect(s.detail.periodMs).toBe(HOUR);
      else expect(s.kind).toBe('sustained');
    }
    expect(extra.filter((s) => s.kind === 'sustained').length).toBeGreaterThanOrEqual(4);
    expect(extra.filter((s) => s.kind === 'sustained').length).toBeLessThanOrEqual(6);
    // The long keys (30 writes a step on one route) may or may not stand out as a batch.
    expect(extra.filter((s) => s.kind === 'periodic').length).toBeLessThanOrEqual(1);

    const seq = by.get('sequential')!;
    only(writes, seq, 'rawkv');
    // The rawkv head sweeps its region every 4 h: six passes in 24 h, towards higher keys.
    expect(seq.detail.passes).toBe(6);
    expect(seq.detail.direction).toBe(1);
    expect(seq.detail.periodMs).toBe(4 * HOUR);
    expect(seq.r1 - seq.r0).toBeGreaterThan(300);

    const band = by.get('sustained')!;
    only(writes, band, 'redis');
    // redis 0.30..0.34 of a 440-route region: about 18 routes, one merged range.
    expect(band.r1 - band.r0).toBeGreaterThanOrEqual(15);
    expect(band.r1 - band.r0).toBeLessThanOrEqual(20);
    expect(band.c1 - band.c0).toBeGreaterThan(0.9 * writes.colCount);

    const batch = by.get('periodic')!;
    only(writes, batch, 's3');
    expect(batch.detail.periodMs).toBe(2 * HOUR);
    expect(batch.detail.burstMs).toBe(10 * MIN);
    expect(batch.detail.bursts).toBe(12);
    expect(batch.r1 - batch.r0).toBeGreaterThan(150);

    const moving = by.get('moving')!;
    only(writes, moving, 'dynamo');
    expect(moving.detail.passes).toBe(4);

    // The CJK workload switches on at 16:00 UTC and off at 22:00.
    const sudden = by.get('sudden')!;
    only(writes, sudden, 'cjk');
    const day = WORKLOAD_NOW - 24 * HOUR;
    expect(Math.abs(sudden.detail.upAtMs! - (day + 16 * HOUR))).toBeLessThanOrEqual(10 * MIN);
    expect(Math.abs(sudden.detail.downAtMs! - (day + 22 * HOUR))).toBeLessThanOrEqual(10 * MIN);

    // Ranked by share, shares are real fractions, peaks lie inside their spot.
    expect(spots.map((s) => s.rank)).toEqual(spots.map((_, i) => i + 1));
    for (let i = 1; i < spots.length; i++)
      expect(spots[i].share).toBeLessThanOrEqual(spots[i - 1].share);
    for (const s of spots) {
      expect(s.share).toBeGreaterThan(0.01);
      expect(s.share).toBeLessThan(1);
      expect(s.peak.row).toBeGreaterThanOrEqual(s.r0);
      expect(s.peak.row).toBeLessThan(s.r1);
      expect(s.peak.value).toBe(writes.values[s.peak.row * writes.colCount + s.peak.col]);
      expect(s.diagnosis.length).toBeGreaterThan(20);
    }
    expect(seq.diagnosis).toMatch(/^Sequential writes: .*6 passes, one every 4 h/);
    expect(batch.diagnosis).toMatch(/^Periodic batch: 12 bursts of 10 min, every 2 h/);
  });

  it('reads: the redis band and the dynamo drift; calm routes (sqs, s3 listings) stay out', () => {
    const spots = detectHotSpots(reads);
    const sustained = spots.filter((s) => s.kind === 'sustained');
    expect(sustained.some((s) => regions(reads, s).has('redis') && s.r1 - s.r0 >= 15)).toBe(true);
    expect(spots.some((s) => s.kind === 'moving' && regions(reads, s).has('dynamo'))).toBe(true);
    for (const s of spots) {
      expect(regions(reads, s).has('sqs')).toBe(false);
      expect(regions(reads, s).has('s3')).toBe(false);
    }
  });
});

describe('detection rules on small matrices', () => {
  const C = 240;
  const cols = Array.from({ length: C }, (_, c) => 1_700_000_000_000 + c * MIN);
  const rowSpecs = (n: number) =>
    Array.from({ length: n }, (_, r) => ({ start: `k${String(r).padStart(3, '0')}` }));
  /** Poisson-ish background of mean `mean` from a seeded stream. */
  const noise = (rng: Rng, mean: number) => {
    let k = 0;
    let p = Math.exp(-mean);
    let s = p;
    const u = rng.float();
    while (u > s && k < 50) {
      k++;
      p *= mean / k;
      s += p;
    }
    return k;
  };

  it('a calm, noisy matrix has no hot spot', () => {
    const rng = new Rng(7);
    const m = makeMatrix(rowSpecs(200), cols, () => noise(rng, 0.8));
    expect(detectHotSpots(m)).toEqual([]);
  });

  it('adjacent hot rows of one pattern merge into one range', () => {
    const rng = new Rng(8);
    const m = makeMatrix(rowSpecs(100), cols, (r) => noise(rng, r >= 40 && r < 47 ? 8 : 0.8));
    const spots = detectHotSpots(m);
    expect(spots).toHaveLength(1);
    expect(spots[0]).toMatchObject({ kind: 'sustained', r0: 40, r1: 47, rank: 1 });
  });

  it('a workload that switches on half way is a sudden change, not a sustained range', () => {
    const rng = new Rng(9);
    const m = makeMatrix(rowSpecs(100), cols, (r, c) =>
      noise(rng, r >= 60 && r < 70 && c >= 150 ? 8 : 0.8),
    );
    const [s, ...rest] = detectHotSpots(m);
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ kind: 'sudden', r0: 60, r1: 70 });
    expect(Math.abs(s.c0 - 150)).toBeLessThanOrEqual(3);
    expect(s.detail.upAtMs).toBe(cols[s.c0]);
    expect(s.detail.downAtMs).toBeUndefined();
  });

  it('vertical bands at a steady interval are a periodic batch; a slanted repeat is not', () => {
    const rng = new Rng(10);
    const batch = makeMatrix(rowSpecs(64), cols, (r, c) =>
      noise(rng, r >= 16 && r < 48 && c % 40 < 5 ? 6 : 0.8),
    );
    const [b, ...rest] = detectHotSpots(batch);
    expect(rest).toEqual([]);
    expect(b).toMatchObject({ kind: 'periodic', r0: 16, r1: 48 });
    expect(b.detail.periodMs).toBe(40 * MIN);
    expect(b.detail.burstMs).toBe(5 * MIN);
  });

  it('a narrow head moving through the keys is sequential writes; a wide drift is moving', () => {
    const rng = new Rng(11);
    const head = makeMatrix(rowSpecs(120), cols, (r, c) =>
      r === Math.floor(c / 2) ? 90 : noise(rng, 0.8),
    );
    const [s] = detectHotSpots(head);
    expect(s).toMatchObject({ kind: 'sequential', detail: { direction: 1, passes: 1 } });
    const wide = makeMatrix(rowSpecs(120), cols, (r, c) =>
      Math.abs(r - (110 - c / 2)) < 6 ? 40 : noise(rng, 0.8),
    );
    const [w] = detectHotSpots(wide);
    expect(w).toMatchObject({ kind: 'moving', detail: { direction: -1 } });
  });

  it('hottestCell finds the largest value; empty matrices give nothing', () => {
    const m = makeMatrix(rowSpecs(3), [1, 2, 3], (r, c) => (r === 2 && c === 1 ? 50 : 1));
    expect(hottestCell(m)).toEqual({ row: 2, col: 1, value: 50 });
    expect(hottestCell(makeMatrix(rowSpecs(2), [1, 2], () => 0))).toBeNull();
    expect(detectHotSpots(makeMatrix([], []))).toEqual([]);
  });
});
