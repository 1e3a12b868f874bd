// First load paints the heatmap once (issue 17): the plot is sized once, with the marginal and
// time-axis strips already in place, so the pooling and drawing pass (User Timing
// `keyviz:render`, the canvas's data-rendered count) runs a single time, on both sources and
// at DPR 1 and 2. And hover is prepared in idle time after that paint, before the first move.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import { waitForHeatmap } from './support.ts';

let s: SpawnedServer;
const ACCESS = 'paint-reader';
const SECRET = 'paint-secret-8d2e4a';

test.beforeAll(async () => {
  // Sign-in keys for the JSON source (the Connect source needs none on loopback).
  const creds = path.join(mkdtempSync(path.join(tmpdir(), 'keyviz-paint-')), 'credentials.json');
  writeFileSync(
    creds,
    JSON.stringify([{ access_key: ACCESS, secret_key: SECRET, role: 'read_only' }]),
  );
  s = await spawnServer([
    ...workloadFlags({ backfill: '6h', routes: 300, seed: 5 }),
    '--adminCredentialsFile',
    creds,
  ]);
});

test.afterAll(async () => {
  await s?.stop();
});

/** Render passes so far, by both counters, and the canvas's CSS size against its box. */
async function passes(page: Page) {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
    const box = document.querySelector<HTMLElement>('.plot')!.getBoundingClientRect();
    const r = c.getBoundingClientRect();
    return {
      measures: performance.getEntriesByName('keyviz:render').length,
      rendered: Number(c.dataset.rendered ?? '0'),
      fits: Math.abs(r.width - box.width) < 1 && Math.abs(r.height - box.height) < 1,
    };
  });
}

for (const source of ['connect', 'json'] as const) {
  for (const dpr of [1, 2]) {
    test(`first load paints once (${source}, DPR ${dpr})`, async ({ browser }) => {
      const ctx = await browser.newContext({
        deviceScaleFactor: dpr,
        viewport: { width: 1280, height: 800 },
      });
      const page = await ctx.newPage();
      if (source === 'json') {
        const res = await ctx.request.post(`${s.http}/admin/api/v1/auth/login`, {
          data: { access_key: ACCESS, secret_key: SECRET },
        });
        expect(res.ok()).toBe(true);
      }
      await page.goto(`${s.http}/keyviz?source=${source}`);
      await waitForHeatmap(page);
      // Anything that would size the plot again (a strip appearing, a ResizeObserver round)
      // happens within a few frames; wait well past them.
      await page.evaluate(
        () =>
          new Promise<void>((done) => {
            let n = 0;
            const tick = () => (++n >= 10 ? setTimeout(done, 300) : requestAnimationFrame(tick));
            requestAnimationFrame(tick);
          }),
      );
      const p = await passes(page);
      expect(p.fits).toBe(true);
      expect(p.rendered).toBe(1);
      expect(p.measures).toBe(1);
      // Hover was prepared in idle time (formatters, lazy arrays, one hidden card render) and
      // the hidden card is gone again; the first real move shows the real card.
      const prep = await page.evaluate(() => ({
        prepared: performance.getEntriesByName('keyviz:prepare-hover').length,
        warmLeft: document.querySelectorAll('.flyout-warm').length,
        cards: document.querySelectorAll('.flyout').length,
      }));
      expect(prep).toEqual({ prepared: 1, warmLeft: 0, cards: 0 });
      const box = (await page.getByTestId('hover-layer').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await expect(page.locator('.flyout')).toHaveCount(1);
      await expect(page.locator('.flyout')).toHaveAttribute('data-row', /^\d+$/);
      await ctx.close();
    });
  }
}
