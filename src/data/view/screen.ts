// Viewport <-> plot pixels, for wiring pointer events (wheel anchor, drag rectangle, pan by
// pixels) and for drawing fractional row views with the whole-row raster of raster.ts.
// Plot coordinates are CSS px relative to the plot's top-left corner.

import type { View } from '../raster.ts';
import { columnRange } from './gaps.ts';
import { pan, type ViewBounds, type Viewport } from './viewport.ts';

export interface PlotSize {
  width: number;
  height: number;
}

/** The time and (fractional) row under a plot point. */
export function pointToData(
  view: Viewport,
  x: number,
  y: number,
  size: PlotSize,
): { t: number; r: number } {
  const fx = size.width > 0 ? x / size.width : 0;
  const fy = size.height > 0 ? y / size.height : 0;
  return { t: view.t0 + fx * (view.t1 - view.t0), r: view.r0 + fy * (view.r1 - view.r0) };
}

/** The plot point of a time and row (inverse of pointToData). */
export function dataToPoint(
  view: Viewport,
  t: number,
  r: number,
  size: PlotSize,
): { x: number; y: number } {
  const st = view.t1 - view.t0;
  const sr = view.r1 - view.r0;
  return {
    x: st > 0 ? ((t - view.t0) / st) * size.width : 0,
    y: sr > 0 ? ((r - view.r0) / sr) * size.height : 0,
  };
}

/** The data rectangle of a drag between two plot points (for zoomToRect). */
export function dragRect(
  view: Viewport,
  a: { x: number; y: number },
  b: { x: number; y: number },
  size: PlotSize,
): Viewport {
  const p = pointToData(view, a.x, a.y, size);
  const q = pointToData(view, b.x, b.y, size);
  return { t0: p.t, t1: q.t, r0: p.r, r1: q.r };
}

/** Pan by a pointer drag of (dx, dy) px: the data follows the pointer. */
export function panByPixels(
  view: Viewport,
  dx: number,
  dy: number,
  size: PlotSize,
  bounds: ViewBounds,
): Viewport {
  const dt = size.width > 0 ? (-dx / size.width) * (view.t1 - view.t0) : 0;
  const dr = size.height > 0 ? (-dy / size.height) * (view.r1 - view.r0) : 0;
  return pan(view, dt, dr, bounds);
}

/** Wheel delta -> zoom factor (> 1 zooms in); ~1.25x per notch of 100 px. */
export function wheelFactor(deltaY: number, deltaMode = 0): number {
  // deltaMode 1 = lines, 2 = pages (Firefox); normalise to pixels.
  const px = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 800 : deltaY;
  const clamped = Math.max(-500, Math.min(500, px));
  return Math.pow(1.25, -clamped / 100);
}

export interface RasterWindow {
  /** Whole rows and the columns overlapping the time window: the poolMax view. */
  view: View;
  /** Time window to lay columns over (timeColumnStarts(layout, fromMs, toMs, outW)). */
  fromMs: number;
  toMs: number;
  /**
   * Where the bitmap of whole rows [view.r0, view.r1) goes, in plot px: from `top` for `height`
   * (top <= 0 and height >= plot height when the view cuts rows; the plot clips the excess).
   */
  top: number;
  height: number;
}

/** What to raster for a viewport, and where to put it when the view cuts rows. */
export function rasterWindow(
  vp: Viewport,
  edges: { x0: Float64Array; x1: Float64Array },
  rowCount: number,
  plotHeight: number,
): RasterWindow {
  const r0 = Math.max(0, Math.min(rowCount, Math.floor(vp.r0)));
  const r1 = Math.max(r0, Math.min(rowCount, Math.ceil(vp.r1)));
  const { c0, c1 } = columnRange(edges, vp.t0, vp.t1);
  const span = vp.r1 - vp.r0;
  const pxPerRow = span > 0 ? plotHeight / span : 0;
  return {
    view: { r0, r1, c0, c1 },
    fromMs: vp.t0,
    toMs: vp.t1,
    top: (r0 - vp.r0) * pxPerRow,
    height: (r1 - r0) * pxPerRow,
  };
}
