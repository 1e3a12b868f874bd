// The hot-keys panel end to end against real servers: click a cell, see the keys the sampler
// holds for that bucket and column (compared with what the server answers Node), on the Connect
// source and on the node's JSON source; the top-N picker and the URL; Escape; aggregates; a
// range; label and sub-range rows; a read-only role and hot keys switched off.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createHotKeysClient } from '../../src/api/hotKeysClient.ts';
import { parseBucketId } from '../../src/data/bucketId.ts';
import { formatInt } from '../../src/data/format.ts';
import { displayKey, elideMiddle } from '../../src/data/keys.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { spawnServer, workloadFlags, type SpawnedServer } from '../helpers/spawnServer.ts';
import { cellCentre, fetchMatrix, waitForHeatmap } from './support.ts';

let s: SpawnedServer;
let agg: SpawnedServer;
let split: SpawnedServer;
let off: SpawnedServer;
let m: Matrix;
const FULL = { access: 'ops', secret: 'hotkeys-full-secret-71' };
const VIEWER = { access: 'viewer', secret: 'hotkeys-viewer-secret-72' };

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'keyviz-hotkeys-'));
  const creds = path.join(dir, 'credentials.json');
  writeFileSync(
    creds,
    JSON.stringify([
      { access_key: FULL.access, secret_key: FULL.secret, role: 'full' },
      { access_key: VIEWER.access, secret_key: VIEWER.secret, role: 'read_only' },
    ]),
  );
  const wl = workloadFlags({ backfill: '2h', routes: 40, seed: 5 });
  [s, agg, off, split] = await Promise.all([
    spawnServer([...wl, '--adminCredentialsFile', creds]),
    // Eight tracked routes: the rest fold into a virtual (aggregate) bucket.
    spawnServer([...wl, '--keyvizMaxTrackedRoutes', '8']),
    spawnServer([...wl, '--keyvizHotKeysEnabled=false']),
    spawnServer([...wl, '--keyvizLabelsEnabled', '--keyvizKeyBucketsPerRoute', '4']),
  ]);
  m = await fetchMatrix(s.http, 'writes', 1024);
});

test.afterAll(async () => {
  await Promise.all([s?.stop(), agg?.stop(), off?.stop(), split?.stop()]);
});

/** The busiest non-aggregate cell of a column. */
function busiest(mx: Matrix, col: number, pick = (id: string) => id.startsWith('route:')) {
  let best = -1;
  for (let r = 0; r < mx.rowCount; r++) {
    if (mx.rows[r].aggregate || !pick(mx.rows[r].bucketId)) continue;
    if (best < 0 || mx.values[r * mx.colCount + col] > mx.values[best * mx.colCount + col])
      best = r;
  }
  return best;
}

/** What the server answers Node for that cell, asked as the page asks. */
async function expected(base: string, mx: Matrix, row: number, col: number, top = 20) {
  const b = parseBucketId(mx.rows[row].bucketId);
  if (!b || b.kind !== 'route') throw new Error(`not a route: ${mx.rows[row].bucketId}`);
  const c = createHotKeysClient({ baseUrl: base, source: 'connect' });
  // As the matrix selects columns: flush times in [from, to).
  const t = mx.columns[col];
  const req = { routeId: b.routeId, label: b.label, subBucket: b.subBucket, top };
  return c.get({ ...req, fromMs: t, toMs: t + 1 });
}

/** A cell whose top key is one the workload planted (`…#hot0`, the Zipf head). */
async function plantedCell(base: string, mx: Matrix, col: number, pick = /^route:/) {
  for (let r = 0; r < mx.rowCount; r++) {
    if (mx.rows[r].aggregate || !pick.test(mx.rows[r].bucketId)) continue;
    const a = await expected(base, mx, r, col);
    if (a.keys.length > 0 && displayKey(a.keys[0].key).endsWith('#hot0'))
      return { row: r, want: a };
  }
  throw new Error('no planted hot key in that column');
}

async function clickCell(page: Page, mx: Matrix, row: number, col: number) {
  const p = await cellCentre(page, mx, row, col);
  await page.mouse.click(p.x, p.y);
}

const panel = (page: Page) => page.getByRole('region', { name: /^Hot keys/ });

async function expectKeys(page: Page, want: Awaited<ReturnType<typeof expected>>) {
  await expect(panel(page)).toHaveAttribute('data-state', 'ok');
  const rows = panel(page).locator('tbody tr');
  await expect(rows).toHaveCount(want.keys.length);
  for (let i = 0; i < Math.min(3, want.keys.length); i++) {
    const k = want.keys[i];
    await expect(rows.nth(i).locator('code.key-text')).toHaveText(
      elideMiddle(displayKey(k.key), 60),
    );
    await expect(rows.nth(i).locator('.hk-count')).toHaveText(formatInt(k.count));
  }
}

