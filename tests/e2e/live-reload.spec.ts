// A load under Live (here: Reset zoom asks for the whole range again) is as old as its request.
// Columns the stream appended while its answer was on the wire are newer than that answer: they
// stay on screen, and the view shows no hole drawn as the server pausing ("a gap").
import { expect, test } from '@playwright/test';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import { columnsShown, fetchMatrix, pauseMarkers, waitForHeatmap } from './support.ts';
import { recordRequests } from './exploreSupport.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  // A column a second; the mix workload (no split scenario) flushes steadily, with no pause.
  s = await spawnServer(workloadFlags({ step: '1s', backfill: '3m', routes: 60, seed: 8 }));
});

test.afterAll(async () => {
  await s?.stop();
});

test('columns that came during a slow reload under Live stay: no gap is drawn', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const m = await fetchMatrix(s.http, 'writes', 1024);
  const seen = recordRequests(page);
  // A zoom into the past (older than two default steps, so not taken for the live edge).
  const past = { fromMs: m.columns[20], toMs: m.columns[28] };
  await page.goto(`${s.http}/keyviz?refresh=live&zoom=${past.fromMs}-${past.toMs}`);
  await waitForHeatmap(page);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  await page.waitForTimeout(2_000);
  const before = seen.length;

  // From now on a matrix answer takes 5 s to arrive (computed at once, delivered late): about
  // five flushes come through the stream meanwhile.
  let answered = 0;
  await page.route('**/Admin/GetKeyVizMatrix', async (route) => {
    const res = await route.fetch();
    const body = await res.body();
    await new Promise((r) => setTimeout(r, 5_000));
    await route.fulfill({ status: res.status(), headers: res.headers(), body }).then(
      () => answered++,
      () => {},
    );
  });
  await page.getByRole('button', { name: 'Reset zoom' }).click();
  await expect.poll(() => seen.length).toBeGreaterThan(before);
  // The whole range, open-ended: an answer that reaches the live edge.
  expect(seen[seen.length - 1].toMs).toBe(0);
  await expect.poll(() => answered, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
  // Two more columns after the answer landed.
  const c0 = await columnsShown(page);
  await expect.poll(() => columnsShown(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(c0 + 2);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  // Every flush is held: no pause between the answer's newest column and the stream's next.
  expect(await pauseMarkers(page)).toBe(0);
});
