import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/sampler/clock.ts';
import { Sampler } from '../../server/sampler/sampler.ts';
import { OP_READ, OP_WRITE, type RouteInfo } from '../../server/sampler/types.ts';
import { KeyVizSeries } from '../../src/gen/admin_pb.ts';

const b = (...x: number[]) => new Uint8Array(x);
const route = (id: number, start: Uint8Array, end: Uint8Array, label = 'rawkv'): RouteInfo => ({
  id,
  start,
  end,
  label,
  raftGroupId: 3,
});
const all = { series: KeyVizSeries.KEYVIZ_SERIES_WRITES, fromUnixMs: 0, toUnixMs: 0, rows: 0 };

function make(opts: {
  keyBucketsPerRoute?: number;
  labelsEnabled?: boolean;
  maxTrackedRoutes?: number;
}) {
  const clock = new ManualClock(1_000_000);
  const s = new Sampler({ clock, stepMs: 1000, historyColumns: 10, ...opts });
  return { clock, s };
}

describe('sub-range rows (--keyvizKeyBucketsPerRoute)', () => {
  it('splits a route into #i rows that tile it, counting each key in its sub-bucket', () => {
    const { clock, s } = make({ keyBucketsPerRoute: 4 });
    s.registerRoute(route(1, b(0x10), b(0x20)));
    s.registerRoute(route(2, b(0x20), b()));
    s.observe(1, b(0x10), OP_WRITE, 1); // #0
    s.observe(1, b(0x13, 9), OP_WRITE, 1); // #0 (0x13.. < 0x14)
    s.observe(1, b(0x14), OP_WRITE, 1); // #1
    s.observe(1, b(0x1f, 0xff), OP_READ, 0); // #3 (reads count too)
    s.observe(2, b(0xf0), OP_WRITE, 1); // unbounded end: leading bytes, #3
    clock.advance(1000);
    s.flush();
    const m = s.matrix(all);
    expect(
      m.rows.map((r) => [r.meta.bucketId, [...r.meta.start], [...r.meta.end], [...r.values]]),
    ).toEqual([
      ['route:1#0', [0x10], [0x14], [2]],
      ['route:1#1', [0x14], [0x18], [1]],
      ['route:1#3', [0x1c], [0x20], [0]],
      ['route:2#3', [0xc8], [], [1]],
    ]);
    // Metadata shared with the parent route.
    for (const r of m.rows) {
      expect(r.meta.aggregate).toBe(false);
      expect(r.meta.routeCount).toBe(1);
      expect(r.meta.label).toBe('rawkv');
      expect([...r.raftGroupIds]).toEqual([3]);
    }
    expect(m.rows[0].meta.routeIds).toEqual(['1']);
  });

  it('K = 1 keeps plain route:<id> rows; degenerate routes are one row without #', () => {
    const { clock, s } = make({ keyBucketsPerRoute: 8 });
    s.registerRoute(route(1, b(1), b(1, 0, 0, 0, 0, 0, 0, 0, 0, 5)));
    s.observe(1, b(1, 0, 0, 0, 0, 0, 0, 0, 0, 1), OP_WRITE, 1);
    clock.advance(1000);
    s.flush();
    expect(s.matrix(all).rows.map((r) => r.meta.bucketId)).toEqual(['route:1']);
  });

  it('re-divides on a split: old rows are harvested once, new ones follow the new range', () => {
    const { clock, s } = make({ keyBucketsPerRoute: 2 });
    s.registerRoute(route(1, b(0x00), b(0x80)));
    s.observe(1, b(0x10), OP_WRITE, 1); // #0 of [00, 80)
    s.splitRoute(1, b(0x40), 9);
    s.observe(1, b(0x10), OP_WRITE, 1); // #0 of [00, 40): same id, revived
    s.observe(1, b(0x30), OP_WRITE, 1); // #1 of [00, 40)
    s.observe(9, b(0x70), OP_WRITE, 1);
    clock.advance(1000);
    s.flush();
    const rows = s
      .matrix(all)
      .rows.map((r) => [r.meta.bucketId, [...r.meta.start], [...r.meta.end], r.values[0]]);
    expect(rows).toEqual([
      ['route:1#0', [0x00], [0x20], 2],
      ['route:1#1', [0x20], [0x40], 1],
      ['route:9#1', [0x60], [0x80], 1],
    ]);
  });

  it('keeps counting into the right rows across many re-divisions (packed layouts moved)', () => {
    // Each split re-divides a route: its old packed layout becomes garbage in the
    // table's slab, which is rebuilt (layouts moved) when it fills up.
    const { clock, s } = make({ keyBucketsPerRoute: 16, labelsEnabled: true });
    s.registerRoute(route(1, b(), b()));
    for (let i = 1; i < 200; i++) s.splitRoute(i, b(i), i + 1);
    // Route i is [i - 1, i) for 2 <= i <= 199: 16 sub-buckets over the second byte.
    for (let i = 2; i <= 199; i++) {
      s.observe(i, b(i - 1, 0x00), OP_WRITE, 1); // #0
      s.observe(i, b(i - 1, 0xf8), OP_WRITE, 1, 'redis'); // #15 of the redis rows
      s.observe(i, b(i - 1, 0x18), OP_WRITE, 1, 'redis'); // #1
    }
    clock.advance(1000);
    s.flush();
    const rows = new Map(s.matrix(all).rows.map((r) => [r.meta.bucketId, r.values[0]]));
    for (let i = 2; i <= 199; i++) {
      expect(rows.get(`route:${i}#0`)).toBe(1);
      expect(rows.get(`route:${i}:redis#15`)).toBe(1);
      expect(rows.get(`route:${i}:redis#1`)).toBe(1);
    }
    expect(rows.size).toBe(3 * 198);
  });

  it('never divides a virtual bucket', () => {
    const { clock, s } = make({ keyBucketsPerRoute: 4, labelsEnabled: true, maxTrackedRoutes: 1 });
    s.registerRoute(route(1, b(0x00), b(0x40)));
    s.registerRoute(route(2, b(0x40), b(0x80)));
    s.observe(2, b(0x41), OP_WRITE, 1, 'redis');
    s.observe(2, b(0x7f), OP_WRITE, 1);
    clock.advance(1000);
    s.flush();
    const rows = s.matrix(all).rows;
    expect(rows.length).toBe(1);
    expect(rows[0].meta.aggregate).toBe(true);
    expect(rows[0].meta.bucketId).toMatch(/^virtual:/);
    expect(rows[0].values[0]).toBe(2);
  });
});

