// The PNG export's picture: the heatmap canvas with the marginal canvases and the axis labels
// drawn around it as text, and the colour scale under it, at the canvas' device resolution, so
// whoever receives the file can read a colour back as a value.
import { rampCss, type Palette, type Scheme } from '../../data/colorRamp.ts';
import { formatValue } from '../../data/format.ts';
import type { Series } from '../../data/matrix.ts';
import type { Scale } from '../../data/scale.ts';
import { legendTicks } from './legend.ts';

const KEY_W = 220;
const PAD = 8;
/** Legend bar in CSS px, as on the page. */
export const EXPORT_LEGEND_W = 280;
const LEGEND_H = 10;
const ZERO_W = 12;
/** Ramp samples in the exported gradient (the page's CSS gradient uses the ramp's stops). */
const GRADIENT_STOPS = 32;

export interface ExportLegend {
  scale: Scale;
  palette: Palette;
  scheme: Scheme;
  series: Series;
}

/** Where the legend's colour bar sits in the exported image (device px). */
export interface LegendRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

function drawTexts(
  ctx: CanvasRenderingContext2D,
  root: Element,
  selector: string,
  origin: DOMRect,
  dx: number,
  dy: number,
  dpr: number,
): void {
  for (const el of root.querySelectorAll<HTMLElement>(selector)) {
    const r = el.getBoundingClientRect();
    const text = el.textContent ?? '';
    if (!text || r.width === 0) continue;
    ctx.fillText(text, dx + (r.left - origin.left) * dpr, dy + (r.top - origin.top) * dpr);
  }
}

function drawLegend(
  ctx: CanvasRenderingContext2D,
  l: ExportLegend,
  bar: LegendRect,
  dpr: number,
  colours: { bg: string; line: string; text: string },
): void {
  const { bg, line, text } = colours;
  const g = ctx.createLinearGradient(bar.x, 0, bar.x + bar.w, 0);
  for (let i = 0; i < GRADIENT_STOPS; i++) {
    const t = i / (GRADIENT_STOPS - 1);
    g.addColorStop(t, rampCss(l.palette, t, l.scheme));
  }
  ctx.fillStyle = g;
  ctx.fillRect(bar.x, bar.y, bar.w, bar.h);
  // Zero is the page background: a swatch left of the bar, outlined, labelled.
  const zw = Math.round(ZERO_W * dpr);
  const zx = bar.x - zw - Math.round(6 * dpr);
  ctx.fillStyle = bg;
  ctx.fillRect(zx, bar.y, zw, bar.h);
  ctx.strokeStyle = line;
  ctx.lineWidth = Math.max(1, Math.round(dpr));
  ctx.strokeRect(zx, bar.y, zw, bar.h);
  ctx.strokeRect(bar.x, bar.y, bar.w, bar.h);
  const ty = bar.y + bar.h + Math.round(3 * dpr);
  ctx.fillStyle = text;
  ctx.textAlign = 'right';
  ctx.fillText(formatValue(0, l.series), zx - Math.round(3 * dpr), bar.y);
  const ticks = legendTicks(l.scale, EXPORT_LEGEND_W, 56);
  ticks.forEach((t, i) => {
    ctx.textAlign = i === 0 && t.t < 0.05 ? 'left' : i === ticks.length - 1 ? 'right' : 'center';
    ctx.fillText(formatValue(t.value, l.series), bar.x + t.t * bar.w, ty);
  });
  ctx.textAlign = 'left';
}

/** A canvas with everything the export shows; the heatmap alone when the layout is missing. */
export function composeExport(
  heat: HTMLCanvasElement,
  root: Element | null,
  legend?: ExportLegend,
): { canvas: HTMLCanvasElement; legendBar: LegendRect | null } {
  const out = document.createElement('canvas');
  const plotBox = heat.getBoundingClientRect();
  const dpr = plotBox.width > 0 ? heat.width / plotBox.width : 1;
  const right = root?.querySelector<HTMLCanvasElement>('canvas.marginal-rows');
  const below = root?.querySelector<HTMLCanvasElement>('canvas.marginal-cols');
  const left = Math.round(KEY_W * dpr);
  const top = Math.round(PAD * dpr);
  const rw = right ? right.width + Math.round(PAD * dpr) : 0;
  const bh = below ? below.height : 0;
  // Below the plot: the time axis and the legend's title where the page has them (their DOM
  // boxes), else a fixed strip; then the colour bar.
  const titleEl = root?.querySelector('.legend-title') ?? null;
  const below0 = titleEl
    ? Math.round((titleEl.getBoundingClientRect().bottom - plotBox.top) * dpr)
    : heat.height + bh + Math.round(52 * dpr);
  const barY = top + below0 + Math.round(6 * dpr);
  const legendH = legend ? Math.round((6 + LEGEND_H + 20) * dpr) : Math.round(8 * dpr);
  out.width = Math.max(
    left + heat.width + rw + Math.round(PAD * dpr),
    left + Math.round((EXPORT_LEGEND_W + PAD) * dpr),
  );
  out.height = top + below0 + legendH;
  const ctx = out.getContext('2d');
  if (!ctx) return { canvas: heat, legendBar: null };
  const style = getComputedStyle(heat.parentElement ?? heat);
  const bg = getComputedStyle(document.body).backgroundColor || '#fff';
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(heat, left, top);
  if (right) ctx.drawImage(right, left + heat.width + Math.round(PAD * dpr), top);
  if (below) ctx.drawImage(below, left, top + heat.height);
  ctx.fillStyle = style.color || '#888';
  ctx.font = `${Math.round(11 * dpr)}px monospace`;
  ctx.textBaseline = 'top';
  if (root) {
    const keyAxis = root.querySelector('.key-axis');
    if (keyAxis) {
      const kb = keyAxis.getBoundingClientRect();
      drawTexts(ctx, keyAxis, '.key-label', kb, 0, top, dpr);
    }
    // Time ticks and caption, the marginals' full-bar values and what the colours mean
    // (series, unit, step, scale): each where the page shows it, relative to the plot.
    drawTexts(ctx, root, '.time-axis .tick, .time-caption', plotBox, left, top, dpr);
    drawTexts(ctx, root, '.marginal-scale', plotBox, left, top, dpr);
    if (titleEl) drawTexts(ctx, root, '.legend-title', plotBox, left, top, dpr);
  }
  let legendBar: LegendRect | null = null;
  if (legend) {
    legendBar = {
      x: left,
      y: barY,
      w: Math.round(EXPORT_LEGEND_W * dpr),
      h: Math.round(LEGEND_H * dpr),
    };
    drawLegend(ctx, legend, legendBar, dpr, {
      bg,
      line: style.borderColor || '#888',
      text: style.color || '#888',
    });
  }
  return { canvas: out, legendBar };
}
