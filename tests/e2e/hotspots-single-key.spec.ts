// Issue 15, "single hot key" end to end: against the `hot-key` scenario (one key takes nearly
// all of its route's writes, server/workload/hotKeys.ts), the hot-spot panel's top entry is that
// route, and its hot keys (asked from the real server's hot-key sketches) make the panel name
// the key in words. Real Chromium, real sampler server.
import { expect, test } from '@playwright/test';
import { compareKeys } from '../../src/data/view/keyOrder.ts';
import { fromHex } from '../../src/data/keys.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { waitForHeatmap } from './support.ts';
import { zoomOfUrl } from './exploreSupport.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  s = await spawnServer(['--scenario', 'hot-key', '--backfill', '3h', '--routes', '200']);
});

test.afterAll(async () => {
  await s?.stop();
});

const enc = new TextEncoder();

test('the panel names the planted single hot key', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(`${s.keyviz}?hotspots=1`);
  await waitForHeatmap(page);
  const panel = page.getByRole('complementary', { name: 'Hot spots' });
  await expect(panel).toBeVisible();
  const top = page.getByTestId('hotspot-entry').first();
  await expect(top).toBeVisible({ timeout: 30_000 });
  await expect(top).toHaveAttribute('data-kind', 'sustained');

  // The diagnosis line: the key (route key + "#hot0") and its share of the sampled requests.
  const line = top.getByTestId('hotspot-single-key');
  await expect(line).toBeVisible({ timeout: 30_000 });
  await expect(line).toContainText('single hot key:');
  const key = (await line.getAttribute('title')) ?? '';
  expect(key).toMatch(/#hot0$/);
  const pct = Number(/\((\d+(?:\.\d+)?)\s*%/.exec((await line.textContent()) ?? '')?.[1]);
  expect(pct).toBeGreaterThanOrEqual(50);
  // Only the planted key dominates anything: no other entry carries the line.
  await expect(page.getByTestId('hotspot-single-key')).toHaveCount(1);

  // The entry zooms to a key range that holds the key.
  await top.click();
  await expect.poll(() => zoomOfUrl(page.url())).not.toBeNull();
  const z = zoomOfUrl(page.url())!;
  const k = enc.encode(key);
  const start = z.startKeyHex ? fromHex(z.startKeyHex)! : new Uint8Array(0);
  const end = z.endKeyHex ? fromHex(z.endKeyHex)! : new Uint8Array(0);
  expect(compareKeys(start, k)).toBeLessThanOrEqual(0);
  if (end.length > 0) expect(compareKeys(k, end)).toBeLessThan(0);
});
