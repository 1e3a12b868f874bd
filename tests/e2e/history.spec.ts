// Issue 11 end to end: the 7- and 28-day presets against a real server started on a synthesized
// history store (server/history/synth.ts, as `npm run history:synth` writes it): a full heatmap
// whose columns widen with age, tier marks on the time axis, and a hover card that names the
// width of the column under the pointer. 60 routes keep the store and the answers small.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { openSqliteStore } from '../../server/history/sqliteStore.ts';
import { synthesizeStore } from '../../server/history/synth.ts';
import { parseTiers } from '../../server/history/flags.ts';
import { waitForHeatmap } from './support.ts';

let s: SpawnedServer;
let dir: string;

test.beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'keyviz-history-e2e-'));
  const st = openSqliteStore(dir);
  synthesizeStore(st, {
    routes: 60,
    now: Date.now(),
    stepMs: 60_000,
    tiers: parseTiers('t', '1m:24h,10m:7d,1h:28d'),
  });
  st.close();
  s = await spawnServer(['--historyDir', dir, '--workload=false', '--keyvizStep', '60s']);
});

test.afterAll(async () => {
  await s?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Share of the canvas's device columns with ink on the middle row (1 = no gap anywhere). */
function inkedColumns(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
    const y = Math.floor(c.height / 2);
    const d = c.getContext('2d')!.getImageData(0, y, c.width, 1).data;
    let n = 0;
    for (let x = 0; x < c.width; x++) if (d[4 * x + 3] !== 0) n++;
    return n / c.width;
  });
}

/** The hover card's column width at a fraction of the plot's width. */
async function widthAt(page: Page, fx: number): Promise<string> {
  const box = (await page.getByTestId('hover-layer').boundingBox())!;
  await page.mouse.move(box.x + fx * box.width, box.y + box.height / 2);
  const w = page.locator('.flyout [data-field="column-width"]');
  await expect(w).toBeVisible();
  return (await w.textContent()) ?? '';
}

/** Plot-relative fractions where each tier mark stands, from the marks' boxes. */
async function markFractions(page: Page): Promise<{ widthMs: number; f: number }[]> {
  const box = (await page.getByTestId('hover-layer').boundingBox())!;
  const marks = page.locator('.tier-mark');
  const out: { widthMs: number; f: number }[] = [];
  for (let i = 0; i < (await marks.count()); i++) {
    const m = marks.nth(i);
    const b = (await m.boundingBox())!;
    const end = (await m.getAttribute('class'))!.includes(' end');
    out.push({
      widthMs: Number(await m.getAttribute('data-width-ms')),
      f: ((end ? b.x + b.width : b.x) - box.x) / box.width,
    });
  }
  return out;
}

test('28 days: a full heatmap of 1 h, 10 min and 1 min columns, marked on the time axis', async ({
  page,
}) => {
  await page.goto(`${s.http}/keyviz?range=28d`);
  await waitForHeatmap(page);
  await expect(page.getByLabel('Time range')).toHaveValue('28d');
  // Full: every device column of the plot is drawn (a gap would leave blank columns).
  // Polled: a new answer is pooled in a worker, and a resized canvas stays blank until then.
  await expect.poll(() => inkedColumns(page)).toBeGreaterThan(0.99);

  const marks = page.getByTestId('tier-marks');
  await expect(marks).toContainText('1 h columns');
  await expect(marks).toContainText('10 min columns');
  const at = await markFractions(page);
  expect(at.map((m) => m.widthMs)).toEqual([3_600_000, 600_000, 60_000]);
  // Linear in time: 1 h columns for 21 of the 28 days, 10 min for 6, 1 min for the last one.
  expect(at[0].f).toBeCloseTo(0, 1);
  expect(at[1].f).toBeCloseTo(21 / 28, 1);
  expect(at[2].f).toBeCloseTo(27 / 28, 1);

  // Wider columns are coloured by their count per step (not 60 times darker for an hour).
  await expect(page.getByTestId('legend')).toContainText('their sum per step');
  // The hover card names the width of the column under the pointer.
  expect(await widthAt(page, at[1].f / 2)).toBe('1 h column');
  expect(await widthAt(page, (at[1].f + at[2].f) / 2)).toBe('10 min column');
  expect(await widthAt(page, (at[2].f + 1) / 2)).toBe('1 min column');
});

test('7 days: 10 min columns, then 1 min, from the preset in the time-range control', async ({
  page,
}) => {
  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  // The default view is the ring's 24 h of one width: no tier marks.
  await expect(page.getByTestId('tier-marks')).toHaveCount(0);
  await page.getByLabel('Time range').selectOption('7d');
  await expect(page).toHaveURL(/range=7d/);
  await expect(page.getByTestId('tier-marks')).toContainText('10 min columns');
  // Polled: a new answer is pooled in a worker, and a resized canvas stays blank until then.
  await expect.poll(() => inkedColumns(page)).toBeGreaterThan(0.99);
  const at = await markFractions(page);
  expect(at.map((m) => m.widthMs)).toEqual([600_000, 60_000]);
  expect(at[1].f).toBeCloseTo(6 / 7, 1);
  expect(await widthAt(page, at[1].f / 2)).toBe('10 min column');
  expect(await widthAt(page, (at[1].f + 1) / 2)).toBe('1 min column');
});

test('zoom into an old window: refetched, drawn full at the finest tier that holds it', async ({
  page,
}) => {
  const asked: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/Admin/GetKeyVizMatrix')) asked.push(r.url());
  });
  await page.goto(`${s.http}/keyviz?range=28d`);
  await waitForHeatmap(page);
  const before = asked.length;
  const box = (await page.getByTestId('hover-layer').boundingBox())!;
  // 0.80..0.83 of 28 days: about 20 h, 4 to 5 days ago, inside the 10 min tier.
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 0.8 * box.width, y);
  await page.mouse.down();
  await page.mouse.move(box.x + 0.83 * box.width, y, { steps: 8 });
  await page.mouse.up();
  await expect(page).toHaveURL(/zoom=|t0=|from=/);
  await expect.poll(() => asked.length).toBeGreaterThan(before);
  await waitForHeatmap(page);
  // One width in view: no tier marks; every device column drawn; the card names the width.
  await expect(page.getByTestId('tier-marks')).toHaveCount(0);
  expect(await inkedColumns(page)).toBeGreaterThan(0.99);
  expect(await widthAt(page, 0.5)).toBe('10 min column');
});
