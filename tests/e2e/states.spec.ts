// Every state the page can be in, each against a server started for it: keyviz switched off,
// no data yet, a token needed, the server gone after load, an unreachable API, other errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { formatInt } from '../../src/data/format.ts';
import {
  canvasInk,
  cellCentre,
  fetchMatrix,
  installFetchProbe,
  MATRIX_PATH,
  probeStats,
  resetProbe,
  waitForHeatmap,
} from './support.ts';

const SMALL = ['--keyvizStep', '10m', '--backfill', '2h', '--routes', '60'];

test.describe('keyviz switched off (--keyvizEnabled=false)', () => {
  let s: SpawnedServer;
  test.beforeAll(async () => {
    s = await spawnServer(['--keyvizEnabled=false', '--routes', '50']);
  });
  test.afterAll(() => s?.stop());

  test('says what to switch on, with the node message', async ({ page }) => {
    await page.goto(`${s.http}/keyviz`);
    const panel = page.locator('[data-state="disabled"]');
    await expect(panel).toBeVisible();
    await expect(panel).toContainText('--keyvizEnabled');
    await expect(panel).toContainText('Unavailable');
    await expect(panel).toContainText(/keyviz/i);
    await expect(page.locator('canvas')).toHaveCount(0);
  });
});

test.describe('no data yet (--backfill 0, no workload)', () => {
  let s: SpawnedServer;
  test.beforeAll(async () => {
    s = await spawnServer(['--backfill', '0', '--workload=false', '--keyvizStep', '10m']);
  });
  test.afterAll(() => s?.stop());

  test('an empty answer is "no data yet", not an error', async ({ page }) => {
    await page.goto(`${s.http}/keyviz`);
    const panel = page.locator('[data-state="empty"]');
    await expect(panel).toBeVisible();
    await expect(panel).toContainText('No data yet');
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page.locator('canvas')).toHaveCount(0);
  });
});

test.describe('a token is needed (--adminTokenFile)', () => {
  const TOKEN = 'e2e-token-0123456789';
  let s: SpawnedServer;
  test.beforeAll(async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kv-e2e-')), 'token');
    writeFileSync(file, `${TOKEN}\n`);
    s = await spawnServer([...SMALL, '--adminTokenFile', file, '--nodeId', 'secure-node']);
  });
  test.afterAll(() => s?.stop());

  test('the token form: a wrong token is refused, the right one shows the heatmap', async ({
    page,
  }) => {
    await page.goto(`${s.http}/keyviz`);
    const panel = page.locator('[data-state="unauthenticated"]');
    await expect(panel).toBeVisible();
    await expect(panel).toContainText('Unauthenticated');
    const field = page.getByLabel('Bearer token');
    await field.fill('wrong-token');
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect(panel).toContainText('The token in use was refused');

    await field.fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await waitForHeatmap(page);
    expect(await canvasInk(page)).toBeGreaterThan(100);
    // The header's overview call now carries the token too.
    await expect(page.getByTestId('node-name')).toContainText('secure-node');
    // Kept for this tab only: sessionStorage, never localStorage.
    const stored = await page.evaluate(() => ({
      session: Object.values(sessionStorage),
      local: Object.values(localStorage),
    }));
    expect(stored.session).toContain(TOKEN);
    expect(stored.local).not.toContain(TOKEN);
    // A reload in the same tab keeps working without asking again.
    await page.reload();
    await waitForHeatmap(page);
  });

  test('the shell bar says whether a token is in use (never the token) and forgets it', async ({
    page,
  }) => {
    const bar = page.getByRole('region', { name: 'Console bar' });
    const state = page.getByTestId('shell-token');
    const forget = bar.getByRole('button', { name: 'Forget token' });
    // The cluster page asks for the token too (every page, not only the heatmap).
    await page.goto(`${s.http}/cluster`);
    await expect(
      page.getByRole('heading', { name: 'This node needs an Admin token' }),
    ).toBeVisible();
    await expect(state).toHaveText('No admin token');
    await expect(forget).toHaveCount(0);
    await page.getByLabel('Bearer token').fill('wrong-token');
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect(state).toHaveText('Admin token refused');
    await expect(page.locator('[data-state="unauthenticated"]')).toContainText(
      'The token in use was refused',
    );
    await page.getByLabel('Bearer token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect(page.getByTestId('groups').locator('tbody tr').first()).toBeVisible();
    await expect(state).toHaveText('Admin token set');
    await expect(page.getByTestId('shell-node')).toHaveText('secure-node');
    // The token itself is nowhere on the page: not in the bar, not in any attribute.
    expect(await page.content()).not.toContain(TOKEN);
    // The heatmap reads the same token; a reload keeps it (this tab's sessionStorage).
    await page.getByRole('link', { name: 'Key Visualizer' }).click();
    await waitForHeatmap(page);
    await page.reload();
    await waitForHeatmap(page);
    await expect(state).toHaveText('Admin token set');
    // Forget token: gone from storage, every page asks again, the bar says so.
    await forget.click();
    await expect(page.locator('[data-state="unauthenticated"]')).toBeVisible();
    await expect(state).toHaveText('No admin token');
    await expect(forget).toHaveCount(0);
    expect(await page.evaluate(() => Object.values(sessionStorage))).not.toContain(TOKEN);
    await page.getByRole('link', { name: 'Cluster' }).click();
    await expect(
      page.getByRole('heading', { name: 'This node needs an Admin token' }),
    ).toBeVisible();
  });
});

