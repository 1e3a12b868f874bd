import { memo, useLayoutEffect, useMemo, useRef } from 'react';
import type { Matrix } from '../data/matrix.ts';
import type { CanvasSize } from './canvasSize.ts';
import { conflictRects, hatchMask, hatchPixels } from './conflictHatch.ts';
import type { TimeFrame } from './heatRaster.ts';
import './cluster.css';

interface Props {
  matrix: Matrix;
  frame: TimeFrame;
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
  frame,
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
        x0: frame.x0,
        x1: frame.x1,
        fromMs: frame.fromMs,
        toMs: frame.toMs,
        r0,
        r1,
      }),
    [matrix, frame, size.devW, size.devH, r0, r1],
  );

  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas || rects.length === 0) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const mask = hatchMask(rects, size.devW, size.devH, PERIOD_CSS * size.dpr, LINE_CSS * size.dpr);
    const px = hatchPixels(mask);
    ctx.putImageData(
      new ImageData(new Uint8ClampedArray(px.buffer), size.devW, size.devH),
      0,
      0,
    );
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
