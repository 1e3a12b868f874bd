// Issue 13 item 7: axe-core on every main state of the /keyviz page, in light and dark, with no
// violation (WCAG 2.2 A/AA rules and axe's best practices, target size included). Issue 14: the
// console's other pages too (bucket, the bucket degraded behind a node-like upstream, cluster,
// adapters, not found), in light and dark.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { startNodeLike, type NodeLike } from '../helpers/nodeLikeProcess.ts';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { cellCentre, fetchMatrix, waitForHeatmap } from './support.ts';
import { interiorMax } from './exploreSupport.ts';

let s: SpawnedServer;
let m: Matrix;
// A gateway in front of a node-like upstream: the bucket page built from the matrices.
let gateway: SpawnedServer | null = null;
let upstream: NodeLike | null = null;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const flags = workloadFlags({ backfill: '12h', routes: 300, seed: 5 });
  upstream = await startNodeLike(flags);
  [s, gateway] = await Promise.all([
    spawnServer(flags),
    spawnServer(['--upstream', upstream.addr, '--upstreamInsecureNoAuth']),
  ]);
  m = await fetchMatrix(s.http, 'writes', 1024);
});

test.afterAll(async () => {
  await Promise.all([s?.stop(), gateway?.stop()]);
  upstream?.stop();
});

/** Violations as "rule: target" lines (empty when clean). */
async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return r.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary ?? ''})`),
  );
}

const states: { name: string; go: (page: Page) => Promise<void> }[] = [
  { name: 'default', go: async () => {} },
  {
    name: 'hover card',
    go: async (page) => {
      const c = interiorMax(m, 2);
      const p = await cellCentre(page, m, c.row, c.col);
      await page.mouse.move(p.x, p.y);
      await expect(page.getByRole('tooltip')).toBeVisible();
    },
  },
  {
    name: 'pinned card',
    go: async (page) => {
      const c = interiorMax(m, 2);
      const p = await cellCentre(page, m, c.row, c.col);
      await page.mouse.click(p.x, p.y);
      await expect(page.getByRole('dialog', { name: 'Cell details' })).toBeVisible();
    },
  },
  {
    name: 'keyboard cursor',
    go: async (page) => {
      const grid = page.getByRole('application', { name: /Heatmap of writes/ });
      for (let i = 0; i < 40 && !(await grid.evaluate((e) => e === document.activeElement)); i++)
        await page.keyboard.press('Tab');
      await page.keyboard.press('ArrowDown');
      await expect(page.locator('.flyout.compact')).toBeVisible();
    },
  },
  {
    name: 'zoomed',
    go: async (page) => {
      const box = (await page.getByTestId('hover-layer').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, -400);
      await expect(page).toHaveURL(/zoom=/);
      await page.mouse.move(0, 0);
      await waitForHeatmap(page);
    },
  },
  {
    name: 'custom range and filter error',
    go: async (page) => {
      await page.getByLabel('Time range').selectOption('custom');
      await page.getByLabel('Filter').fill('0xzz');
      await expect(page.getByTestId('filter-error')).toBeVisible();
    },
  },
];

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme}`, () => {
    test.use({ colorScheme: scheme });
    for (const st of states) {
      test(`axe: ${st.name}`, async ({ page }) => {
        test.setTimeout(120_000);
        await page.setViewportSize({ width: 1440, height: 900 });
        await page.goto(`${s.http}/keyviz`);
        await waitForHeatmap(page);
        await st.go(page);
        expect(await violations(page)).toEqual([]);
      });
    }
  });
}

/** The bucket of the busiest row: one with term changes, member routes and hot keys. */
function busiestBucket(): string {
  let best = 0;
  let bestSum = -1;
  for (let r = 0; r < m.rowCount; r++) {
    let sum = 0;
    for (let c = 0; c < m.colCount; c++) sum += m.values[r * m.colCount + c];
    if (sum > bestSum) [best, bestSum] = [r, sum];
  }
  return m.rows[best].bucketId;
}

async function bucketDrawn(page: Page): Promise<void> {
  await expect(page.getByTestId('multiples')).toBeVisible();
  // The hot keys panel has answered (not its loading state).
  await expect(page.getByTestId('hotkeys-panel')).toBeVisible();
  await expect(page.getByTestId('hotkeys-panel')).not.toHaveAttribute('data-state', /loading/);
}

const pages: { name: string; go: (page: Page) => Promise<void> }[] = [
  {
    name: 'bucket',
    go: async (page) => {
      await page.goto(`${s.http}/keyviz/bucket/${encodeURIComponent(busiestBucket())}`);
      await bucketDrawn(page);
    },
  },
  {
    name: 'bucket, pointer over the series',
    go: async (page) => {
      await page.goto(`${s.http}/keyviz/bucket/${encodeURIComponent(busiestBucket())}?hktop=50`);
      await bucketDrawn(page);
      const box = (await page.locator('[data-series="reads"] svg').boundingBox())!;
      await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
      await expect(page.getByTestId('cursor-time')).toContainText('Column');
    },
  },
  {
    name: 'bucket, degraded (node without GetRouteDetail)',
    go: async (page) => {
      const gm = await fetchMatrix(gateway!.http, 'writes', 24);
      const id = gm.rows[Math.floor(gm.rowCount / 2)].bucketId;
      await page.goto(`${gateway!.http}/keyviz/bucket/${encodeURIComponent(id)}`);
      await expect(page.getByTestId('degraded')).toBeVisible();
      await bucketDrawn(page);
    },
  },
  {
    name: 'cluster',
    go: async (page) => {
      await page.goto(`${s.http}/cluster?sort=lag&dir=desc`);
      await expect(page.getByTestId('groups').locator('tbody tr').first()).toBeVisible();
    },
  },
  {
    name: 'adapters',
    go: async (page) => {
      await page.goto(`${s.http}/adapters`);
      await expect(page.getByRole('rowheader', { name: 'dynamo' }).first()).toBeVisible();
    },
  },
  {
    name: 'adapters, degraded',
    go: async (page) => {
      await page.goto(`${gateway!.http}/adapters`);
      await expect(page.locator('[data-state="unimplemented"]')).toBeVisible();
    },
  },
  {
    name: 'not found',
    go: async (page) => {
      await page.goto(`${s.http}/no/such/page`);
      await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
    },
  },
];

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme}, console pages`, () => {
    test.use({ colorScheme: scheme });
    for (const pg of pages) {
      test(`axe: ${pg.name}`, async ({ page }) => {
        test.setTimeout(120_000);
        await page.setViewportSize({ width: 1440, height: 900 });
        await pg.go(page);
        expect(await violations(page)).toEqual([]);
      });
    }
  });
}
