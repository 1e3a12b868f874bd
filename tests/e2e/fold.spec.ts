// The whole key space (issue 15): break marks on the key axis where the row budget leaves keys
// out, and the "Whole key space" toggle that asks the server to fold (fold_key_space, 1027).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import { createAdminClient } from '../../src/api/client.ts';
import { keyBreaks } from '../../src/data/view/keyBreaks.ts';
import { cellCentre, fetchMatrix, waitForHeatmap } from './support.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  // A 10-minute step: no new column while the tests run.
  s = await spawnServer(workloadFlags({ backfill: '6h', routes: 300, seed: 3 }));
});

test.afterAll(async () => {
  await s?.stop();
});

const breaks = (page: Page) => page.getByTestId('key-break');
/** Breaks the marks stand for (a mark for breaks close together carries their count). */
const breaksShown = async (page: Page) =>
  (
    await breaks(page).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-breaks'))))
  ).reduce((a, b) => a + b, 0);
const toggle = (page: Page) => page.getByRole('checkbox', { name: 'Whole key space' });

test('break marks: one per stretch the rows leave out at rows=8; at rows=1024 only keys without traffic', async ({
  page,
}) => {
  const eight = await fetchMatrix(s.http, 'writes', 8);
  const want = keyBreaks(eight.rows).length;
  expect(want).toBeGreaterThan(0);
  await page.goto(`${s.http}/keyviz?rows=8`);
  await waitForHeatmap(page);
  await expect.poll(() => breaksShown(page)).toBe(want);
  // Each says which keys are missing and why, in words (title and accessible name).
  const first = breaks(page).first();
  await expect(first).toBeVisible();
  await expect(first).toHaveAttribute('role', 'img');
  const title = (await first.getAttribute('title')) ?? '';
  expect(title).toMatch(/^Keys from .+ up to .+ are not shown: the row budget left out [\d,]+ /);
  expect(await first.getAttribute('aria-label')).toBe(title);
  await expect(page.getByRole('status').filter({ hasText: 'leave keys out' })).toHaveText(
    `${want} places where the rows leave keys out`,
  );

  // At 1,024 rows the budget keeps every bucket with traffic (300 routes; no tracked_buckets
  // above the rows shown). A gap can still be left: a split at the first live step gives its
  // new half no column yet, so no row. Such a mark must not blame the budget.
  const all = await fetchMatrix(s.http, 'writes', 1024);
  expect(all.trackedBuckets).toBeUndefined();
  const gaps = keyBreaks(all.rows).length;
  expect(gaps).toBeLessThan(want);
  await page.goto(`${s.http}/keyviz?rows=1024`);
  await waitForHeatmap(page);
  await expect(page.getByTestId('key-axis')).toBeVisible();
  await expect.poll(() => breaksShown(page)).toBe(gaps);
  for (const t of await breaks(page).evaluateAll((els) =>
    els.map((e) => e.getAttribute('title') ?? ''),
  )) {
    expect(t).toMatch(/: no traffic there in this window, or left out by the row budget\.$/);
  }
});

test('break marks close together share one mark with their count; no two glyphs overlap', async ({
  page,
}) => {
  // 64 rows over 300 routes: most rows are a break, a few px apart.
  const m = await fetchMatrix(s.http, 'writes', 64);
  const want = keyBreaks(m.rows).length;
  await page.goto(`${s.http}/keyviz?rows=64`);
  await waitForHeatmap(page);
  await expect.poll(() => breaksShown(page)).toBe(want);
  const marks = await breaks(page).evaluateAll((els) =>
    els.map((e) => {
      const g = e.querySelector('svg')!.getBoundingClientRect();
      return {
        n: Number(e.getAttribute('data-breaks')),
        top: g.top,
        bottom: g.bottom,
        title: e.getAttribute('title') ?? '',
      };
    }),
  );
  expect(marks.length).toBeLessThan(want);
  const group = marks.find((x) => x.n > 1)!;
  expect(group.title).toMatch(
    new RegExp(
      `^${group.n} places close together where keys are not shown, between .+ and .+ \\(zoom in`,
    ),
  );
  for (let i = 1; i < marks.length; i++)
    expect(marks[i].top).toBeGreaterThanOrEqual(marks[i - 1].bottom);
  // The screen reader's count is of places, not marks.
  await expect(page.getByRole('status').filter({ hasText: 'leave keys out' })).toHaveText(
    `${want} places where the rows leave keys out`,
  );
});

