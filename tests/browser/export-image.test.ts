// The exported PNG's picture in real Chromium: the heatmap canvas is copied 1:1 and a colour scale
// is drawn under it (issue 13 item 5), so the file can be read without the page: the bar runs
// from the ramp's faintest colour to its hottest, zero is the page background beside it, and the
// scale's numbers are drawn.
import { describe, expect, it } from 'vitest';
import { rampRgb, type Palette, type Scheme } from '../../src/data/colorRamp.ts';
import { makeScale } from '../../src/data/scale.ts';
import { composeExport } from '../../src/pages/keyviz/exportImage.ts';

function heatCanvas(dpr: number): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = 300 * dpr;
  c.height = 120 * dpr;
  c.style.width = '300px';
  c.style.height = '120px';
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = 'rgb(200, 10, 20)';
  ctx.fillRect(0, 0, c.width, c.height);
  document.body.appendChild(c);
  return c;
}

function px(ctx: CanvasRenderingContext2D, x: number, y: number): number[] {
  return [...ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3)];
}

const near = (a: number[], b: readonly number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 6);

describe('composeExport', () => {
  for (const dpr of [1, 2]) {
    for (const [palette, scheme] of [
      ['heat', 'light'],
      ['cvd', 'dark'],
    ] as [Palette, Scheme][]) {
      it(`draws the colour scale under the heatmap (${palette}, ${scheme}, DPR ${dpr})`, () => {
        // As the page's stylesheet sets them per scheme.
        document.body.style.backgroundColor =
          scheme === 'dark' ? 'rgb(17, 17, 17)' : 'rgb(255, 255, 255)';
        document.body.style.color = scheme === 'dark' ? 'rgb(230, 230, 230)' : 'rgb(20, 20, 20)';
        const heat = heatCanvas(dpr);
        const scale = makeScale({ kind: 'log', max: 12_000, brightness: 1 });
        const { canvas, legendBar } = composeExport(heat, null, {
          scale,
          palette,
          scheme,
          series: 'writes',
        });
        heat.remove();
        expect(legendBar).not.toBeNull();
        const bar = legendBar!;
        expect(canvas.height).toBeGreaterThanOrEqual(bar.y + bar.h);
        expect(bar.y).toBeGreaterThanOrEqual(heat.height);
        const ctx = canvas.getContext('2d')!;
        // The heatmap itself, copied 1:1.
        expect(px(ctx, 220 * dpr + 5, 8 * dpr + 5)).toEqual([200, 10, 20]);
        // Inside the bar's outline: faintest at the left end, hottest at the right.
        const midY = bar.y + bar.h / 2;
        const inset = 3 * dpr;
        expect(px(ctx, bar.x + inset, midY)).toSatisfy((c: number[]) =>
          near(c, rampRgb(palette, inset / bar.w, scheme)),
        );
        expect(px(ctx, bar.x + bar.w - inset, midY)).toSatisfy((c: number[]) =>
          near(c, rampRgb(palette, 1 - inset / bar.w, scheme)),
        );
        // The zero swatch left of the bar is the page background.
        const bg = scheme === 'dark' ? [17, 17, 17] : [255, 255, 255];
        expect(px(ctx, bar.x - 6 * dpr - 6 * dpr, midY)).toEqual(bg);
        // Tick labels under the bar: some pixels there differ from the background.
        const under = ctx.getImageData(bar.x, bar.y + bar.h + 2 * dpr, bar.w, 12 * dpr).data;
        let ink = 0;
        for (let i = 0; i < under.length; i += 4) {
          if (Math.abs(under[i] - bg[0]) > 40) ink++;
        }
        expect(ink).toBeGreaterThan(20);
      });
    }
  }

  it('without a legend, adds no scale', () => {
    const heat = heatCanvas(1);
    const bare = composeExport(heat, null);
    const withScale = composeExport(heat, null, {
      scale: makeScale({ kind: 'linear', max: 10, brightness: 1 }),
      palette: 'heat',
      scheme: 'light',
      series: 'writes',
    });
    heat.remove();
    expect(bare.legendBar).toBeNull();
    expect(bare.canvas.height).toBeLessThan(withScale.canvas.height);
  });
});
