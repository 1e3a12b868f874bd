// Issue 13, what a newcomer tripped over, end to end in real Chromium against a real server:
// the hover card describes the cell really under the pointer (after a drag zoom and after new
// data), focus alone opens no big card, disabled zoom buttons look disabled, Escape on a pinned
// card returns focus to the heatmap.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import {
  cellCentre,
  fetchMatrix,
  installFetchProbe,
  probeStats,
  waitForHeatmap,
} from './support.ts';
import { interiorMax } from './exploreSupport.ts';

let s: SpawnedServer;
let m: Matrix;

test.beforeAll(async () => {
  s = await spawnServer(workloadFlags({ backfill: '12h', routes: 300, seed: 5 }));
  m = await fetchMatrix(s.http, 'writes', 1024);
});

test.afterAll(async () => {
  await s?.stop();
});

async function open(page: Page, query = ''): Promise<void> {
  await installFetchProbe(page);
  await page.goto(`${s.http}/keyviz${query}`);
  await waitForHeatmap(page);
}

async function settle(page: Page): Promise<void> {
  await expect.poll(async () => (await probeStats(page)).inFlight).toBe(0);
  await page.waitForTimeout(200);
}

const plotBox = async (page: Page) => (await page.getByTestId('hover-layer').boundingBox())!;

/** The card's cell, and the cell a fresh pointer move to the same point hits (the oracle). */
async function cardVsFreshHit(page: Page, card: Locator, x: number, y: number) {
  await expect(card).toBeVisible();
  const shown = [await card.getAttribute('data-row'), await card.getAttribute('data-col')];
  await page.mouse.move(x + 1, y);
  await page.mouse.move(x, y);
  await expect(card).toBeVisible();
  const fresh = [await card.getAttribute('data-row'), await card.getAttribute('data-col')];
  return { shown, fresh };
}

test('after a drag zoom with a still pointer the card describes the cell under it', async ({
  page,
}) => {
  await open(page);
  const box = await plotBox(page);
  // Drag a rectangle from the upper left to the middle, then keep the pointer still.
  const x1 = box.x + box.width * 0.5;
  const y1 = box.y + box.height * 0.5;
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(x1, y1, { steps: 6 });
  await page.mouse.up();
  await expect(page).toHaveURL(/zoom=/);
  await settle(page);
  const card = page.getByRole('tooltip', { name: 'Cell details' });
  const { shown, fresh } = await cardVsFreshHit(page, card, x1, y1);
  expect(shown).toEqual(fresh);
  // And the card is beside the pointer, not somewhere over the header.
  const cb = (await card.boundingBox())!;
  expect(cb.y).toBeGreaterThanOrEqual(box.y - cb.height);
  expect(Math.abs(cb.x - x1)).toBeLessThan(cb.width + 40);
});

test('after a filter or time range change the card follows the pointer, not the cursor', async ({
  page,
}) => {
  await open(page);
  const hot = interiorMax(m, 10);
  const p = await cellCentre(page, m, hot.row, hot.col);
  // Click a cell: it sets the keyboard cursor and focuses the heatmap; a second click unpins.
  await page.mouse.click(p.x, p.y);
  await page.mouse.click(p.x, p.y);
  const card = page.getByRole('tooltip', { name: 'Cell details' });
  await expect(card).toHaveAttribute('data-row', String(hot.row));
  // The click also opened the cell's hot keys. The panel docks on the side away from the picked
  // cell, so a new time range can move it under the resting pointer (the pointer is then on the
  // panel, not the plot, and there is rightly no card): close it, this test is about the card.
  await page.getByRole('button', { name: 'Close hot keys' }).click();
  await expect(page.getByRole('button', { name: 'Close hot keys' })).toHaveCount(0);
  await page.mouse.move(p.x + 1, p.y);
  await page.mouse.move(p.x, p.y);
  await expect(card).toHaveAttribute('data-row', String(hot.row));
  // The time range changes from the keyboard while the pointer rests on the plot.
  const range = page.getByLabel('Time range');
  await range.focus();
  await range.selectOption('6h');
  await expect(page).toHaveURL(/range=6h/);
  await settle(page);
  const after = await cardVsFreshHit(page, card, p.x, p.y);
  expect(after.shown).toEqual(after.fresh);
  // A filter typed with the pointer still on the plot.
  const filter = page.getByLabel('Filter');
  await filter.fill('!');
  await filter.press('Enter');
  await expect(page).toHaveURL(/filter=/);
  await settle(page);
  const cb = (await card.boundingBox())!;
  // The card is at the pointer (not at the cursor's cell in column 0).
  expect(Math.abs(cb.x - p.x)).toBeLessThan(cb.width + 40);
  const filtered = await cardVsFreshHit(page, card, p.x, p.y);
  expect(filtered.shown).toEqual(filtered.fresh);
});

