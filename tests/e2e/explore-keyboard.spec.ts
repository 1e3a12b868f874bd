// Issue 4 with the keyboard alone (no mouse call anywhere in this file): reach the heatmap with
// Tab, move the cell cursor, hear each cell, pin the card and copy from it, zoom at the cursor,
// go back and reset, and change brightness.
import { expect, test, type Page } from '@playwright/test';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { formatTimeWindow } from '../../src/data/format.ts';
import { describeKey, elideMiddle } from '../../src/data/keys.ts';
import { columnLayout, inferStepMs } from '../../src/data/raster.ts';
import { fetchMatrix, waitForHeatmap } from './support.ts';
import { zoomOfUrl } from './exploreSupport.ts';

let s: SpawnedServer;
let m: Matrix;

test.beforeAll(async () => {
  s = await spawnServer(workloadFlags({ backfill: '6h', routes: 120, seed: 9 }));
  m = await fetchMatrix(s.http, 'writes', 1024);
});

test.afterAll(async () => {
  await s?.stop();
});

/**
 * The row among rows 1..n-1 with the most non-zero cells. Row 0 starts at the open start of the
 * key space, whose card offers one "Copy start key" instead of text/hex/base64.
 */
function busiestRow(mx: Matrix, n: number): number {
  let best = 1;
  let bestCount = -1;
  for (let r = 1; r < Math.min(n, mx.rowCount); r++) {
    let k = 0;
    for (let c = 0; c < mx.colCount; c++) if (mx.values[r * mx.colCount + c] > 0) k++;
    if (k > bestCount) {
      best = r;
      bestCount = k;
    }
  }
  return best;
}

/** Presses Tab until the focused element matches, failing after `max` presses. */
async function tabTo(page: Page, test: () => Promise<boolean>, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await test()) return;
  }
  throw new Error('never reached by Tab');
}

test('keyboard only: cursor, announcements, pin and copy, zoom, back, reset, brightness', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);

  const grid = page.getByRole('application', { name: /Heatmap of writes/ });
  await tabTo(page, () => grid.evaluate((e) => e === document.activeElement));
  // Help text is wired as the description.
  await expect(grid).toHaveAccessibleDescription(/Arrow keys move the cell cursor/);
  const live = page.getByTestId('cell-announce');
  await expect(live).toHaveAttribute('aria-live', 'polite');
  await expect(live).toContainText(`Row 1 of ${m.rowCount}`);
  const fly = page.locator('.flyout');
  await expect(fly).toHaveAttribute('data-row', '0');
  await expect(fly).toHaveAttribute('data-col', '0');
  await expect(page.locator('.cursor-outline')).toBeVisible();

  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await expect(fly).toHaveAttribute('data-row', '2');
  await expect(fly).toHaveAttribute('data-col', '1');
  await expect(live).toContainText(`Row 3 of ${m.rowCount}`);
  await page.keyboard.press('End');
  await expect(fly).toHaveAttribute('data-col', String(m.colCount - 1));
  await page.keyboard.press('Home');
  await expect(fly).toHaveAttribute('data-col', '0');
  await page.keyboard.press('PageDown');
  await expect(fly).toHaveAttribute('data-row', String(m.rowCount - 1));
  await page.keyboard.press('PageUp');
  await expect(fly).toHaveAttribute('data-row', '0');
  // Down to the busiest of the first rows (it stays in a zoomed refetch), one column right.
  const target = busiestRow(m, 12);
  for (let i = 0; i < target; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await expect(fly).toHaveAttribute('data-row', String(target));
  const key = describeKey(m.rows[target].start, 'start');

  // Enter pins; Tab reaches the copy buttons; Enter copies; Escape unpins.
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Cell details' });
  await expect(dialog).toBeVisible();
  const copyHex = dialog.getByRole('button', { name: 'Copy start key as hex' });
  await expect(copyHex).toHaveCount(1);
  await tabTo(page, () => copyHex.evaluate((e) => e === document.activeElement));
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(key.hex);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  // Escape from the card's buttons hands focus back to the grid (not to <body>).
  await expect(grid).toBeFocused();

  // Zoom in twice at the cursor, Backspace, then R.
  await page.keyboard.press('+');
  await expect(page).toHaveURL(/zoom=/);
  const z1 = zoomOfUrl(page.url())!;
  await page.keyboard.press('+');
  await expect.poll(() => zoomOfUrl(page.url())?.toMs).not.toBe(z1.toMs);
  const z2 = zoomOfUrl(page.url())!;
  expect(z2.toMs - z2.fromMs).toBeLessThan(z1.toMs - z1.fromMs);
  // The zoomed window is refetched (rows and columns renumbered): the cursor keeps its cell,
  // found again by key and time.
  await page.waitForTimeout(800);
  const edges = columnLayout(m.columns, inferStepMs(m.columns));
  const timeOf = (c: number) => formatTimeWindow(edges.x0[c], edges.x1[c]);
  const startKey = fly.locator('[data-key="start"] .key-text');
  await expect(startKey).toHaveText(elideMiddle(key.display, 48));
  await expect(fly.locator('.fly-time')).toHaveText(timeOf(1));
  // Moving past the view's edge pans (the cursor stays visible).
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  await expect(fly.locator('.fly-time')).toHaveText(timeOf(13));
  await expect(startKey).toHaveText(elideMiddle(key.display, 48));
  const z3 = zoomOfUrl(page.url())!;
  expect(z3.fromMs).toBeGreaterThan(z2.fromMs);
  await page.keyboard.press('Backspace');
  await expect.poll(() => zoomOfUrl(page.url())).toEqual(z1);
  await page.keyboard.press('r');
  await expect(page).not.toHaveURL(/zoom=/);
  // - zooms out (nothing to zoom out of: stays whole).
  await page.keyboard.press('-');
  await expect(page).not.toHaveURL(/zoom=/);

  // Brightness from the keyboard.
  const slider = page.getByRole('slider', { name: 'Brightness' });
  await tabTo(page, () => slider.evaluate((e) => e === document.activeElement));
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/brightness=2(&|$)/);
  await expect(slider).toHaveAttribute('aria-valuetext', '2x');
});
