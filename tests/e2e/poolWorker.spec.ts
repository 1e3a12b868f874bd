// The heatmap's pooling in a Web Worker on the real page (issue 17), and on the main thread
// where the page's policy refuses workers (worker-src 'none'): the same pixels, one paint pass
// each (one keyviz:render), and the pooling measured where it ran (keyviz:pool-worker in the
// worker; keyviz:pool on the main thread).
import { expect, test, type Page } from '@playwright/test';
import { spawnServer, type SpawnedServer, workloadFlags } from '../helpers/spawnServer.ts';
import { waitForHeatmap } from './support.ts';

let s: SpawnedServer;

test.beforeAll(async () => {
  // 1,024 rows x 144 ten-minute columns: over the worker's threshold (WORKER_MIN_CELLS), and no
  // new column lands while the test runs, so both pages draw the same matrix.
  s = await spawnServer(workloadFlags({ backfill: '24h', routes: 2000, seed: 3 }), {
    readyTimeoutMs: 120_000,
  });
});

test.afterAll(async () => {
  await s?.stop();
});

/** Waits until the one settled paint is in and nothing repaints after it. */
async function settled(page: Page) {
  await waitForHeatmap(page);
  await page.evaluate(
    () =>
      new Promise<void>((done) => {
        let n = 0;
        const tick = () => (++n >= 10 ? setTimeout(done, 300) : requestAnimationFrame(tick));
        requestAnimationFrame(tick);
      }),
  );
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas')!;
    const px = new Uint32Array(
      c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.buffer,
    );
    let ink = 0;
    let hash = 0;
    for (let i = 0; i < px.length; i++) {
      if (px[i] >>> 24) ink++;
      hash = (Math.imul(hash, 31) + px[i]) | 0;
    }
    return {
      // The shape, without the "loaded hh:mm:ss" clock.
      summary: (document.querySelector('[data-testid="summary"]')?.textContent ?? '').replace(
        /\s*·\s*loaded.*$/,
        '',
      ),
      size: [c.width, c.height],
      ink,
      hash,
      renders: performance.getEntriesByName('keyviz:render').length,
      inWorker: performance.getEntriesByName('keyviz:pool-worker').length,
      onMain: performance.getEntriesByName('keyviz:pool').length,
    };
  });
}

test('pooling runs in a worker, and on the main thread under worker-src none, with the same pixels', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(s.keyviz);
  const w = await settled(page);
  expect(w.summary).toContain('1,024 rows');
  expect(w.ink).toBeGreaterThan((w.size[0] * w.size[1]) / 4);
  expect(w).toMatchObject({ renders: 1, inWorker: 1, onMain: 0 });

  const csp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
    "connect-src 'self'; worker-src 'none'; base-uri 'none'; frame-ancestors 'none'";
  const strict = await ctx.newPage();
  await strict.route(
    (u) => u.pathname.endsWith('/keyviz'),
    async (route) => {
      const res = await route.fetch();
      await route.fulfill({
        response: res,
        headers: { ...res.headers(), 'content-security-policy': csp },
      });
    },
  );
  await strict.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.cspViolations.push(e.effectiveDirective),
    );
  });
  const resp = await strict.goto(s.keyviz);
  expect(resp?.headers()['content-security-policy']).toBe(csp);
  const m = await settled(strict);
  // The refused worker: pooled on the main thread (after the failed start, so the paint is
  // still one pass), the same picture.
  expect(m).toMatchObject({ renders: 1, inWorker: 0, onMain: 1 });
  expect(m.summary).toBe(w.summary);
  expect(m.size).toEqual(w.size);
  expect(m.ink).toBe(w.ink);
  expect(m.hash).toBe(w.hash);
  const violations = await strict.evaluate(
    () => (window as unknown as { cspViolations: string[] }).cspViolations,
  );
  expect(new Set(violations)).toEqual(new Set(['worker-src']));
  await ctx.close();
});