test('Connect: click a cell, see its hot keys; top-N in the URL; Escape returns to the heatmap', async ({
  page,
}) => {
  const col = m.colCount - 1;
  const { row, want } = await plantedCell(s.http, m, col);

  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  await clickCell(page, m, row, col);
  await expect(panel(page)).toBeVisible();
  await expect(panel(page).getByRole('heading', { name: 'Hot keys' })).toBeVisible();
  await expect(panel(page).getByTestId('hk-bucket')).toHaveText(m.rows[row].bucketId);
  await expectKeys(page, want);
  await expect(panel(page).locator('tbody tr').first().locator('code.key-text')).toHaveText(
    /#hot0$/,
  );
  await expect(panel(page).getByTestId('hk-approx')).toContainText(
    `1 in ${want.sampleRate} writes sampled`,
  );
  await expect(panel(page).getByTestId('hk-approx')).toContainText(formatInt(want.errorBound));
  // Our server keeps that column's window: no "not the window asked" note.
  await expect(panel(page).getByTestId('hk-window-note')).toHaveCount(0);
  const url = new URL(page.url());
  expect(url.searchParams.get('hk')).toBe(m.rows[row].bucketId);
  expect(url.searchParams.get('hkt')).toBe(String(m.columns[col]));

  await panel(page).getByLabel('Top').selectOption('10');
  await expect.poll(() => new URL(page.url()).searchParams.get('hktop')).toBe('10');
  await expectKeys(page, await expected(s.http, m, row, col, 10));

  // A reload reopens the same panel from the URL.
  await page.reload();
  await waitForHeatmap(page);
  await expect(panel(page)).toHaveAttribute('data-state', 'ok');
  await expect(panel(page).getByLabel('Top')).toHaveValue('10');
  // More than the sketch holds (--keyvizHotKeysPerRoute, 64 by default): the panel says why.
  await panel(page).getByLabel('Top').selectOption('256');
  await expect(panel(page).getByTestId('hk-top-note')).toHaveText(
    'at most 64 keys tracked per bucket',
  );
  await expect(panel(page).locator('tbody tr')).toHaveCount(
    (await expected(s.http, m, row, col, 256)).keys.length,
  );

  await panel(page).getByLabel('Top').focus();
  await page.keyboard.press('Escape');
  await expect(panel(page)).toHaveCount(0);
  await expect(page.getByTestId('hover-layer')).toBeFocused();
  expect(new URL(page.url()).searchParams.get('hk')).toBeNull();
});

test('Enter on a cell opens the panel; an old column shows that column’s keys', async ({
  page,
}) => {
  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  const row = busiest(m, 1);
  const want = await expected(s.http, m, row, 1);
  // Open straight from a link to an old column.
  await page.goto(
    `${s.http}/keyviz?hk=${encodeURIComponent(m.rows[row].bucketId)}&hkt=${m.columns[1]}`,
  );
  await waitForHeatmap(page);
  await expectKeys(page, want);
  await expect(panel(page).getByTestId('hk-window-note')).toHaveCount(0);

  await page.getByRole('button', { name: 'Close hot keys' }).click();
  await expect(panel(page)).toHaveCount(0);
  await page.getByTestId('hover-layer').focus();
  await page.keyboard.press('Enter');
  await expect(panel(page)).toBeVisible();
  await expect(panel(page)).toHaveAttribute('data-state', /ok|aggregate/);
});

test('an aggregate row explains why it has no keys; a range merges its buckets', async ({
  page,
}) => {
  await page.goto(`${agg.http}/keyviz`);
  await waitForHeatmap(page);
  const small = await fetchMatrix(agg.http, 'writes', 1024);
  const aggRow = small.rows.findIndex((r) => r.aggregate);
  expect(aggRow).toBeGreaterThanOrEqual(0);
  await clickCell(page, small, aggRow, small.colCount - 1);
  await expect(panel(page)).toHaveAttribute('data-state', 'aggregate');
  await expect(panel(page)).toContainText('aggregate');

  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  await page.getByRole('button', { name: 'Hot keys of this range' }).click();
  await expect(panel(page).getByRole('heading', { name: 'Hot keys of this range' })).toBeVisible();
  await expect(panel(page)).toHaveAttribute('data-state', 'ok', { timeout: 20_000 });
  await expect(panel(page).locator('tbody tr').first()).toBeVisible();
  // 40 routes with labels: more buckets than one range asks.
  await expect(panel(page).getByTestId('hk-capped')).toContainText('busiest');
  expect(new URL(page.url()).searchParams.get('hkr')).not.toBeNull();
});

