import { describe, expect, it } from 'vitest';
import {
  conflictRects,
  hatchTile,
  HATCH_RGBA,
  isSolid,
  stripes,
} from '../../src/pages/keyviz/conflictHatch.ts';

/** Columns of one step each, touching: column c spans [c, c + 1) in "ms". */
function evenCols(n: number) {
  const x0 = new Float64Array(n);
  const x1 = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    x0[c] = c;
    x1[c] = c + 1;
  }
  return { x0, x1, fromMs: 0, toMs: n };
}

function mask(rows: number, cols: number, cells: [number, number][]): Uint8Array {
  const m = new Uint8Array(rows * cols);
  for (const [r, c] of cells) m[r * cols + c] = 1;
  return m;
}

describe('conflictRects', () => {
  it('is empty without conflicts or without a canvas', () => {
    const g = { devW: 100, devH: 100, ...evenCols(4) };
    expect(conflictRects(null, 4, 4, g)).toEqual([]);
    expect(conflictRects(mask(4, 4, [[1, 1]]), 4, 4, { ...g, devW: 0 })).toEqual([]);
  });

  it('maps a cell to its pixels with the heatmap geometry', () => {
    // 4 rows x 5 columns on 100 x 40 device px: a cell is 20 x 10.
    const g = { devW: 100, devH: 40, ...evenCols(5) };
    expect(conflictRects(mask(4, 5, [[2, 3]]), 4, 5, g)).toEqual([{ x: 60, y: 20, w: 20, h: 10 }]);
  });

  it('merges touching conflicting columns of a row, never across a time gap', () => {
    const g = { devW: 100, devH: 40, ...evenCols(5) };
    const m = mask(4, 5, [
      [0, 1],
      [0, 2],
      [0, 4],
    ]);
    expect(conflictRects(m, 4, 5, g)).toEqual([
      { x: 20, y: 0, w: 40, h: 10 },
      { x: 80, y: 0, w: 20, h: 10 },
    ]);
    // Columns 1 and 2 with a missing flush between them: two rectangles.
    const gap = { devW: 60, devH: 40, x0: Float64Array.of(0, 1, 4), x1: Float64Array.of(1, 2, 5) };
    const g2 = { ...gap, fromMs: 0, toMs: 6 };
    expect(
      conflictRects(
        mask(1, 3, [
          [0, 1],
          [0, 2],
        ]),
        1,
        3,
        g2,
      ),
    ).toEqual([
      { x: 10, y: 0, w: 10, h: 40 },
      { x: 40, y: 0, w: 10, h: 40 },
    ]);
  });

  it('hatches the covering pixel when cells are smaller than pixels', () => {
    // 1000 rows x 1000 columns on 10 x 10 px: cell (555, 999) is inside pixel (9, 5).
    const g = { devW: 10, devH: 10, ...evenCols(1000) };
    const rects = conflictRects(mask(1000, 1000, [[555, 999]]), 1000, 1000, g);
    expect(rects).toEqual([{ x: 9, y: 5, w: 1, h: 1 }]);
  });

  it('follows a zoomed row window and skips rows outside it', () => {
    const g = { devW: 100, devH: 100, ...evenCols(1), r0: 2, r1: 4 };
    const m = mask(6, 1, [
      [0, 0],
      [3, 0],
      [5, 0],
    ]);
    expect(conflictRects(m, 6, 1, g)).toEqual([{ x: 0, y: 50, w: 100, h: 50 }]);
  });
});

describe('hatch stripes', () => {
  it('keeps the period and line sane at any dpr', () => {
    expect(stripes(6, 2)).toEqual({ period: 6, light: 2 });
    expect(stripes(9, 3)).toEqual({ period: 9, light: 3 });
    expect(stripes(1, 5)).toEqual({ period: 3, light: 1 });
  });

  it('draws a "/" stripe tile: light, then one dark pixel, then transparent', () => {
    const tile = hatchTile({ period: 4, light: 1 });
    const at = (x: number, y: number) => tile[y * 4 + x];
    expect(at(0, 0)).toBe(HATCH_RGBA.light);
    expect(at(1, 0)).toBe(HATCH_RGBA.dark);
    expect(at(2, 0)).toBe(0);
    expect(at(3, 0)).toBe(0);
    // Along the anti-diagonal x + y = 4 (mod 4): light again, so the tile repeats seamlessly.
    expect(at(3, 1)).toBe(HATCH_RGBA.light);
    expect(at(1, 3)).toBe(HATCH_RGBA.light);
    expect(tile.filter((v) => v === HATCH_RGBA.light).length).toBe(4);
    const bytes = new Uint8Array(tile.buffer);
    expect([...bytes.subarray(0, 4)]).toEqual([255, 255, 255, 230]);
    expect([...bytes.subarray(4, 8)]).toEqual([0, 0, 0, 204]);
  });

  it('fills a rectangle too small to meet a stripe', () => {
    const st = { period: 6, light: 2 };
    expect(isSolid({ x: 9, y: 5, w: 1, h: 1 }, st)).toBe(true);
    expect(isSolid({ x: 0, y: 0, w: 3, h: 3 }, st)).toBe(true);
    expect(isSolid({ x: 0, y: 0, w: 4, h: 3 }, st)).toBe(false);
  });
});
