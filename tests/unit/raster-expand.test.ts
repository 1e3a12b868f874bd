// expandCodes / expandPixels (raster -> device image) against a per-pixel reference.
import { describe, expect, it } from 'vitest';
import { deviceMap, expandCodes, expandPixels, lineSegments } from '../../src/data/raster.ts';

/** A pixel-to-line map: gaps (-1), stretches of single pixels and lines over several pixels. */
function randomMap(n: number, seed: number): Int32Array {
  let s = seed;
  const rnd = (): number => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const map = new Int32Array(n);
  let line = 0;
  for (let x = 0; x < n;) {
    const kind = rnd();
    const len = 1 + Math.floor(rnd() * 12); // long enough for COPY and FILL segments
    for (let i = 0; i < len && x < n; i++, x++) {
      if (kind < 0.15) map[x] = -1;
      else if (kind < 0.6) map[x] = line++;
      else map[x] = line;
    }
    if (kind >= 0.6) line++;
  }
  return map;
}

describe('lineSegments', () => {
  it('copies long stretches, fills long spans, looks up short mixed pieces, skips gaps', () => {
    const stretch = Array.from({ length: 10 }, (_, i) => i); // lines 0..9, one pixel each
    const span = new Array<number>(9).fill(10); // line 10 over 9 pixels
    const mixed = [11, 11, 12, 13, 13]; // 1.25 px-like cells
    const map = Int32Array.from([...stretch, ...span, -1, -1, ...mixed, 14]);
    // [x0, x1, kind (0 copy, 1 fill, 2 lookup), line]
    expect(Array.from(lineSegments(map))).toEqual([0, 10, 0, 0, 10, 19, 1, 10, 21, 27, 2, 11]);
    expect(Array.from(lineSegments(Int32Array.from([-1, -1])))).toEqual([]);
  });
});

describe('expand', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`matches a per-pixel lookup (seed ${seed})`, () => {
      const xmap = randomMap(97, seed);
      const ymap = randomMap(41, seed + 100);
      const rasterW = Math.max(...xmap) + 1;
      const rasterH = Math.max(...ymap) + 1;
      const codes = new Uint16Array(rasterW * rasterH);
      for (let i = 0; i < codes.length; i++) codes[i] = (i * 7 + seed) % 300;
      const colours = new Uint32Array(300);
      for (let i = 0; i < 300; i++) colours[i] = (0xff000000 | (i * 4099)) >>> 0;
      const pixels = new Uint32Array(codes.length);
      for (let i = 0; i < codes.length; i++) pixels[i] = colours[codes[i]];

      const want = new Uint32Array(xmap.length * ymap.length);
      for (let y = 0; y < ymap.length; y++) {
        for (let x = 0; x < xmap.length; x++) {
          const drawn = xmap[x] >= 0 && ymap[y] >= 0;
          want[y * xmap.length + x] = drawn ? pixels[ymap[y] * rasterW + xmap[x]] : 0;
        }
      }
      const a = new Uint32Array(want.length).fill(0xdeadbeef);
      expandCodes(codes, colours, rasterW, deviceMap(xmap, ymap), a);
      expect(a).toEqual(want);
      const b = new Uint32Array(want.length).fill(0xdeadbeef);
      expandPixels(pixels, rasterW, deviceMap(xmap, ymap), b);
      expect(b).toEqual(want);
    });
  }
});
