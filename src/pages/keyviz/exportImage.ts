// The PNG export's picture: the heatmap canvas with the marginal canvases and the axis labels
// drawn around it as text, at the canvas' device resolution.

const KEY_W = 220;
const PAD = 8;

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

/** A canvas with everything the export shows; the heatmap alone when the layout is missing. */
export function composeExport(heat: HTMLCanvasElement, root: Element | null): HTMLCanvasElement {
  const out = document.createElement('canvas');
  const plotBox = heat.getBoundingClientRect();
  const dpr = plotBox.width > 0 ? heat.width / plotBox.width : 1;
  const right = root?.querySelector<HTMLCanvasElement>('canvas.marginal-rows');
  const below = root?.querySelector<HTMLCanvasElement>('canvas.marginal-cols');
  const left = Math.round(KEY_W * dpr);
  const top = Math.round(PAD * dpr);
  const rw = right ? right.width + Math.round(PAD * dpr) : 0;
  const bh = below ? below.height : 0;
  const axisH = Math.round(52 * dpr);
  out.width = left + heat.width + rw + Math.round(PAD * dpr);
  out.height = top + heat.height + bh + axisH;
  const ctx = out.getContext('2d');
  if (!ctx) return heat;
  const style = getComputedStyle(heat.parentElement ?? heat);
  ctx.fillStyle = getComputedStyle(document.body).backgroundColor || '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(heat, left, top);
  if (right) ctx.drawImage(right, left + heat.width + Math.round(PAD * dpr), top);
  if (below) ctx.drawImage(below, left, top + heat.height);
  if (root) {
    ctx.fillStyle = style.color || '#888';
    ctx.font = `${Math.round(11 * dpr)}px monospace`;
    ctx.textBaseline = 'top';
    const keyAxis = root.querySelector('.key-axis');
    if (keyAxis) {
      const kb = keyAxis.getBoundingClientRect();
      drawTexts(ctx, keyAxis, '.key-label', kb, 0, top, dpr);
    }
    const timeAxis = root.querySelector('.time-axis');
    if (timeAxis) {
      drawTexts(ctx, timeAxis, '.tick', plotBox, left, top, dpr);
      const cap = timeAxis.querySelector('.time-caption')?.textContent ?? '';
      ctx.fillText(cap, left, top + heat.height + bh + Math.round(20 * dpr));
    }
    // What the colours mean (series, unit, step, scale), under the time caption.
    const legend = root.querySelector('.legend-title')?.textContent ?? '';
    ctx.fillText(legend, left, top + heat.height + bh + Math.round(34 * dpr));
  }
  return out;
}
