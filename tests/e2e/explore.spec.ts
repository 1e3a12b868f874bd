// Issue 4 end to end in real Chromium against a real sampler server: colour controls (pixel
// checks, recolour without refetch), zoom (drag rectangle, wheel, pan, Back, Reset, refetch of
// the zoomed window without a jump, kept through auto refresh), time range presets and custom,
// the pinned flyout's copy buttons, marginals, key bands, the filter, and the hovered cell being
// the one under the pointer at fractional devicePixelRatios.
import { expect, test, type Page } from '@playwright/test';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import { buildLut } from '../../src/data/colorRamp.ts';
import { describeKey } from '../../src/data/keys.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { columnLayout, inferStepMs } from '../../src/data/raster.ts';
import { makeScale } from '../../src/data/scale.ts';
import {
  canvasInk,
  cellCentre,
  fetchMatrix,
  installFetchProbe,
  probeStats,
  resetProbe,
  waitForHeatmap,
} from './support.ts';
import {
  cellNear,
  colourDistance,
  floodArea,
  interiorMax,
  luminance,
  pixelAt,
  recordRequests,
  renderCount,
  sameAsSnap,
  snapCanvas,
  zoomOfUrl,
} from './exploreSupport.ts';

let s: SpawnedServer;
let m: Matrix;

