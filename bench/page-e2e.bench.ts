// The page as an operator gets it: the built bundle served by the real sampler server
// (default workload: 2,000 routes, 24 h backfill, so a full 1024 x 1440 matrix), in
// headless Chromium. Prints medians of the page's own User Timing marks
// (keyviz:fetch, keyviz:decode, keyviz:render), request-to-painted, hover cost per
// move, and the gzip size of the page's JavaScript; at devicePixelRatio 1 and 1.5 (at 1.5 the
// canvas has more device pixels across than the matrix has columns). First, the issue-17
// "painted" table (bench/painted.ts): response end to painted, longest task and hover on both
// sources at 1024 x 1440 and 1024 x 500.
// Run: npm run bench -- page-e2e   (KEYVIZ_PAINTED_ONLY=1: the painted table only;
//      KEYVIZ_PAINTED_RUNS=N: runs per configuration, default 5)
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, requireChromium } from '../scripts/chromium.ts';
import { bundleGzipBytes, ensurePageBuilt, PAGE_JS_BUDGET_BYTES } from '../scripts/pageBuild.ts';
import { REPO_ROOT, spawnServer } from '../tests/helpers/spawnServer.ts';
import { runPainted } from './painted.ts';
import { median } from './stats.ts';

const RUNS = 11;
/** 1: the plain case; 1.5: more device pixels across than columns (1280 css px wide). */
const DPRS = [1, 1.5];

function fmtLine(label: string, xs: number[], unit = 'ms'): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${label.padEnd(42)} median ${median(xs).toFixed(1)} ${unit}  (min ${s[0].toFixed(1)}, max ${s[s.length - 1].toFixed(1)}, n=${xs.length})`;
}

export async function run(): Promise<void> {
  const dist = join(REPO_ROOT, 'dist');
  ensurePageBuilt();
  const b = bundleGzipBytes(dist);
  console.log(
    `page JavaScript: ${b.files} files, ${(b.raw / 1000).toFixed(1)} kB raw, ${(b.gzip / 1000).toFixed(1)} kB gzip (budget ${PAGE_JS_BUDGET_BYTES / 1000} kB)`,
  );

  const browser = await chromium.launch({
    executablePath: requireChromium(),
    args: CHROMIUM_ARGS,
  });
  try {
    // The issue-17 figures first (response end to painted, both sources, two sizes); then the
    // page's own User Timing marks on refresh. KEYVIZ_PAINTED_ONLY=1 stops after the first.
    await runPainted(browser, dist);
    if (process.env.KEYVIZ_PAINTED_ONLY === '1') return;
    const server = await spawnServer(['--static', dist]);
    try {
      for (const dpr of DPRS) await runAt(browser, server.keyviz, dpr);
    } finally {
      await server.stop();
    }
  } finally {
    await browser.close();
  }
}

async function runAt(browser: Browser, url: string, dpr: number): Promise<void> {
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: dpr,
  });
  try {
    const page = await ctx.newPage();
    await page.goto(url);
    await page.waitForFunction(
      () => performance.getEntriesByName('keyviz:render').length > 0,
      null,
      {
        timeout: 30_000,
      },
    );
    const shape = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas');
      const s = document.querySelector('[data-testid="summary"]')?.textContent ?? '';
      return `${s}; canvas ${c?.width ?? 0} x ${c?.height ?? 0} device px`;
    });
    console.log(`dpr ${dpr}: matrix on screen: ${shape}`);
    const fmt = (label: string, xs: number[]): string => fmtLine(`dpr ${dpr}  ${label}`, xs);

    const fetchMs: number[] = [];
    const decodeMs: number[] = [];
    const renderMs: number[] = [];
    const paintedMs: number[] = [];
    const refresh = page.getByRole('button', { name: 'Refresh', exact: true });
    for (let i = 0; i < RUNS; i++) {
      await page.evaluate(() => performance.clearMeasures());
      const t0 = await page.evaluate(() => performance.now());
      await refresh.click();
      await page.waitForFunction(
        () => performance.getEntriesByName('keyviz:render').length > 0,
        null,
        {
          timeout: 30_000,
        },
      );
      // No named functions inside evaluate: tsx would inject a helper the page lacks.
      const m = await page.evaluate(() =>
        ['keyviz:fetch', 'keyviz:decode', 'keyviz:render'].map((n) => {
          const e = performance.getEntriesByName(n);
          return e.length ? { start: e[0].startTime, dur: e[0].duration } : null;
        }),
      );
      const [f, d, r] = m;
      if (!f || !d || !r) throw new Error('a User Timing measure is missing');
      fetchMs.push(f.dur);
      decodeMs.push(d.dur);
      renderMs.push(r.dur);
      // From the request leaving (the click handler starts it) to the picture drawn.
      paintedMs.push(r.start + r.dur - Math.max(t0, f.start - 1));
    }
    console.log(fmt('keyviz:fetch (request + transfer)', fetchMs));
    console.log(fmt('keyviz:decode (1024 x 1440)', decodeMs));
    console.log(fmt('keyviz:render', renderMs));
    console.log(fmt('request to painted', paintedMs));

    // Hover: each synthetic move lands on a new cell; a MessageChannel yield after it
    // lets React's scheduled render run, so the figure includes the flyout update.
    const hover: number[] = [];
    for (let i = 0; i < 5; i++) {
      const box = await page.getByTestId('hover-layer').boundingBox();
      if (!box) throw new Error('no hover layer');
      hover.push(
        await page.evaluate(
          async ({ x, y, w, h, seed }) => {
            const el = document.querySelector('[data-testid="hover-layer"]');
            if (!el) throw new Error('no hover layer');
            const n = 200;
            const t = performance.now();
            for (let k = 0; k < n; k++) {
              el.dispatchEvent(
                new PointerEvent('pointermove', {
                  bubbles: true,
                  clientX: x + (((k + seed) * 7.3) % w),
                  clientY: y + (((k + seed) * 13.1) % h),
                }),
              );
              await new Promise<void>((r) => {
                const c = new MessageChannel();
                c.port1.onmessage = () => r();
                c.port2.postMessage(0);
              });
            }
            return (performance.now() - t) / n;
          },
          { x: box.x, y: box.y, w: box.width, h: box.height, seed: i * 31 },
        ),
      );
    }
    console.log(fmt('hover to flyout, per move', hover));
  } finally {
    await ctx.close();
  }
}
