// The visible window over a matrix: a time window [t0, t1) in unix ms and a row window [r0, r1)
// (fractional rows allowed, so zoom is smooth). Pure functions: zoom at a point, pan, zoom to a
// dragged rectangle, and the conversions that let a zoom survive
// a refetch (stored as time + key range, never as row indexes, since a refetch changes rows).

import type { Matrix } from '../matrix.ts';
import { fromHex, toHex } from '../keys.ts';
import type { ZoomState } from '../urlState.ts';
import { compareKeys, keysEqual } from './keyOrder.ts';

export interface Viewport {
  t0: number;
  t1: number;
  r0: number;
  r1: number;
}

/** What the view may show: the data's extent and how far one may zoom in. */
export interface ViewBounds {
  t0: number;
  t1: number;
  /** Row count: rows span [0, rows). */
  rows: number;
  /** Smallest time span (already reconciled with maxZoom and the extent). */
  minSpanMs: number;
  /** Smallest row span. */
  minRows: number;
}

export interface BoundsOptions {
  /** Narrowest view in columns (default 2). */
  minColumns?: number;
  /** Narrowest view in rows (default 1). */
  minRows?: number;
  /** Deepest zoom relative to the whole extent (default 256). */
  maxZoom?: number;
}

/** Bounds from an explicit extent; `stepMs` sizes the narrowest time span. */
export function makeBounds(
  t0: number,
  t1: number,
  rows: number,
  stepMs: number,
  opts: BoundsOptions = {},
): ViewBounds {
  const maxZoom = Math.max(1, opts.maxZoom ?? 256);
  const span = Math.max(0, t1 - t0);
  const rowsN = Math.max(0, rows);
  // The narrowest view is the larger of "N columns/rows" and "extent / maxZoom", never more
  // than the whole extent (a 1-column matrix cannot be zoomed at all).
  const minSpanMs = Math.min(span, Math.max((opts.minColumns ?? 2) * stepMs, span / maxZoom));
  const minRows = Math.min(rowsN, Math.max(opts.minRows ?? 1, rowsN / maxZoom));
  return { t0, t1: t0 + span, rows: rowsN, minSpanMs, minRows };
}

/** The whole extent: the view that R resets to. */
export function fullView(b: ViewBounds): Viewport {
  return { t0: b.t0, t1: b.t1, r0: 0, r1: b.rows };
}

/** Keeps [a, a + span) inside [lo, hi), span clamped to [minSpan, hi - lo]. */
function clampAxis(
  a: number,
  span: number,
  lo: number,
  hi: number,
  minSpan: number,
): [number, number] {
  const full = hi - lo;
  const s = Math.min(full, Math.max(minSpan, span));
  let start = Number.isFinite(a) ? a : lo;
  if (start < lo) start = lo;
  if (start + s > hi) start = hi - s;
  return [start, start + s];
}

/** Any view moved and resized into the bounds (spans clamped, then shifted inside). */
export function clampView(v: Viewport, b: ViewBounds): Viewport {
  const [t0, t1] = clampAxis(v.t0, v.t1 - v.t0, b.t0, b.t1, b.minSpanMs);
  const [r0, r1] = clampAxis(v.r0, v.r1 - v.r0, 0, b.rows, b.minRows);
  return { t0, t1, r0, r1 };
}

/**
 * Zoom by `factor` (> 1 zooms in, < 1 out; per axis with {t, r}) keeping the anchor point at
 * the same place on screen, e.g. the wheel under the cursor. Where a clamp bites, the anchor
 * drifts as little as the bounds allow.
 */
export function zoomAt(
  view: Viewport,
  anchor: { t: number; r: number },
  factor: number | { t: number; r: number },
  bounds: ViewBounds,
): Viewport {
  const ft = typeof factor === 'number' ? factor : factor.t;
  const fr = typeof factor === 'number' ? factor : factor.r;
  const axis = (
    a0: number,
    a1: number,
    at: number,
    f: number,
    lo: number,
    hi: number,
    min: number,
  ) => {
    const span = a1 - a0;
    if (!(f > 0) || !Number.isFinite(f) || !(span > 0)) return clampAxis(a0, span, lo, hi, min);
    const s = Math.min(hi - lo, Math.max(min, span / f));
    // The anchor's fraction across the view stays the same.
    const frac = Math.min(1, Math.max(0, (at - a0) / span));
    return clampAxis(at - frac * s, s, lo, hi, min);
  };
  const [t0, t1] = axis(view.t0, view.t1, anchor.t, ft, bounds.t0, bounds.t1, bounds.minSpanMs);
  const [r0, r1] = axis(view.r0, view.r1, anchor.r, fr, 0, bounds.rows, bounds.minRows);
  return { t0, t1, r0, r1 };
}

/** Moves the view by dt ms and dr rows, stopping at the bounds (the span never changes). */
export function pan(view: Viewport, dt: number, dr: number, bounds: ViewBounds): Viewport {
  return clampView(
    { t0: view.t0 + dt, t1: view.t1 + dt, r0: view.r0 + dr, r1: view.r1 + dr },
    bounds,
  );
}

