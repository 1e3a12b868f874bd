// The Live refresh in Chromium: the page gains a column at each flush through
// StreamEvents with no matrix request, says it is live, and a split during the
// session shows its marker on the time axis.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { parseRecordFile, recordToMatrix } from '../../src/data/view/recordFile.ts';
import { spawnServer, workloadFlags, type SpawnedServer } from '../helpers/spawnServer.ts';
import { columnsShown, installFetchProbe, probeStats, waitForHeatmap } from './support.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  // Splits and merges every few steps; a 1 s step so a few seconds show several flushes.
  s = await spawnServer([
    '--keyvizStep=1s',
    '--backfill=2m',
    '--routes=40',
    '--seed=5',
    '--scenario=split-merge',
  ]);
});

test.afterAll(async () => {
  await s?.stop();
});

test('Live appends a column per flush with no matrix request, and marks splits', async ({
  page,
}) => {
  await installFetchProbe(page);
  await page.goto(`${s.http}/keyviz?refresh=live`);
  await waitForHeatmap(page);
  const status = page.getByTestId('live-status');
  await expect(status).toHaveAttribute('data-state', 'live');
  await expect(status).toHaveAttribute('role', 'status');
  // The picker says Live.
  await expect(page.getByLabel('Auto refresh')).toHaveValue('live');

  // Wait for the connect-time gap request to settle, then count.
  await page.waitForTimeout(1500);
  const before = await probeStats(page);
  const c0 = await columnsShown(page);
  await expect.poll(() => columnsShown(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(c0 + 3);
  const after = await probeStats(page);
  expect(after.started).toBe(before.started);

  // A split or merge reported by the stream: its marker, and words on hover.
  const marker = page
    .locator('.event-marker.split[title*="reported"], .event-marker.merge[title*="reported"]')
    .last();
  await expect(marker).toBeVisible({ timeout: 30_000 });
  // Hover shows the words; the markers' group names the events for assistive technology.
  // Events closer than a glyph share one marker (eventMarks.ts), drawn with the split's or
  // merge's glyph and listing it before any leader change, so its card names it.
  await marker.hover({ force: true });
  await expect(page.getByTestId('event-tip')).toContainText(/route \d+ split into|merged into/);
  await expect(page.getByTestId('event-tip')).toContainText('reported');
  // Its line crosses the rows it touched.
  // Its line across the rows it touched: the lines' canvas counts what it drew by kind.
  const lines = page.getByTestId('event-lines');
  await expect
    .poll(
      async () => await lines.evaluate((c) => Number(c.dataset.split) + Number(c.dataset.merge)),
    )
    .toBeGreaterThan(0);
  await expect(page.getByTestId('event-markers')).toHaveAttribute(
    'aria-label',
    /events? in view: /,
  );
});

test('an opened record file is not refreshed: Live stops while it is shown, and resumes after', async ({
  page,
}) => {
  // A small recording (written when its server stops).
  const recPath = path.join(mkdtempSync(path.join(tmpdir(), 'keyviz-live-rec-')), 'rec.jsonl');
  const rec = await spawnServer([
    ...workloadFlags({ backfill: '2h', routes: 30, seed: 3 }),
    '--record',
    recPath,
  ]);
  await rec.stop();
  const want = recordToMatrix(parseRecordFile(readFileSync(recPath, 'utf8')), {
    series: 'writes',
    rows: 1024,
  });
  const streams: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('StreamEvents')) streams.push(r.url());
  });
  await page.goto(`${s.http}/keyviz?refresh=live`);
  await waitForHeatmap(page);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  await page.getByLabel('Open record file').setInputFiles(recPath);
  await expect(page.getByTestId('record-banner')).toContainText('Showing file rec.jsonl');
  const shown = `${want.rowCount} rows × ${want.colCount} columns`;
  await expect(page.getByTestId('summary')).toContainText(shown);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'off');
  // Several flushes later (1 s step) the file is still what is shown, and no stream was opened.
  const opened = streams.length;
  await page.waitForTimeout(3500);
  await expect(page.getByTestId('summary')).toContainText(shown);
  expect(streams.length).toBe(opened);
  // Back to live: the stream again.
  await page.getByRole('button', { name: 'Back to live' }).click();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  expect(streams.length).toBeGreaterThan(opened);
});
