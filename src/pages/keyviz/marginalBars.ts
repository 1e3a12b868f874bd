// Marginal bar geometry (pure): per visible row its total over the visible columns, per visible
// column its total over the visible rows, as bars in plot px.

import type { Matrix } from '../../data/matrix.ts';
import {
  columnRange,
  columnTotals,
  dataToPoint,
  maxOf,
  rowTotals,
  type ColumnEdges,
  type PlotSize,
  type Viewport,
} from '../../data/view/index.ts';

export interface Bar {
  /** Position along the axis (px) and thickness. */
  at: number;
  size: number;
  /** 0..1 of the largest visible total. */
  frac: number;
  total: number;
}

export interface Marginals {
  rows: Bar[];
  cols: Bar[];
  rowMax: number;
  colMax: number;
}

export function marginalBars(
  m: Matrix,
  edges: ColumnEdges,
  v: Viewport,
  size: PlotSize,
): Marginals {
  const { c0, c1 } = columnRange(edges, v.t0, v.t1);
  const r0 = Math.max(0, Math.floor(v.r0));
  const r1 = Math.min(m.rowCount, Math.ceil(v.r1));
  const rt = rowTotals(m.values, m.rowCount, m.colCount, c0, c1);
  const visibleRows = rt.subarray(r0, r1);
  const rowMax = maxOf(visibleRows);
  const ct = columnTotals(m.values, m.rowCount, m.colCount, r0, r1, c0, c1);
  const colMax = maxOf(ct);
  const rowH = size.height / Math.max(1e-9, v.r1 - v.r0);
  const rows: Bar[] = [];
  for (let r = r0; r < r1; r++) {
    rows.push({
      at: (r - v.r0) * rowH,
      size: rowH,
      frac: rowMax > 0 ? rt[r] / rowMax : 0,
      total: rt[r],
    });
  }
  const cols: Bar[] = [];
  for (let i = 0; i < ct.length; i++) {
    const c = c0 + i;
    const a = dataToPoint(v, edges.x0[c], 0, size).x;
    const b = dataToPoint(v, edges.x1[c], 0, size).x;
    cols.push({ at: a, size: b - a, frac: colMax > 0 ? ct[i] / colMax : 0, total: ct[i] });
  }
  return { rows, cols, rowMax, colMax };
}
