// The "single hot key" diagnosis: the verdict on a range's hot keys, and the range asked.
import { describe, expect, it } from 'vitest';
import { dominantKey, SINGLE_KEY_MIN_SAMPLES } from '../../src/data/hotspots/singleKey.ts';
import type { HotKeyCounts } from '../../src/data/hotKeys.ts';
import type { HotSpot } from '../../src/data/hotspots/index.ts';
import type { Matrix, RowMeta } from '../../src/data/matrix.ts';
import { columnEdges } from '../../src/data/view/gaps.ts';
import { spotTarget } from '../../src/pages/keyviz/hotspots/spotHotKeys.ts';

const enc = new TextEncoder();

function counts(keys: [string, bigint][], sampledN: bigint, sampleRate = 16): HotKeyCounts {
  return {
    keys: keys.map(([k, count]) => ({ key: enc.encode(k), keyB64: btoa(k), count })),
    sampleRate,
    sampledN,
    droppedSamples: 0n,
    skippedLongKeys: 0n,
    degraded: false,
    errorBound: 0n,
  };
}

describe('dominantKey', () => {
  it('one key with at least half of rate x sampled_n dominates', () => {
    // 100 samples at rate 16 = 1,600 requests seen; 800 on one key is half.
    const d = dominantKey(
      counts(
        [
          ['user:42', 800n],
          ['user:7', 160n],
        ],
        100n,
      ),
    );
    expect(d?.key.keyB64).toBe(btoa('user:42'));
    expect(d?.share).toBe(0.5);
    expect(dominantKey(counts([['user:42', 799n]], 100n))).toBeNull();
  });

  it('says nothing on too few samples, no keys or no rate', () => {
    expect(dominantKey(counts([['a', 16n]], SINGLE_KEY_MIN_SAMPLES - 1n, 1))).toBeNull();
    expect(dominantKey(counts([], 1000n))).toBeNull();
    expect(dominantKey(counts([['a', 16n]], 100n, 0))).toBeNull();
  });

  it('counts above 2^53 stay exact, and the share is capped at 1 (counts are estimates)', () => {
    const n = 2n ** 60n;
    expect(dominantKey(counts([['a', n]], n, 1))?.share).toBe(1);
    expect(dominantKey(counts([['a', n * 2n]], n, 1))?.share).toBe(1);
    expect(dominantKey(counts([['a', n / 2n - 1n]], n, 1))).toBeNull();
  });
});

function meta(id: string, start: string, end: string, aggregate = false): RowMeta {
  return {
    bucketId: id,
    start: enc.encode(start),
    end: enc.encode(end),
    label: '',
    aggregate,
    routeIds: [],
    routeIdsTruncated: false,
    routeCount: '1',
    total: 10,
    contributingNodes: [],
  };
}

describe('spotTarget', () => {
  const rows = [
    meta('route:1', '', 'b'),
    meta('route:2', 'b', 'c'),
    meta('virtual:9', 'c', 'd', true),
    meta('route:4', 'd', ''),
  ];
  const columns = Float64Array.from([60_000, 120_000, 180_000]);
  const m = { rows, columns, rowCount: 4, colCount: 3 } as unknown as Matrix;
  const edges = columnEdges(columns, 60_000);
  const spot = (r0: number, r1: number, c0: number, c1: number) => ({ r0, r1, c0, c1 }) as HotSpot;

  it("asks for the spot's route buckets and columns only", () => {
    const t = spotTarget(m, edges, spot(1, 3, 1, 3))!;
    expect(t.buckets.map((b) => b.bucketId)).toEqual(['route:2']);
    expect(t.aggregates).toBe(1);
    expect(t.ask).toEqual({ fromMs: 120_000, toMs: 180_001 });
  });

  it('open ends reach the ends of the key space; aggregates alone give nothing to ask', () => {
    expect(spotTarget(m, edges, spot(0, 4, 0, 3))!.buckets.map((b) => b.bucketId)).toEqual([
      'route:1',
      'route:2',
      'route:4',
    ]);
    expect(spotTarget(m, edges, spot(2, 3, 0, 3))).toBeNull();
    expect(spotTarget(m, edges, spot(0, 1, 2, 2))).toBeNull();
  });
});
