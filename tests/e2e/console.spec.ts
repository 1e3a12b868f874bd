// The console's pages end to end in Chromium, on Connect under `/` and on the JSON
// source under `/admin/`: heatmap -> bucket -> cluster -> adapters and back with the
// browser's Back, reload of each page, a deep link to a bucket; and the degraded pages
// behind a gateway whose upstream is node-like (no GetRouteDetail / GetAdapterSummary).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { buildEmbed } from '../helpers/embedBuild.ts';
import { writeCredentials } from '../helpers/jsonAdmin.ts';
import { startNodeLike, type NodeLike } from '../helpers/nodeLikeProcess.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { cellCentre, fetchMatrix, waitForHeatmap } from './support.ts';

const ACCESS = 'console-reader';
const SECRET = 'console-secret-8d2f';
const WORKLOAD = ['--keyvizStep', '10m', '--backfill', '2h', '--routes', '80', '--seed', '5'];

let rootSrv: SpawnedServer; // `/` build, Connect
let jsonSrv: SpawnedServer; // `/admin/` build, JSON source
let gateway: SpawnedServer; // `/` build, gateway in front of a node-like upstream
let upstream: NodeLike | null = null;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'keyviz-console-'));
  const [rootOut, jsonOut] = await Promise.all([
    buildEmbed(dir, '/', 'connect'),
    buildEmbed(dir, '/admin/', 'json'),
  ]);
  const creds = writeCredentials(dir, [{ access: ACCESS, secret: SECRET, role: 'read_only' }]);
  upstream = await startNodeLike(WORKLOAD);
  const upstreamAddr = upstream.addr;
  [rootSrv, jsonSrv, gateway] = await Promise.all([
    spawnServer(['--static', rootOut, '--nodeId', 'console-root', ...WORKLOAD]),
    spawnServer([
      '--static',
      jsonOut,
      '--adminCredentialsFile',
      creds,
      '--nodeId',
      'console-json',
      ...WORKLOAD,
    ]),
    spawnServer(['--static', rootOut, '--upstream', upstreamAddr, '--upstreamInsecureNoAuth']),
  ]);
});

test.afterAll(async () => {
  await Promise.all([rootSrv?.stop(), jsonSrv?.stop(), gateway?.stop()]);
  upstream?.stop();
});

/** axe's violations (the rules of tests/e2e/axe.spec.ts) as "rule: target" lines. */
async function axeViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('Access key').fill(ACCESS);
  await page.getByLabel('Secret key').fill(SECRET);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Pins the middle cell of the busiest row and follows "Open the bucket's page". */
async function openBucketFromHeatmap(page: Page, base: string, rows: number): Promise<string> {
  const m = await fetchMatrix(rootSrv.http, 'writes', rows);
  await waitForHeatmap(page);
  const c = Math.floor(m.colCount / 2);
  let row = 0;
  for (let r = 0; r < m.rowCount; r++) {
    if (m.values[r * m.colCount + c] > m.values[row * m.colCount + c]) row = r;
  }
  const p = await cellCentre(page, m, row, c);
  await page.mouse.move(p.x, p.y, { steps: 2 });
  await page.mouse.click(p.x, p.y);
  const dialog = page.getByRole('dialog', { name: 'Cell details' });
  const id = m.rows[row].bucketId;
  await dialog.getByRole('link', { name: "Open the bucket's page" }).click();
  await expect(page).toHaveURL(new RegExp(`${base}keyviz/bucket/${encodeURIComponent(id)}`));
  return id;
}

async function expectBucketDrawn(page: Page, id: string): Promise<void> {
  await expect(page.getByTestId('bucket-id')).toHaveText(id);
  await expect(page.getByTestId('multiples')).toBeVisible();
  await expect(page.locator('[data-series="writes"] path.spark')).toHaveAttribute('d', /^M0,100L/);
}

