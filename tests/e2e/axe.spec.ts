// Issue 13 item 7: axe-core on every main state of the /keyviz page, in light and dark, with no
// violation (WCAG 2.2 A/AA rules and axe's best practices, target size included).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { cellCentre, fetchMatrix, waitForHeatmap } from './support.ts';
import { interiorMax } from './exploreSupport.ts';

let s: SpawnedServer;
let m: Matrix;

test.beforeAll(async () => {
  s = await spawnServer(workloadFlags({ backfill: '12h', routes: 300, seed: 5 }));
  m = await fetchMatrix(s.http, 'writes', 1024);
});

test.afterAll(async () => {
  await s?.stop();
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
