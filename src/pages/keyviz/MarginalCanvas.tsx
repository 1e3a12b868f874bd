import { useLayoutEffect, useRef } from 'react';
import type { Bar } from './marginalBars.ts';

/** Bars at least this thick (CSS px) are drawn 1 px thinner. */
const BAR_GAP_FROM = 4;

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
    // Drawn in device pixels with snapped edges: no anti-aliased seams, and the gap below is a
    // whole pixel of background.
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.fillStyle = getComputedStyle(c).color;
    const long = axis === 'rows' ? c.width : c.height;
    for (const b of bars) {
      if (!(b.frac > 0)) continue;
      // At least one pixel thick and long: a tiny non-zero total stays visible.
      const len = Math.max(1, Math.round(b.frac * long));
      const a = Math.round(b.at * dpr);
      const z = Math.round((b.at + b.size) * dpr);
      // Wide bars (a deep zoom) keep a 1 px gap, so neighbours of similar totals stay apart
      // instead of merging into one solid block.
      const thick =
        b.size >= BAR_GAP_FROM ? Math.max(1, z - a - Math.round(dpr)) : Math.max(1, z - a);
      if (axis === 'rows') ctx.fillRect(0, a, len, thick);
      else ctx.fillRect(a, c.height - len, thick, len);
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
