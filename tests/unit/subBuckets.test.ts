import { describe, expect, it } from 'vitest';
import {
  packSubRanges,
  subBucketByFormula,
  subBucketOf,
  subBucketOfPacked,
  subBucketRange,
  subRangeLayout,
  windowOf,
} from '../../server/sampler/subBuckets.ts';
import { compareBytes } from '../../server/sampler/keys.ts';
import { Rng } from '../../server/workload/prng.ts';

const b = (...x: number[]) => new Uint8Array(x);
const enc = new TextEncoder();

function randomKey(rng: Rng, prefix: Uint8Array, maxLen: number): Uint8Array {
  const n = Math.floor(rng.float() * maxLen);
  const out = new Uint8Array(prefix.length + n);
  out.set(prefix);
  for (let i = 0; i < n; i++) out[prefix.length + i] = Math.floor(rng.float() * 256);
  return out;
}

describe('sub-range arithmetic (contract §5.4)', () => {
  it('reads an 8-byte big-endian window, zero padded', () => {
    expect(windowOf(b(1, 2), 0)).toBe(0x0102000000000000n);
    expect(windowOf(b(9, 1, 2, 3, 4, 5, 6, 7, 8, 9), 1)).toBe(0x0102030405060708n);
  });

  it('splits after the common prefix, ceil-reconstructed bounds trimmed of trailing zeros', () => {
    const start = enc.encode('user/a');
    const end = enc.encode('user/b');
    const l = subRangeLayout(start, end, 4);
    expect(l.prefixLength).toBe(5);
    expect(l.count).toBe(4);
    // span = 0x62.. - 0x61.. = 2^56; quarter steps of 2^54 = 0x0040000000000000
    expect(l.bounds.map((x) => [...x])).toEqual([
      [...enc.encode('user/'), 0x61, 0x40],
      [...enc.encode('user/'), 0x61, 0x80],
      [...enc.encode('user/'), 0x61, 0xc0],
    ]);
  });

  it('the byte-boundary search equals the floor formula, and sub-rows tile the route', () => {
    const rng = new Rng(11);
    const cases: [Uint8Array, Uint8Array, number][] = [
      [enc.encode('user/a'), enc.encode('user/b'), 4],
      [enc.encode('t'), enc.encode('u'), 7],
      [b(0x10), b(0x20), 256],
      [b(), b(0x80), 3],
      [enc.encode('z/0001'), b(), 16], // unbounded end
      [b(), b(), 5], // the whole key space
      [b(1, 2, 3), b(1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 5), 8], // beyond the 8-byte window
    ];
    for (const [start, end, k] of cases) {
      const l = subRangeLayout(start, end, k);
      const own = packSubRanges(start, l, 0);
      const packed = new Int32Array(5 + own.length);
      packed.set(own, 5);
      // Strictly increasing bounds strictly inside the route: exact tiling.
      let prev = start;
      for (const x of l.bounds) {
        expect(compareBytes(x, prev)).toBeGreaterThan(0);
        prev = x;
      }
      if (end.length > 0) expect(compareBytes(prev, end)).toBeLessThan(0);
      const rows = Array.from({ length: l.count }, (_, i) => subBucketRange(start, end, l, i));
      expect(rows[0].lo).toBe(start);
      expect(rows.at(-1)!.hi).toBe(end);
      for (let i = 1; i < rows.length; i++) expect(rows[i].lo).toEqual(rows[i - 1].hi);
      const p = start.subarray(0, l.prefixLength);
      for (let i = 0; i < 800; i++) {
        const key = randomKey(rng, i % 2 ? p : start.subarray(0, Math.min(start.length, 1)), 12);
        const got = subBucketOf(l.bounds, key);
        expect(got).toBe(subBucketByFormula(l, start, end, key));
        // observe's packed layout (at an offset, as in the table's slab) answers the same.
        expect(subBucketOfPacked(packed, 5, key)).toBe(got);
        const r = rows[got];
        // The key is inside its row's range, or clamped from outside the route.
        const inRoute =
          compareBytes(key, start) >= 0 && (end.length === 0 || compareBytes(key, end) < 0);
        if (inRoute) {
          expect(compareBytes(key, r.lo)).toBeGreaterThanOrEqual(0);
          if (r.hi.length > 0) expect(compareBytes(key, r.hi)).toBeLessThan(0);
        }
      }
    }
  });

  it('the packed lookup agrees with the byte search on keys at and around every bound', () => {
    const cases: [Uint8Array, Uint8Array, number][] = [
      [enc.encode('user/a'), enc.encode('user/b'), 16],
      [b(0x10), b(0x20), 256],
      [enc.encode('t/00000010'), enc.encode('t/00000020'), 16],
      [enc.encode('z/0001'), b(), 16],
      [b(0, 255, 255, 255, 255, 255, 255, 255), b(1, 0, 0, 0, 0, 0, 0, 2), 16],
    ];
    for (const [start, end, k] of cases) {
      const l = subRangeLayout(start, end, k);
      const d = packSubRanges(start, l, 3);
      expect(d[2]).toBe(d.length - 3); // the trailing entries are the caller's
      const probes: Uint8Array[] = [start, end, b(), b(0xff, 0xff), start.subarray(0, 1)];
      for (const x of l.bounds) {
        probes.push(x);
        const below = x.slice();
        below[below.length - 1]--; // just under the bound
        probes.push(below);
        const longer = new Uint8Array(x.length + 3);
        longer.set(x);
        probes.push(longer); // bound + zeros: same window, after the bound
      }
      for (const key of probes)
        expect(subBucketOfPacked(d, 0, key)).toBe(subBucketOf(l.bounds, key));
    }
  });

  it('clamps keys outside the route to the first and last buckets', () => {
    const l = subRangeLayout(b(0x10), b(0x20), 4);
    expect(subBucketOf(l.bounds, b(0x01))).toBe(0);
    expect(subBucketOf(l.bounds, b(0x30))).toBe(3);
    expect(subBucketOf(l.bounds, b(0x20))).toBe(3);
  });

  it('effective K = min(K, span); degenerate windows are one bucket', () => {
    expect(
      subRangeLayout(b(0, 255, 255, 255, 255, 255, 255, 255), b(1, 0, 0, 0, 0, 0, 0, 2), 16).count,
    ).toBe(3);
    // No difference within 8 bytes after the prefix.
    expect(subRangeLayout(b(1), b(1, 0, 0, 0, 0, 0, 0, 0, 0, 7), 16).count).toBe(1);
    expect(subRangeLayout(enc.encode('a'), enc.encode('b'), 1).count).toBe(1);
    // Unbounded end: prefix 0, the leading bytes of the key.
    const u = subRangeLayout(enc.encode('m'), b(), 2);
    expect(u.prefixLength).toBe(0);
    expect(u.count).toBe(2);
    expect(u.subEnd).toBe((1n << 64n) - 1n);
  });
});