test('whole key space: the toggle folds, the rows tile, a folded row shows its count; URL and Back', async ({
  page,
}) => {
  await page.goto(`${s.http}/keyviz?rows=8`);
  await waitForHeatmap(page);
  await expect(breaks(page).first()).toBeVisible();
  await expect(toggle(page)).not.toBeChecked();
  await toggle(page).check();
  await expect(page).toHaveURL(/[?&]fold=1(&|$)/);
  await expect(page.getByTestId('folded-summary')).toContainText('whole key space');
  await expect(breaks(page)).toHaveCount(0);

  // What the page shows is the server's fold: rows tile, counts as the server says.
  const client = createAdminClient({ baseUrl: s.http, transport: 'connect' });
  const folded = await client.getMatrix({ series: 'writes', rows: 8, foldKeySpace: true });
  expect(folded.keySpaceFolded).toBe(true);
  expect(keyBreaks(folded.rows)).toHaveLength(0);
  await expect(page.getByTestId('summary')).toContainText(`${folded.rowCount} rows`);
  const row = folded.rows.findIndex((r) => (r.foldedBuckets ?? '0') !== '0');
  expect(row).toBeGreaterThanOrEqual(0);
  const n = folded.rows[row].foldedBuckets!;
  const p = await cellCentre(page, folded, row, Math.floor(folded.colCount / 2));
  await page.mouse.move(p.x - 3, p.y);
  await page.mouse.move(p.x, p.y, { steps: 2 });
  const fly = page.getByRole('tooltip', { name: 'Cell details' });
  await expect(fly).toBeVisible();
  await expect(fly.locator('[data-field="folded"]')).toHaveText(
    `${Number(n).toLocaleString('en-US')} buckets folded into this row`,
  );

  // A folded row has no bucket page: its axis label is a note, never a link.
  const foldedLabels = page.locator('.key-label.folded');
  expect(await foldedLabels.count()).toBeGreaterThan(0);
  await expect(page.locator('a.key-label.folded')).toHaveCount(0);
  await expect(foldedLabels.first()).toHaveAttribute(
    'aria-label',
    /folded into this row|no buckets/,
  );

  // The URL keeps it: a reload comes back folded.
  await page.reload();
  await waitForHeatmap(page);
  await expect(toggle(page)).toBeChecked();
  await expect(breaks(page)).toHaveCount(0);

  // Back undoes the toggle.
  await page.goBack();
  await expect(page).not.toHaveURL(/fold=/);
  await expect(toggle(page)).not.toBeChecked();
  await expect(breaks(page).first()).toBeVisible();
});

test('folded and Live: the header says the answer is polled whole, and the stream is not used', async ({
  page,
}) => {
  const streams: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('StreamEvents')) streams.push(r.url());
  });
  await page.goto(`${s.http}/keyviz?rows=8&fold=1&refresh=live`);
  await waitForHeatmap(page);
  const status = page.getByTestId('live-status');
  await expect(status).toHaveAttribute('data-state', 'polling');
  await expect(status).toContainText('polling every 5 s (whole key space');
  // Unfolded, the same page follows the stream.
  await toggle(page).uncheck();
  await expect(status).not.toHaveAttribute('data-state', 'polling');
  await expect.poll(() => streams.length).toBeGreaterThan(0);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`axe (${scheme}): break marks, the toggle, folded rows`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1440, height: 900 });
    for (const q of ['rows=8', 'rows=8&fold=1']) {
      await page.goto(`${s.http}/keyviz?${q}`);
      await waitForHeatmap(page);
      await expect(toggle(page)).toBeVisible();
      const r = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
        .analyze();
      const v = r.violations.flatMap((x) => x.nodes.map((n) => `${x.id}: ${n.target.join(' ')}`));
      expect(v, q).toEqual([]);
    }
  });
}
