// The bundle built for /admin/ (KEYVIZ_BASE=/admin/, dist-admin) served by the real server.
import { expect, test } from '@playwright/test';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { canvasInk, waitForHeatmap } from './support.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  s = await spawnServer([
    '--static',
    'dist-admin',
    '--keyvizStep',
    '10m',
    '--backfill',
    '2h',
    '--routes',
    '80',
  ]);
});

test.afterAll(() => s?.stop());

test('the /admin/ build: base leads to /admin/keyviz, heatmap and URL state work', async ({
  page,
}) => {
  expect(s.keyviz).toBe(`${s.http}/admin/keyviz`);
  const favicon = page.waitForResponse((r) => r.url().endsWith('/admin/favicon.svg'));
  await page.goto(`${s.http}/admin/`);
  await expect(page).toHaveURL(`${s.http}/admin/keyviz`);
  expect((await favicon).status()).toBe(200);
  await waitForHeatmap(page);
  expect(await canvasInk(page)).toBeGreaterThan(1000);

  await page.getByRole('combobox', { name: 'Series' }).selectOption('reads');
  await expect(page).toHaveURL(`${s.http}/admin/keyviz?series=reads`);
  await page.reload();
  await waitForHeatmap(page);
  await expect(page.getByRole('combobox', { name: 'Series' })).toHaveValue('reads');
  await page.goBack();
  await expect(page).toHaveURL(`${s.http}/admin/keyviz`);
  await expect(page.getByRole('combobox', { name: 'Series' })).toHaveValue('writes');
});

test('an unknown path under the base says not found and links to the page', async ({ page }) => {
  await page.goto(`${s.http}/admin/keyviz`);
  await waitForHeatmap(page);
  // Client-side routing: an unknown path under the base is the router's "not found".
  await page.evaluate(() => {
    history.pushState(null, '', '/admin/nope');
    dispatchEvent(new PopStateEvent('popstate'));
  });
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await page.getByRole('link', { name: '/admin/keyviz' }).click();
  await waitForHeatmap(page);
});
