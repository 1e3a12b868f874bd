// The raster path in real Chromium: a 1024 x 1440 matrix with one hot cell, pooled, coloured,
// put into ImageData and drawn scaled onto a canvas; pixels read back must show the hot cell
// where it belongs, in the ramp's colours, with zero cells transparent.
import { describe, expect, it } from 'vitest';
import { buildLut } from '../../src/data/colorRamp.ts';
import { makeScale } from '../../src/data/scale.ts';
import { colorize, pixelOf, poolMax, rasterTarget } from '../../src/data/raster.ts';
import { createRasterSurface, drawRaster, putRaster } from '../../src/data/paint.ts';

const ROWS = 1024;
const COLS = 1440;
const HOT_R = 517;
const HOT_C = 1003;
const HOT = 4e9;

function matrix(): Float64Array {
  const v = new Float64Array(ROWS * COLS);
  // Light traffic in a band (rows 100..199), zeros elsewhere, one very hot cell.
  for (let r = 100; r < 200; r++)
    for (let c = 0; c < COLS; c++) v[r * COLS + c] = 1 + ((r * 31 + c) % 50);
  v[HOT_R * COLS + HOT_C] = HOT;
  return v;
}

const rgba = (c: number): number[] => [c & 255, (c >>> 8) & 255, (c >>> 16) & 255, c >>> 24];

describe.each([
  { dpr: 1, palette: 'heat' as const, kind: 'log' as const },
  { dpr: 1.5, palette: 'cvd' as const, kind: 'linear' as const },
])('raster at dpr $dpr ($palette, $kind)', ({ dpr, palette, kind }) => {
  it('shows the hot cell, follows the LUT, leaves zeros transparent', () => {
    const cssW = 1200;
    const cssH = 700;
    const devW = Math.round(cssW * dpr);
    const devH = Math.round(cssH * dpr);
    const canvas = document.createElement('canvas');
    canvas.width = devW;
    canvas.height = devH;
    canvas.style.width = `${cssW}px`;
    canvas.style.height = `${cssH}px`;
    document.body.append(canvas);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;

    const values = matrix();
    const { outW, outH } = rasterTarget(ROWS, COLS, devW, devH);
    const pooled = poolMax(values, ROWS, COLS, { r0: 0, r1: ROWS, c0: 0, c1: COLS }, outW, outH);
    const lut = buildLut({ palette, size: 256 });
    const scale = makeScale({ kind, max: HOT, brightness: 1 });
    const pixels = colorize(pooled, lut, scale);
    const surface = createRasterSurface();
    putRaster(surface, pixels, outW, outH);
    drawRaster(ctx, surface, { x: 0, y: 0, w: devW, h: devH });
    const img = ctx.getImageData(0, 0, devW, devH).data;

    // Device pixel at the centre of raster pixel (px, py).
    const at = (px: number, py: number): number[] => {
      const x = Math.floor(((px + 0.5) * devW) / outW);
      const y = Math.floor(((py + 0.5) * devH) / outH);
      const i = (y * devW + x) * 4;
      return [img[i], img[i + 1], img[i + 2], img[i + 3]];
    };

    const hx = pixelOf(HOT_C, COLS, outW);
    const hy = pixelOf(HOT_R, ROWS, outH);
    expect(at(hx, hy)).toEqual(rgba(lut[255]));
    // The brightest colour appears nowhere else.
    let hot = 0;
    const top = rgba(lut[255]);
    for (let i = 0; i < img.length; i += 4) {
      if (img[i] === top[0] && img[i + 1] === top[1] && img[i + 2] === top[2] && img[i + 3] === 255)
        hot++;
    }
    const cellPx = Math.ceil(devW / outW) * Math.ceil(devH / outH);
    expect(hot).toBeGreaterThan(0);
    expect(hot).toBeLessThanOrEqual(cellPx);

    // Band cells: exactly the LUT colour of their pooled value.
    for (const py of [
      pixelOf(100, ROWS, outH),
      pixelOf(150, ROWS, outH),
      pixelOf(199, ROWS, outH),
    ]) {
      for (const px of [0, 7, Math.floor(outW / 2), outW - 1]) {
        const v = pooled[py * outW + px];
        expect(v).toBeGreaterThan(0);
        expect(at(px, py)).toEqual(rgba(lut[scale.index(v, 256)]));
      }
    }

    // Zero cells: fully transparent (the page background shows).
    for (const [px, py] of [
      [0, 0],
      [outW - 1, outH - 1],
      [hx - 3, hy],
      [hx, hy + 3],
    ]) {
      expect(at(px, py)[3]).toBe(0);
    }
    canvas.remove();
  });
});
