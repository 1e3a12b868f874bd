// The hot-keys selection in the URL and what it asks: by bucket id and column time (never a
// row index), the column's window by flush time, a range's buckets with the cap.
import { describe, expect, it } from 'vitest';
import type { HotKeysClient } from '../../src/api/hotKeysClient.ts';
import { inKeyRange, type HotKeys } from '../../src/data/hotKeys.ts';
import { toBase64, toHex } from '../../src/data/keys.ts';
import { loadRange } from '../../src/pages/keyviz/hotKeysLoad.ts';
import type { Matrix, RowMeta } from '../../src/data/matrix.ts';
import { columnEdges } from '../../src/data/view/gaps.ts';
import { hotKeysSearch, parseHotKeysSel } from '../../src/pages/keyviz/hotKeysUrl.ts';
import {
  cellTarget,
  pinOf,
  rangeAskKey,
  rangeTarget,
  samePinned,
} from '../../src/pages/keyviz/hotKeysTarget.ts';

const enc = (s: string) => new TextEncoder().encode(s);

function row(id: string, start: string, end: string, total: number, aggregate = false): RowMeta {
  return {
    bucketId: id,
    start: enc(start),
    end: enc(end),
    label: '',
    aggregate,
    routeIds: [],
    routeIdsTruncated: false,
    routeCount: '1',
    total,
    contributingNodes: [],
  };
}

function matrix(rows: RowMeta[]): Matrix {
  const columns = Float64Array.from([60_000, 120_000, 180_000]);
  const values = new Float64Array(rows.length * 3).map((_, i) => i + 1);
  return {
    series: 'writes',
    columns,
    rows,
    rowCount: rows.length,
    colCount: 3,
    values,
    raftGroupIds: null,
    leaderTerms: null,
    max: values.length,
    nodes: [],
    conflicts: null,
  };
}

describe('hot-keys URL state', () => {
  it('round-trips a cell, keeps foreign parameters, drops the default top', () => {
    const q = hotKeysSearch('?series=reads&api=x', {
      cell: { bucketId: 'route:7:redis#3', colMs: 120_000 },
      range: null,
      top: 50,
    });
    expect(q).toBe('?series=reads&api=x&hk=route%3A7%3Aredis%233&hkt=120000&hktop=50');
    expect(parseHotKeysSel(q)).toEqual({
      cell: { bucketId: 'route:7:redis#3', colMs: 120_000 },
      range: null,
      top: 50,
    });
    expect(hotKeysSearch(q, { cell: null, range: null, top: 20 })).toBe('?series=reads&api=x');
  });

  it('ignores what is not a selection', () => {
    expect(parseHotKeysSel('?hk=route:x&hkt=5').cell).toBeNull();
    expect(parseHotKeysSel('?hk=route:7&hkt=-5').cell).toBeNull();
    expect(parseHotKeysSel('?hk=route:7&hkt=5&hktop=33').top).toBe(20);
    expect(parseHotKeysSel('?hkr=9-3').range).toBeNull();
    expect(parseHotKeysSel('?hkr=3-9,61,').range).toEqual({
      fromMs: 3,
      toMs: 9,
      startKeyHex: '61',
    });
  });
});

describe('targets', () => {
  const m = matrix([
    row('route:1', '', 'b', 10),
    row('virtual:18446744073709551615', 'b', 'd', 99, true),
    row('route:2:redis#1', 'd', 'f', 30),
    row('route:3', 'f', '', 20),
  ]);
  const edges = columnEdges(m.columns, 60_000);

  it('a cell asks its column by flush time and finds its row by id after a renumbering', () => {
    const t = cellTarget(m, edges, 60_000, { bucketId: 'route:2:redis#1', colMs: 120_000 });
    expect(t.ask).toEqual({ fromMs: 120_000, toMs: 120_001 });
    expect(t.window).toEqual({ fromMs: 60_000, toMs: 120_000 });
    expect(t.parsed).toEqual({ kind: 'route', routeId: '2', label: 'redis', subBucket: 1 });
    expect(t.cellWrites).toBe(m.values[2 * 3 + 1]);
    // Gone from the matrix: still asked, no share of the cell.
    const gone = cellTarget(m, edges, 60_000, { bucketId: 'route:9', colMs: 600_000 });
    expect(gone.row).toBeNull();
    expect(gone.cellWrites).toBeNull();
    expect(gone.window).toEqual({ fromMs: 540_000, toMs: 600_000 });
  });

  it('a range keeps route buckets meeting its keys, counts aggregates, caps by activity', () => {
    const t = rangeTarget(m, edges, { fromMs: 70_000, toMs: 130_000, startKeyHex: '63' });
    expect(t.buckets.map((b) => b.bucketId)).toEqual(['route:2:redis#1', 'route:3']);
    expect(t.aggregates).toBe(1);
    // Columns 1 and 2 overlap [70 s, 130 s): their flush times.
    expect(t.ask).toEqual({ fromMs: 120_000, toMs: 180_001 });
    const capped = rangeTarget(m, edges, { fromMs: 0, toMs: 180_000 }, 2);
    expect(capped.inRange).toBe(3);
    expect(capped.buckets.map((b) => b.bucketId)).toEqual(['route:2:redis#1', 'route:3']);
  });

  it('a pinned range keeps its buckets and flush times through a refresh', () => {
    const rows = (totals: number[]) =>
      totals.map((t, i) => row(`route:${i + 1}`, `k${i}`, `k${i + 1}`, t));
    const before = matrix(rows([50, 40, 30, 20, 10]));
    const t = rangeTarget(before, edges, { fromMs: 0, toMs: 180_000 }, 3);
    expect(t.buckets.map((b) => b.bucketId)).toEqual(['route:1', 'route:2', 'route:3']);
    expect(t.ask).toEqual({ fromMs: 60_000, toMs: 180_001 });
    const pin = pinOf(t);

    // Traffic moved to the quiet routes, and the loaded window slid one step.
    const after = matrix(rows([10, 20, 30, 40, 50]));
    after.columns = Float64Array.from([120_000, 180_000, 240_000]);
    const slid = columnEdges(after.columns, 60_000);
    const unpinned = rangeTarget(after, slid, { fromMs: 0, toMs: 180_000 }, 3);
    // Unpinned, both the buckets and the flush times would change: a new question.
    expect(rangeAskKey(unpinned, 20)).not.toBe(rangeAskKey(t, 20));
    const again = rangeTarget(after, slid, { fromMs: 0, toMs: 180_000 }, 3, pin);
    expect(samePinned(again, pin)).toBe(true);
    expect(again.ask).toEqual(t.ask);
    expect(again.window).toEqual(t.window);
    // Bucket order (busiest first) differs; the key does not.
    expect(again.buckets.map((b) => b.bucketId)).toEqual(['route:3', 'route:2', 'route:1']);
    expect(rangeAskKey(again, 20)).toBe(rangeAskKey(t, 20));

    // A pinned route gone (merged away): the busiest other takes its place.
    const merged = matrix(rows([10, 20, 30, 40, 50]).filter((r) => r.bucketId !== 'route:2'));
    const next = rangeTarget(merged, edges, { fromMs: 0, toMs: 180_000 }, 3, pin);
    expect(next.buckets.map((b) => b.bucketId).sort()).toEqual(['route:1', 'route:3', 'route:5']);
    expect(samePinned(next, pin)).toBe(false);
  });
});

