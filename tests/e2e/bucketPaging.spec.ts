// The bucket page's two tables (group / term changes; splits, merges and gaps) page through
// every row, newest first, with the page in the URL: a fixture server replays one bucket whose
// leader term changes at every one of 181 columns, with a 3-minute pause after every third.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { formatClock, formatDate } from '../../src/data/format.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';

const MIN = 60_000;
const COLS = 181;
/** Flush times: one a minute, with two minutes missing after every third column. */
const TIMES: number[] = [];
for (let c = 0, t = 1_790_000_000_000; c < COLS; c++) {
  TIMES.push(t);
  t += c % 3 === 2 ? 3 * MIN : MIN;
}
const GAPS = TIMES.filter((t, i) => i > 0 && t - TIMES[i - 1] > MIN).length; // 60

function fixture(dir: string): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const lines: unknown[] = [
    { format: 'keyviz-fixture', version: 1, keyEncoding: 'base64', stepMs: MIN },
    {
      kind: 'bucket',
      ref: 1,
      bucketId: 'route:1',
      start: b64(''),
      end: b64('m'),
      label: 'rawkv',
      aggregate: false,
      routeIds: ['1'],
      routeCount: 1,
    },
    {
      kind: 'bucket',
      ref: 2,
      bucketId: 'route:2',
      start: b64('m'),
      end: b64(''),
      label: 'rawkv',
      aggregate: false,
      routeIds: ['2'],
      routeCount: 1,
    },
  ];
  // route:1's leader term is the column's number + 1: a new term at every column.
  TIMES.forEach((unixMs, c) =>
    lines.push({
      kind: 'column',
      unixMs,
      rows: [
        [1, 5, 10 + c, 40, 80, 1, c + 1],
        [2, 1, 3, 8, 24, 2, 7],
      ],
    }),
  );
  const file = path.join(dir, 'paging.jsonl');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

let srv: SpawnedServer;

test.beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyviz-paging-'));
  mkdirSync(path.join(dir, 'static'));
  srv = await spawnServer(['--static', 'dist', '--fixture', fixture(dir), '--nodeId', 'pager']);
});

test.afterAll(async () => {
  await srv?.stop();
});

const at = (ms: number) => `${formatDate(ms)} ${formatClock(ms)}`;

/** The "From" cell of the first and last rows of the change table. */
async function changeSpan(page: Page): Promise<[string, string]> {
  const rows = page.getByTestId('term-changes').locator('tbody tr');
  return [
    (await rows.first().locator('td').first().textContent())!,
    (await rows.last().locator('td').first().textContent())!,
  ];
}

test('the change table pages newest first; the page is in the URL; Back and reload keep it', async ({
  page,
}) => {
  const base = `${srv.http}/keyviz/bucket/${encodeURIComponent('route:1')}`;
  await page.goto(base);
  const caption = page.getByTestId('term-caption');
  const pager = page.getByRole('navigation', { name: 'Pages of the group and term changes' });
  const rows = page.getByTestId('term-changes').locator('tbody tr');
  await expect(caption).toHaveText('180 changes in the window: the last 50 of 181 rows listed');
  await expect(pager.getByRole('status')).toHaveText('Page 1 of 4');
  await expect(pager.getByRole('button', { name: 'Newer' })).toBeDisabled();
  await expect(pager.getByRole('button', { name: 'Newest' })).toBeDisabled();
  await expect(rows).toHaveCount(50);
  expect(await changeSpan(page)).toEqual([at(TIMES[131]), at(TIMES[180])]);

  // Older: the 50 before, by the pointer.
  await pager.getByRole('button', { name: 'Older' }).click();
  await expect(page).toHaveURL(`${base}?chg=2`);
  await expect(caption).toHaveText('180 changes in the window: rows 82–131 of 181 listed');
  await expect(pager.getByRole('status')).toHaveText('Page 2 of 4');
  expect(await changeSpan(page)).toEqual([at(TIMES[81]), at(TIMES[130])]);

  // Oldest, by the keyboard: the first (group, term) seen is there, 31 rows.
  await pager.getByRole('button', { name: 'Oldest' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(`${base}?chg=4`);
  await expect(caption).toHaveText('180 changes in the window: rows 1–31 of 181 listed');
  await expect(rows).toHaveCount(31);
  await expect(rows.first()).toContainText('first seen');
  await expect(pager.getByRole('button', { name: 'Older' })).toBeDisabled();
  await expect(pager.getByRole('button', { name: 'Oldest' })).toBeDisabled();

  // Reload keeps the page; Back steps through the pages visited.
  await page.reload();
  await expect(caption).toHaveText('180 changes in the window: rows 1–31 of 181 listed');
  await page.goBack();
  await expect(page).toHaveURL(`${base}?chg=2`);
  await expect(caption).toContainText('rows 82–131 of 181');
  await page.goBack();
  await expect(page).toHaveURL(base);
  await expect(caption).toContainText('the last 50 of 181 rows');

  // A page past the end (a link from a longer window) shows the oldest page.
  await page.goto(`${base}?chg=99`);
  await expect(caption).toContainText('rows 1–31 of 181');
  await expect(pager.getByRole('status')).toHaveText('Page 4 of 4');
});

test('the splits, merges and gaps table pages on its own, beside the change table', async ({
  page,
}) => {
  const base = `${srv.http}/keyviz/bucket/${encodeURIComponent('route:1')}`;
  await page.goto(`${base}?chg=3`);
  const caption = page.getByTestId('bucket-events-caption');
  const pager = page.getByRole('navigation', { name: 'Pages of the splits, merges and gaps' });
  expect(GAPS).toBe(60);
  await expect(caption).toHaveText('60 events in the window: the last 50 of 60 rows listed');
  await expect(pager.getByRole('status')).toHaveText('Page 1 of 2');
  await pager.getByRole('button', { name: 'Older' }).click();
  // Its own parameter; the change table's page stays.
  await expect(page).toHaveURL(`${base}?chg=3&evt=2`);
  await expect(caption).toHaveText('60 events in the window: rows 1–10 of 60 listed');
  const rows = page.getByTestId('bucket-events').locator('tbody tr');
  await expect(rows).toHaveCount(10);
  await expect(rows.first()).toContainText('Gap: no column for 120 s');
  await expect(page.getByTestId('term-caption')).toContainText('rows 32–81 of 181');
  await pager.getByRole('button', { name: 'Newest' }).click();
  await expect(page).toHaveURL(`${base}?chg=3`);

  // Both pagers pass axe (the rules of tests/e2e/axe.spec.ts).
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  expect(r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`))).toEqual(
    [],
  );
});
