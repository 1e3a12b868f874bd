// Hit-testing (index arithmetic, no scan) and cell geometry for pointer and keyboard: the cell under a point and a cell's rectangle, for a
// viewport with fractional rows over the gap-aware time layout (CSS px, plot-relative).

import type { Matrix } from './matrix.ts';
import {
  columnAtTime,
  dataToPoint,
  pointToData,
  rowsForKeyRange,
  type ColumnEdges,
  type PlotSize,
  type Viewport,
} from './view/index.ts';

export interface Cell {
  row: number;
  col: number;
}

/** The cell under plot point (x, y); null outside the plot, past the rows or in a time gap. */
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
  const row = Math.floor(d.r);
  if (row < 0 || row >= rowCount) return null;
  const col = columnAtTime(edges, d.t);
  return col < 0 ? null : { row, col };
}

/** A cell's rectangle in plot px (may reach outside the plot when the view cuts it). */
export function cellRect(
  view: Viewport,
  edges: ColumnEdges,
  c: Cell,
  size: PlotSize,
): { x: number; y: number; w: number; h: number } {
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
  let col = columnAtTime(to.edges, t);
  if (col < 0) {
    // In a gap or outside: the first column ending after t, else the last.
    col = 0;
    while (col < cols - 1 && to.edges.x1[col] <= t) col++;
  }
  const { r0 } = rowsForKeyRange(to.matrix, row.start, row.end);
  return { row: Math.min(r0, n - 1), col };
}
