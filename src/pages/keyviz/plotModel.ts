// Pure glue between the URL's view state and the view model (src/data/view): the filtered
// matrix, the home extent and bounds, the viewport a zoom shows, and the zoom a viewport stores.

import type { Matrix } from '../../data/matrix.ts';
import { inferStepMs } from '../../data/raster.ts';
import { perStepMatrix } from '../../data/columnTiers.ts';
import type { TimeRange, ZoomState } from '../../data/urlState.ts';
import {
  clampView,
  columnEdges,
  filterRows,
  fromZoomState,
  fullView,
  keyRangeOfRows,
  makeBounds,
  parseFilter,
  projectMatrix,
  sameScreenTransform,
  timeExtent,
  toZoomState,
  viewportFor,
  type ColumnEdges,
  type ViewBounds,
  type Viewport,
} from '../../data/view/index.ts';
import { sameZoom } from './heatmapState.ts';

export interface Filtered {
  matrix: Matrix;
  /** The filter text's parse error ('' when none). */
  error: string;
  /** Rows kept / rows in the answer. */
  kept: number;
  total: number;
}

/** The rows the filter box keeps (a parse error keeps every row). */
export function applyFilter(raw: Matrix, text: string): Filtered {
  const f = parseFilter(text);
  const m = f.error ? raw : projectMatrix(raw, filterRows(raw, f));
  return { matrix: m, error: f.error ?? '', kept: m.rowCount, total: raw.rowCount };
}

export interface Home {
  t0: number;
  t1: number;
}

/**
 * The time extent Reset returns to and zoom may not leave: the data's extent, widened to what
 * the range covers. While zoomed, the matrix holds only the zoom's window, so the extent last
 * seen unzoomed (`prev`) is kept.
 */
export function homeExtent(
  range: TimeRange,
  edges: ColumnEdges,
  zoomed: boolean,
  prev: Home | null,
): Home {
  const data = timeExtent(edges);
  let t0 = data.fromMs;
  let t1 = data.toMs;
  if (typeof range !== 'string') {
    t0 = Math.min(t0, range.fromMs);
    t1 = Math.max(t1, range.toMs);
  }
  if (zoomed && prev) {
    t0 = Math.min(t0, prev.t0);
    t1 = Math.max(t1, prev.t1);
  }
  return { t0, t1 };
}

export interface PlotModel {
  matrix: Matrix;
  /** What the colours show: `matrix`, or per-step counts when column widths differ. */
  paint: Matrix;
  stepMs: number;
  edges: ColumnEdges;
  bounds: ViewBounds;
}

export function plotModel(m: Matrix, home: Home, stepMs: number, edges: ColumnEdges): PlotModel {
  return {
    matrix: m,
    paint: perStepMatrix(m, stepMs),
    stepMs,
    edges,
    bounds: makeBounds(home.t0, home.t1, m.rowCount, stepMs),
  };
}

export function stepAndEdges(m: Matrix): { stepMs: number; edges: ColumnEdges } {
  const stepMs = inferStepMs(m.columns);
  return { stepMs, edges: columnEdges(m.columns, stepMs, m.columnWidths) };
}

/** The viewport a URL zoom shows over `m` (whole rows of its key range; all when unzoomed). */
export function viewportFromZoom(zoom: ZoomState | null, m: Matrix, b: ViewBounds): Viewport {
  if (!zoom) return fullView(b);
  return clampView(viewportFor(fromZoomState(zoom), m), b);
}

/** What the page showed last: the exact (fractional) view for a zoom over a matrix. */
export interface Shown {
  zoom: ZoomState | null;
  matrix: Matrix;
  view: Viewport;
}

/**
 * The view to draw: the exact view last shown for this zoom (fractional rows survive), carried
 * to a new matrix by key range and time (no jump when refetched data arrives); otherwise the
 * zoom's whole rows.
 */
export function resolveView(
  prev: Shown | null,
  zoom: ZoomState | null,
  m: Matrix,
  b: ViewBounds,
): Viewport {
  if (zoom && prev && sameZoom(prev.zoom, zoom) && prev.matrix.rowCount > 0) {
    const v = prev.matrix === m ? prev.view : sameScreenTransform(prev.view, prev.matrix, m);
    return clampView(v, b);
  }
  return viewportFromZoom(zoom, m, b);
}

/**
 * The URL zoom for a view: null for the whole extent; key ends left open when the view reaches
 * the first/last row, so a refetch with re-ranked rows still shows everything on that side.
 */
export function zoomOf(v: Viewport, m: Matrix, b: ViewBounds): ZoomState | null {
  const eps = 1e-6;
  const allRows = v.r0 <= eps && v.r1 >= b.rows - eps;
  const allTime = v.t0 <= b.t0 + 0.5 && v.t1 >= b.t1 - 0.5;
  if (allRows && allTime) return null;
  const keys = keyRangeOfRows(m, v.r0, v.r1);
  return toZoomState({
    t0: v.t0,
    t1: v.t1,
    startKey: v.r0 <= eps ? new Uint8Array(0) : keys.startKey,
    endKey: v.r1 >= b.rows - eps ? new Uint8Array(0) : keys.endKey,
  });
}
