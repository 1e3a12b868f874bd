// Auto refresh with a zoom at the live edge: the zoom follows new columns (same span and key
// range); a zoom into the past stays where it is.
import { expect, test } from '@playwright/test';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import { fetchMatrix, waitForHeatmap } from './support.ts';
import { zoomOfUrl } from './exploreSupport.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  s = await spawnServer(workloadFlags({ step: '1s', backfill: '3m', routes: 60, seed: 8 }));
});

test.afterAll(async () => {
  await s?.stop();
});

test('a zoom on the newest columns follows them; a zoom into the past stays', async ({ page }) => {
  const m = await fetchMatrix(s.http, 'writes', 1024);
  const last = m.columns[m.colCount - 1];
  // The zoom reaches two steps past the newest column: still at the live edge when the page's
  // first load (slower on a busy machine) already holds a column or two more than `last`.
  const from = last - 40_000 + 2_000;
  await page.goto(`${s.http}/keyviz?refresh=5&zoom=${from}-${last + 2_000}`);
  await waitForHeatmap(page);
  await expect
    .poll(() => zoomOfUrl(page.url())?.toMs ?? 0, { timeout: 20_000 })
    .toBeGreaterThan(last + 3_000);
  const z = zoomOfUrl(page.url())!;
  expect(z.toMs - z.fromMs).toBe(40_000);
  // The newest columns are on screen: the summary counts the followed window's columns.
  await expect(page.getByTestId('summary')).toContainText('columns');

  const past = { fromMs: m.columns[20], toMs: m.columns[50] };
  await page.goto(`${s.http}/keyviz?refresh=5&zoom=${past.fromMs}-${past.toMs}`);
  await waitForHeatmap(page);
  await page.waitForTimeout(6_000); // one auto refresh
  expect(zoomOfUrl(page.url())).toEqual(past);
});
