// The /keyviz page against a real sampler server: first paint, every control, the URL, auto
// refresh, the hover flyout, dark mode and crisp canvases at fractional devicePixelRatio.
import { expect, test, type Page } from '@playwright/test';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import { describeKey, elideMiddle } from '../../src/data/keys.ts';
import { formatInt, formatValue } from '../../src/data/format.ts';
import {
  canvasInk,
  cellCentre,
  fetchMatrix,
  MATRIX_PATH,
  installFetchProbe,
  probeStats,
  resetProbe,
  waitForHeatmap,
} from './support.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  // A 10-minute step: no new column appears while the tests run, so the page and a direct
  // fetch see the same cells.
  s = await spawnServer([
    ...workloadFlags({ backfill: '6h', routes: 300, seed: 3 }),
    '--nodeId',
    'e2e-node',
  ]);
});

test.afterAll(async () => {
  await s?.stop();
});

const rowsInput = (page: Page) => page.getByRole('textbox', { name: 'Rows' });
const summary = (page: Page) => page.getByTestId('summary');

test('first paint: `/` leads to /keyviz, the heatmap, axes, legend and node name', async ({
  page,
}) => {
  await page.goto(`${s.http}/`);
  await expect(page).toHaveURL(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  expect(await canvasInk(page)).toBeGreaterThan(1000);
  await expect(page.getByTestId('node-name')).toContainText('e2e-node');
  await expect(page).toHaveTitle(/e2e-node/);
  // The heatmap fills the window: no page scrolling.
  const scroll = await page.evaluate(() => ({
    h: document.documentElement.scrollHeight,
    vh: innerHeight,
    canvasH: document.querySelector('canvas.heat-canvas')!.getBoundingClientRect().height,
  }));
  expect(scroll.h).toBeLessThanOrEqual(scroll.vh);
  expect(scroll.canvasH).toBeGreaterThan(400);
  // Legend names the unit; the key axis shows start keys.
  await expect(page.getByTestId('legend')).toContainText('(ops)');
  expect(await page.locator('.key-label').count()).toBeGreaterThan(5);
  // Time labels never overlap.
  const boxes = await page.locator('.time-axis .tick').evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return [r.left, r.right];
    }),
  );
  expect(boxes.length).toBeGreaterThan(2);
  for (let i = 1; i < boxes.length; i++) expect(boxes[i][0]).toBeGreaterThan(boxes[i - 1][1]);
});

test('series: writes by default, reads and the byte series change request, URL and unit', async ({
  page,
}) => {
  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  const series = page.getByRole('combobox', { name: 'Series' });
  await expect(series).toHaveValue('writes');
  const req = page.waitForRequest((r) => r.url().includes(MATRIX_PATH));
  await series.selectOption('read_bytes');
  await req;
  await expect(page).toHaveURL(/series=read_bytes/);
  await expect(page.getByTestId('legend')).toContainText('read bytes (bytes)');
  await expect(page.getByTestId('legend')).toContainText(/\d+ (B|KiB|MiB)/);
  await series.selectOption('reads');
  await expect(page.getByTestId('legend')).toContainText('reads (ops)');
  await series.selectOption('write_bytes');
  await expect(page.getByTestId('legend')).toContainText('write bytes (bytes)');
});

