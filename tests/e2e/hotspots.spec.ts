// Issue 15, hot spots end to end in real Chromium against a real sampler server running the
// default workload (mix, 2,000 routes, 24 h of 1-minute columns): the panel lists every planted
// pattern, each entry zooms the heatmap to its keys and outlines it, the panel's state is in the
// URL, and "go to hottest cell" works by key and by button.
import { expect, test, type Page } from '@playwright/test';
import { hottestCell } from '../../src/data/hotspots/index.ts';
import { fromHex } from '../../src/data/keys.ts';
import { compareKeys } from '../../src/data/view/keyOrder.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { fetchMatrix, waitForHeatmap } from './support.ts';
import { zoomOfUrl } from './exploreSupport.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  s = await spawnServer(['--backfill', '24h', '--routes', '2000', '--seed', '1'], {
    readyTimeoutMs: 120_000,
  });
});

test.afterAll(async () => {
  await s?.stop();
});

const dec = new TextDecoder();

/** The zoom's start key as text ('' when open). */
function zoomStart(url: string): string {
  const z = zoomOfUrl(url);
  return z?.startKeyHex ? dec.decode(fromHex(z.startKeyHex)!) : '';
}

async function openPanel(page: Page): Promise<void> {
  await page.goto(`${s.keyviz}?hotspots=1`);
  await waitForHeatmap(page);
  await expect(page.getByRole('complementary', { name: 'Hot spots' })).toBeVisible();
  await expect(page.getByTestId('hotspot-entry').first()).toBeVisible({ timeout: 30_000 });
}

test('the panel lists the planted patterns and zooms to each', async ({ page }) => {
  test.setTimeout(120_000);
  await openPanel(page);
  const entries = page.getByTestId('hotspot-entry');
  const kinds = await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
  // The five region-wide patterns, plus the hot-key traffic's narrow sustained routes
  // (server/workload/hotKeys.ts: warm routes with Zipf-hot keys, a hot sub-range).
  expect(new Set(kinds)).toEqual(
    new Set(['moving', 'periodic', 'sequential', 'sudden', 'sustained']),
  );
  const texts = await entries.evaluateAll((els) => els.map((e) => e.textContent ?? ''));
  expect(texts.filter((t, i) => kinds[i] === 'sustained' && t.includes('!redis|'))).toHaveLength(1);

  // Where each planted pattern lives in the key space (server/workload/keyspace.ts).
  const prefix: Record<string, string> = {
    sequential: 't',
    moving: '!ddb|',
    sudden: '用户/',
    sustained: '!redis|',
    periodic: '!s3|',
  };
  for (let i = 0; i < kinds.length; i++) {
    const entry = entries.nth(i);
    await entry.click();
    await expect(entry).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => zoomOfUrl(page.url())).not.toBeNull();
    const start = zoomStart(page.url());
    // The zoom starts a few rows before the range (a margin), so still in or next to its region.
    // (The hot-key routes' narrow sustained spots lie anywhere: only their zoom is checked.)
    const hotKeyRoute = kinds[i] === 'sustained' && !texts[i]!.includes('!redis|');
    const want = hotKeyRoute ? '' : prefix[kinds[i]!];
    const keys = await page.getByTestId('key-axis').innerText();
    expect(keys, `${kinds[i]} zoom starting at ${JSON.stringify(start)}`).toContain(want);
    await expect(page.getByTestId('hotspot-outline')).toBeVisible();
    await expect(page.getByTestId('hotspot-outline')).toHaveAttribute(
      'title',
      new RegExp(`^${i + 1}\\. `),
    );
  }

  // Back undoes the last zoom; the panel stays open (its flag is in the URL).
  const before = page.url();
  await page.getByRole('button', { name: 'Previous zoom', exact: true }).click();
  await expect.poll(() => page.url()).not.toBe(before);
  expect(new URL(page.url()).searchParams.get('hotspots')).toBe('1');
});

/** The panel's entries as text, once detection has listed them. */
async function listed(page: Page): Promise<string[]> {
  await expect(page.getByTestId('hotspot-entry').first()).toBeVisible({ timeout: 60_000 });
  return page
    .getByTestId('hotspot-entry')
    .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
}

test('detection runs in a Web Worker, and on the main thread where the policy refuses workers, with the same list', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openPanel(page);
  await expect(page.getByTestId('hotspot-panel')).toHaveAttribute('data-engine', 'worker');
  const inWorker = await listed(page);
  expect(inWorker.length).toBeGreaterThan(4);

  // A strict policy that names worker-src without the page's origin: no worker can start.
  const csp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
    "connect-src 'self'; worker-src 'none'; base-uri 'none'; frame-ancestors 'none'";
  const strict = await page.context().newPage();
  await strict.route(
    (u) => u.pathname.endsWith('/keyviz'),
    async (route) => {
      const res = await route.fetch();
      await route.fulfill({
        response: res,
        headers: { ...res.headers(), 'content-security-policy': csp },
      });
    },
  );
  await strict.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.cspViolations.push(e.effectiveDirective),
    );
  });
  const resp = await strict.goto(`${s.keyviz}?hotspots=1`);
  expect(resp?.headers()['content-security-policy']).toBe(csp);
  await waitForHeatmap(strict);
  const onMain = await listed(strict);
  await expect(strict.getByTestId('hotspot-panel')).toHaveAttribute('data-engine', 'main');
  expect(onMain).toEqual(inWorker);
  // The worker was refused by the policy (and nothing else was).
  const violations = await strict.evaluate(
    () => (window as unknown as { cspViolations: string[] }).cspViolations,
  );
  expect(new Set(violations)).toEqual(new Set(['worker-src']));
});