test.beforeAll(async () => {
  // A 10-minute step: no new column appears while the tests run, so page and Node agree.
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

/** Waits for the matrix requests in flight to settle and the canvas to repaint after. */
async function settle(page: Page): Promise<void> {
  await expect.poll(async () => (await probeStats(page)).inFlight).toBe(0);
  await page.waitForTimeout(150);
}

const plotBox = async (page: Page) => (await page.getByTestId('hover-layer').boundingBox())!;

test('brightness recolours a mid cell brighter, from the cached raster, with no refetch', async ({
  page,
}) => {
  await open(page);
  const cell = cellNear(m, Math.sqrt(m.max)); // mid of the log scale
  const p = await cellCentre(page, m, cell.row, cell.col);
  const before = await pixelAt(page, p.x, p.y);
  expect(before[3]).toBe(255);
  await resetProbe(page);
  const slider = page.getByRole('slider', { name: 'Brightness' });
  await expect(slider).toHaveValue('0');
  await slider.fill('2');
  await expect(page).toHaveURL(/brightness=4(&|$)/);
  await expect(page.getByTestId('brightness-value')).toHaveText('4x');
  // The light page's ramp darkens with heat: brighter settings draw a cell darker.
  await expect
    .poll(async () => luminance(await pixelAt(page, p.x, p.y)))
    .toBeLessThan(luminance(before) - 10);
  // Fainter than 1x at 1/4x.
  await slider.fill('-2');
  await expect(page).toHaveURL(/brightness=1%2F4(&|$)/);
  await expect
    .poll(async () => luminance(await pixelAt(page, p.x, p.y)))
    .toBeGreaterThan(luminance(before) + 10);
  // The legend follows: its top value is max / brightness.
  await expect(page.getByTestId('legend')).toContainText('log scale');
  expect((await probeStats(page)).started).toBe(0);
  const recolour = await page.evaluate(() =>
    performance.getEntriesByName('keyviz:recolour').map((e) => e.duration),
  );
  expect(recolour.length).toBeGreaterThan(0);
  // Back restores the previous brightness.
  await page.goBack();
  await expect(page).toHaveURL(/brightness=4(&|$)/);
  await expect(slider).toHaveValue('2');
});

test('scale: linear changes a low cell colour; palette: colour-blind safe changes colours', async ({
  page,
}) => {
  await open(page);
  const low = cellNear(m, Math.max(1, m.max / 60));
  const p = await cellCentre(page, m, low.row, low.col);
  const logColour = await pixelAt(page, p.x, p.y);
  await resetProbe(page);
  await page.getByRole('combobox', { name: 'Scale' }).selectOption('linear');
  await expect(page).toHaveURL(/scale=linear/);
  await expect(page.getByTestId('legend')).toContainText('linear scale');
  await expect
    .poll(async () => colourDistance(await pixelAt(page, p.x, p.y), logColour))
    .toBeGreaterThan(40);
  // Linear puts a low value near the faint end of the ramp: on the light page, lighter than
  // log did.
  expect(luminance(await pixelAt(page, p.x, p.y))).toBeGreaterThan(luminance(logColour));

  const hot = interiorMax(m, 0);
  const hp = await cellCentre(page, m, hot.row, hot.col);
  const heat = await pixelAt(page, hp.x, hp.y);
  const gradient = await page
    .locator('.legend-bar')
    .evaluate((e) => getComputedStyle(e).backgroundImage);
  await page.getByRole('combobox', { name: 'Palette' }).selectOption('cvd');
  await expect(page).toHaveURL(/palette=cvd/);
  await expect
    .poll(async () => colourDistance(await pixelAt(page, hp.x, hp.y), heat))
    .toBeGreaterThan(40);
  const gradient2 = await page
    .locator('.legend-bar')
    .evaluate((e) => getComputedStyle(e).backgroundImage);
  expect(gradient2).not.toBe(gradient);
  expect((await probeStats(page)).started).toBe(0);
  // A reload keeps all three.
  await page.reload();
  await waitForHeatmap(page);
  await expect(page.getByRole('combobox', { name: 'Scale' })).toHaveValue('linear');
  await expect(page.getByRole('combobox', { name: 'Palette' })).toHaveValue('cvd');
});

test('drag a rectangle: the hot cell covers many more pixels, the window is refetched, no jump', async ({
  page,
}) => {
  const requests = recordRequests(page);
  await open(page);
  const hot = interiorMax(m, 4);
  const c = await cellCentre(page, m, hot.row, hot.col);
  const caption0 = await page.locator('.time-caption').textContent();
  const area0 = await floodArea(page, c.x, c.y);
  expect(area0).toBeGreaterThan(0);
  const box = await plotBox(page);
  const cw = box.width / m.colCount;
  const rh = box.height / m.rowCount;
  await resetProbe(page, 1500); // slow answers: the old data must stay on screen meanwhile
  const n0 = requests.length;
  await page.mouse.move(c.x - 3 * cw, c.y - 8 * rh);
  await page.mouse.down();
  await page.mouse.move(c.x, c.y, { steps: 5 });
  await expect(page.locator('.zoom-rect')).toBeVisible();
  await page.mouse.move(c.x + 3 * cw, c.y + 8 * rh, { steps: 5 });
  await page.mouse.up();
  await expect(page).toHaveURL(/zoom=/);
  const z = zoomOfUrl(page.url())!;
  expect(z.toMs - z.fromMs).toBeLessThan((m.columns[m.colCount - 1] - m.columns[0]) / 5);
  expect(z.startKeyHex).toBeTruthy();
  // The zoomed view is drawn from the data on hand at once...
  await page.waitForTimeout(300);
  expect((await probeStats(page)).inFlight).toBe(1);
  await snapCanvas(page);
  const captionZoomed = await page.locator('.time-caption').textContent();
  // ...and the full-resolution answer for that window replaces it without a jump: the same time
  // window and key range, and mostly the same pixels (rows with no traffic in the window are
  // left out of the answer, so the rows around them grow).
  await settle(page);
  await expect(page.locator('.time-caption')).toHaveText(captionZoomed!);
  expect(zoomOfUrl(page.url())).toEqual(z);
  expect(await sameAsSnap(page)).toBeGreaterThan(0.6);
  const asked = requests.slice(n0);
  expect(asked.length).toBeGreaterThan(0);
  const last = asked[asked.length - 1];
  expect(last.fromMs).toBeGreaterThan(0);
  expect(last.fromMs).toBeLessThanOrEqual(z.fromMs);
  expect(last.toMs).toBeGreaterThanOrEqual(z.toMs);
  // The hot cell now sits at the middle of the plot and covers far more pixels.
  const mid = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const area1 = await floodArea(page, mid.x, mid.y);
  expect(area1).toBeGreaterThan(area0 * 8);
  // Hovering there describes a cell of the zoomed key range.
  await page.mouse.move(mid.x, mid.y);
  await expect(page.locator('.flyout')).toBeVisible();
  // Time axis follows the zoom.
  await expect(page.locator('.time-caption')).not.toHaveText(caption0!);
  // Reload keeps the zoom (the URL holds time + key range).
  await resetProbe(page, 0);
  await page.reload();
  await waitForHeatmap(page);
  await settle(page);
  expect(zoomOfUrl(page.url())).toEqual(z);
  expect(await floodArea(page, mid.x, mid.y)).toBeGreaterThan(area0 * 8);
});

test('wheel zooms at the pointer, Shift-drag pans, Back and Reset zoom step back', async ({
  page,
}) => {
  await open(page);
  const box = await plotBox(page);
  const t0 = columnLayout(m.columns, inferStepMs(m.columns)).x0[0];
  const t1 = m.columns[m.colCount - 1];
  const fx = 0.3;
  const px = box.x + fx * box.width;
  const tAt = t0 + fx * (t1 - t0);
  await expect(page.getByRole('button', { name: 'Reset zoom' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Previous zoom' })).toBeDisabled();
  await page.mouse.move(px, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await expect(page).toHaveURL(/zoom=/);
  const z1 = zoomOfUrl(page.url())!;
  const span1 = z1.toMs - z1.fromMs;
  expect(span1).toBeLessThan((t1 - t0) * 0.6);
  // The time under the pointer stayed under the pointer.
  expect(Math.abs(z1.fromMs + fx * span1 - tAt)).toBeLessThan((t1 - t0) * 0.02);
  await settle(page);

  // Shift-drag left by 200 px: later times come into view, the span is kept.
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + box.width * 0.6, box.y + 100);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6 - 200, box.y + 100, { steps: 8 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect.poll(() => zoomOfUrl(page.url())?.fromMs).toBeGreaterThan(z1.fromMs);
  const z2 = zoomOfUrl(page.url())!;
  expect(Math.abs(z2.toMs - z2.fromMs - span1)).toBeLessThan(2);
  expect(z2.fromMs - z1.fromMs).toBeGreaterThan(span1 * (150 / box.width));

  // Back: the wheel zoom; Back again: the whole extent; Reset from a zoom.
  await page.getByRole('button', { name: 'Previous zoom' }).click();
  await expect.poll(() => zoomOfUrl(page.url())).toEqual(z1);
  await page.getByRole('button', { name: 'Previous zoom' }).click();
  await expect(page).not.toHaveURL(/zoom=/);
  await page.mouse.move(px, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await expect(page).toHaveURL(/zoom=/);
  await page.getByRole('button', { name: 'Reset zoom' }).click();
  await expect(page).not.toHaveURL(/zoom=/);
  await expect(page.getByRole('button', { name: 'Reset zoom' })).toBeDisabled();
  // Browser Back returns to the zoom too (every view setting is in history).
  await page.goBack();
  await expect(page).toHaveURL(/zoom=/);
});

test('auto refresh keeps the zoom', async ({ page }) => {
  const t0 = m.columns[10];
  const t1 = m.columns[30];
  await open(page, `?refresh=5&zoom=${t0}-${t1}`);
  await settle(page);
  const r0 = await renderCount(page);
  await resetProbe(page);
  await expect
    .poll(async () => (await probeStats(page)).started, { timeout: 15_000 })
    .toBeGreaterThan(0);
  await settle(page);
  expect(zoomOfUrl(page.url())).toEqual({ fromMs: t0, toMs: t1 });
  expect(await renderCount(page)).toBeGreaterThanOrEqual(r0);
  // The time axis still spans the zoom (20 columns of 10 minutes = 200 minutes).
  const caption = await page.locator('.time-caption').textContent();
  expect(caption).toBeTruthy();
  expect(await canvasInk(page)).toBeGreaterThan(1000);
});

test('time range: presets ask for their window; custom applies two labelled times', async ({
  page,
}) => {
  const requests = recordRequests(page);
  await open(page);
  const range = page.getByRole('combobox', { name: 'Time range' });
  await expect(range).toHaveValue('all');
  const n0 = requests.length;
  await range.selectOption('1h');
  await expect(page).toHaveURL(/range=1h/);
  await expect.poll(() => requests.length).toBeGreaterThan(n0);
  const r = requests[requests.length - 1];
  expect(Math.abs(r.fromMs - (Date.now() - 3_600_000))).toBeLessThan(60_000);
  expect(r.toMs).toBe(0);
  await expect(page.getByTestId('summary')).toContainText(/× [67] columns/);

  await range.selectOption('custom');
  const from = page.getByLabel('From', { exact: true });
  const to = page.getByLabel('To', { exact: true });
  await expect(from).toBeVisible();
  const a = m.columns[5];
  const b = m.columns[25];
  const local = (ms: number) => {
    const d = new Date(ms);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  };
  // End before start: refused with a message.
  await from.fill(local(b));
  await to.fill(local(a));
  await page.getByRole('button', { name: 'Apply range' }).click();
  await expect(page.getByRole('alert')).toContainText('after the start');
  await to.fill(local(b));
  await from.fill(local(a));
  const n1 = requests.length;
  await page.getByRole('button', { name: 'Apply range' }).click();
  await expect(page).toHaveURL(/range=\d+-\d+/);
  await expect.poll(() => requests.length).toBeGreaterThan(n1);
  const c = requests[requests.length - 1];
  expect(c.fromMs).toBe(Math.floor(a / 60_000) * 60_000);
  expect(c.toMs).toBe(Math.floor(b / 60_000) * 60_000);
  await expect(page.getByTestId('summary')).toContainText(/× (19|20) columns/);
  await page.goBack();
  await expect(page).toHaveURL(/range=1h/);
  await expect(range).toHaveValue('1h');
});

test('pinned flyout: click pins, copy buttons copy each field, Escape and a second click unpin', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await open(page);
  const hot = interiorMax(m, 2);
  const c = await cellCentre(page, m, hot.row, hot.col);
  await page.mouse.click(c.x, c.y);
  const dialog = page.getByRole('dialog', { name: 'Cell details' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute('data-row', String(hot.row));
  const key = describeKey(m.rows[hot.row].start, 'start');
  const clip = () => page.evaluate(() => navigator.clipboard.readText());
  await dialog.getByRole('button', { name: 'Copy start key as hex' }).click();
  await expect.poll(clip).toBe(key.hex);
  await dialog.getByRole('button', { name: 'Copy start key as base64' }).click();
  await expect.poll(clip).toBe(key.base64);
  await dialog.getByRole('button', { name: 'Copy start key as text' }).click();
  await expect.poll(clip).toBe(key.display);
  await dialog.getByRole('button', { name: 'Copy bucket id' }).click();
  await expect.poll(clip).toBe(m.rows[hot.row].bucketId);
  for (const name of ['Copy value', 'Copy time', 'Copy row total', 'Copy raft group']) {
    await expect(dialog.getByRole('button', { name })).toBeVisible();
  }
  await expect(dialog.getByRole('button', { name: /Copy end key/ }).first()).toBeVisible();
  // Moving the pointer away keeps it pinned; Escape unpins.
  await page.mouse.move(c.x + 100, c.y + 50);
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  // Click pins again, a second click releases.
  await page.mouse.click(c.x, c.y);
  await expect(dialog).toBeVisible();
  await page.mouse.click(c.x, c.y);
  await expect(dialog).toHaveCount(0);
});

test('marginals: bars per row and per column of the visible window; they follow the zoom', async ({
  page,
}) => {
  await open(page);
  const rows = page.getByTestId('marginal-rows');
  const cols = page.getByTestId('marginal-cols');
  await expect(rows).toHaveAccessibleName(/Row totals/);
  const nonZeroRows = m.rows.filter((r) => r.total > 0).length;
  await expect(rows).toHaveAttribute('data-bars', String(nonZeroRows));
  let activeCols = 0;
  for (let c = 0; c < m.colCount; c++) {
    let t = 0;
    for (let r = 0; r < m.rowCount; r++) t += m.values[r * m.colCount + c];
    if (t > 0) activeCols++;
  }
  await expect(cols).toHaveAttribute('data-bars', String(activeCols));
  const ink = await cols.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
    return n;
  });
  expect(ink).toBeGreaterThan(500);
  // Zoom to the middle third of time: fewer column bars.
  await page.goto(`${s.http}/keyviz?zoom=${m.columns[20]}-${m.columns[40]}`);
  await waitForHeatmap(page);
  await expect
    .poll(async () => Number(await cols.getAttribute('data-bars')))
    .toBeLessThanOrEqual(22);
});

test('key axis: nested bands with horizontal legible labels, hover highlights the band rows', async ({
  page,
}) => {
  await open(page);
  const bands = page.locator('.key-band');
  expect(await bands.count()).toBeGreaterThan(3);
  // Depth 0 bands never overlap.
  const geo = await bands.evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { depth: Number((e as HTMLElement).dataset.depth), top: r.top, h: r.height };
    }),
  );
  const d0 = geo.filter((g) => g.depth === 0).sort((a, b) => a.top - b.top);
  for (let i = 1; i < d0.length; i++)
    expect(d0[i].top).toBeGreaterThanOrEqual(d0[i - 1].top + d0[i - 1].h - 0.5);
  // Every depth-0 band has a label; labels are horizontal, >= 11 px, and never overlap.
  const labels = await page.locator('.key-band-label').evaluateAll((els) =>
    els.map((e) => {
      const st = getComputedStyle(e);
      const r = e.getBoundingClientRect();
      return {
        depth: Number((e as HTMLElement).dataset.depth),
        size: parseFloat(st.fontSize),
        mode: st.writingMode,
        top: r.top,
        bottom: r.bottom,
      };
    }),
  );
  expect(labels.filter((l) => l.depth === 0)).toHaveLength(d0.length);
  for (const l of labels) {
    expect(l.size).toBeGreaterThanOrEqual(11);
    expect(l.mode).toBe('horizontal-tb');
  }
  const byTop = [...labels].sort((a, b) => a.top - b.top);
  for (let i = 1; i < byTop.length; i++)
    expect(byTop[i].top).toBeGreaterThanOrEqual(byTop[i - 1].bottom - 0.5);
  const first = bands.first();
  const fb = (await first.boundingBox())!;
  await first.hover();
  const hl = page.getByTestId('band-highlight');
  await expect(hl).toBeVisible();
  const hb = (await hl.boundingBox())!;
  expect(Math.abs(hb.y - fb.y)).toBeLessThan(2);
  expect(Math.abs(hb.height - fb.height)).toBeLessThan(2);
  await page.mouse.move(5, 5);
  await expect(hl).toHaveCount(0);
});

test('filter: by label and by key prefix (text or hex), with the parse error shown', async ({
  page,
}) => {
  await open(page);
  const filter = page.getByRole('searchbox', { name: 'Filter' });
  await filter.fill('label:redis');
  await filter.press('Enter');
  await expect(page).toHaveURL(/filter=label%3Aredis/);
  const redis = m.rows.filter((r) => r.label === 'redis').length;
  expect(redis).toBeGreaterThan(0);
  await expect(page.getByTestId('filter-count')).toHaveText(`${redis} of ${m.rowCount} rows`);
  await expect(page.getByTestId('marginal-rows')).toHaveAttribute(
    'data-bars',
    String(m.rows.filter((r) => r.label === 'redis' && r.total > 0).length),
  );
  // Hex prefix of "!s3|": the same rows as the text prefix.
  await filter.fill('0x2173337c');
  await filter.press('Enter');
  const s3 = page.getByTestId('filter-count');
  await expect(s3).toContainText(' of ');
  const hexText = await s3.textContent();
  await filter.fill('!s3|');
  await filter.press('Enter');
  await expect(page).toHaveURL(/filter=(!|%21)s3%7C/);
  await expect(s3).toHaveText(hexText!);
  // Labels show the part that differs; the whole key is their title.
  for (const l of await page
    .locator('.key-label')
    .evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? '')))
    expect(l.startsWith('!s3|')).toBe(true);
  // Malformed: the error is shown and the view keeps the last good filter.
  await filter.fill('0xZZ');
  await filter.press('Enter');
  await expect(page.getByTestId('filter-error')).toBeVisible();
  await expect(filter).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/filter=(!|%21)s3%7C/);
  // No match: a message, not a broken page.
  await filter.fill('label:no-such-adapter');
  await filter.press('Enter');
  await expect(page.getByText('No rows match the filter.')).toBeVisible();
  await filter.fill('');
  await filter.press('Enter');
  await expect(page).not.toHaveURL(/filter=/);
  await expect(page.getByTestId('filter-count')).toHaveCount(0);
});