test('rows: valid values commit on Enter and blur; invalid drafts are refused', async ({
  page,
}) => {
  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  const input = rowsInput(page);
  await expect(input).toHaveValue('1024');
  // Cleared and retyped, committed on Enter.
  await input.fill('');
  await input.pressSequentially('8');
  await input.press('Enter');
  await expect(page).toHaveURL(/rows=8(&|$)/);
  await expect(summary(page)).toContainText(/^8 rows/);
  // The header says how many buckets the budget left out (tracked_buckets, 1028).
  const all = await fetchMatrix(s.http, 'writes', 1024);
  expect(all.rowCount).toBeGreaterThan(8);
  await expect(page.getByTestId('tracked-buckets')).toHaveText(
    `· 8 of ${all.rowCount.toLocaleString('en-US')} buckets`,
  );
  // Committed on blur.
  await input.fill('16');
  await page.getByRole('combobox', { name: 'Series' }).focus();
  await expect(page).toHaveURL(/rows=16(&|$)/);
  await expect(summary(page)).toContainText(/^16 rows/);

  for (const bad of ['42abc', '1e3', '-1', '0', '', '1025', '2.5']) {
    await input.fill(bad);
    await input.press('Enter');
    const alert = page.getByRole('alert');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('Still showing 16');
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await expect(page).toHaveURL(/rows=16(&|$)/);
    await expect(summary(page)).toContainText(/^16 rows/);
  }
  // A good value clears the message.
  await input.fill('1024');
  await input.press('Enter');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page).not.toHaveURL(/rows=/);
  // Every bucket shown: nothing to say.
  await expect(page.getByTestId('tracked-buckets')).toHaveCount(0);
});

test('URL round trip: reload and a shared link keep the view; back and forward restore it', async ({
  page,
}) => {
  await page.goto(`${s.http}/keyviz?series=reads&rows=12&refresh=30`);
  await waitForHeatmap(page);
  await expect(page.getByRole('combobox', { name: 'Series' })).toHaveValue('reads');
  await expect(rowsInput(page)).toHaveValue('12');
  await expect(page.getByRole('combobox', { name: 'Auto refresh' })).toHaveValue('30');
  await expect(summary(page)).toContainText(/^12 rows/);

  await page.getByRole('combobox', { name: 'Series' }).selectOption('write_bytes');
  await expect(page).toHaveURL(/series=write_bytes/);
  await rowsInput(page).fill('5');
  await rowsInput(page).press('Enter');
  await expect(page).toHaveURL(/rows=5/);

  await page.reload();
  await waitForHeatmap(page);
  await expect(page.getByRole('combobox', { name: 'Series' })).toHaveValue('write_bytes');
  await expect(rowsInput(page)).toHaveValue('5');
  await expect(summary(page)).toContainText(/^5 rows/);

  await page.goBack();
  await expect(rowsInput(page)).toHaveValue('12');
  await expect(page.getByRole('combobox', { name: 'Series' })).toHaveValue('write_bytes');
  await expect(summary(page)).toContainText(/^12 rows/);
  await page.goBack();
  await expect(page.getByRole('combobox', { name: 'Series' })).toHaveValue('reads');
  await page.goForward();
  await expect(page.getByRole('combobox', { name: 'Series' })).toHaveValue('write_bytes');
  await page.goForward();
  await expect(rowsInput(page)).toHaveValue('5');
  await expect(summary(page)).toContainText(/^5 rows/);
});

test('refresh button loads again; a new click aborts the older request', async ({ page }) => {
  await installFetchProbe(page);
  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  // Slow answers, so clicks overlap.
  await resetProbe(page, 800);
  const before = Number(await page.locator('canvas.heat-canvas').getAttribute('data-rendered'));
  const button = page.getByRole('button', { name: 'Refresh' });
  await button.click();
  await button.click();
  await button.click();
  await expect(page.getByTestId('busy')).toHaveText('refreshing…');
  await expect(page.getByTestId('busy')).toHaveText('', { timeout: 10_000 });
  const st = await probeStats(page);
  expect(st.started).toBe(3);
  expect(st.aborted).toBe(2);
  expect(st.maxInFlight).toBe(1);
  // Only the newest answer is drawn, and the picture never went away.
  await expect
    .poll(async () =>
      Number(await page.locator('canvas.heat-canvas').getAttribute('data-rendered')),
    )
    .toBe(before + 1);
  expect(await canvasInk(page)).toBeGreaterThan(1000);
});

