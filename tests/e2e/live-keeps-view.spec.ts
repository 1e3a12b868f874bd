// Live columns arriving under an operator's zoom, pinned card and keyboard cursor (issue 15):
// each keeps what it showed, by key and time, while the stream appends columns, and nothing is
// re-downloaded: no GetKeyVizMatrix but the first load, the stream's connect-time gap fill and
// the zoom's own window.
import { expect, test } from '@playwright/test';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import { columnsShown, waitForHeatmap } from './support.ts';
import { recordRequests, zoomOfUrl } from './exploreSupport.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  // A 1 s step: a column a second. The mix workload without a split scenario keeps its routes,
  // so the rows stay put and the cell under the cursor keeps its row index too.
  s = await spawnServer(workloadFlags({ step: '1s', backfill: '3m', routes: 60, seed: 8 }));
});

test.afterAll(async () => {
  await s?.stop();
});

test('zoom, pinned card and cursor survive live columns, with no matrix request', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const seen = recordRequests(page);
  await page.goto(`${s.http}/keyviz?refresh=live`);
  await waitForHeatmap(page);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  // The first load and the stream's connect-time gap fill (from the newest column held).
  await page.waitForTimeout(1000);
  const loads = seen.length;
  expect(loads).toBeGreaterThanOrEqual(1);
  expect(loads).toBeLessThanOrEqual(2);
  if (loads === 2) expect(seen[1].fromMs).toBeGreaterThan(0);

  // Keyboard only: the cursor to a cell in the past, zoom in at it, pin its card.
  const grid = page.getByRole('application', { name: /Heatmap of writes/ });
  await grid.focus();
  const fly = page.locator('.flyout');
  await expect(fly).toHaveAttribute('data-col', '0');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowRight');
  await expect(fly).toHaveAttribute('data-col', '30');
  await page.keyboard.press('+');
  await expect(page).toHaveURL(/zoom=/);
  await page.keyboard.press('+');
  await expect.poll(() => zoomOfUrl(page.url())?.toMs ?? 0).toBeLessThan(Date.now() - 60_000);
  await page.waitForTimeout(1000); // the zoom settles (and its window is fetched)
  const zoom = zoomOfUrl(page.url());
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Cell details' });
  await expect(dialog).toBeVisible();
  const card = async () => ({
    row: await fly.getAttribute('data-row'),
    col: await fly.getAttribute('data-col'),
    time: await dialog.locator('.fly-time').innerText(),
    start: await dialog.locator('[data-key="start"] .key-text').innerText(),
    end: await dialog.locator('[data-key="end"] .key-text').innerText(),
  });
  const pinned = await card();
  // The zoom asked for its window at full resolution (a request of the zoom's, not of Live's).
  const asked = seen.length;
  expect(seen.slice(loads).every((q) => q.toMs > 0)).toBe(true);
  const outline = page.locator('.cursor-outline');
  const box = await outline.boundingBox();
  expect(box).not.toBeNull();

  // Columns arrive (the summary counts the matrix on hand).
  const carried = () =>
    page.evaluate(() => performance.getEntriesByName('keyviz:pool-carried').length);
  const carried0 = await carried();
  const c0 = await columnsShown(page);
  await expect.poll(() => columnsShown(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(c0 + 3);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');

  // The zoom stays (a zoom into the past does not follow the live edge), the pinned card is on
  // the same key and time, the cursor's outline on the same cell.
  expect(zoomOfUrl(page.url())).toEqual(zoom);
  await expect(dialog).toBeVisible();
  expect(await card()).toEqual(pinned);
  const after = await outline.boundingBox();
  expect(after).not.toBeNull();
  for (const k of ['x', 'y', 'width', 'height'] as const) {
    expect(Math.abs(after![k] - box![k]), k).toBeLessThan(1);
  }
  // The zoomed view holds none of the new columns: the plot kept its raster, not re-pooled it.
  expect(await carried()).toBeGreaterThan(carried0);
  // Nothing was re-downloaded while the columns came.
  expect(seen.slice(asked)).toEqual([]);

  // The cursor moves on from its own cell: unpin, one column right is the next time.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(fly).toHaveAttribute('data-col', String(Number(pinned.col) + 1));
  await expect(fly).toHaveAttribute('data-row', pinned.row!);
});