describe('adapter-label rows (--keyvizLabelsEnabled)', () => {
  it('gives each label its own row next to the legacy one', () => {
    const { clock, s } = make({ labelsEnabled: true });
    s.registerRoute(route(7, b(0x10), b(0x20), ''));
    s.observe(7, b(0x11), OP_WRITE, 1);
    for (const l of ['dynamo', 'redis', 's3', 'sqs', 'rawkv', 'redis'])
      s.observe(7, b(0x12), OP_WRITE, 1, l);
    s.observe(7, b(0x12), OP_WRITE, 1, 'mongo'); // unknown label: the legacy slot
    clock.advance(1000);
    s.flush();
    expect(s.matrix(all).rows.map((r) => [r.meta.bucketId, r.meta.label, r.values[0]])).toEqual([
      ['route:7', '', 2],
      ['route:7:dynamo', 'dynamo', 1],
      ['route:7:rawkv', 'rawkv', 1],
      ['route:7:redis', 'redis', 2],
      ['route:7:s3', 's3', 1],
      ['route:7:sqs', 'sqs', 1],
    ]);
  });

  it('combines with sub-ranges as route:<id>:<label>#<i>', () => {
    const { clock, s } = make({ labelsEnabled: true, keyBucketsPerRoute: 2 });
    s.registerRoute(route(7, b(0x10), b(0x20), ''));
    s.observe(7, b(0x1f), OP_WRITE, 1, 'redis');
    s.observe(7, b(0x10), OP_WRITE, 1);
    clock.advance(1000);
    s.flush();
    expect(s.matrix(all).rows.map((r) => r.meta.bucketId)).toEqual([
      'route:7#0',
      'route:7:redis#1',
    ]);
  });

  it('ignores labels when off (one route:<id> row)', () => {
    const { clock, s } = make({});
    s.registerRoute(route(7, b(0x10), b(0x20)));
    s.observe(7, b(0x11), OP_WRITE, 1, 'redis');
    clock.advance(1000);
    s.flush();
    expect(s.matrix(all).rows.map((r) => [r.meta.bucketId, r.meta.label])).toEqual([
      ['route:7', 'rawkv'],
    ]);
  });
});
