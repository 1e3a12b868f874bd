// The cluster view through the gateway, in Chromium: three real nodes replaying fixtures (two of
// them disagree on one write cell), a gateway in front of them serving the page. The banner says
// how many nodes answered (and why one did not), and the conflicting cell is hatched.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Matrix } from '../../src/data/matrix.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { canvasInk, cellCentre, fetchMatrix, waitForHeatmap } from './support.ts';

const T = 1_790_000_000_000;
const MIN = 60_000;
const COLS = 6;
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** [ref, bucket id, start, end]: four routes tiling the key space, one Raft group each. */
const BUCKETS: [number, string, string, string][] = [
  [1, 'route:1', '', 'b'],
  [2, 'route:2', 'b', 'd'],
  [3, 'route:3', 'd', 'f'],
  [4, 'route:4', 'f', ''],
];
/** The conflicting cell: route:2 (row 1 after sorting by start key), column 2. */
const CONFLICT = { row: 1, col: 2 };

/** A fixture (docs/fixture-format.md); `override` changes one write value. */
function fixture(dir: string, name: string, override?: { ref: number; col: number; w: number }) {
  const lines: unknown[] = [
    { format: 'keyviz-fixture', version: 1, keyEncoding: 'base64', stepMs: MIN },
    ...BUCKETS.map(([ref, bucketId, start, end]) => ({
      kind: 'bucket',
      ref,
      bucketId,
      start: b64(start),
      end: b64(end),
      label: 'rawkv',
      aggregate: false,
      routeIds: [String(ref)],
      routeCount: 1,
    })),
  ];
  for (let c = 0; c < COLS; c++) {
    const rows = BUCKETS.map(([ref]) => {
      const w = override && override.ref === ref && override.col === c ? override.w : 10 * ref + c;
      // [ref, reads, writes, readBytes, writeBytes, raftGroupId, leaderTerm]: same (group, term)
      // on every node, so only a different write value is a conflict.
      return [ref, 1, w, 8, w * 8, ref, 3];
    });
    lines.push({ kind: 'column', unixMs: T + c * MIN, rows });
  }
  const file = path.join(dir, `${name}.jsonl`);
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

let dir: string;
let nodes: SpawnedServer[] = [];
let gw: SpawnedServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(path.join(tmpdir(), 'keyviz-cluster-'));
  mkdirSync(path.join(dir, 'static'));
  const files = [
    fixture(dir, 'a'),
    fixture(dir, 'b', { ref: 2, col: CONFLICT.col, w: 99 }),
    fixture(dir, 'c'),
  ];
  nodes = await Promise.all(
    files.map((f, i) =>
      spawnServer(['--static', path.join(dir, 'static'), '--fixture', f, '--nodeId', `n${i}`]),
    ),
  );
  gw = await spawnServer([
    '--static',
    'dist',
    '--upstream',
    nodes.map((n) => n.grpc).join(','),
    '--upstreamInsecureNoAuth',
  ]);
});

test.afterAll(async () => {
  await Promise.all([gw, ...nodes].filter(Boolean).map((s) => s.stop()));
});

/** Overlay pixels with any opacity in a (2r+1)² device-pixel square around a page point. */
function hatchInk(page: Page, at: { x: number; y: number }, r = 4): Promise<number> {
  return page.evaluate(
    ({ x, y, r }) => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.conflict-canvas');
      if (!c) return 0;
      const box = c.getBoundingClientRect();
      const px = Math.round(((x - box.left) * c.width) / box.width);
      const py = Math.round(((y - box.top) * c.height) / box.height);
      const d = c.getContext('2d')!.getImageData(px - r, py - r, 2 * r + 1, 2 * r + 1).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
      return n;
    },
    { ...at, r },
  );
}