test.describe('loading', () => {
  let s: SpawnedServer;
  test.beforeAll(async () => {
    s = await spawnServer(SMALL);
  });
  test.afterAll(() => s?.stop());

  test('first load says loading; later loads keep the picture and say refreshing', async ({
    page,
  }) => {
    await installFetchProbe(page);
    await page.addInitScript(() => {
      (window as unknown as { __kvDelay: number }).__kvDelay = 1500;
    });
    await page.goto(`${s.http}/keyviz`);
    await expect(page.locator('[data-state="loading"]')).toBeVisible();
    await expect(page.getByTestId('busy')).toHaveText('refreshing…');
    await waitForHeatmap(page);
    await expect(page.locator('[data-state="loading"]')).toHaveCount(0);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByTestId('busy')).toHaveText('refreshing…');
    await expect(page.locator('[data-state="loading"]')).toHaveCount(0);
    expect(await canvasInk(page)).toBeGreaterThan(100);
    await expect(page.getByTestId('busy')).toHaveText('');
  });
});

test.describe('the server goes away after the page loaded', () => {
  let s: SpawnedServer;
  test.beforeAll(async () => {
    s = await spawnServer(SMALL);
  });
  test.afterAll(() => s?.stop());

  test('keeps the last heatmap, shows the error and backs off', async ({ page }) => {
    test.setTimeout(60_000);
    await installFetchProbe(page);
    await page.goto(`${s.http}/keyviz?refresh=5`);
    await waitForHeatmap(page);
    const ink = await canvasInk(page);
    await s.stop();
    await resetProbe(page);
    const banner = page.locator('.stale-banner');
    await expect(banner).toBeVisible({ timeout: 10_000 });
    await expect(banner).toContainText('Refresh failed');
    await expect(banner).toContainText('Showing data loaded at');
    await expect(banner).toContainText('Next try at');
    // Still the old picture (a little shorter: the banner takes a line).
    expect(await canvasInk(page)).toBeGreaterThan(ink * 0.8);
    const kept = await canvasInk(page);
    // Back-off: after one failure the next poll waits 10 s, not 5 s.
    await page.waitForTimeout(8_000);
    expect((await probeStats(page)).started).toBe(1);
    await expect.poll(async () => (await probeStats(page)).started, { timeout: 6_000 }).toBe(2);
    const t = (await probeStats(page)).times;
    expect(t[1] - t[0]).toBeGreaterThan(9_000);
    expect(await canvasInk(page)).toBe(kept);
  });
});

