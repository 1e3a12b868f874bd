import { useLayoutEffect, useRef } from 'react';
import type { Bar } from './marginalBars.ts';

interface Props {
  bars: Bar[];
  /** 'rows': bars grow rightwards, stacked down; 'cols': bars grow upwards, side by side. */
  axis: 'rows' | 'cols';
  /** CSS size of the canvas. */
  width: number;
  height: number;
  label: string;
}

/** A small bar chart canvas beside (rows) or below (columns) the heatmap. */
export function MarginalCanvas({ bars, axis, width, height, label }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    const c = ref.current;
    if (!c) return;
    const dpr = devicePixelRatio || 1;
    c.width = Math.max(1, Math.round(width * dpr));
    c.height = Math.max(1, Math.round(height * dpr));
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = getComputedStyle(c).color;
    for (const b of bars) {
      if (!(b.frac > 0)) continue;
      // At least one pixel thick and long: a tiny non-zero total stays visible.
      const len = Math.max(1, b.frac * (axis === 'rows' ? width : height));
      const thick = Math.max(1, b.size);
      if (axis === 'rows') ctx.fillRect(0, b.at, len, thick);
      else ctx.fillRect(b.at, height - len, thick, len);
    }
  }, [bars, axis, width, height]);
  return (
    <canvas
      ref={ref}
      className={`marginal marginal-${axis}`}
      data-testid={`marginal-${axis}`}
      data-bars={bars.filter((b) => b.frac > 0).length}
      role="img"
      aria-label={label}
      style={{ width, height }}
    />
  );
}
