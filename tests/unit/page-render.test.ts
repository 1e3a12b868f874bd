// colour ramp, LUT, scales and the raster passes: pure functions over typed arrays.
import { describe, expect, it } from 'vitest';
import {
  buildLut,
  luminance,
  packRgba,
  paletteStops,
  rampCss,
  rampRgb,
  PALETTES,
} from '../../src/data/colorRamp.ts';
import { clampBrightness, indexWith, makeScale, scalePosition } from '../../src/data/scale.ts';
import {
  bucketEdges,
  colorize,
  columnLayout,
  inferStepMs,
  poolMax,
  rasterTarget,
  pixelOf,
} from '../../src/data/raster.ts';

const unpack = (c: number): number[] => [c & 255, (c >>> 8) & 255, (c >>> 16) & 255, c >>> 24];

describe('colour ramps', () => {
  it.each(PALETTES)('%s has >= 8 stops, brighter with heat on dark, darker on light', (p) => {
    for (const scheme of ['dark', 'light'] as const) {
      const stops = paletteStops(p, scheme);
      expect(stops.length).toBeGreaterThanOrEqual(8);
      const sign = scheme === 'dark' ? 1 : -1;
      let prev = -Infinity;
      for (let i = 0; i <= 100; i++) {
        const [r, g, b] = rampRgb(p, i / 100, scheme);
        const y = sign * luminance(r, g, b);
        expect(y).toBeGreaterThanOrEqual(prev - 1e-3); // interpolation keeps it monotone
        prev = y;
      }
      const y0 = luminance(...rampRgb(p, 0, scheme));
      const y1 = luminance(...rampRgb(p, 1, scheme));
      expect(Math.max(y0, y1) / Math.max(1e-6, Math.min(y0, y1))).toBeGreaterThan(10);
    }
  });

  it('buildLut: index 0 transparent, others opaque, ends match the ramp ends', () => {
    for (const palette of PALETTES) {
      const lut = buildLut({ palette, size: 256 });
      expect(lut.length).toBe(256);
      expect(lut[0]).toBe(0);
      for (let i = 1; i < 256; i++) expect(lut[i] >>> 24).toBe(255);
      expect(unpack(lut[1]).slice(0, 3)).toEqual(rampRgb(palette, 0));
      expect(unpack(lut[255]).slice(0, 3)).toEqual(rampRgb(palette, 1));
    }
  });

  it('packs 0xAABBGGRR for little-endian ImageData', () => {
    expect(packRgba(0x11, 0x22, 0x33, 0x44)).toBe(0x44332211);
    const bytes = new Uint8Array(new Uint32Array([packRgba(1, 2, 3)]).buffer);
    expect(Array.from(bytes)).toEqual([1, 2, 3, 255]);
  });

  it('rampCss gives rgb() and clamps t', () => {
    expect(rampCss('heat', -5)).toBe(rampCss('heat', 0));
    expect(rampCss('cvd', 9)).toMatch(/^rgb\(\d+, \d+, \d+\)$/);
    expect(rampCss('heat', NaN)).toBe(rampCss('heat', 0));
  });
});

