// Hit-testing (index arithmetic and bisection, no scan) and cell geometry for pointer and
// keyboard: the cell under a point and a cell's rectangle, for a viewport with fractional rows
// over the gap-aware time layout (CSS px, plot-relative). Given the canvas's device size, both
// snap to the device pixels the raster draws (screenRaster), so the card names a cell the pixel
// under the pointer shows.

import { itemsAtPixel, lowerBound } from './raster.ts';
import type { Matrix } from './matrix.ts';
import {
  columnAtTime,
  columnRange,
  columnSpan,
  dataToPoint,
  pointToData,
  rowSpan,
  rowsForKeyRange,
  visibleRows,
  type ColumnEdges,
  type PlotSize,
  type ViewAnchor,
  type Viewport,
} from './view/index.ts';

export interface Cell {
  row: number;
  col: number;
}

/**
 * The cell under plot point (x, y); null outside the plot, past the rows or in a time gap. With
 * the device size (size.devW, size.devH) it is one of the cells the device pixel under the point
 * shows: the one under the point itself, or the nearest of them when the pixel rounds a cell edge
 * (a pixel showing several thin cells shows their max).
 */
export function cellAtPoint(
  view: Viewport,
  edges: ColumnEdges,
  rowCount: number,
  x: number,
  y: number,
  size: PlotSize,
): Cell | null {
  if (!(x >= 0 && x < size.width && y >= 0 && y < size.height)) return null;
  const d = pointToData(view, x, y, size);
  const { devW, devH } = size;
  if (!devW || !devH) {
    const row = Math.floor(d.r);
    if (row < 0 || row >= rowCount) return null;
    const col = columnAtTime(edges, d.t);
    return col < 0 ? null : { row, col };
  }
  if (!(view.t1 > view.t0 && view.r1 > view.r0)) return null;
  const px = Math.floor((x / size.width) * devW);
  const py = Math.floor((y / size.height) * devH);
  const { c0, c1 } = columnRange(edges, view.t0, view.t1);
  const [ca, cb] = itemsAtPixel(px, c0, c1, (c) => columnSpan(edges, c, view.t0, view.t1, devW));
  if (ca >= cb) return null;
  const vr = visibleRows(view, rowCount);
  const [ra, rb] = itemsAtPixel(py, vr.r0, vr.r1, (i) => rowSpan(i, view.r0, view.r1, devH));
  if (ra >= rb) return null;
  // The column ending after t (the one holding t, or the next after a gap), within the pixel's.
  const col = clamp(lowerBound(edges.x1, d.t, true), ca, cb - 1);
  return { row: clamp(Math.floor(d.r), ra, rb - 1), col };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/**
 * A cell's rectangle in plot px (may reach outside the plot when the view cuts it); with the
 * device size, exactly the device pixels it is drawn on.
 */
export function cellRect(
  view: Viewport,
  edges: ColumnEdges,
  c: Cell,
  size: PlotSize,
): { x: number; y: number; w: number; h: number } {
  const { devW, devH } = size;
  if (devW && devH && view.t1 > view.t0 && view.r1 > view.r0) {
    const kx = size.width / devW;
    const ky = size.height / devH;
    // A cell on screen: the pixels drawn (clipped, as a sliver at the edge is); one off screen
    // (the keyboard cursor before it scrolls into view): where it would be.
    const { c0, c1 } = columnRange(edges, view.t0, view.t1);
    const clipX = c.col >= c0 && c.col < c1;
    const clipY = c.row >= Math.floor(view.r0) && c.row < Math.ceil(view.r1);
    const [x0, x1] = columnSpan(edges, c.col, view.t0, view.t1, devW, clipX);
    const [y0, y1] = rowSpan(c.row, view.r0, view.r1, devH, clipY);
    return { x: x0 * kx, y: y0 * ky, w: (x1 - x0) * kx, h: (y1 - y0) * ky };
  }
  const a = dataToPoint(view, edges.x0[c.col], c.row, size);
  const b = dataToPoint(view, edges.x1[c.col], c.row + 1, size);
  return { x: a.x, y: a.y, w: Math.max(1, b.x - a.x), h: Math.max(1, b.y - a.y) };
}

export function sameCell(a: Cell | null, b: Cell | null): boolean {
  return a === b || (!!a && !!b && a.row === b.row && a.col === b.col);
}

/** Keyboard zoom: + and = zoom in 2x, - and _ zoom out. */
export function zoomKeyFactor(key: string): number | null {
  if (key === '+' || key === '=') return 2;
  if (key === '-' || key === '_') return 0.5;
  return null;
}

/**
 * The same cell in another matrix (a refetch or a filter changes row and column indexes): the
 * column holding the old column's mid time and the first row of the old row's key range; when
 * either is gone, the nearest one. Null only for an empty matrix.
 */
export function remapCell(
  c: Cell,
  from: { matrix: Matrix; edges: ColumnEdges },
  to: { matrix: Matrix; edges: ColumnEdges },
): Cell | null {
  if (from.matrix === to.matrix) return c;
  const row = from.matrix.rows[c.row];
  if (!row || c.col < 0 || c.col >= from.edges.x0.length) return null;
  const n = to.matrix.rowCount;
  const cols = to.edges.x1.length;
  if (n === 0 || cols === 0) return null;
  const t = (from.edges.x0[c.col] + from.edges.x1[c.col]) / 2;
  const { r0 } = rowsForKeyRange(to.matrix, row.start, row.end);
  return { row: Math.min(r0, n - 1), col: nearestColumn(to.edges, t) };
}

/** The column holding time t; in a gap or outside, the first ending after t, else the last. */
function nearestColumn(edges: ColumnEdges, t: number): number {
  const col = columnAtTime(edges, t);
  if (col >= 0) return col;
  const last = edges.x1.length - 1;
  let c = 0;
  while (c < last && edges.x1[c] <= t) c++;
  return c;
}

/**
 * The cell of `matrix` at an anchor's first row and mid time (where "go to the hottest cell"
 * puts the keyboard cursor, in whatever matrix is shown). Null for an empty matrix or when no
 * row holds the anchor's keys.
 */
export function cellAtAnchor(matrix: Matrix, edges: ColumnEdges, a: ViewAnchor): Cell | null {
  const cols = edges.x1.length;
  if (matrix.rowCount === 0 || cols === 0) return null;
  const { r0, r1 } = rowsForKeyRange(matrix, a.startKey, a.endKey);
  if (r1 <= r0) return null;
  return { row: r0, col: nearestColumn(edges, (a.t0 + a.t1) / 2) };
}

/**
 * Whether any part of a cell is in the view: the keyboard starts from a cell the operator can
 * see (after a zoom by pointer or URL the cursor may be far outside, and Enter would pin, the
 * arrows and + act on, a cell off screen).
 */
export function cellInView(view: Viewport, cell: Cell, edges: ColumnEdges): boolean {
  if (cell.col < 0 || cell.col >= edges.x1.length) return false;
  return (
    cell.row + 1 > view.r0 &&
    cell.row < view.r1 &&
    edges.x1[cell.col] > view.t0 &&
    edges.x0[cell.col] < view.t1
  );
}