test('Connect under /: heatmap -> bucket -> cluster -> adapters, Back, reload, deep link', async ({
  page,
}) => {
  const base = '/';
  await page.goto(`${rootSrv.http}/keyviz?rows=24`);
  // The shell bar names the node and the source; Connect has no session to show.
  await expect(page.getByTestId('shell-node')).toHaveText('console-root');
  await expect(page.getByTestId('shell-source')).toHaveText('via Connect');
  await expect(page.getByTestId('shell-session')).toHaveCount(0);
  const id = await openBucketFromHeatmap(page, base, 24);
  await expectBucketDrawn(page, id);
  await expect(page.getByTestId('shell-node')).toHaveText('console-root');
  // A bucket page is part of the Key Visualizer section of the navigation.
  await expect(page.getByRole('link', { name: 'Key Visualizer' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  // Pointer over the series marks one column in all four.
  const svg = page.locator('[data-series="reads"] svg');
  const box = (await svg.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.locator('line.cursor-line')).toHaveCount(4);
  await expect(page.getByTestId('cursor-time')).toContainText('Column');
  await expect(page.getByTestId('neighbours')).toContainText('Above');

  await page.getByRole('link', { name: 'Cluster' }).click();
  await expect(page).toHaveURL(`${rootSrv.http}/cluster`);
  await expect(page.getByRole('link', { name: 'Cluster' })).toHaveAttribute('aria-current', 'page');
  const groups = page.getByTestId('groups');
  await expect(groups.locator('tbody tr').first()).toBeVisible();
  await page.getByRole('button', { name: 'Term' }).click();
  await expect(page).toHaveURL(`${rootSrv.http}/cluster?sort=term`);
  await page.reload();
  await expect(page.getByRole('columnheader', { name: 'Term' })).toHaveAttribute(
    'aria-sort',
    'ascending',
  );

  await page.getByRole('link', { name: 'Adapters' }).click();
  await expect(page.getByRole('rowheader', { name: 'dynamo' }).first()).toBeVisible();
  await page.reload();
  await expect(page.getByRole('rowheader', { name: 'redis' }).first()).toBeVisible();

  await page.goBack(); // cluster?sort=term
  await expect(page).toHaveURL(`${rootSrv.http}/cluster?sort=term`);
  await page.goBack(); // cluster
  await page.goBack(); // bucket
  await expectBucketDrawn(page, id);
  await page.reload();
  await expectBucketDrawn(page, id);
  await page.goBack(); // heatmap, with the clicked cell's hot-keys selection (hk=…)
  await expect(page).toHaveURL(new RegExp(`/keyviz\\?rows=24(&hk=|$)`));
  await waitForHeatmap(page);

  // Deep link to a bucket, and "show on the heatmap" zooms there.
  await page.goto(`${rootSrv.http}/keyviz/bucket/${encodeURIComponent(id)}`);
  await expectBucketDrawn(page, id);
  await page.getByTestId('show-on-heatmap').click();
  await expect(page).toHaveURL(/\/keyviz\?zoom=\d+-\d+,/);
  await waitForHeatmap(page);

  // Unknown paths: a not-found page with links.
  await page.goto(`${rootSrv.http}/no/such/page`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await page.getByRole('link', { name: '/adapters' }).click();
  await expect(page.getByTestId('adapters-page')).toBeVisible();
});

/** The bucket id a row label's accessible name carries: "… (bucket <id>)". */
async function labelBucket(link: ReturnType<Page['locator']>): Promise<string> {
  const name = (await link.getAttribute('aria-label')) ?? '';
  const m = /^Open the bucket page of .+ \(bucket (.+)\)$/.exec(name);
  expect(m, `accessible name "${name}"`).not.toBeNull();
  return m![1];
}

test('a row label of the key axis opens its bucket page, by pointer and by keyboard', async ({
  page,
}) => {
  await page.goto(`${rootSrv.http}/keyviz?rows=24&range=6h`);
  await waitForHeatmap(page);
  const labels = page.getByTestId('key-axis').getByRole('link');
  expect(await labels.count()).toBeGreaterThan(5);
  const second = labels.nth(1);
  const id = await labelBucket(second);
  await second.click();
  // The heatmap's time window goes along.
  await expect(page).toHaveURL(`${rootSrv.http}/keyviz/bucket/${encodeURIComponent(id)}?range=6h`);
  await expectBucketDrawn(page, id);
  await page.goBack();
  await waitForHeatmap(page);

  // Keyboard: Tab reaches the row labels (after the page's controls), Enter follows one.
  let focused: string | null = null;
  for (let i = 0; i < 80 && !focused; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() =>
      document.activeElement?.classList.contains('key-label')
        ? document.activeElement.getAttribute('aria-label')
        : null,
    );
  }
  expect(focused).toMatch(/^Open the bucket page of /);
  await expect(labels.first()).toBeFocused();
  // The axis is one tab stop; the arrow keys move between its labels.
  await expect(page.locator('a.key-label[tabindex="0"]')).toHaveCount(1);
  await page.keyboard.press('ArrowDown');
  await expect(labels.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await expect(labels.nth(1)).toBeFocused();
  const picked = await labelBucket(labels.nth(1));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/keyviz/bucket/${encodeURIComponent(picked)}\\?`));
  await expectBucketDrawn(page, picked);
});

test('bucket page: the picked column and the hot keys top-N live in the URL; the change table says what it lists', async ({
  page,
}) => {
  const m = await fetchMatrix(rootSrv.http, 'writes', 24);
  const id = m.rows[3].bucketId;
  const at = `${rootSrv.http}/keyviz/bucket/${encodeURIComponent(id)}?range=6h`;
  await page.goto(at);
  await expectBucketDrawn(page, id);
  const panel = page.getByTestId('hotkeys-panel');
  const top = panel.getByRole('combobox', { name: 'Top' });
  // By default the newest column, top 20, and nothing of it in the URL.
  await expect(top).toHaveValue('20');
  expect(new URL(page.url()).search).toBe('?range=6h');

  // A click on a series picks its column: written as that column's flush time.
  const svg = page.locator('[data-series="writes"] svg');
  const box = (await svg.boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height / 2);
  await expect(page).toHaveURL(/[?&]hkt=\d+$/);
  const hkt = new URL(page.url()).searchParams.get('hkt')!;
  await top.selectOption('50');
  await expect(page).toHaveURL(`${at}&hkt=${hkt}&hktop=50`);
  const picked = await page.getByText(/^Of the column /).textContent();

  // Reload keeps both; away from the pointer the picked column stays marked.
  await page.reload();
  await expectBucketDrawn(page, id);
  await page.mouse.move(0, 0);
  await expect(top).toHaveValue('50');
  await expect(page.getByText(/^Of the column /)).toHaveText(picked!);
  await expect(page.locator('line.cursor-line')).toHaveCount(4);

  // Back undoes the top-N, then the pick; Forward redoes them.
  await page.goBack();
  await expect(page).toHaveURL(`${at}&hkt=${hkt}`);
  await expect(top).toHaveValue('20');
  await page.goBack();
  await expect(page).toHaveURL(at);
  await expect(page.getByText(/^Of the column /)).not.toHaveText(picked!);
  await page.goForward();
  await page.goForward();
  await expect(page).toHaveURL(`${at}&hkt=${hkt}&hktop=50`);
  await expect(top).toHaveValue('50');

  // Closing the panel is a state of its own: a reload keeps it closed.
  await panel.getByRole('button', { name: 'Close hot keys' }).click();
  await expect(page).toHaveURL(/hkt=none/);
  await page.reload();
  await expect(page.getByTestId('hotkeys-slot')).toHaveText(/Click a series/);

  // The change table's caption counts every change and says when it lists only the newest.
  const table = page.getByTestId('term-changes');
  if ((await table.count()) > 0) {
    const caption = (await page.getByTestId('term-caption').textContent())!;
    const rows = await table.locator('tbody tr').count();
    const n = /^No change/.test(caption)
      ? 0
      : Number(/^([\d,]+) change/.exec(caption)![1].replace(/,/g, ''));
    if (n + 1 <= 50) {
      expect(rows).toBe(n + 1);
      expect(caption).not.toContain('the last');
    } else {
      expect(rows).toBe(50);
      expect(caption).toContain(`the last 50 of ${(n + 1).toLocaleString('en-US')} rows listed`);
    }
  }
});

test('JSON source under /admin/: the same pages after sign-in, deep link and reload', async ({
  page,
}) => {
  await page.goto(`${jsonSrv.http}/admin/keyviz`);
  // Before sign-in the node refuses to name itself: the bar says signed out, no name.
  const bar = page.getByRole('region', { name: 'Console bar' });
  await expect(page.getByTestId('shell-session')).toHaveText('Not signed in');
  await expect(page.getByTestId('shell-source')).toHaveText('via JSON API');
  await expect(page.getByTestId('shell-node')).toHaveCount(0);
  await expect(bar.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await signIn(page);
  await waitForHeatmap(page);
  // The sign-in on the page reaches the bar: the name is fetched again.
  await expect(page.getByTestId('shell-node')).toHaveText('console-json');
  await expect(page.getByTestId('shell-session')).toHaveText('Signed in');
  await expect(bar.getByRole('button', { name: 'Sign out' })).toBeVisible();
  // A row label opens its bucket's page under the base path too.
  const label = page.getByTestId('key-axis').getByRole('link').nth(2);
  const fromLabel = await labelBucket(label);
  await label.click();
  await expect(page).toHaveURL(new RegExp(`/admin/keyviz/bucket/${encodeURIComponent(fromLabel)}`));
  await expectBucketDrawn(page, fromLabel);
  await page.goBack();
  await waitForHeatmap(page);
  await page.getByRole('link', { name: 'Cluster' }).click();
  await expect(page).toHaveURL(`${jsonSrv.http}/admin/cluster`);
  await expect(page.getByTestId('groups').locator('tbody tr').first()).toBeVisible();
  await expect(page.getByRole('note')).toContainText('leaders and terms only');
  await page.getByRole('link', { name: 'Adapters' }).click();
  await expect(page.getByRole('rowheader', { name: 'dynamo' }).first()).toBeVisible();
  await page.reload();
  await expect(page.getByRole('rowheader', { name: 'dynamo' }).first()).toBeVisible();
  // A bucket id from this server's own matrix, by deep link.
  const ids = await page.evaluate(async () => {
    const r = await fetch('/admin/api/v1/keyviz/matrix?rows=3');
    const b = (await r.json()) as { rows: { bucket_id: string }[] };
    return b.rows.map((x) => x.bucket_id);
  });
  await page.goto(`${jsonSrv.http}/admin/keyviz/bucket/${encodeURIComponent(ids[1])}`);
  await expectBucketDrawn(page, ids[1]);
  await page.reload();
  await expectBucketDrawn(page, ids[1]);
  await page.goBack();
  await expect(page.getByTestId('adapters-page')).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('cluster-page')).toBeVisible();
  await expect(page.getByTestId('groups').locator('tbody tr').first()).toBeVisible();
  await expect(page.getByTestId('shell-node')).toHaveText('console-json');
  // The bar's session part (Signed in, Sign out) passes axe like the rest of the page.
  await expect(bar.getByRole('button', { name: 'Sign out' })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);

  // Sign out from the Cluster page (the shell bar's): the page asks to sign in again, the
  // bar forgets the name; signing in on this page brings both back.
  const logout = page.waitForResponse((r) => r.url().endsWith('/admin/api/v1/auth/logout'));
  await bar.getByRole('button', { name: 'Sign out' }).click();
  expect((await logout).status()).toBe(204);
  await expect(page.getByRole('heading', { name: 'Sign in to the node' })).toBeVisible();
  await expect(page.getByTestId('groups')).toHaveCount(0);
  await expect(page.getByTestId('shell-session')).toHaveText('Not signed in');
  await expect(page.getByTestId('shell-node')).toHaveCount(0);
  await expect(bar.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  expect(await axeViolations(page)).toEqual([]);
  // The session really ended: the node refuses the cookie-less call.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in to the node' })).toBeVisible();
  await signIn(page);
  await expect(page.getByTestId('groups').locator('tbody tr').first()).toBeVisible();
  await expect(page.getByTestId('shell-node')).toHaveText('console-json');
  await expect(page.getByTestId('shell-session')).toHaveText('Signed in');
  await page.goBack();
  await waitForHeatmap(page);
});

test("JSON source: a 401 from the bucket page's hot keys signs the whole console out", async ({
  page,
  context,
}) => {
  // Hot keys closed at first (hkt=none): the page's loads all succeed signed in.
  await page.goto(`${jsonSrv.http}/admin/cluster`);
  await signIn(page);
  await expect(page.getByTestId('shell-session')).toHaveText('Signed in');
  const ids = await page.evaluate(async () => {
    const r = await fetch('/admin/api/v1/keyviz/matrix?rows=3');
    const b = (await r.json()) as { rows: { bucket_id: string }[] };
    return b.rows.map((x) => x.bucket_id);
  });
  await page.goto(`${jsonSrv.http}/admin/keyviz/bucket/${encodeURIComponent(ids[0])}?hkt=none`);
  await expectBucketDrawn(page, ids[0]);
  const bar = page.getByRole('region', { name: 'Console bar' });
  await expect(page.getByTestId('shell-session')).toHaveText('Signed in');
  // The session ends behind the page's back (expiry, a sign-out in another tab): the next
  // call is the hot-keys panel's, refused with a 401.
  await context.clearCookies();
  const refused = page.waitForResponse((r) => r.url().includes('/admin/api/v1/keyviz/hotkeys'));
  const svg = page.locator('[data-series="writes"] svg');
  const box = (await svg.boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height / 2);
  expect((await refused).status()).toBe(401);
  // The console, not only the panel, is signed out: the page asks to sign in, the bar says so.
  await expect(page.getByRole('heading', { name: 'Sign in to the node' })).toBeVisible();
  await expect(page.getByTestId('shell-session')).toHaveText('Not signed in');
  await expect(page.getByTestId('shell-node')).toHaveCount(0);
  await expect(bar.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  // Every page: the Key Visualizer asks too.
  await page.getByRole('link', { name: 'Key Visualizer' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to the node' })).toBeVisible();
  // Signing in there brings the bucket page back on Back.
  await signIn(page);
  await waitForHeatmap(page);
  await expect(page.getByTestId('shell-session')).toHaveText('Signed in');
  await page.goBack();
  await expectBucketDrawn(page, ids[0]);
});

test('a node answering Unimplemented: the pages say what it cannot show and show the rest', async ({
  page,
}) => {
  const m = await fetchMatrix(gateway.http, 'writes', 24);
  const id = m.rows[Math.floor(m.rowCount / 2)].bucketId;
  await page.goto(`${gateway.http}/keyviz/bucket/${encodeURIComponent(id)}`);
  await expectBucketDrawn(page, id);
  await expect(page.getByTestId('degraded')).toContainText('does not implement GetRouteDetail');
  await expect(page.getByTestId('key-start').or(page.getByText('-inf'))).toBeVisible();
  await page.getByRole('link', { name: 'Adapters' }).click();
  await expect(
    page.getByRole('heading', { name: 'This node cannot show adapter summaries' }),
  ).toBeVisible();
  await page.getByRole('link', { name: 'Cluster' }).click();
  await expect(page.getByTestId('groups').locator('tbody tr').first()).toBeVisible();
  // One upstream: the page talks to a gateway, and says so rather than calling the node
  // behind it "this node" (the bar, the header and the members alike).
  const cluster = page.getByTestId('cluster-page');
  await expect(page.getByTestId('gateway-nodes')).toHaveText('1 node');
  await expect(cluster).toContainText(/gateway in front of 1 node: \S+/);
  await expect(page.getByTestId('upstream-nodes').getByRole('listitem')).toHaveText([
    `${upstream!.addr}answered`,
  ]);
  await expect(cluster).not.toContainText('this node');
  await expect(page.getByTestId('members')).toContainText('behind this gateway');
  await expect(page.getByTestId('shell-node')).toHaveText(/^gateway to \S+$/);
  await expect(page.getByTestId('shell-node')).toHaveAttribute(
    'title',
    `A gateway in front of the node: ${upstream!.addr}`,
  );
  await page.getByRole('link', { name: 'Key Visualizer' }).click();
  await waitForHeatmap(page);
  await expect(page.getByTestId('node-name')).toContainText('· gateway to ');
});
