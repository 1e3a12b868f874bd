// Issue 4 files: Export PNG / CSV downloads of the current view, a sampler record file opened
// with the file picker and by drag and drop (shown with no server request), and time gaps drawn
// as gaps.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { columnLayout, inferStepMs } from '../../src/data/raster.ts';
import { parseRecordFile, recordToMatrix } from '../../src/data/view/recordFile.ts';
import {
  fetchMatrix,
  installFetchProbe,
  probeStats,
  resetProbe,
  waitForHeatmap,
} from './support.ts';
import { renderCount } from './exploreSupport.ts';

let s: SpawnedServer;
let m: Matrix;
let recPath: string;
let recText: string;

test.beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyviz-explore-'));
  recPath = path.join(dir, 'history.jsonl');
  // A recording server: its history is written on shutdown.
  const rec = await spawnServer([
    ...workloadFlags({ backfill: '4h', routes: 80, seed: 11 }),
    '--record',
    recPath,
  ]);
  await rec.stop();
  recText = readFileSync(recPath, 'utf8');
  s = await spawnServer(workloadFlags({ backfill: '6h', routes: 150, seed: 4 }));
  m = await fetchMatrix(s.http, 'writes', 1024);
});

test.afterAll(async () => {
  await s?.stop();
});

const summary = (page: Page) => page.getByTestId('summary');

test('Export CSV and Export PNG download the current view', async ({ page }) => {
  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  let dl = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  let d = await dl;
  expect(d.suggestedFilename()).toMatch(/^keyviz-writes-\d{4}-\d\d-\d\dT\d{4}Z\.csv$/);
  const csv = readFileSync((await d.path())!, 'utf8');
  const lines = csv.split('\r\n').filter((l) => l.length > 0);
  expect(lines[0].startsWith('bucket_id,start,end,label,')).toBe(true);
  expect(lines[0].split(',').length).toBe(4 + m.colCount);
  expect(lines.length).toBe(1 + m.rowCount);
  expect(lines[1].split(',')[0]).toBe(m.rows[0].bucketId);

  // Zoomed to 10 columns: the CSV holds that window only.
  await page.goto(`${s.http}/keyviz?zoom=${m.columns[5]}-${m.columns[14]}`);
  await waitForHeatmap(page);
  dl = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  d = await dl;
  const head = readFileSync((await d.path())!, 'utf8').split('\r\n')[0];
  expect(head.split(',').length - 4).toBeLessThanOrEqual(11);
  expect(head.split(',').length - 4).toBeGreaterThanOrEqual(9);

  dl = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export PNG' }).click();
  d = await dl;
  expect(d.suggestedFilename()).toMatch(/^keyviz-writes-.*\.png$/);
  const png = readFileSync((await d.path())!);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const canvas = await page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
    return { w: c.width, h: c.height };
  });
  // The heatmap plus its key axis, marginals, time axis and the colour scale under them.
  expect(width).toBeGreaterThan(canvas.w + 200);
  expect(height).toBeGreaterThan(canvas.h + 70);
});

test('the total bars say what a full bar stands for; zoomed in, bars stay apart', async ({
  page,
}) => {
  await page.goto(`${s.http}/keyviz?zoom=${m.columns[5]}-${m.columns[14]}`);
  await waitForHeatmap(page);
  await expect(page.getByTestId('marginal-cols-scale')).toHaveText(
    /^column totals: full bar = [0-9.]+ (k |M |G )?ops?$/,
  );
  await expect(page.getByTestId('marginal-rows-scale')).toContainText('row totals:');
  // About ten wide column bars: along a line near the bottom, ink and gaps alternate.
  const runs = await page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.marginal-cols')!;
    const d = c.getContext('2d')!.getImageData(0, c.height - 2, c.width, 1).data;
    let inkRuns = 0;
    let prev = false;
    for (let x = 0; x < c.width; x++) {
      const ink = d[x * 4 + 3] > 0;
      if (ink && !prev) inkRuns++;
      prev = ink;
    }
    return inkRuns;
  });
  expect(runs).toBeGreaterThanOrEqual(8);
});

test('Open record: the file is shown with no server request; Back to live returns', async ({
  page,
}) => {
  await installFetchProbe(page);
  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  await expect(summary(page)).toContainText(`${m.rowCount} rows`);
  const want = recordToMatrix(parseRecordFile(recText), { series: 'writes', rows: 1024 });
  await resetProbe(page);
  const r0 = await renderCount(page);
  await page.getByLabel('Open record file').setInputFiles(recPath);
  const banner = page.getByTestId('record-banner');
  await expect(banner).toContainText('Showing file history.jsonl');
  await expect(summary(page)).toContainText(`${want.rowCount} rows × ${want.colCount} columns`);
  expect(await renderCount(page)).toBeGreaterThan(r0);
  expect((await probeStats(page)).started).toBe(0);
  await page.goto(page.url()); // a fresh page is live again: the file is not in the URL
  await waitForHeatmap(page);
  await expect(banner).toHaveCount(0);
  await page.getByLabel('Open record file').setInputFiles(recPath);
  await expect(banner).toBeVisible();
  await resetProbe(page);
  await page.getByRole('button', { name: 'Back to live' }).click();
  await expect(banner).toHaveCount(0);
  await expect(summary(page)).toContainText(`${m.rowCount} rows`);
  expect((await probeStats(page)).started).toBeGreaterThan(0);
  // A broken file says why.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['{"format":"nope"}\n'], 'bad.jsonl'));
    window.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, cancelable: true }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
  });
  await expect(page.getByRole('alert')).toContainText('Could not open bad.jsonl');
});

test('drag and drop a record with a pause: the missing time is drawn as a gap', async ({
  page,
}) => {
  // Drop columns 8..13 of the recording: a one-hour hole in the history.
  const lines = recText.split('\n');
  let col = -1;
  const kept = lines.filter((l) => {
    if (!l.includes('"kind":"column"')) return true;
    col++;
    return col < 8 || col > 13;
  });
  const gapText = kept.join('\n');
  const gm = recordToMatrix(parseRecordFile(gapText), { series: 'writes', rows: 1024 });
  const { x0, x1 } = columnLayout(gm.columns, inferStepMs(gm.columns));
  const from = x0[0];
  const to = x1[gm.colCount - 1];
  const gapStart = x1[7];
  const gapEnd = x0[8];
  expect(gapEnd - gapStart).toBeGreaterThan(30 * 60_000);

  await page.goto(`${s.http}/keyviz`);
  await waitForHeatmap(page);
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'paused.jsonl'));
    window.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, cancelable: true }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
  }, gapText);
  await expect(page.getByTestId('record-banner')).toContainText('Showing file paused.jsonl');
  await expect(summary(page)).toContainText(`× ${gm.colCount} columns`);
  // Device-pixel columns inside the gap are empty in every row; the columns beside it are not.
  const ink = await page.evaluate(
    ([fa, fb, fc]) => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const inkAt = (f: number) => {
        const x = Math.floor(f * c.width);
        let n = 0;
        for (let y = 0; y < c.height; y++) if (d[(y * c.width + x) * 4 + 3] !== 0) n++;
        return n;
      };
      return { inGap: inkAt(fa), before: inkAt(fb), after: inkAt(fc) };
    },
    [
      ((gapStart + gapEnd) / 2 - from) / (to - from),
      ((x0[7] + x1[7]) / 2 - from) / (to - from),
      ((x0[8] + x1[8]) / 2 - from) / (to - from),
    ],
  );
  expect(ink.inGap).toBe(0);
  expect(ink.before).toBeGreaterThan(0);
  expect(ink.after).toBeGreaterThan(0);
});