test('JSON source: a full-access sign-in sees the keys, read-only is told why not', async ({
  page,
  browser,
}) => {
  const col = m.colCount - 1;
  const { row, want } = await plantedCell(s.http, m, col);
  const seen: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/keyviz/hotkeys')) seen.push(r.url());
  });
  const q = `?source=json&hk=${encodeURIComponent(m.rows[row].bucketId)}&hkt=${m.columns[col]}`;

  await page.goto(`${s.http}/keyviz${q}`);
  await page.getByLabel('Access key').fill(VIEWER.access);
  await page.getByLabel('Secret key').fill(VIEWER.secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitForHeatmap(page);
  await expect(panel(page)).toHaveAttribute('data-state', 'forbidden');
  await expect(panel(page).getByRole('alert')).toContainText('full access');

  // A full-access operator in a browser of their own (cookies are per browser context).
  const ctx = await browser.newContext();
  const full = await ctx.newPage();
  full.on('request', (r) => {
    if (r.url().includes('/keyviz/hotkeys')) seen.push(r.url());
  });
  await full.goto(`${s.http}/keyviz${q}`);
  await full.getByLabel('Access key').fill(FULL.access);
  await full.getByLabel('Secret key').fill(FULL.secret);
  await full.getByRole('button', { name: 'Sign in' }).click();
  await waitForHeatmap(full);
  await expectKeys(full, want);
  await expect(panel(full).locator('tbody tr').first().locator('code.key-text')).toHaveText(
    /#hot0$/,
  );
  await ctx.close();
  // The page asked the node's JSON endpoint (no RPC on the JSON source).
  const id = parseBucketId(m.rows[row].bucketId);
  expect(id?.kind).toBe('route');
  expect(seen.some((u) => id?.kind === 'route' && u.includes(`route_id=${id.routeId}&`))).toBe(
    true,
  );
});

test('label and sub-range rows ask for their slot and sub-bucket', async ({ page }) => {
  const sm = await fetchMatrix(split.http, 'writes', 1024);
  // A label slot's sketch sees a 1-in-R sample of its own writes only, so its newest column
  // need not rank a planted key first: take the newest column where one does.
  const labelRow = /^route:\d+:[a-z0-9]+(#\d+)?$/;
  let col = sm.colCount - 1;
  let label: Awaited<ReturnType<typeof plantedCell>> | null = null;
  for (; col >= 0 && label === null; col--) {
    label = await plantedCell(split.http, sm, col, labelRow).catch(() => null);
  }
  col++;
  if (label === null) throw new Error('no label row ranks a planted hot key first in any column');
  const sub = busiest(sm, col, (id) => /^route:\d+#\d+$/.test(id));
  expect(sub).toBeGreaterThanOrEqual(0);
  // The page asks for the same columns: a flush during the test cannot move a cell.
  const range = `${sm.columns[0]}-${sm.columns[sm.colCount - 1] + 1}`;
  await page.goto(`${split.http}/keyviz?range=${range}`);
  await waitForHeatmap(page);

  await clickCell(page, sm, label.row, col);
  await expect(panel(page).getByTestId('hk-bucket')).toHaveText(sm.rows[label.row].bucketId);
  await expect(panel(page).locator('.hk-what .tag').first()).toHaveText(
    (parseBucketId(sm.rows[label.row].bucketId) as { label: string }).label,
  );
  await expectKeys(page, label.want);

  await page.getByRole('button', { name: 'Close hot keys' }).click();
  // Focus is back on the heatmap: Escape unpins the cell details, so the next click picks.
  await expect(page.getByTestId('hover-layer')).toBeFocused();
  await page.keyboard.press('Escape');
  await clickCell(page, sm, sub, col);
  await expect(panel(page).getByTestId('hk-bucket')).toHaveText(sm.rows[sub].bucketId);
  await expect(panel(page)).toContainText('sub-range');
  await expectKeys(page, await expected(split.http, sm, sub, col));
});

test('hot keys switched off: the panel says how to switch them on', async ({ page }) => {
  const om = await fetchMatrix(off.http, 'writes', 1024);
  const col = om.colCount - 1;
  await page.goto(`${off.http}/keyviz`);
  await waitForHeatmap(page);
  await clickCell(page, om, busiest(om, col), col);
  await expect(panel(page)).toHaveAttribute('data-state', 'hotkeys_disabled');
  await expect(panel(page).getByRole('alert')).toContainText('--keyvizHotKeysEnabled');
});
