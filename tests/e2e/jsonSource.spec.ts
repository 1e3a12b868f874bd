// The page built for /admin/ with the node's JSON admin API as its data source, served by our
// server with sign-in keys, under the strict CSP of docs/embedding.md §3: sign in through the
// form, every control works, a lost session goes back to the form, sign out, a wrong secret.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page, type Request } from '@playwright/test';
import { buildEmbed } from '../helpers/embedBuild.ts';
import { EMBED_CSP } from '../helpers/embedHost.ts';
import { writeCredentials } from '../helpers/jsonAdmin.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { canvasInk, waitForHeatmap } from './support.ts';

const ACCESS = 'ops-reader';
const SECRET = 'json-source-secret-4b9f1c';
const MATRIX = '/admin/api/v1/keyviz/matrix';

let s: SpawnedServer;
let off: SpawnedServer;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'keyviz-json-'));
  const out = await buildEmbed(dir, '/admin/', 'json');
  const creds = writeCredentials(dir, [{ access: ACCESS, secret: SECRET, role: 'read_only' }]);
  off = await spawnServer([
    '--static',
    out,
    '--adminCredentialsFile',
    creds,
    '--keyvizEnabled=false',
  ]);
  s = await spawnServer([
    '--static',
    out,
    '--adminCredentialsFile',
    creds,
    '--keyvizStep',
    '10m',
    '--backfill',
    '2h',
    '--routes',
    '80',
  ]);
});

test.afterAll(async () => {
  await Promise.all([s?.stop(), off?.stop()]);
});

/** Serves every document with the embedding CSP and records violations and CSP console errors. */
async function strictPage(
  page: Page,
): Promise<{ violations: () => Promise<string[]>; messages: string[] }> {
  const messages: string[] = [];
  page.on('console', (m) => {
    if (/content security policy|CSP/i.test(m.text())) messages.push(m.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.continue();
    const res = await route.fetch();
    await route.fulfill({
      response: res,
      headers: { ...res.headers(), 'content-security-policy': EMBED_CSP },
    });
  });
  return {
    messages,
    violations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
  };
}

const isMatrix = (q: string) => (r: Request) => r.url().includes(MATRIX) && r.url().includes(q);

async function signIn(page: Page, secret: string): Promise<void> {
  await page.getByLabel('Access key').fill(ACCESS);
  await page.getByLabel('Secret key').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('JSON source under a strict CSP: sign in, every control, lost session, sign out', async ({
  page,
  context,
}) => {
  const csp = await strictPage(page);
  const res = await page.goto(`${s.http}/admin/keyviz`);
  expect(res?.headers()['content-security-policy']).toBe(EMBED_CSP);

  // No session yet: the sign-in form, with visible labels and autocomplete hints.
  await expect(page.getByRole('heading', { name: 'Sign in to the node' })).toBeVisible();
  await expect(page.getByLabel('Access key')).toHaveAttribute('autocomplete', 'username');
  await expect(page.getByLabel('Secret key')).toHaveAttribute('autocomplete', 'current-password');
  await expect(page.getByLabel('Secret key')).toHaveAttribute('type', 'password');

  // Keyboard: Enter with nothing typed says what is missing (no request).
  await page.getByLabel('Access key').press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'Enter both' })).toBeVisible();

  // A wrong secret: an error, still the form, the secret field cleared.
  await signIn(page, 'not-the-secret');
  await expect(
    page.getByRole('alert').filter({ hasText: 'Wrong access key or secret key.' }),
  ).toBeVisible();
  await expect(page.getByLabel('Secret key')).toHaveValue('');

  // The right one: the heatmap paints. No key in storage; the session cookie is HttpOnly.
  await signIn(page, SECRET);
  await waitForHeatmap(page);
  expect(await canvasInk(page)).toBeGreaterThan(1000);
  const stored = await page.evaluate(
    () =>
      JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie,
  );
  expect(stored).not.toContain(SECRET);
  expect(stored).not.toContain('admin_session');
  await expect(page.getByTestId('summary')).toContainText('rows');

  // Series.
  const reads = page.waitForResponse((r) => isMatrix('series=reads')(r.request()));
  await page.getByRole('combobox', { name: 'Series' }).selectOption('reads');
  expect((await reads).status()).toBe(200);
  await expect(page).toHaveURL(/series=reads/);

  // Rows.
  const rows = page.waitForResponse((r) => isMatrix('rows=12')(r.request()));
  await page.getByLabel('Rows', { exact: true }).fill('12');
  await page.getByLabel('Rows', { exact: true }).press('Enter');
  expect((await rows).status()).toBe(200);
  await expect(page.getByTestId('summary')).toContainText('12 rows');

  // Refresh.
  const again = page.waitForResponse((r) => isMatrix('series=reads')(r.request()));
  await page.getByRole('button', { name: 'Refresh' }).click();
  expect((await again).status()).toBe(200);

  // Auto refresh: a poll arrives without a click.
  // The picker's choices follow the server's step (10 min here, src/data/refreshChoices.ts);
  // a 5 s interval comes from the URL, and the picker shows it.
  const refreshPicker = page.getByRole('combobox', { name: 'Auto refresh' });
  const fast = new URL(page.url());
  fast.searchParams.set('refresh', '5');
  await page.goto(fast.toString());
  await waitForHeatmap(page);
  await expect(refreshPicker).toHaveValue('5');
  const polled = await page.waitForResponse((r) => isMatrix('series=reads')(r.request()), {
    timeout: 15_000,
  });
  expect(polled.status()).toBe(200);
  await refreshPicker.selectOption('0');
  await waitForHeatmap(page);

  // Sign out: the logout carries the CSRF header, the form returns.
  const logout = page.waitForRequest((r) => r.url().endsWith('/admin/api/v1/auth/logout'));
  await page.getByRole('button', { name: 'Sign out' }).click();
  const lr = await logout;
  expect(lr.headers()['x-admin-csrf']).toBeTruthy();
  expect((await lr.response())?.status()).toBe(204);
  await expect(page.getByRole('heading', { name: 'Sign in to the node' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);

  // Signed in again, by keyboard; then the session is lost (cookies gone, as on expiry): the
  // next load's 401 brings the form back.
  await page.getByLabel('Access key').fill(ACCESS);
  await page.getByLabel('Secret key').fill(SECRET);
  await page.getByLabel('Secret key').press('Enter');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await waitForHeatmap(page);
  await context.clearCookies();
  const refused = page.waitForResponse((r) => isMatrix('series=')(r.request()));
  await page.getByRole('button', { name: 'Refresh' }).click();
  expect((await refused).status()).toBe(401);
  await expect(page.getByRole('heading', { name: 'Sign in to the node' })).toBeVisible();
  await expect(page.getByText('The session ended')).toBeVisible();

  expect(await csp.violations()).toEqual([]);
  expect(csp.messages).toEqual([]);
});

test('JSON source, keyviz switched off on the node: the disabled state after sign-in', async ({
  page,
}) => {
  await page.goto(`${off.http}/admin/keyviz`);
  await signIn(page, SECRET);
  const panel = page.locator('[data-state="disabled"]');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('Key Visualizer is switched off on this node');
  await expect(panel).toContainText('keyviz_disabled');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
});