/**
 * The view showing a dragged rectangle (corners in any order). A rectangle narrower than the
 * minimum spans grows around its centre; a degenerate one (a click) leaves `view` unchanged.
 */
export function zoomToRect(view: Viewport, rect: Viewport, bounds: ViewBounds): Viewport {
  const t0 = Math.min(rect.t0, rect.t1);
  const t1 = Math.max(rect.t0, rect.t1);
  const r0 = Math.min(rect.r0, rect.r1);
  const r1 = Math.max(rect.r0, rect.r1);
  if (![t0, t1, r0, r1].every(Number.isFinite) || (t1 === t0 && r1 === r0)) return view;
  // A purely horizontal (or vertical) drag zooms that axis only.
  const nt = t1 > t0 ? grow(t0, t1, bounds.minSpanMs) : [view.t0, view.t1];
  const nr = r1 > r0 ? grow(r0, r1, bounds.minRows) : [view.r0, view.r1];
  return clampView({ t0: nt[0], t1: nt[1], r0: nr[0], r1: nr[1] }, bounds);
}

function grow(a: number, b: number, min: number): [number, number] {
  if (b - a >= min) return [a, b];
  const mid = (a + b) / 2;
  return [mid - min / 2, mid + min / 2];
}

export function sameView(a: Viewport, b: Viewport): boolean {
  return a.t0 === b.t0 && a.t1 === b.t1 && a.r0 === b.r0 && a.r1 === b.r1;
}

// --- zoom that survives refetches: time window + key range ---

/** A zoom independent of row indexes (what the URL stores as ZoomState). */
export interface ViewAnchor {
  t0: number;
  t1: number;
  /** Inclusive start key of the first visible row; empty = low end. */
  startKey: Uint8Array;
  /** Exclusive end key of the last visible row; empty = unbounded tail. */
  endKey: Uint8Array;
}

/** The key range covered by rows [floor(r0), ceil(r1)); whole key space when none. */
export function keyRangeOfRows(
  matrix: Matrix,
  r0: number,
  r1: number,
): { startKey: Uint8Array; endKey: Uint8Array } {
  const n = matrix.rows.length;
  const a = Math.max(0, Math.min(n, Math.floor(r0)));
  const b = Math.max(a, Math.min(n, Math.ceil(r1)));
  if (b === a) return { startKey: new Uint8Array(0), endKey: new Uint8Array(0) };
  // Aggregates can widen a row's range past the next row's start: take the widest end.
  let end = matrix.rows[a].end;
  for (let r = a + 1; r < b; r++) {
    const e = matrix.rows[r].end;
    if (end.length === 0) break;
    if (e.length === 0 || compareKeys(e, end) > 0) end = e;
  }
  return { startKey: matrix.rows[a].start, endKey: end };
}

/**
 * Rows whose key range [start, end) intersects [startKey, endKey) (empty endKey = unbounded),
 * as [r0, r1). When none does, an empty range at the position such rows would take.
 */
export function rowsForKeyRange(
  matrix: Matrix,
  startKey: Uint8Array,
  endKey: Uint8Array,
): { r0: number; r1: number } {
  const rows = matrix.rows;
  let r0 = -1;
  let r1 = -1;
  let insert = rows.length;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const beforeEnd = endKey.length === 0 || compareKeys(row.start, endKey) < 0;
    const afterStart = row.end.length === 0 || compareKeys(row.end, startKey) > 0;
    if (beforeEnd && afterStart) {
      if (r0 < 0) r0 = r;
      r1 = r + 1;
    } else if (insert === rows.length && !beforeEnd) {
      insert = r;
    }
  }
  return r0 < 0 ? { r0: insert, r1: insert } : { r0, r1 };
}

/** The anchor (time + key range) of a view over a matrix. */
export function anchorOf(view: Viewport, matrix: Matrix): ViewAnchor {
  return { t0: view.t0, t1: view.t1, ...keyRangeOfRows(matrix, view.r0, view.r1) };
}

/** The view over `matrix` showing an anchor's time window and key range. */
export function viewportFor(anchor: ViewAnchor, matrix: Matrix): Viewport {
  const { r0, r1 } = rowsForKeyRange(matrix, anchor.startKey, anchor.endKey);
  const n = matrix.rows.length;
  // Rows vanished: show at least one row where they were, rather than nothing.
  const a = r1 > r0 ? r0 : Math.max(0, Math.min(r0, n - 1));
  const b = r1 > r0 ? r1 : Math.min(n, a + 1);
  return { t0: anchor.t0, t1: anchor.t1, r0: a, r1: b };
}

/**
 * The view over `newMatrix` that shows what `oldView` showed over `oldMatrix`: the same time
 * window (x is time, so it maps exactly) and the same key range (row indexes are re-found by key),
 * so the picture does not jump when refetched data arrives. A view of all rows stays all rows;
 * a fractional edge row keeps its fraction while that edge row is still there.
 */
