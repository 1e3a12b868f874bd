// Issue 13 test blind spot: a hot cell in the middle of a wide pixel bucket. For random
// matrices, views and output sizes, every output pixel equals the maximum of the cells it covers
// (buckets computed here independently: pixel x of n source columns over w pixels covers
// [floor(x*n/w), floor((x+1)*n/w)), or the one column it repeats when upsampling), and every
// non-zero cell's value is shown by some pixel covering it. Fails if poolMax skips the middle
// columns of a pixel covering three or more.
import { describe, expect, it } from 'vitest';
import { poolMax } from '../../src/data/raster.ts';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Source indexes [a, b) behind output index i of n sources over `out` outputs. */
function bucket(i: number, n: number, out: number): [number, number] {
  const a = Math.floor((i * n) / out);
  const b = Math.floor(((i + 1) * n) / out);
  return b > a ? [a, b] : [a, a + 1];
}

describe('poolMax property', () => {
  it('every pixel is the max of its cells; every non-zero cell shows in a pixel', () => {
    const rnd = prng(13);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    let wideBuckets = 0;
    for (let trial = 0; trial < 300; trial++) {
      const rows = int(1, 40);
      const cols = int(1, 120);
      const values = new Float64Array(rows * cols);
      // Sparse: mostly zero, a few hot cells anywhere (middle columns included).
      for (let i = 0; i < values.length; i++) {
        if (rnd() < 0.15) values[i] = Math.floor(rnd() * 1000) + 1;
      }
      const r0 = int(0, rows - 1);
      const r1 = int(r0 + 1, rows);
      const c0 = int(0, cols - 1);
      const c1 = int(c0 + 1, cols);
      const nr = r1 - r0;
      const nc = c1 - c0;
      // Output sizes from heavy downsampling (>= 3 columns a pixel) to upsampling.
      const outW = int(1, Math.max(1, trial % 2 ? nc * 2 : Math.floor(nc / 3)));
      const outH = int(1, Math.max(1, nr * 2));
      const out = poolMax(values, rows, cols, { r0, r1, c0, c1 }, outW, outH);
      expect(out.length).toBe(outW * outH);
      const shown = new Uint8Array(values.length);
      for (let y = 0; y < outH; y++) {
        const [ya, yb] = bucket(y, nr, outH);
        for (let x = 0; x < outW; x++) {
          const [xa, xb] = bucket(x, nc, outW);
          if (xb - xa > 2) wideBuckets++;
          let max = 0;
          for (let r = r0 + ya; r < r0 + yb; r++) {
            for (let c = c0 + xa; c < c0 + xb; c++) max = Math.max(max, values[r * cols + c]);
          }
          const got = out[y * outW + x];
          if (got !== max) {
            throw new Error(
              `trial ${trial}: pixel (${x},${y}) = ${got}, max of rows [${r0 + ya},${r0 + yb}) cols [${c0 + xa},${c0 + xb}) = ${max}`,
            );
          }
          for (let r = r0 + ya; r < r0 + yb; r++) {
            for (let c = c0 + xa; c < c0 + xb; c++) {
              if (got >= values[r * cols + c]) shown[r * cols + c] = 1;
            }
          }
        }
      }
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) {
          if (values[r * cols + c] > 0 && !shown[r * cols + c]) {
            throw new Error(`trial ${trial}: cell (${r},${c}) = ${values[r * cols + c]} not shown`);
          }
        }
      }
    }
    // The property really exercised pixels covering three or more columns.
    expect(wideBuckets).toBeGreaterThan(2000);
  });
});
