// Whether a live column changed anything a view shows: the plot then keeps its pooled raster
// (painter.ts) instead of pooling the view again. Pure.
import type { Matrix } from '../matrix.ts';
import { appendOrigin } from '../matrixOrigin.ts';
import { columnRange, type ColumnEdges } from './gaps.ts';
import type { Viewport } from './viewport.ts';

/**
 * True when `next` is `prev` with a column appended (and perhaps its oldest dropped), the same
 * rows, and every column the view overlaps kept at the same place in time: the view's cells are
 * then the same cells (an append copies kept cells unchanged), so its pooled raster is too. A
 * view that reaches the new column or a dropped one, or any doubt, says false.
 */
export function viewUnchangedByAppend(
  prev: { matrix: Matrix; edges: ColumnEdges },
  next: { matrix: Matrix; edges: ColumnEdges },
  vp: Viewport,
): boolean {
  const o = appendOrigin(next.matrix);
  if (!o || !o.sameRows || o.base.deref() !== prev.matrix) return false;
  const a = columnRange(prev.edges, vp.t0, vp.t1);
  const b = columnRange(next.edges, vp.t0, vp.t1);
  const n = a.c1 - a.c0;
  if (b.c1 - b.c0 !== n || a.c0 < o.dropped || b.c0 !== a.c0 - o.dropped) return false;
  // The newest column is the appended one: not in view.
  if (b.c1 > next.matrix.colCount - 1) return false;
  for (let k = 0; k < n; k++) {
    const i = a.c0 + k;
    const j = b.c0 + k;
    if (prev.edges.x0[i] !== next.edges.x0[j] || prev.edges.x1[i] !== next.edges.x1[j])
      return false;
  }
  return true;
}
