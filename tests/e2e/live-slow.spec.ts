// Live on a server slower than one step (every matrix answer takes longer than --keyvizStep):
// what the page asks for must still land and be drawn truthfully.
import { expect, test, type Page } from '@playwright/test';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import { columnsShown, markerTitles, pauseMarkers, waitForHeatmap } from './support.ts';
import { recordRequests, zoomOfUrl } from './exploreSupport.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  // A column a second; the mix workload (no split scenario) flushes steadily, with no pause.
  s = await spawnServer(workloadFlags({ step: '1s', backfill: '3m', routes: 60, seed: 8 }));
});

test.afterAll(async () => {
  await s?.stop();
});

/** Opens the page under Live, then slows every matrix answer down by `delayMs`. */
async function openLiveThenSlow(page: Page, delayMs: number): Promise<void> {
  await page.goto(`${s.http}/keyviz?refresh=live`);
  await waitForHeatmap(page);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  await page.waitForTimeout(1_000); // the stream's connect-time gap fill
  // Every matrix answer is computed at once and delivered `delayMs` later.
  await page.route('**/Admin/GetKeyVizMatrix', async (route) => {
    const res = await route.fetch();
    const body = await res.body();
    await new Promise((r) => setTimeout(r, delayMs));
    await route.fulfill({ status: res.status(), headers: res.headers(), body }).catch(() => {});
  });
}

test('a zoom following the live edge lands its refetch on a server slower than a step', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const seen = recordRequests(page);
  await openLiveThenSlow(page, 3_000);
  const whole = await columnsShown(page);
  expect(whole).toBeGreaterThan(150);

  // Wheel zoom (4x) at the plot's right edge: the zoom keeps the newest column, so it follows.
  const box = (await page.getByTestId('hover-layer').boundingBox())!;
  await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await page.mouse.wheel(0, -400);
  await expect(page).toHaveURL(/zoom=/);
  const z0 = zoomOfUrl(page.url())!;
  expect(z0.toMs - z0.fromMs).toBeLessThan(60_000);
  // It follows the live columns...
  await expect
    .poll(() => zoomOfUrl(page.url())?.toMs ?? 0, { timeout: 10_000 })
    .toBeGreaterThan(z0.toMs + 2_000);
  // ...and its open-ended window is fetched and lands: the matrix on hand is the zoom's window,
  // not the whole range's (without the fix each followed column re-aimed and cancelled it).
  await expect.poll(() => columnsShown(page), { timeout: 20_000 }).toBeLessThan(whole / 2);
  const zoomAsks = seen.filter(
    (q) => q.fromMs > 0 && q.toMs === 0 && q.fromMs > z0.fromMs - 60_000,
  );
  expect(zoomAsks.length).toBeGreaterThanOrEqual(1);
  // Still following after it landed, with the live columns that came meanwhile carried (no gap).
  const z1 = zoomOfUrl(page.url())!;
  await expect
    .poll(() => zoomOfUrl(page.url())?.toMs ?? 0, { timeout: 10_000 })
    .toBeGreaterThan(z1.toMs + 2_000);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  expect(await pauseMarkers(page)).toBe(0);
});

test('a zoom into the past under Live: the hole up to the live columns is not called a server pause', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await page.goto(`${s.http}/keyviz?refresh=live`);
  await waitForHeatmap(page);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  // Keyboard zoom into the past (about a minute before the newest column): its window is
  // fetched, closed at its end, and the stream's columns are appended after it.
  const grid = page.getByRole('application', { name: /Heatmap of writes/ });
  await grid.focus();
  await page.keyboard.press('End');
  for (let i = 0; i < 60; i++) await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await expect.poll(() => zoomOfUrl(page.url())?.toMs ?? 0).toBeLessThan(Date.now() - 20_000);
  await page.waitForTimeout(1_500); // the zoom's window lands
  const c0 = await columnsShown(page);
  await expect.poll(() => columnsShown(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(c0 + 2);

  // Slow answers from now on: Reset zoom shows the whole matrix on hand (the zoom's window, then
  // the live columns) while the range's answer is on the wire.
  await page.route('**/Admin/GetKeyVizMatrix', async (route) => {
    const res = await route.fetch();
    const body = await res.body();
    await new Promise((r) => setTimeout(r, 6_000));
    await route.fulfill({ status: res.status(), headers: res.headers(), body }).catch(() => {});
  });
  await page.getByRole('button', { name: 'Reset zoom' }).click();
  await expect(page).not.toHaveURL(/zoom=/);
  // The page's own hole, between the window fetched for the zoom and the stream's columns: the
  // server flushed every column, so it must not be worded as the server being down or paused.
  // (By their words: a marker may stand for several events, with a more telling one's glyph.)
  const notLoaded = async () =>
    (await markerTitles(page)).filter((t) => t.includes('not loaded at this zoom')).length;
  await expect.poll(notLoaded).toBe(1);
  expect(await pauseMarkers(page)).toBe(0);
  expect(await page.getByTestId('event-markers').getAttribute('aria-label')).not.toMatch(
    /down or paused/,
  );
  // The range's answer lands with the live columns carried: no hole at all.
  await expect.poll(notLoaded, { timeout: 15_000 }).toBe(0);
  expect(await pauseMarkers(page)).toBe(0);
});