for (const dpr of [1.25, 1.5]) {
  test(`at devicePixelRatio ${dpr} the pixel under the pointer is the cell the card names`, async ({
    browser,
  }) => {
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: dpr,
    });
    const page = await ctx.newPage();
    await open(page);
    const box = await plotBox(page);
    // Pointer positions: a sub-pixel either side of every column edge and of a spread of row
    // edges (where a device pixel holds a cell edge), plus points spread over the plot; never
    // on a device-pixel boundary, where which pixel is under the pointer is a rounding toss-up.
    const { x0, x1 } = columnLayout(m.columns, inferStepMs(m.columns));
    const from = x0[0];
    const to = x1[m.colCount - 1];
    const points: [number, number][] = [];
    const off = (v: number, origin: number) => {
      const f = ((v - origin) * dpr) % 1;
      return f < 0.02 || f > 0.98 ? v + 0.1 / dpr : v;
    };
    const add = (x: number, y: number) => points.push([off(x, box.x), off(y, box.y)]);
    for (let c = 1; c < m.colCount; c++) {
      const ex = box.x + ((x0[c] - from) / (to - from)) * box.width;
      const y = box.y + ((((c * 37) % m.rowCount) + 0.5) / m.rowCount) * box.height;
      add(ex - 0.3, y);
      add(ex + 0.3, y);
    }
    for (let r = 1; r < m.rowCount; r += 7) {
      const ey = box.y + (r / m.rowCount) * box.height;
      const x = box.x + (((r * 0.618) % 1) * 0.98 + 0.01) * box.width;
      add(x, ey - 0.2);
      add(x, ey + 0.2);
    }
    for (let k = 0; k < 100; k++)
      add(box.x + ((k * 0.618034) % 1) * box.width, box.y + ((k * 0.754878) % 1) * box.height);

    // In the page: move there (fractional pointer coordinates), let React render the card, and
    // read the card's cell and the canvas pixel under the pointer (x * dpr, as the browser
    // maps it).
    const seen = await page.evaluate(async (pts) => {
      const el = document.querySelector('[data-testid="hover-layer"]')!;
      const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
      const cr = c.getBoundingClientRect();
      const k = c.width / cr.width;
      const d = new Uint32Array(
        c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.buffer,
      );
      const out: { row: number; col: number; pixel: number }[] = [];
      for (const [x, y] of pts) {
        el.dispatchEvent(
          new PointerEvent('pointermove', { bubbles: true, clientX: x, clientY: y }),
        );
        // Two frames: React has rendered the card for this move (a task yield alone sometimes
        // still shows the previous cell).
        for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
        const f = document.querySelector('.flyout');
        const px = Math.floor((x - cr.left) * k);
        const py = Math.floor((y - cr.top) * k);
        out.push({
          row: f ? Number(f.getAttribute('data-row')) : -1,
          col: f ? Number(f.getAttribute('data-col')) : -1,
          pixel: d[py * c.width + px],
        });
      }
      return out;
    }, points);

    const lut = buildLut({ palette: 'heat', size: 256 });
    const scale = makeScale({ kind: 'log', max: m.max, brightness: 1 });
    const colour = (r: number, c: number) =>
      lut[scale.index(m.values[r * m.colCount + c], 256)] >>> 0;
    const wrong = seen
      .map((s, i) => ({ ...s, at: points[i] }))
      .filter((s) => s.row < 0 || s.pixel !== colour(s.row, s.col));
    expect(seen.length).toBe(points.length);
    expect(wrong.slice(0, 5)).toEqual([]);
    await ctx.close();
  });
}