export function sameScreenTransform(
  oldView: Viewport,
  oldMatrix: Matrix,
  newMatrix: Matrix,
): Viewport {
  if (oldMatrix === newMatrix) return oldView;
  const n = oldMatrix.rows.length;
  const m = newMatrix.rows.length;
  if (oldView.r0 <= 0 && oldView.r1 >= n) return { t0: oldView.t0, t1: oldView.t1, r0: 0, r1: m };
  const v = viewportFor(anchorOf(oldView, oldMatrix), newMatrix);
  const a = Math.max(0, Math.floor(oldView.r0));
  const b = Math.min(n, Math.ceil(oldView.r1));
  if (b <= a || v.r1 <= v.r0) return v;
  let { r0, r1 } = v;
  const oldFirst = oldMatrix.rows[a];
  const oldLast = oldMatrix.rows[b - 1];
  const newFirst = newMatrix.rows[r0];
  const newLast = newMatrix.rows[r1 - 1];
  if (keysEqual(oldFirst.start, newFirst.start) && keysEqual(oldFirst.end, newFirst.end)) {
    r0 += oldView.r0 - a;
  }
  if (keysEqual(oldLast.start, newLast.start) && keysEqual(oldLast.end, newLast.end)) {
    r1 -= b - oldView.r1;
  }
  return r1 > r0 ? { t0: v.t0, t1: v.t1, r0, r1 } : v;
}

/** Anchor -> the URL's ZoomState (empty keys are left out: open ends). */
export function toZoomState(a: ViewAnchor): ZoomState {
  const z: ZoomState = { fromMs: Math.round(a.t0), toMs: Math.round(a.t1) };
  if (a.startKey.length > 0) z.startKeyHex = toHex(a.startKey);
  if (a.endKey.length > 0) z.endKeyHex = toHex(a.endKey);
  return z;
}

export function fromZoomState(z: ZoomState): ViewAnchor {
  return {
    t0: z.fromMs,
    t1: z.toMs,
    startKey: (z.startKeyHex && fromHex(z.startKeyHex)) || new Uint8Array(0),
    endKey: (z.endKeyHex && fromHex(z.endKeyHex)) || new Uint8Array(0),
  };
}

// --- when to refetch ---

/** A GetKeyVizMatrix time window: columns with from <= flush time < to; 0 = unbounded. */
export interface FetchWindow {
  fromMs: number;
  toMs: number;
}

export interface FetchOptions {
  /** Extra time fetched on each side, as a fraction of the view span (default 0.25). */
  margin?: number;
  /**
   * Refetch once the view is narrower than this fraction of the loaded span (default 0.5): a
   * narrower window re-ranks the row budget for just the visible time.
   */
  refetchBelow?: number;
  /** The window the current matrix was fetched for; default: its columns' extent. */
  loaded?: FetchWindow;
  /**
   * The view follows the newest data (see followZoom): ask with an open end (toMs = 0) so
   * auto refresh brings new columns.
   */
  liveEdge?: boolean;
}

/**
 * Whether the view needs data the current matrix lacks, and if so the window to ask for: the
 * view plus a margin, widened to whole steps so small pans reuse one request. Null: keep the
 * current data (the view lies inside it and is not much narrower).
 */
export function fetchWindowFor(
  view: Viewport,
  matrixColumns: Float64Array,
  stepMs: number,
  opts: FetchOptions = {},
): FetchWindow | null {
  const step = stepMs > 0 ? stepMs : 60_000;
  const span = view.t1 - view.t0;
  if (!(span > 0) || !Number.isFinite(span)) return null;
  let haveFrom: number;
  let haveTo: number;
  if (opts.loaded) {
    // A column at flush time t covers [t - step, t): a window [from, to) of flush times covers
    // [from - step, to - step) in time.
    haveFrom = opts.loaded.fromMs === 0 ? -Infinity : opts.loaded.fromMs - step;
    haveTo = opts.loaded.toMs === 0 ? Infinity : opts.loaded.toMs - step;
  } else {
    if (matrixColumns.length === 0) return null;
    haveFrom = matrixColumns[0] - step;
    haveTo = matrixColumns[matrixColumns.length - 1];
  }
  const contained = view.t0 >= haveFrom && view.t1 <= haveTo;
  // Narrowness is judged against the data actually held (an open window holds only what exists).
  let haveSpan = haveTo - haveFrom;
  if (matrixColumns.length > 0) {
    const dataFrom = Math.max(haveFrom, matrixColumns[0] - step);
    const dataTo = Math.min(haveTo, matrixColumns[matrixColumns.length - 1]);
    haveSpan = dataTo - dataFrom;
  }
  const narrow = span < (opts.refetchBelow ?? 0.5) * haveSpan;
  if (contained && !narrow) return null;
  const m = Math.max(0, opts.margin ?? 0.25) * span;
  // Columns overlapping [t0, t1) have flush times in (t0, t1 + step).
  const fromMs = Math.max(1, Math.floor((view.t0 - m) / step) * step);
  const toMs = opts.liveEdge ? 0 : Math.ceil((view.t1 + step + m) / step) * step;
  if (opts.loaded && opts.loaded.fromMs === fromMs && opts.loaded.toMs === toMs) return null;
  return { fromMs, toMs };
}
