// Issue 13 item 1, in a real browser: on the default page (a day of the mixed workload) the
// heat stays readable in both colour schemes. Every painted pixel stands apart from the page
// background, sampled non-zero cells (the planted diagonals among them) are visible, and the
// hottest cell and the busiest row's cells contrast strongly with "no traffic".
import { expect, test, type Page } from '@playwright/test';
import { contrastRatio, SCHEME_BG, type Scheme } from '../../src/data/colorRamp.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { cellCentre, fetchMatrix, waitForHeatmap } from './support.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  s = await spawnServer(['--backfill', '24h', '--scenario', 'mix', '--seed', '1'], {
    readyTimeoutMs: 60_000,
  });
});

test.afterAll(() => s?.stop());

type Rgba = [number, number, number, number];

/** Canvas pixels under page points (transparent = the page shows). */
function pixelsAt(page: Page, pts: { x: number; y: number }[]): Promise<Rgba[]> {
  return page.evaluate((points) => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
    const r = c.getBoundingClientRect();
    const k = c.width / r.width;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    return points.map(({ x, y }) => {
      const px = Math.min(c.width - 1, Math.floor((x - r.left) * k));
      const py = Math.min(c.height - 1, Math.floor((y - r.top) * k));
      const i = (py * c.width + px) * 4;
      return [d[i], d[i + 1], d[i + 2], d[i + 3]] as [number, number, number, number];
    });
  }, pts);
}

/** The lowest contrast of any painted pixel against the page, and the share that are painted. */
function weakestPixel(page: Page, bg: readonly number[]): Promise<{ min: number; ink: number }> {
  return page.evaluate((b) => {
    const lin = (v: number) => {
      const x = v / 255;
      return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    };
    const lum = (r: number, g: number, bl: number) =>
      0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(bl);
    const yb = lum(b[0], b[1], b[2]);
    const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let min = Infinity;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 0) continue;
      ink++;
      const y = lum(d[i], d[i + 1], d[i + 2]);
      min = Math.min(min, (Math.max(y, yb) + 0.05) / (Math.min(y, yb) + 0.05));
    }
    return { min, ink: ink / (d.length / 4) };
  }, bg);
}

function busiestRow(m: Matrix): number {
  let best = 0;
  let bestSum = -1;
  for (let r = 0; r < m.rowCount; r++) {
    let sum = 0;
    for (let c = 0; c < m.colCount; c++) sum += m.values[r * m.colCount + c];
    if (sum > bestSum) [best, bestSum] = [r, sum];
  }
  return best;
}

for (const scheme of ['light', 'dark'] as Scheme[]) {
  test.describe(`${scheme} scheme`, () => {
    test.use({ colorScheme: scheme });

    test('zero, faint and hot stay apart on the default page', async ({ page }) => {
      test.setTimeout(90_000);
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(s.keyviz);
      await waitForHeatmap(page);
      const bg = SCHEME_BG[scheme];
      // The page really is in this scheme, and its background is the ramp's "zero".
      const body = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(body).toBe(`rgb(${bg.join(', ')})`);

      const weakest = await weakestPixel(page, bg);
      expect(weakest.ink).toBeGreaterThan(0.05);
      expect(weakest.min).toBeGreaterThanOrEqual(1.5);

      const m = await fetchMatrix(s.http, 'writes', 1024);
      // Non-zero cells, spread over the matrix (diagonal heads included): each visible.
      const nonZero: number[] = [];
      for (let i = 0; i < m.values.length; i++) if (m.values[i] > 0) nonZero.push(i);
      const sample = nonZero.filter((_, k) => k % Math.ceil(nonZero.length / 400) === 0);
      const pts = await Promise.all(
        sample.map((i) => cellCentre(page, m, Math.floor(i / m.colCount), i % m.colCount)),
      );
      const px = await pixelsAt(page, pts);
      const invisible = px.filter((p) => p[3] === 0 || contrastRatio([p[0], p[1], p[2]], bg) < 1.5);
      // A live column may have arrived since the fetch: allow a sliver, not a pattern.
      expect(invisible.length).toBeLessThanOrEqual(Math.ceil(sample.length * 0.02));

      // The hottest band: the busiest row, sampled along its length, contrasts >= 3:1 on
      // average; the hottest cell (a diagonal's head) >= 7:1.
      const row = busiestRow(m);
      const along = await Promise.all(
        Array.from({ length: 40 }, (_, k) =>
          cellCentre(page, m, row, Math.floor(((k + 0.5) / 40) * m.colCount)),
        ),
      );
      const band = (await pixelsAt(page, along)).map((p) =>
        p[3] === 0 ? 1 : contrastRatio([p[0], p[1], p[2]], bg),
      );
      const mean = band.reduce((a, b) => a + b, 0) / band.length;
      expect(mean).toBeGreaterThanOrEqual(3);
      let hottest = 0;
      for (let i = 1; i < m.values.length; i++) if (m.values[i] > m.values[hottest]) hottest = i;
      const at = await cellCentre(page, m, Math.floor(hottest / m.colCount), hottest % m.colCount);
      const [hp] = await pixelsAt(page, [at]);
      expect(contrastRatio([hp[0], hp[1], hp[2]], bg)).toBeGreaterThanOrEqual(7);
    });
  });
}