test('the panel opens and closes from the zoom bar, with its state in the URL', async ({
  page,
}) => {
  await page.goto(s.keyviz);
  await waitForHeatmap(page);
  const toggle = page.getByRole('button', { name: 'Hot spots' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('hotspot-panel')).toHaveCount(0);
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  expect(new URL(page.url()).searchParams.get('hotspots')).toBe('1');
  await expect(page.getByTestId('hotspot-entry').first()).toBeVisible({ timeout: 30_000 });
  // Keyboard: the entries are buttons in tab order.
  await page.getByTestId('hotspot-entry').first().focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('hotspot-entry').first()).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Close the hot-spot panel' }).click();
  await expect(page.getByTestId('hotspot-panel')).toHaveCount(0);
  expect(new URL(page.url()).searchParams.get('hotspots')).toBeNull();
  await page.goBack();
  await expect(page.getByTestId('hotspot-panel')).toBeVisible();
});

test('H and the button go to the hottest cell', async ({ page }) => {
  await page.goto(s.keyviz);
  await waitForHeatmap(page);
  await page.getByTestId('hover-layer').focus();
  await page.keyboard.press('h');
  await expect.poll(() => zoomOfUrl(page.url())).not.toBeNull();
  await expect(page.getByTestId('hotspot-outline')).toHaveAttribute('title', 'Hottest cell');
  // The zoom holds the hottest cell the server reports (the sequential head's, in rawkv).
  const m = await fetchMatrix(s.http, 'writes', 1024);
  const hot = hottestCell(m)!;
  const key = m.rows[hot.row].start;
  const z = zoomOfUrl(page.url())!;
  expect(compareKeys(fromHex(z.startKeyHex ?? '')!, key)).toBeLessThanOrEqual(0);
  expect(compareKeys(key, fromHex(z.endKeyHex ?? '')!)).toBeLessThan(0);
  expect(dec.decode(key).startsWith('t')).toBe(true);
  expect(z.fromMs).toBeLessThanOrEqual(m.columns[hot.col]);
  expect(z.toMs).toBeGreaterThanOrEqual(m.columns[hot.col]);
  // The keyboard cursor went there too: Enter pins that very cell and asks its hot keys.
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Cell details' })).toBeVisible();
  await expect
    .poll(() => new URL(page.url()).searchParams.get('hk'))
    .toBe(m.rows[hot.row].bucketId);
  expect(new URL(page.url()).searchParams.get('hkt')).toBe(String(m.columns[hot.col]));
  await page.keyboard.press('Escape');
  const z1 = zoomOfUrl(page.url());
  await page.getByRole('button', { name: 'Reset zoom' }).click();
  await expect.poll(() => zoomOfUrl(page.url())).toBeNull();
  await page.getByRole('button', { name: 'Go to hottest cell' }).click();
  await expect.poll(() => zoomOfUrl(page.url())).toEqual(z1);
  await expect(page.getByText('H hottest cell')).toBeVisible();
});

test('a cursor left outside a zoom starts again from what is shown', async ({ page }) => {
  const m = await fetchMatrix(s.http, 'writes', 1024);
  await page.goto(s.keyviz);
  await waitForHeatmap(page);
  // The cursor appears on the first row, then the button (not H) zooms far from it.
  await page.getByTestId('hover-layer').focus();
  await expect(page.locator('.flyout')).toHaveAttribute('data-row', '0');
  await page.getByRole('button', { name: 'Go to hottest cell' }).click();
  await expect.poll(() => zoomOfUrl(page.url())).not.toBeNull();
  const z = zoomOfUrl(page.url())!;
  // Row 0 (the open start of the key space) is outside the zoom's keys.
  expect(compareKeys(m.rows[0].end, fromHex(z.startKeyHex ?? '')!)).toBeLessThanOrEqual(0);
  await page.getByTestId('hover-layer').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Cell details' })).toBeVisible();
  await expect.poll(() => new URL(page.url()).searchParams.get('hk')).not.toBeNull();
  const hk = new URL(page.url()).searchParams.get('hk')!;
  const hkt = Number(new URL(page.url()).searchParams.get('hkt'));
  const row = m.rows.find((r) => r.bucketId === hk);
  // The pinned cell is one the zoom shows: its keys and its time are inside the zoom.
  expect(row).toBeDefined();
  expect(compareKeys(row!.end, fromHex(z.startKeyHex ?? '')!)).toBeGreaterThan(0);
  expect(compareKeys(row!.start, fromHex(z.endKeyHex ?? '')!)).toBeLessThan(0);
  expect(hkt).toBeGreaterThan(z.fromMs);
  expect(hkt - 60_000).toBeLessThan(z.toMs);
});
