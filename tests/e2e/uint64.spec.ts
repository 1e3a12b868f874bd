// uint64 end to end (issue 12): counters of 2^64 - 1 and 2^53 + 1 in record files, replayed by two
// real nodes, merged by a real gateway, shown by the page on Connect and on the node's JSON API.
// The flyout, the CSV export and the legend's largest value must carry every digit: a double
// would show ...552,000 and ...992.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Matrix } from '../../src/data/matrix.ts';
import { buildEmbed } from '../helpers/embedBuild.ts';
import { writeCredentials } from '../helpers/jsonAdmin.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { cellCentre, fetchMatrix, waitForHeatmap } from './support.ts';

const T = 1_790_000_000_000;
const MIN = 60_000;
const COLS = 6;
const MAX64 = '18446744073709551615';
const ABOVE53 = '9007199254740993';
const ACCESS = 'ops-reader';
const SECRET = 'uint64-e2e-secret-71c2';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const grouped = (d: string) => d.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * One node's record file: route:<ref> tiles [start, end). Writes are `w(col)`; a string is an
 * exact uint64 (the record format's way above 2^53).
 */
function fixture(
  dir: string,
  name: string,
  ref: number,
  start: string,
  end: string,
  w: (c: number) => number | string,
): string {
  const lines: unknown[] = [
    { format: 'keyviz-fixture', version: 1, keyEncoding: 'base64', stepMs: MIN },
    {
      kind: 'bucket',
      ref,
      bucketId: `route:${ref}`,
      start: b64(start),
      end: b64(end),
      label: 'rawkv',
      aggregate: false,
      routeIds: [String(ref)],
      routeCount: 1,
    },
  ];
  for (let c = 0; c < COLS; c++) {
    lines.push({ kind: 'column', unixMs: T + c * MIN, rows: [[ref, 1, w(c), 8, 80, ref, 2]] });
  }
  const file = path.join(dir, `${name}.jsonl`);
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

let nodes: SpawnedServer[] = [];
let gw: SpawnedServer;
let gwJson: SpawnedServer;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'keyviz-uint64-'));
  const build = buildEmbed(dir, '/admin/', 'json', 250_000);
  // Node a: route:1 holds the extremes; node b: route:2, ordinary counts.
  const files = [
    fixture(dir, 'a', 1, '', 'm', (c) => (c === 2 ? MAX64 : c === 4 ? ABOVE53 : 10 + c)),
    fixture(dir, 'b', 2, 'm', '', (c) => 20 + c),
  ];
  nodes = await Promise.all(
    files.map((f, i) => spawnServer(['--fixture', f, '--nodeId', `n${i}`, '--history', 'off'])),
  );
  const upstream = ['--upstream', nodes.map((n) => n.grpc).join(','), '--upstreamInsecureNoAuth'];
  const jsonOut = await build;
  const creds = writeCredentials(dir, [{ access: ACCESS, secret: SECRET, role: 'read_only' }]);
  [gw, gwJson] = await Promise.all([
    spawnServer(['--static', 'dist', ...upstream]),
    spawnServer(['--static', jsonOut, '--adminCredentialsFile', creds, ...upstream]),
  ]);
});

test.afterAll(async () => {
  await Promise.all([gw, gwJson, ...nodes].filter(Boolean).map((s) => s.stop()));
});

/** Hovers a cell and returns the flyout's text. */
async function hoverText(page: Page, m: Matrix, row: number, col: number): Promise<string> {
  const at = await cellCentre(page, m, row, col);
  await page.mouse.move(at.x, at.y);
  const f = page.locator('.flyout');
  await expect(f).toBeVisible();
  return (await f.textContent()) ?? '';
}

async function checkPage(page: Page, m: Matrix): Promise<void> {
  await waitForHeatmap(page);
  const row = m.rows.findIndex((r) => r.bucketId === 'route:1');
  expect(row).toBeGreaterThanOrEqual(0);
  expect(await hoverText(page, m, row, 2)).toContain(grouped(MAX64));
  expect(await hoverText(page, m, row, 4)).toContain(grouped(ABOVE53));

  // The legend's top label is compact; its exact value is one hover (title) away.
  const top = page.getByTestId('legend-max');
  await expect(top).toHaveAttribute('title', new RegExp(grouped(MAX64)));

  const dl = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csv = readFileSync((await (await dl).path())!, 'utf8');
  const line = csv.split('\r\n').find((l) => l.startsWith('route:1,'));
  expect(line).toBeDefined();
  const cells = line!.split(',').slice(4);
  expect(cells[2]).toBe(MAX64);
  expect(cells[4]).toBe(ABOVE53);
  expect(cells[0]).toBe('10');
}

test('through the gateway on Connect: flyout, legend and CSV keep every digit', async ({
  page,
}) => {
  const m = await fetchMatrix(gw.http, 'writes', 1024);
  expect(m.nodes.map((n) => n.ok)).toEqual([true, true]);
  await page.goto(`${gw.http}/keyviz`);
  await checkPage(page, m);
});

test('through the gateway on the JSON API: the same digits', async ({ page }) => {
  const m = await fetchMatrix(gw.http, 'writes', 1024);
  await page.goto(`${gwJson.http}/admin/keyviz`);
  await page.getByLabel('Access key').fill(ACCESS);
  await page.getByLabel('Secret key').fill(SECRET);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await checkPage(page, m);
});