test('auto refresh: polls every 5 s, one request at a time, never blanks the canvas', async ({
  page,
}) => {
  test.setTimeout(60_000);
  await installFetchProbe(page);
  // The server's step is 10 min, so the picker offers whole steps; a 5 s interval comes from
  // the URL (any whole interval up to an hour), and the picker lists it.
  await page.goto(`${s.http}/keyviz?rows=64&refresh=5`);
  await waitForHeatmap(page);
  await expect(page.getByRole('combobox', { name: 'Auto refresh' })).toHaveValue('5');
  await resetProbe(page);
  // Sample the canvas in the page for the whole run: the least ink ever seen.
  await page.evaluate(() => {
    const w = window as unknown as { minInk: number };
    w.minInk = Infinity;
    const probe = () => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas');
      let n = 0;
      if (c && c.width > 0) {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
      }
      w.minInk = Math.min(w.minInk, n);
      requestAnimationFrame(probe);
    };
    requestAnimationFrame(probe);
  });
  const rendered0 = Number(await page.locator('canvas.heat-canvas').getAttribute('data-rendered'));
  await page.waitForTimeout(11_500);
  const st = await probeStats(page);
  expect(st.started).toBeGreaterThanOrEqual(2);
  expect(st.started).toBeLessThanOrEqual(3);
  expect(st.maxInFlight).toBe(1);
  const rendered = Number(await page.locator('canvas.heat-canvas').getAttribute('data-rendered'));
  expect(rendered).toBeGreaterThanOrEqual(rendered0 + 2);
  const minInk = await page.evaluate(() => (window as unknown as { minInk: number }).minInk);
  expect(minInk).toBeGreaterThan(1000);

  // Off stops polling.
  await page.getByRole('combobox', { name: 'Auto refresh' }).selectOption('0');
  const n = (await probeStats(page)).started;
  await page.waitForTimeout(6_000);
  expect((await probeStats(page)).started).toBe(n);
});

test('auto refresh pauses while the tab is hidden and resumes on return', async ({ page }) => {
  test.setTimeout(60_000);
  await installFetchProbe(page);
  await page.goto(`${s.http}/keyviz?rows=64&refresh=5`);
  await waitForHeatmap(page);
  await resetProbe(page);
  const setHidden = (hidden: boolean) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => (h ? 'hidden' : 'visible'),
      });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  await setHidden(true);
  await page.waitForTimeout(7_000);
  expect((await probeStats(page)).started).toBe(0);
  await setHidden(false);
  // The poll that fell due while hidden runs at once.
  await expect.poll(async () => (await probeStats(page)).started, { timeout: 2_000 }).toBe(1);
});