test.describe('an unreachable API', () => {
  let s: SpawnedServer;
  test.beforeAll(async () => {
    s = await spawnServer(SMALL);
  });
  test.afterAll(() => s?.stop());

  test('a page whose API base answers nothing says so', async ({ page }) => {
    // Port 9 on loopback: nothing listens there (a loopback ?api= override is allowed).
    await page.goto(`${s.http}/keyviz?api=http://127.0.0.1:9`);
    const panel = page.locator('[data-state="unreachable"]');
    await expect(panel).toBeVisible();
    await expect(panel).toContainText('Cannot reach the Admin API');
    await expect(panel).toContainText('http://127.0.0.1:9');
    await expect(panel).toContainText('does it serve Connect or gRPC-Web there?');
    // "Try again" reaches the server once the URL points at it.
    await page.goto(`${s.http}/keyviz`);
    await waitForHeatmap(page);
  });

  test('any other error shows its code and message', async ({ page }) => {
    await page.route(`**${MATRIX_PATH}`, (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({ code: 'invalid_argument', message: 'rows out of <b>range</b>' }),
      }),
    );
    await page.goto(`${s.http}/keyviz`);
    const panel = page.locator('[data-state="error"]');
    await expect(panel).toBeVisible();
    await expect(panel).toContainText('InvalidArgument');
    // Text, never markup.
    await expect(panel).toContainText('rows out of <b>range</b>');
    await expect(panel.locator('b')).toHaveCount(0);
  });
});

test.describe('cluster view through the gateway, one node down', () => {
  let node: SpawnedServer;
  let gw: SpawnedServer;
  test.beforeAll(async () => {
    node = await spawnServer([...SMALL, '--nodeId', 'node-a']);
    // Port 9 on loopback: a second "node" that never answers.
    gw = await spawnServer(['--upstream', `${node.grpc},127.0.0.1:9`, '--upstreamInsecureNoAuth']);
  });
  test.afterAll(async () => {
    await gw?.stop();
    await node?.stop();
  });

  test('the heatmap shows what answered and names the missing node', async ({ page }) => {
    await page.goto(`${gw.http}/keyviz?rows=16`);
    await waitForHeatmap(page);
    const banner = page.getByTestId('cluster-banner');
    await expect(banner).toContainText('1 of 2 nodes answered');
    await expect(banner).toContainText('127.0.0.1:9');
    const box = (await page.getByTestId('hover-layer').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 2 });
    await expect(page.getByRole('tooltip').locator('[data-field="nodes"]')).toHaveText(node.grpc);
  });
});

test.describe('virtual buckets (--keyvizMaxTrackedRoutes)', () => {
  let s: SpawnedServer;
  test.beforeAll(async () => {
    s = await spawnServer([
      ...SMALL,
      '--routes',
      '200',
      '--keyvizMaxTrackedRoutes',
      '20',
      '--keyvizMaxMemberRoutesPerSlot',
      '3',
    ]);
  });
  test.afterAll(() => s?.stop());

  test('an aggregate row lists its first members and "+N more"', async ({ page }) => {
    const rows = 64;
    const m = await fetchMatrix(s.http, 'writes', rows);
    const row = m.rows.findIndex((r) => r.aggregate && r.routeIdsTruncated);
    expect(row).toBeGreaterThanOrEqual(0);
    const meta = m.rows[row];
    await page.goto(`${s.http}/keyviz?rows=${rows}`);
    await waitForHeatmap(page);
    const p = await cellCentre(page, m, row, Math.floor(m.colCount / 2));
    await page.mouse.move(p.x, p.y, { steps: 2 });
    const agg = page.getByRole('tooltip').locator('[data-field="aggregate"]');
    await expect(agg).toContainText(`yes · ${formatInt(meta.routeCount)} routes`);
    await expect(agg).toContainText(meta.routeIds.join(', '));
    const more = BigInt(meta.routeCount) - BigInt(meta.routeIds.length);
    await expect(agg).toContainText(`+${formatInt(more)} more`);
    await expect(page.getByRole('tooltip')).toContainText(meta.bucketId);
  });
});
