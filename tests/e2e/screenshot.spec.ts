// The README's picture: the page on a full day of synthetic traffic (1,440 one-minute columns),
// with the flyout open on a hot cell. Saved to docs/screenshot.png at 1280x800.
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { REPO_ROOT, spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { canvasInk, cellCentre, fetchMatrix, waitForHeatmap } from './support.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  s = await spawnServer(['--backfill', '24h', '--scenario', 'mix', '--seed', '1'], {
    readyTimeoutMs: 60_000,
  });
});

test.afterAll(() => s?.stop());

test('docs/screenshot.png: the page with data and a flyout', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(s.keyviz);
  await waitForHeatmap(page);
  expect(await canvasInk(page)).toBeGreaterThan(100_000);
  // A day of columns: local midnight is a labelled date on the time axis.
  const majors = page.locator('.time-axis .tick.major');
  expect(await majors.count()).toBeGreaterThanOrEqual(1);
  await expect(majors.first()).toHaveText(/^[A-Z][a-z]{2} \d{1,2}$/);
  // The hottest cell in the left half, so the flyout opens into the picture.
  const m = await fetchMatrix(s.http, 'writes', 1024);
  let best = -1;
  for (let r = 0; r < m.rowCount; r++) {
    for (let c = 0; c < m.colCount / 2; c++) {
      const i = r * m.colCount + c;
      if (best < 0 || m.values[i] > m.values[best]) best = i;
    }
  }
  const p = await cellCentre(page, m, Math.floor(best / m.colCount), best % m.colCount);
  await page.mouse.move(p.x, p.y, { steps: 2 });
  await expect(page.getByRole('tooltip')).toBeVisible();
  await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'screenshot.png') });
});
