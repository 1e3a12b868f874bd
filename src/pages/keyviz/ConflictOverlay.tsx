import { memo, useLayoutEffect, useMemo, useRef } from 'react';
import type { Matrix } from '../../data/matrix.ts';
import type { CanvasSize } from './canvasSize.ts';
import { conflictRects, hatchTile, HATCH_RGBA, isSolid, stripes } from './conflictHatch.ts';
import type { ColumnEdges } from '../../data/view/gaps.ts';

interface Props {
  matrix: Matrix;
  edges: ColumnEdges;
  /** The visible time window [t0, t1) in unix ms. */
  t0: number;
  t1: number;
  size: CanvasSize;
  /** Visible rows; default all (the whole-matrix heatmap). */
  r0?: number;
  r1?: number;
}

/** Stripe period and line width in CSS px: scaled by dpr so the hatch looks the same anywhere. */
const PERIOD_CSS = 6;
const LINE_CSS = 2;

/**
 * Hatches the cells two nodes disagreed on, above the heatmap (never under the pointer: the
 * hover layer on top keeps every interaction). Draws nothing, and costs nothing, without
 * conflicts.
 */
export const ConflictOverlay = memo(function ConflictOverlay({
  matrix,
  edges,
  t0,
  t1,
  size,
  r0,
  r1,
}: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const rects = useMemo(
    () =>
      conflictRects(matrix.conflicts, matrix.rowCount, matrix.colCount, {
        devW: size.devW,
        devH: size.devH,
        x0: edges.x0,
        x1: edges.x1,
        fromMs: t0,
        toMs: t1,
        r0,
        r1,
      }),
    [matrix, edges.x0, edges.x1, t0, t1, size.devW, size.devH, r0, r1],
  );

  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas || rects.length === 0) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    // A pattern tile and one fillRect per run of cells: work in proportion to the hatched area,
    // never a canvas-sized buffer per redraw (zoom and pan redraw often).
    const st = stripes(PERIOD_CSS * size.dpr, LINE_CSS * size.dpr);
    const tile = document.createElement('canvas');
    tile.width = st.period;
    tile.height = st.period;
    const tctx = tile.getContext('2d');
    if (!tctx) return;
    const px = hatchTile(st);
    tctx.putImageData(new ImageData(new Uint8ClampedArray(px.buffer), st.period, st.period), 0, 0);
    const pattern = ctx.createPattern(tile, 'repeat');
    if (!pattern) return;
    const solid = `rgb(255 255 255 / ${((HATCH_RGBA.light >>> 24) / 255).toFixed(2)})`;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    for (const r of rects) {
      ctx.fillStyle = isSolid(r, st) ? solid : pattern;
      ctx.fillRect(r.x, r.y, r.w, r.h);
    }
    canvas.dataset.hatched = String(rects.length);
  }, [rects, size.devW, size.devH, size.dpr]);

  if (rects.length === 0) return null;
  return (
    <canvas
      ref={ref}
      className="conflict-canvas"
      data-testid="conflict-overlay"
      width={size.devW}
      height={size.devH}
      style={{ width: `${size.cssW}px`, height: `${size.cssH}px` }}
      aria-hidden="true"
    />
  );
});

/** The legend's note on hatching, shown only when the answer has conflicts. */
export function ConflictLegend({ matrix }: { matrix: Matrix }) {
  if (!matrix.conflicts) return null;
  let n = 0;
  for (const v of matrix.conflicts) n += v;
  return (
    <div className="conflict-legend" data-testid="conflict-legend">
      <span className="conflict-swatch" aria-hidden="true" />
      <span>
        Hatched: {n} cell{n === 1 ? '' : 's'} where nodes reported different writes for the same
        Raft group and leader term (conflict; the larger value is shown).
      </span>
    </div>
  );
}