test('three nodes: "3 of 3", the conflicting cell hatched and explained', async ({ page }) => {
  const m: Matrix = await fetchMatrix(gw.http, 'writes', 1024);
  expect(m.nodes.map((n) => n.ok)).toEqual([true, true, true]);
  expect(m.conflicts?.[CONFLICT.row * m.colCount + CONFLICT.col]).toBe(1);
  expect(m.conflicts?.reduce((a, b) => a + b, 0)).toBe(1);

  await page.goto(gw.keyviz);
  await waitForHeatmap(page);
  expect(await canvasInk(page)).toBeGreaterThan(1000);
  const banner = page.getByTestId('cluster-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveText('Cluster view: 3 of 3 nodes answered');

  const overlay = page.getByTestId('conflict-overlay');
  await expect(overlay).toHaveAttribute('data-hatched', '1');
  const hot = await cellCentre(page, m, CONFLICT.row, CONFLICT.col);
  expect(await hatchInk(page, hot)).toBeGreaterThan(10);
  // Elsewhere: the neighbours in both directions and a far cell have no hatch at all.
  for (const [r, c] of [
    [0, CONFLICT.col],
    [2, CONFLICT.col],
    [CONFLICT.row, 1],
    [CONFLICT.row, 3],
    [3, 5],
  ]) {
    expect(await hatchInk(page, await cellCentre(page, m, r, c)), `cell ${r},${c}`).toBe(0);
  }
  // All of the overlay's ink lies in that one cell, and covers it: its bounding box is the
  // cell's rectangle (a 6 x 4 grid over the plot), to a pixel.
  const inked = await page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.conflict-canvas')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let x0 = Infinity,
      y0 = Infinity,
      x1 = -1,
      y1 = -1;
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        if (d[(y * c.width + x) * 4 + 3] === 0) continue;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
    const b = c.getBoundingClientRect();
    const k = b.width / c.width;
    return {
      cell: { x: b.left + x0 * k, y: b.top + y0 * k, w: (x1 + 1 - x0) * k, h: (y1 + 1 - y0) * k },
      plot: { w: b.width, h: b.height },
    };
  });
  expect(Math.abs(inked.cell.w - inked.plot.w / COLS)).toBeLessThan(2);
  expect(Math.abs(inked.cell.h - inked.plot.h / BUCKETS.length)).toBeLessThan(2);
  expect(Math.abs(inked.cell.x + inked.cell.w / 2 - hot.x)).toBeLessThan(2);
  expect(Math.abs(inked.cell.y + inked.cell.h / 2 - hot.y)).toBeLessThan(2);

  // Hatching is visible on screen, not only in the overlay: the composited pixels at the
  // conflicting cell hold the stripe's white and dark.
  const shot = await page.screenshot({
    clip: { x: hot.x - 6, y: hot.y - 6, width: 12, height: 12 },
  });
  const ink = await page.evaluate(
    async (png) => {
      const img = await createImageBitmap(await (await fetch(png)).blob());
      const cv = new OffscreenCanvas(img.width, img.height);
      const ctx = cv.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, img.width, img.height).data;
      let light = 0;
      let dark = 0;
      for (let i = 0; i < d.length; i += 4) {
        const sum = d[i] + d[i + 1] + d[i + 2];
        if (sum > 680) light++;
        if (sum < 160) dark++;
      }
      return { light, dark };
    },
    `data:image/png;base64,${shot.toString('base64')}`,
  );
  expect(ink.light).toBeGreaterThan(4);
  expect(ink.dark).toBeGreaterThan(4);

  await expect(page.getByTestId('conflict-legend')).toContainText(
    'Hatched: 1 cell where nodes reported different writes',
  );
});

test('the cluster page lists every node behind the gateway', async ({ page }) => {
  await page.goto(`${gw.http}/cluster`);
  await expect(page.getByTestId('cluster-page')).toContainText('gateway in front of 3 nodes');
  const items = page.getByTestId('upstream-nodes').getByRole('listitem');
  await expect(items).toHaveCount(3);
  for (let i = 0; i < 3; i++) {
    await expect(items.nth(i)).toContainText(nodes[i].grpc);
    await expect(items.nth(i)).toContainText('answered');
  }
  // Behind a gateway no member is "this node", and the shell bar does not name the first node
  // that answered as if it served the page.
  await expect(page.getByTestId('members')).not.toContainText('this node');
  await expect(page.getByTestId('members')).not.toContainText('behind this gateway');
  await expect(page.getByTestId('shell-node')).toHaveText('gateway to 3 nodes');
  // Each group lists every node's own replica (commit - applied), and its worst is named.
  const groups = page.getByTestId('groups');
  await expect(
    groups.getByRole('columnheader', { name: 'Per node (commit − applied)' }),
  ).toBeVisible();
  const first = groups.getByTestId('replicas').first();
  for (const n of nodes) await expect(first).toContainText(n.grpc);
  // The lag column holds the worst node's figure (named when it is behind at all).
  const row = await groups
    .locator('tbody tr')
    .first()
    .evaluate((tr) => {
      const lagCell = tr.querySelectorAll('td.num')[1];
      const per = [...tr.querySelectorAll('[data-testid="replicas"] .replica')].map((r) => {
        const node = r.querySelector('.muted')?.textContent ?? '';
        return {
          node,
          // The figure after the node's name (a separator may precede it, a badge follow it).
          lag: Number(
            (r.textContent ?? '').replace(node, '').replace('lagging', '').replace(/[^\d]/g, ''),
          ),
        };
      });
      return { lag: lagCell.textContent ?? '', per };
    });
  const worst = Math.max(...row.per.map((p) => p.lag));
  expect(row.per).toHaveLength(nodes.length);
  expect(row.lag).toMatch(new RegExp(`^${worst}( on .+)?$`));
  if (worst > 0) expect(row.lag).toContain(` on ${row.per.find((p) => p.lag === worst)!.node}`);
});

test('one node down: "2 of 3" and the failed node with its reason', async ({ page }) => {
  const down = nodes[2];
  await down.stop();
  // The gateway's follow state learns a node's fate at its next round (--upstreamFollow, 5 s):
  // the answer says "2 of 3" within about one round, never later.
  await expect
    .poll(
      async () => (await fetchMatrix(gw.http, 'writes', 1024)).nodes.filter((n) => n.ok).length,
      { timeout: 12_000, intervals: [250] },
    )
    .toBe(2);
  await page.goto(gw.keyviz);
  await waitForHeatmap(page);
  const banner = page.getByTestId('cluster-banner');
  await expect(banner).toContainText('Cluster view: 2 of 3 nodes answered');
  await expect(banner).toContainText(`missing: ${down.grpc} unavailable: upstream unreachable`);
  // The two nodes still answering still disagree on the cell.
  await expect(page.getByTestId('conflict-overlay')).toHaveAttribute('data-hatched', '1');
  await expect(page.getByTestId('conflict-legend')).toBeVisible();

  // The cluster page names it too.
  await page.goto(`${gw.http}/cluster`);
  await expect(page.getByTestId('cluster-page')).toContainText('(2 answered)');
  const down2 = page.getByTestId('upstream-nodes').getByRole('listitem').nth(2);
  await expect(down2).toContainText('did not answer');
  await expect(down2).toContainText('unavailable');
});