test('tabbing onto the heatmap shows a one-line cursor card, not a panel over the plot', async ({
  page,
}) => {
  await open(page);
  const grid = page.getByRole('application', { name: /Heatmap of writes/ });
  for (let i = 0; i < 40 && !(await grid.evaluate((e) => e === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(grid).toBeFocused();
  const card = page.locator('.flyout');
  await expect(card).toHaveClass(/compact/);
  await expect(card).toHaveAttribute('data-row', '0');
  const box = await plotBox(page);
  const cb = (await card.boundingBox())!;
  expect(cb.height).toBeLessThanOrEqual(28);
  expect((cb.width * cb.height) / (box.width * box.height)).toBeLessThan(0.02);
  // Moving the cursor keeps it compact; Enter pins the full card.
  await page.keyboard.press('ArrowDown');
  await expect(card).toHaveAttribute('data-row', '1');
  await expect(card).toHaveClass(/compact/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Cell details' })).toBeVisible();
});

test('disabled zoom buttons look disabled, and "Back" is "Previous zoom"', async ({ page }) => {
  await open(page);
  const prev = page.getByRole('button', { name: 'Previous zoom' });
  const reset = page.getByRole('button', { name: 'Reset zoom' });
  await expect(page.getByRole('button', { name: 'Back', exact: true })).toHaveCount(0);
  await expect(prev).toBeDisabled();
  await expect(reset).toBeDisabled();
  const look = (l: Locator) =>
    l.evaluate((e) => {
      const st = getComputedStyle(e);
      return `${st.color}|${st.backgroundColor}|${st.borderTopStyle}|${st.opacity}`;
    });
  const enabled = await look(page.getByRole('button', { name: 'Export PNG' }));
  const disabled = await look(reset);
  expect(disabled).not.toBe(enabled);
  const [dColor, , dBorder] = disabled.split('|');
  const [eColor] = enabled.split('|');
  expect(dColor).not.toBe(eColor);
  expect(dBorder).toBe('dashed');
  // Zoomed, Reset looks like every enabled button again.
  const box = await plotBox(page);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await expect(reset).toBeEnabled();
  await expect.poll(() => look(reset)).toBe(enabled);
});

test('Escape on a pinned card (focus on its buttons) returns focus to the heatmap', async ({
  page,
}) => {
  await open(page);
  const grid = page.getByRole('application', { name: /Heatmap of writes/ });
  const hot = interiorMax(m, 2);
  const p = await cellCentre(page, m, hot.row, hot.col);
  await page.mouse.click(p.x, p.y);
  const dialog = page.getByRole('dialog', { name: 'Cell details' });
  await dialog.getByRole('button', { name: 'Copy bucket id' }).focus();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(grid).toBeFocused();
  // The close button too.
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(grid).toBeFocused();
});

test('a filter error or Custom… shifts nothing; the placeholder fits; 24-hour inputs; refresh from the step', async ({
  page,
}) => {
  await open(page);
  const plot = page.getByTestId('hover-layer');
  const top = async () => (await plot.boundingBox())!.y;
  const y0 = await top();
  const filter = page.getByLabel('Filter');
  await filter.fill('0xzz');
  await expect(page.getByTestId('filter-error')).toBeVisible();
  expect(await top()).toBe(y0);
  await filter.fill('');
  await page.getByLabel('Time range').selectOption('custom');
  const from = page.getByLabel('From', { exact: true });
  await expect(from).toBeVisible();
  expect(await top()).toBe(y0);
  // 24-hour clock, like the axes: "YYYY-MM-DD HH:MM", never AM/PM.
  await expect(from).toHaveValue(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await expect(from).toHaveAttribute('type', 'text');
  await from.fill('2026-01-02 23:30');
  await page.getByLabel('To', { exact: true }).fill('2026-01-02 23:10');
  await page.getByRole('button', { name: 'Apply range' }).click();
  await expect(page.getByRole('alert')).toContainText('after the start');
  expect(await top()).toBe(y0);
  // The whole placeholder shows.
  const fits = await filter.evaluate((e: HTMLInputElement) => {
    const c = document.createElement('canvas').getContext('2d')!;
    const st = getComputedStyle(e);
    c.font = `${st.fontSize} ${st.fontFamily}`;
    const pad = parseFloat(st.paddingLeft) + parseFloat(st.paddingRight) + 24; // clear button
    return c.measureText(e.placeholder).width + pad <= e.clientWidth + 1;
  });
  expect(fits).toBe(true);
  // The server's step is 10 min: the refresh choices are whole steps.
  const opts = await page
    .getByRole('combobox', { name: 'Auto refresh' })
    .locator('option')
    .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
  expect(opts).toEqual(['0', '600', '1200', '3000', 'live']);
});
