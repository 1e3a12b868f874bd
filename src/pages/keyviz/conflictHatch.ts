// Conflicting write cells (cluster view) -> device-pixel rectangles and a diagonal-stripe mask,
// for an overlay canvas above the heatmap. Pure: no DOM. Uses the heatmap's own mapping: time
// across (the gap-aware column layout over [fromMs, toMs)) and rows down (rows [r0, r1) over
// the canvas height), so a hatch lands on the cell the raster drew.

import { columnPixels, rowPixels } from '../../data/view/screen.ts';

export interface ConflictGeometry {
  /** Backing store of the heatmap canvas (device pixels). */
  devW: number;
  devH: number;
  /** Per column, its time extent [x0, x1) (columnLayout). */
  x0: Float64Array;
  x1: Float64Array;
  /** The time window drawn across the canvas width. */
  fromMs: number;
  toMs: number;
  /** Rows drawn down the canvas height; fractional for a zoomed view. Default all rows. */
  r0?: number;
  r1?: number;
}

/** Device-pixel rectangle, whole pixels, clipped to the canvas. */
export interface PixelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * One rectangle per run of horizontally adjacent conflicting cells in a row (fewer rectangles
 * than cells; rows that share a pixel may repeat a rectangle, which the mask absorbs). Each
 * cell's pixels are the raster's own (columnPixels, rowPixels: a cell thinner than a pixel
 * hatches the pixel that shows it), so a hatch never misses or overhangs its cell.
 */
export function conflictRects(
  conflicts: Uint8Array | null,
  rowCount: number,
  colCount: number,
  g: ConflictGeometry,
): PixelRect[] {
  const out: PixelRect[] = [];
  const vp = { t0: g.fromMs, t1: g.toMs, r0: g.r0 ?? 0, r1: g.r1 ?? rowCount };
  if (!conflicts || g.devW <= 0 || g.devH <= 0 || !(vp.t1 > vp.t0) || !(vp.r1 > vp.r0)) return out;
  const cs = columnPixels(g, vp, g.devW);
  const rs = rowPixels(vp, rowCount, g.devH);
  const c0 = cs.first;
  const c1 = Math.min(colCount, c0 + cs.lo.length);
  for (let i = 0; i < rs.lo.length; i++) {
    const r = rs.first + i;
    const y0 = rs.lo[i];
    const y1 = rs.hi[i];
    const off = r * colCount;
    let c = c0;
    while (c < c1) {
      if (conflicts[off + c] !== 1) {
        c++;
        continue;
      }
      let end = c + 1;
      // Merge only across touching columns: a time gap between them stays unhatched.
      while (end < c1 && conflicts[off + end] === 1 && g.x0[end] <= g.x1[end - 1]) end++;
      const x0 = cs.lo[c - c0];
      const x1 = cs.hi[end - 1 - c0];
      out.push({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
      c = end;
    }
  }
  return out;
}

/** Stripe geometry in device pixels: a period and the light line's width within it. */
export interface Stripes {
  period: number;
  light: number;
}

export function stripes(periodPx: number, lineWidthPx: number): Stripes {
  const period = Math.max(3, Math.round(periodPx));
  return { period, light: Math.max(1, Math.min(period - 2, Math.round(lineWidthPx))) };
}

/** RGBA bytes (little-endian Uint32, as ImageData reads them). */
export const HATCH_RGBA = {
  light: 0xe6ffffff, // white, alpha 230
  dark: 0xcc000000, // black, alpha 204
} as const;

/**
 * One period x period tile of diagonal stripes ("/", 45°): pixel (x, y) is light where
 * (x + y) mod period < light, dark on the pixel after (so a stripe shows on light and dark
 * colours alike), else transparent. (x + y) mod period repeats every period along both axes, so
 * a canvas pattern of this tile (anchored at the canvas origin) continues across cells.
 */
export function hatchTile(s: Stripes): Uint32Array<ArrayBuffer> {
  const { period, light } = s;
  const px = new Uint32Array(period * period);
  for (let y = 0; y < period; y++) {
    for (let x = 0; x < period; x++) {
      const k = (x + y) % period;
      if (k < light) px[y * period + x] = HATCH_RGBA.light;
      else if (k === light) px[y * period + x] = HATCH_RGBA.dark;
    }
  }
  return px;
}

/**
 * A rectangle too small to be sure to meet a stripe (its x + y spans less than a period) is
 * filled light instead: a lone conflicting pixel still shows.
 */
export function isSolid(r: PixelRect, s: Stripes): boolean {
  return r.w + r.h - 1 < s.period;
}
