// Issue 4 speed at the full default matrix (1024 rows x 1440 columns): a brightness / scale /
// palette change only recolours the cached pooled buffer, a pan or zoom frame is a scaled
// drawImage of cached bitmaps, and pointer moves are coalesced to animation frames. Figures come
// from the page's own User Timing marks (painter.ts) and are printed for the report.
import { expect, test, type Page } from '@playwright/test';
import { spawnServer, type SpawnedServer } from '../../tests/helpers/spawnServer.ts';
import { waitForHeatmap } from '../../tests/e2e/support.ts';

let s: SpawnedServer;

test.use({ viewport: { width: 1600, height: 1000 } });
test.setTimeout(120_000);

test.beforeAll(async () => {
  s = await spawnServer(
    ['--keyvizStep', '1m', '--backfill', '24h', '--routes', '2000', '--seed', '2'],
    { readyTimeoutMs: 90_000 },
  );
});

test.afterAll(async () => {
  await s?.stop();
});

function stats(xs: number[]): { n: number; median: number; p95: number; max: number } {
  const a = [...xs].sort((p, q) => p - q);
  const at = (f: number) => a[Math.min(a.length - 1, Math.floor(f * a.length))] ?? NaN;
  return { n: a.length, median: at(0.5), p95: at(0.95), max: a[a.length - 1] ?? NaN };
}

function durations(page: Page, name: string): Promise<number[]> {
  return page.evaluate((n) => performance.getEntriesByName(n).map((e) => e.duration), name);
}

function clearMarks(page: Page): Promise<void> {
  return page.evaluate(() => performance.clearMeasures());
}

const fmt = (o: ReturnType<typeof stats>) =>
  `n=${o.n} median=${o.median.toFixed(2)} ms p95=${o.p95.toFixed(2)} ms max=${o.max.toFixed(2)} ms`;

test('1024 x 1440: recolour, pan/zoom frames and settle times', async ({ page }) => {
  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  await expect(page.getByTestId('summary')).toContainText('1,024 rows × 1,44');
  const canvas = await page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
    return `${c.width}x${c.height}`;
  });

  // Brightness, scale and palette: each change is one recolour of the pooled buffer + drawImage.
  await clearMarks(page);
  const slider = page.getByRole('slider', { name: 'Brightness' });
  for (const v of ['1', '2', '3', '-1', '-2', '0', '4', '0']) {
    await slider.fill(v);
    await page.waitForTimeout(30);
  }
  const scale = page.getByRole('combobox', { name: 'Scale' });
  const palette = page.getByRole('combobox', { name: 'Palette' });
  await scale.selectOption('linear');
  await palette.selectOption('cvd');
  await scale.selectOption('log');
  await palette.selectOption('heat');
  await page.waitForTimeout(50);
  const recolour = stats(await durations(page, 'keyviz:recolour'));
  const repaint = stats(await durations(page, 'keyviz:frame'));
  const colorizeOnly = stats(await durations(page, 'keyviz:colorize'));
  const pooledOnColour = (await durations(page, 'keyviz:pool')).length;

  // Shift-drag pan: 60 pointer moves, frames coalesced to animation frames.
  const box = (await page.getByTestId('hover-layer').boundingBox())!;
  // Zoom in first (wheel) so there is room to pan.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -500);
  await expect(page).toHaveURL(/zoom=/);
  await page.waitForTimeout(1500); // refetch + settle
  await clearMarks(page);
  await page.evaluate(() => {
    const w = window as unknown as { __raf: number[]; __rafOn: boolean };
    w.__raf = [];
    w.__rafOn = true;
    const tick = (t: number) => {
      w.__raf.push(t);
      if (w.__rafOn) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.5);
  await page.mouse.down();
  for (let i = 1; i <= 60; i++) {
    await page.mouse.move(box.x + box.width * 0.7 - i * 6, box.y + box.height * 0.5 + (i % 7));
  }
  const dragRaf = await page.evaluate(() => {
    const w = window as unknown as { __raf: number[] };
    const t = w.__raf;
    w.__raf = [];
    return t;
  });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  // Wheel zoom: 20 notches, frames drawn from the cached bitmaps until the wheel rests.
  for (let i = 0; i < 20; i++) await page.mouse.wheel(0, i < 10 ? -60 : 60);
  const rafTimes = await page.evaluate(() => {
    const w = window as unknown as { __raf: number[]; __rafOn: boolean };
    w.__rafOn = false;
    return w.__raf;
  });
  const gesture = stats(await durations(page, 'keyviz:gesture-frame'));
  const intervals = (ts: number[]) => ts.slice(1).map((t, i) => t - ts[i]);
  const rafDrag = stats(intervals(dragRaf));
  const rafWheel = stats(intervals(rafTimes));
  await page.waitForTimeout(1500);
  const pool = stats(await durations(page, 'keyviz:pool'));

  console.log(`[explore-perf] canvas ${canvas} device px, matrix 1024 x 1440`);
  console.log(`[explore-perf] recolour (brightness/scale/palette): ${fmt(recolour)}`);
  console.log(`[explore-perf]   of which colorize (LUT pass): ${fmt(colorizeOnly)}`);
  console.log(`[explore-perf] settled repaint incl. recolour: ${fmt(repaint)}`);
  console.log(`[explore-perf] pan/zoom gesture frame (drawImage): ${fmt(gesture)}`);
  console.log(`[explore-perf] rAF intervals while Shift-dragging: ${fmt(rafDrag)}`);
  console.log(`[explore-perf] rAF intervals while wheeling (commits in between): ${fmt(rafWheel)}`);
  console.log(`[explore-perf] full-resolution re-pool after a gesture settles: ${fmt(pool)}`);

  // Colour changes never re-pool, and recolour meets the budget.
  expect(pooledOnColour).toBe(0);
  expect(recolour.n).toBeGreaterThanOrEqual(10);
  expect(recolour.median).toBeLessThanOrEqual(4);
  expect(repaint.median).toBeLessThanOrEqual(4);
  // Gesture frames: cached bitmaps only.
  expect(gesture.n).toBeGreaterThan(10);
  expect(gesture.median).toBeLessThanOrEqual(4);
  expect(gesture.max).toBeLessThanOrEqual(16);
  // While dragging, frames keep to the display rate (one late frame allowed on a loaded box).
  expect(rafDrag.p95).toBeLessThanOrEqual(17.5);
});