test('hover flyout: a known cell shows what the server says about it', async ({ page }) => {
  const rows = 24;
  const m = await fetchMatrix(s.http, 'writes', rows);
  expect(m.rowCount).toBe(rows);
  // The hottest cell of the hottest row.
  let best = 0;
  for (let i = 1; i < m.values.length; i++) if (m.values[i] > m.values[best]) best = i;
  const row = Math.floor(best / m.colCount);
  const col = best % m.colCount;
  await page.goto(`${s.http}/keyviz?rows=${rows}`);
  await waitForHeatmap(page);
  const p = await cellCentre(page, m, row, col);
  await page.mouse.move(p.x - 3, p.y);
  await page.mouse.move(p.x, p.y, { steps: 2 });
  const fly = page.getByRole('tooltip', { name: 'Cell details' });
  await expect(fly).toBeVisible();
  await expect(fly).toHaveAttribute('data-row', String(row));
  await expect(fly).toHaveAttribute('data-col', String(col));
  const meta = m.rows[row];
  await expect(fly).toContainText(formatValue(m.values[best], 'writes'));
  if (m.values[best] >= 1000) await expect(fly).toContainText(`${formatInt(m.values[best])} ops`);
  await expect(fly).toContainText(meta.bucketId);
  await expect(fly).toContainText(`Row total${formatValue(meta.total, 'writes')}`);
  const start = describeKey(meta.start, 'start');
  const end = describeKey(meta.end, 'end');
  const startText = fly.locator('[data-key="start"]');
  await expect(startText).toContainText(start.openEnd ?? elideMiddle(start.display, 48));
  if (!start.openEnd) await expect(startText).toContainText(`${start.length} byte`);
  await expect(fly.locator('[data-key="end"]')).toContainText(
    end.openEnd ?? elideMiddle(end.display, 48),
  );
  if (m.raftGroupIds && m.raftGroupIds[best] > 0) {
    await expect(fly.locator('[data-field="raft"]')).toContainText(formatInt(m.raftGroupIds[best]));
    await expect(fly.locator('[data-field="raft"]')).toContainText(formatInt(m.leaderTerms![best]));
  }
  // The time window of the column.
  await expect(fly).toContainText(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d – /);

  // The flyout sits next to the cursor and inside the viewport, even in the bottom-right corner.
  const box = (await page.getByTestId('hover-layer').boundingBox())!;
  await page.mouse.move(box.x + box.width - 2, box.y + box.height - 2, { steps: 3 });
  await expect(fly).toBeVisible();
  const fb = (await fly.boundingBox())!;
  expect(fb.x).toBeGreaterThanOrEqual(0);
  expect(fb.y).toBeGreaterThanOrEqual(0);
  expect(fb.x + fb.width).toBeLessThanOrEqual(1280);
  expect(fb.y + fb.height).toBeLessThanOrEqual(800);
  expect(fb.x + fb.width).toBeLessThan(box.x + box.width); // flipped to the left of the cursor

  // Leaving the heatmap hides it.
  await page.mouse.move(5, 5);
  await expect(fly).toHaveCount(0);

  // Another series: the page asks for it and shows bytes.
  const mb = await fetchMatrix(s.http, 'read_bytes', rows);
  let hot = 0;
  for (let i = 1; i < mb.values.length; i++) if (mb.values[i] > mb.values[hot]) hot = i;
  await page.getByRole('combobox', { name: 'Series' }).selectOption('read_bytes');
  await expect(page.getByTestId('legend')).toContainText('read bytes (bytes)');
  const q = await cellCentre(page, mb, Math.floor(hot / mb.colCount), hot % mb.colCount);
  await page.mouse.move(q.x, q.y, { steps: 3 });
  await expect(fly).toContainText(formatValue(mb.values[hot], 'read_bytes'));
  await expect(fly).toContainText(mb.rows[Math.floor(hot / mb.colCount)].bucketId);
});

test('pinned flyout: click pins, the full key is one disclosure away, Escape closes', async ({
  page,
}) => {
  const rows = 24;
  const m = await fetchMatrix(s.http, 'writes', rows);
  await page.goto(`${s.http}/keyviz?rows=${rows}`);
  await waitForHeatmap(page);
  // A row whose start key is long enough to be elided, if any; else the middle row.
  let row = m.rows.findIndex((r) => describeKey(r.start, 'start').display.length > 48);
  if (row < 0) row = Math.floor(rows / 2);
  const p = await cellCentre(page, m, row, Math.floor(m.colCount / 2));
  await page.mouse.move(p.x, p.y, { steps: 2 });
  await page.mouse.click(p.x, p.y);
  const dialog = page.getByRole('dialog', { name: 'Cell details' });
  await expect(dialog).toBeVisible();
  // Pinned: moving away keeps it.
  await page.mouse.move(p.x + 200, p.y + 50, { steps: 3 });
  await expect(dialog).toHaveAttribute('data-row', String(row));
  const start = describeKey(m.rows[row].start, 'start');
  if (start.display.length > 48) {
    await dialog.getByText('show full key').first().click();
    await expect(dialog.locator('[data-key="start"] details code').first()).toHaveText(
      start.display,
    );
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('hover follows the pointer cell by cell without redrawing the heatmap', async ({ page }) => {
  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  const box = (await page.getByTestId('hover-layer').boundingBox())!;
  // Each move lands on a new cell and is followed by a yield that runs after React's own
  // scheduled render (both are MessageChannel tasks), so the flyout has caught up when read.
  const perMove = await page.evaluate(
    async ({ x, y, w, h }) => {
      const el = document.querySelector('[data-testid="hover-layer"]')!;
      const yieldTask = () =>
        new Promise<void>((r) => {
          const c = new MessageChannel();
          c.port1.onmessage = () => r();
          c.port2.postMessage(0);
        });
      const n = 300;
      let changed = 0;
      let last = '';
      for (let i = 0; i < n; i++) {
        const px = x + ((i * 7.3) % w);
        const py = y + ((i * 13.1) % h);
        el.dispatchEvent(
          new PointerEvent('pointermove', { bubbles: true, clientX: px, clientY: py }),
        );
        await yieldTask();
        const f = document.querySelector('.flyout');
        const at = f ? `${f.getAttribute('data-row')},${f.getAttribute('data-col')}` : '';
        if (at !== last) changed++;
        last = at;
      }
      return { changed };
    },
    { x: box.x, y: box.y, w: box.width, h: box.height },
  );
  // The flyout really followed the pointer from cell to cell.
  expect(perMove.changed).toBeGreaterThan(250);
  // Its cost per move is a benchmark figure (npm run bench -- page-e2e), not a test.
  // Hover never redraws the heatmap itself.
  const before = await page.locator('canvas.heat-canvas').getAttribute('data-rendered');
  await page.mouse.move(box.x + 10, box.y + 10);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 20 });
  await expect(page.getByRole('tooltip')).toBeVisible();
  expect(await page.locator('canvas.heat-canvas').getAttribute('data-rendered')).toBe(before);
});

test('dark colour scheme: dark page, and zero cells show the page background', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g)!.map(Number);
  expect(r + g + b).toBeLessThan(100);
  // Zero-traffic pixels are transparent: whatever is behind (the page background) shows.
  const transparent = await page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] === 0) n++;
    return n;
  });
  expect(transparent).toBeGreaterThan(0);
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(light).toBe('rgb(255, 255, 255)');
});