/** Raw bytes from a latin1 string ('\x80' is one byte 0x80, not UTF-8). */
const raw = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('a range keeps only keys inside its key range', () => {
  it('inKeyRange: start inclusive, end exclusive, empty end open, bytes unsigned', () => {
    const lo = raw('k1');
    const hi = raw('k\x80');
    expect(inKeyRange(raw('k1'), lo, hi)).toBe(true);
    expect(inKeyRange(raw('k0\xff'), lo, hi)).toBe(false);
    expect(inKeyRange(raw('k\x7f\xff'), lo, hi)).toBe(true);
    expect(inKeyRange(raw('k\x80'), lo, hi)).toBe(false);
    // Signed bytes would put 0xff below 0x80.
    expect(inKeyRange(raw('k\xff'), lo, hi)).toBe(false);
    expect(inKeyRange(raw('k\xff'), lo, new Uint8Array(0))).toBe(true);
    expect(inKeyRange(new Uint8Array(0), new Uint8Array(0), lo)).toBe(true);
  });

  // Two routes, each only partly inside [k1, k\x80): their hottest keys lie outside.
  const r1 = { ...row('route:1', '', '', 10), start: raw('k0'), end: raw('k2') };
  const r2 = { ...row('route:2', '', '', 20), start: raw('k2'), end: new Uint8Array(0) };
  const m = matrix([r1, r2]);
  const edges = columnEdges(m.columns, 60_000);
  const byRoute: Record<string, [string, bigint][]> = {
    '1': [
      ['k0z', 900n], // below the start
      ['k1', 30n], // the start itself: inside
    ],
    '2': [
      ['k\x80', 800n], // the end itself: outside
      ['k\xff', 700n], // above the end (only unsigned bytes say so)
      ['k2', 20n],
      ['k\x7f', 10n], // just below the end: inside
    ],
  };
  const client: HotKeysClient = {
    async get(req) {
      const keys = byRoute[req.routeId].map(([k, count]) => {
        const key = raw(k);
        return { key, keyB64: toBase64(key), count };
      });
      const a: HotKeys = {
        routeId: req.routeId,
        label: '',
        subBucket: null,
        keys,
        approximate: true,
        sampleRate: 1,
        sampledN: 100n,
        droppedSamples: 0n,
        skippedLongKeys: 0n,
        degraded: false,
        errorBound: 0n,
        snapshotAtMs: 120_000,
        window: { fromMs: 60_000, toMs: 120_000, inferred: false },
        capacity: 64,
        nodes: [],
      };
      return a;
    },
  };
  const shown = (keys: { key: Uint8Array }[]) => keys.map((k) => String.fromCharCode(...k.key));

  it('leaves out keys at and beyond both edges before the top-N cut, and counts them', async () => {
    const t = rangeTarget(m, edges, {
      fromMs: 60_000,
      toMs: 120_000,
      startKeyHex: toHex(raw('k1')),
      endKeyHex: toHex(raw('k\x80')),
    });
    expect(t.buckets.map((b) => b.bucketId)).toEqual(['route:1', 'route:2']);
    const got = await loadRange(client, t, 3, new AbortController().signal);
    expect(shown(got.keys)).toEqual(['k1', 'k2', 'k\x7f']);
    expect(got.outside).toBe(3);
    expect(got.capacity).toBe(64);
  });

  it('an open end keeps everything from the start on', async () => {
    const t = rangeTarget(m, edges, {
      fromMs: 60_000,
      toMs: 120_000,
      startKeyHex: toHex(raw('k1')),
    });
    const got = await loadRange(client, t, 10, new AbortController().signal);
    expect(shown(got.keys)).toEqual(['k\x80', 'k\xff', 'k1', 'k2', 'k\x7f']);
    expect(got.outside).toBe(1);
  });
});