describe('scales', () => {
  it('clampBrightness snaps to powers of two within 1/64..64', () => {
    expect(clampBrightness(3)).toBe(4);
    expect(clampBrightness(1000)).toBe(64);
    expect(clampBrightness(1 / 1000)).toBe(1 / 64);
    expect(clampBrightness(NaN)).toBe(1);
    expect(clampBrightness(-2)).toBe(1);
  });

  it.each(['log', 'linear'] as const)(
    '%s: 0 -> 0, any v > 0 -> >= 1, top and above -> last',
    (kind) => {
      const s = makeScale({ kind, max: 1e9, brightness: 1 });
      expect(s.index(0, 256)).toBe(0);
      expect(s.index(-3, 256)).toBe(0);
      expect(s.index(NaN, 256)).toBe(0);
      expect(s.index(1e-9, 256)).toBe(1);
      expect(s.index(1, 256)).toBeGreaterThanOrEqual(1);
      expect(s.index(1e9, 256)).toBe(255);
      expect(s.index(1e12, 256)).toBe(255);
      expect(s.index(Infinity, 256)).toBe(255);
    },
  );

  it.each(['log', 'linear'] as const)('%s index is monotone and matches its definition', (kind) => {
    const max = 123_456;
    const s = makeScale({ kind, max, brightness: 2 });
    const top = max / 2;
    let prev = 0;
    for (let v = 0; v < 200_000; v += v < 100 ? 1 : 37.5) {
      const i = s.index(v, 256);
      expect(i).toBeGreaterThanOrEqual(prev);
      prev = i;
      if (v > 0) {
        const t = kind === 'log' ? Math.log1p(v) / Math.log1p(top) : v / top;
        const want = Math.min(255, 1 + Math.floor(t * 255));
        // Exact except within rounding of a band edge.
        expect(Math.abs(i - want)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('brightness 2x saturates at half the max', () => {
    const s = makeScale({ kind: 'linear', max: 1000, brightness: 2 });
    expect(s.top).toBe(500);
    expect(s.index(500, 256)).toBe(255);
    expect(s.index(490, 256)).toBeLessThan(255);
  });

  it('log table agrees with bisection for awkward values', () => {
    for (const max of [0.5, 1, 3, 100, 5e9, 2 ** 64]) {
      const s = makeScale({ kind: 'log', max, brightness: 1 });
      const t = s.table(256);
      for (const v of [1e-6, 0.001, 0.3, 1, 2, 3, 7.5, 99, 1024, 65535, 1e6, 4e9, 1e15, 2 ** 63]) {
        let want = 1;
        for (let j = 2; j <= t.hi; j++) if (t.thr[j] <= v) want = j;
        expect(indexWith(t, v)).toBe(want);
      }
    }
  });

  it('valueAt inverts the mapping; ticks are nice, ascending and within [0, top]', () => {
    const log = makeScale({ kind: 'log', max: 87_000, brightness: 1 });
    expect(log.valueAt(0)).toBe(0);
    expect(log.valueAt(1)).toBeCloseTo(87_000, 3);
    expect(scalePosition(log, log.valueAt(0.5))).toBeCloseTo(0.5, 9);
    const lt = log.ticks(6);
    expect(lt[0]).toBe(0);
    expect(lt.length).toBeLessThanOrEqual(6);
    expect(lt).toEqual([...lt].sort((a, b) => a - b));
    for (const v of lt.slice(1)) expect(String(v)).toMatch(/^[125]0*$/);
    const lin = makeScale({ kind: 'linear', max: 870, brightness: 1 });
    const t = lin.ticks(5);
    expect(t).toEqual([0, 200, 400, 600, 800]);
  });

  it('an empty matrix (max 0) still gives a usable scale', () => {
    const s = makeScale({ kind: 'log', max: 0, brightness: 1 });
    expect(s.top).toBe(1);
    expect(s.index(0, 256)).toBe(0);
  });
});

describe('raster', () => {
  it('rasterTarget: one pixel per cell until cells outnumber pixels', () => {
    expect(rasterTarget(1024, 1440, 1200, 700)).toEqual({ outW: 1200, outH: 700 });
    expect(rasterTarget(10, 60, 1200, 700)).toEqual({ outW: 60, outH: 10 });
    expect(rasterTarget(0, 0, 1200, 700)).toEqual({ outW: 0, outH: 0 });
  });

  it('pixelOf inverts bucketEdges', () => {
    for (const [n, out] of [
      [1440, 1199],
      [1024, 700],
      [7, 7],
      [5, 1],
    ]) {
      const e = bucketEdges(n, out);
      for (let i = 0; i < n; i++) {
        const x = pixelOf(i, n, out);
        expect(e[x]).toBeLessThanOrEqual(i);
        expect(e[x + 1]).toBeGreaterThan(i);
      }
    }
  });

  it('bucketEdges cover every source exactly once when downsampling', () => {
    const e = bucketEdges(1440, 1199);
    expect(e[0]).toBe(0);
    expect(e[1199]).toBe(1440);
    for (let i = 0; i < 1199; i++) expect(e[i + 1]).toBeGreaterThan(e[i]);
  });

  it('poolMax keeps a single hot cell at every downsampling', () => {
    const rows = 1024;
    const cols = 1440;
    const v = new Float64Array(rows * cols);
    for (let i = 0; i < v.length; i++) v[i] = (i * 7919) % 13; // background noise
    const hr = 517;
    const hc = 1003;
    v[hr * cols + hc] = 1e9;
    for (const [w, h] of [
      [1200, 700],
      [1440, 1024],
      [333, 97],
      [1, 1],
      [1440, 5],
    ]) {
      const p = poolMax(v, rows, cols, { r0: 0, r1: rows, c0: 0, c1: cols }, w, h);
      const x = pixelOf(hc, cols, w);
      const y = pixelOf(hr, rows, h);
      expect(p[y * w + x]).toBe(1e9);
      let count = 0;
      for (const q of p) if (q === 1e9) count++;
      expect(count).toBe(1);
    }
  });

  it('poolMax of a sub-view, upsampled, and with empty/clamped views', () => {
    const cols = 4;
    const v = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // 3 x 4
    expect(Array.from(poolMax(v, 3, cols, { r0: 1, r1: 3, c0: 1, c1: 3 }, 2, 2))).toEqual([
      6, 7, 10, 11,
    ]);
    expect(Array.from(poolMax(v, 3, cols, { r0: 0, r1: 3, c0: 0, c1: 4 }, 2, 1))).toEqual([10, 12]);
    // Asking for more pixels than cells repeats cells (nearest neighbour).
    expect(Array.from(poolMax(v, 3, cols, { r0: 0, r1: 1, c0: 0, c1: 2 }, 4, 1))).toEqual([
      1, 1, 2, 2,
    ]);
    expect(Array.from(poolMax(v, 3, cols, { r0: 2, r1: 2, c0: 0, c1: 4 }, 2, 2))).toEqual([
      0, 0, 0, 0,
    ]);
    expect(Array.from(poolMax(v, 3, cols, { r0: -5, r1: 99, c0: -1, c1: 99 }, 1, 1))).toEqual([12]);
    // Reuses a buffer of the right size.
    const buf = new Float64Array(4);
    expect(poolMax(v, 3, cols, { r0: 0, r1: 2, c0: 0, c1: 2 }, 2, 2, undefined, buf)).toBe(buf);
  });

  it('colorize follows scale.index through the LUT; zero is transparent', () => {
    const lut = buildLut({ palette: 'heat', size: 256 });
    const vals = [0, 1, 2, 3, 10, 99, 4095, 4096, 5000, 123_456, 1e9, 2e9, 0.5, 1e-7, -1, NaN];
    const pooled = Float64Array.from(vals);
    for (const kind of ['log', 'linear'] as const) {
      for (const brightness of [1 / 64, 1, 8]) {
        const s = makeScale({ kind, max: 1e9, brightness });
        const out = colorize(pooled, lut, s);
        vals.forEach((v, i) => expect(out[i]).toBe(lut[s.index(v, 256)]));
        expect(out[0]).toBe(0);
        expect(out[1] >>> 24).toBe(255); // a single op is never background
      }
    }
  });

  it('colorize is consistent for whole values across the small-table boundary', () => {
    const lut = buildLut({ palette: 'cvd', size: 256 });
    const pooled = new Float64Array(10_000).map((_, i) => i);
    for (const kind of ['log', 'linear'] as const) {
      const s = makeScale({ kind, max: 9000, brightness: 1 });
      const out = colorize(pooled, lut, s);
      for (let i = 0; i < pooled.length; i++) expect(out[i]).toBe(lut[s.index(i, 256)]);
    }
  });
});

describe('gaps and hit testing', () => {
  const step = 60_000;
  const cols = Float64Array.from([0, 60_000, 120_000, 600_000, 660_000].map((t) => t + 1e12));

  it('columnLayout leaves a gap when flushes are > 1.5 steps apart', () => {
    const { x0, x1, gaps } = columnLayout(cols, step);
    expect(gaps).toBe(1);
    expect(x0[1]).toBe(x1[0]);
    expect(x0[3]).toBe(cols[3] - step);
    expect(x0[3]).toBeGreaterThan(x1[2]);
    expect(inferStepMs(cols)).toBe(60_000);
  });

  it('poolMax with column buckets keeps the hot cell and leaves empty buckets (gaps) at 0', () => {
    // 2 rows x 5 columns; pixels 3 and 4 are a time gap, pixel 6 pools columns 3 and 4.
    const v = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 99, 9, 10]);
    const b = {
      starts: Int32Array.from([0, 1, 2, 3, 3, 3]),
      ends: Int32Array.from([1, 2, 3, 3, 3, 5]),
    };
    const p = poolMax(v, 2, 5, { r0: 0, r1: 2, c0: 0, c1: 5 }, 6, 1, b);
    expect(Array.from(p)).toEqual([6, 7, 99, 0, 0, 10]);
  });
});