for (const dpr of [1.25, 1.5, 2]) {
  test(`crisp canvas at devicePixelRatio ${dpr}`, async ({ browser }) => {
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: dpr,
    });
    const page = await ctx.newPage();
    await page.goto(`${s.http}/keyviz`);
    await waitForHeatmap(page);
    const m = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
      const r = c.getBoundingClientRect();
      return { w: c.width, h: c.height, cssW: r.width, cssH: r.height, dpr: devicePixelRatio };
    });
    expect(m.dpr).toBe(dpr);
    expect(Number.isInteger(m.w) && Number.isInteger(m.h)).toBe(true);
    // The backing store covers the CSS box at exactly one raster pixel per device pixel.
    expect(Math.abs(m.cssW * dpr - m.w)).toBeLessThan(0.51);
    expect(Math.abs(m.cssH * dpr - m.h)).toBeLessThan(0.51);
    expect(m.w).toBeGreaterThan(900 * dpr);
    expect(await canvasInk(page)).toBeGreaterThan(1000);
    await ctx.close();
  });
}

test('resizing the window resizes the heatmap', async ({ page }) => {
  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  const w1 = await page.locator('canvas.heat-canvas').evaluate((c: HTMLCanvasElement) => c.width);
  await page.setViewportSize({ width: 900, height: 600 });
  await expect
    .poll(() => page.locator('canvas.heat-canvas').evaluate((c: HTMLCanvasElement) => c.width))
    .toBeLessThan(w1 - 300);
  const h = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(h).toBeLessThanOrEqual(600);
});

test('works under a strict Content-Security-Policy (no inline script or style, no eval)', async ({
  page,
}) => {
  const csp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  await page.route(`${s.http}/keyviz`, async (route) => {
    const res = await route.fetch();
    await route.fulfill({
      response: res,
      headers: { ...res.headers(), 'content-security-policy': csp },
    });
  });
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const resp = await page.goto(`${s.http}/keyviz`);
  expect(resp?.headers()['content-security-policy']).toBe(csp);
  await waitForHeatmap(page);
  expect(await canvasInk(page)).toBeGreaterThan(1000);
  // Styled (the stylesheet loaded) and laid out: the flyout works too.
  const box = (await page.getByTestId('hover-layer').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 2 });
  await expect(page.getByRole('tooltip')).toBeVisible();
  expect(
    await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
  ).toEqual([]);
});
