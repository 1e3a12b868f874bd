// Viewport <-> plot pixels, for wiring pointer events (wheel anchor, drag rectangle, pan by
// pixels), and the device-pixel grid the heatmap is drawn on (screenRaster): which cells each
// device pixel shows, shared by drawing, hit-testing and conflict hatching.
// Plot coordinates are CSS px relative to the plot's top-left corner.

import {
  axisRaster,
  clippedSpan,
  pixelSpan,
  type AxisRaster,
  type AxisSpans,
  type View,
} from '../raster.ts';
import { columnRange } from './gaps.ts';
import { pan, type ViewBounds, type Viewport } from './viewport.ts';

export interface PlotSize {
  width: number;
  height: number;
  /**
   * The canvas backing store under the plot (device pixels). With both, hit-testing and cell
   * outlines snap to the device pixels the cells are drawn on (screenRaster).
   */
  devW?: number;
  devH?: number;
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

type Edges = { x0: Float64Array; x1: Float64Array };

/**
 * Device pixels of column c for the time window [t0, t1) drawn devW pixels wide: clipped to
 * the canvas (what is drawn), or not (a cell outline that may reach past the edge).
 */
export function columnSpan(
  edges: Edges,
  c: number,
  t0: number,
  t1: number,
  devW: number,
  clip = true,
): [number, number] {
  const k = devW / (t1 - t0);
  const a = (edges.x0[c] - t0) * k;
  const b = (edges.x1[c] - t0) * k;
  return clip ? clippedSpan(a, b, devW) : pixelSpan(a, b);
}

/** Device pixels of row i for the fractional row window [r0, r1) drawn devH pixels high. */
export function rowSpan(
  i: number,
  r0: number,
  r1: number,
  devH: number,
  clip = true,
): [number, number] {
  const k = devH / (r1 - r0);
  const a = (i - r0) * k;
  const b = (i + 1 - r0) * k;
  return clip ? clippedSpan(a, b, devH) : pixelSpan(a, b);
}

/** The rows a fractional row window shows, whole: [r0, r1) clamped to the matrix. */
export function visibleRows(vp: Viewport, rowCount: number): { r0: number; r1: number } {
  const r0 = Math.max(0, Math.min(rowCount, Math.floor(vp.r0)));
  return { r0, r1: Math.max(r0, Math.min(rowCount, Math.ceil(vp.r1))) };
}

/** Device-pixel spans of the columns overlapping the viewport's time window. */
export function columnPixels(edges: Edges, vp: Viewport, devW: number): AxisSpans {
  const { c0, c1 } = devW > 0 && vp.t1 > vp.t0 ? columnRange(edges, vp.t0, vp.t1) : NONE;
  return spans(c0, c1, (c) => columnSpan(edges, c, vp.t0, vp.t1, devW));
}

/** Device-pixel spans of the rows the viewport shows. */
export function rowPixels(vp: Viewport, rowCount: number, devH: number): AxisSpans {
  const { r0, r1 } = devH > 0 && vp.r1 > vp.r0 ? visibleRows(vp, rowCount) : { r0: 0, r1: 0 };
  return spans(r0, r1, (i) => rowSpan(i, vp.r0, vp.r1, devH));
}

const NONE = { c0: 0, c1: 0 };

function spans(i0: number, i1: number, span: (i: number) => [number, number]): AxisSpans {
  const lo = new Int32Array(i1 - i0);
  const hi = new Int32Array(lo.length);
  for (let i = i0; i < i1; i++) [lo[i - i0], hi[i - i0]] = span(i);
  return { first: i0, lo, hi };
}

/** What to pool for a viewport on a devW x devH canvas, and which device pixel shows what. */
export interface ScreenRaster {
  /** The cells that reach the screen (whole rows, columns overlapping the time window). */
  view: View;
  /** Raster columns (one per cell while cells are at least a pixel wide) and device columns. */
  cols: AxisRaster;
  /** Raster rows (never more than min(rows, devH)) and device rows. */
  rows: AxisRaster;
}

/**
 * The screen raster: at most one raster column per cell column and per device pixel (pooled
 * once, repeated across the pixels a wide cell covers), likewise rows; gap pixels show nothing.
 */
export function screenRaster(
  vp: Viewport,
  edges: Edges,
  rowCount: number,
  devW: number,
  devH: number,
): ScreenRaster {
  const cs = columnPixels(edges, vp, devW);
  const rs = rowPixels(vp, rowCount, devH);
  return {
    view: {
      r0: rs.first,
      r1: rs.first + rs.lo.length,
      c0: cs.first,
      c1: cs.first + cs.lo.length,
    },
    cols: axisRaster(cs, devW),
    rows: axisRaster(rs, devH),
  };
}
