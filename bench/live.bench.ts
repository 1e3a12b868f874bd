// Live refresh against today's 5 s polling, on the page as an operator gets it:
// the built bundle served by the real sampler server (2,000 routes, a full
// 1024 x 1440 matrix) in headless Chromium. A 2 s --keyvizStep gives 30 flushes a
// minute (a node's default 60 s step gives one: the stream's bytes and work scale
// with flushes, polling's do not). Each run watches one mode for WINDOW_S seconds
// after the page has settled and scales to a minute: bytes received (CDP
// Network.dataReceived, encoded, every request of the page), main-thread busy
// time (CDP Performance TaskDuration: wall clock, inflated when the machine is
// loaded) and main-thread CPU time (ThreadTime: what the page's work costs).
// Run: npm run bench -- live
import { chromium, type Browser } from 'playwright-core';
import { join } from 'node:path';
import { CHROMIUM_ARGS, requireChromium } from '../scripts/chromium.ts';
import { ensurePageBuilt } from '../scripts/pageBuild.ts';
import { REPO_ROOT, spawnServer } from '../tests/helpers/spawnServer.ts';
import { median } from './stats.ts';

const RUNS = 3;
const WINDOW_S = 20;
const STEP = '2s';

interface Sample {
  bytesPerMin: number;
  mainMsPerMin: number;
  cpuMsPerMin: number;
  rendersPerMin: number;
}

async function measure(browser: Browser, url: string): Promise<Sample> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Performance.enable');
  let bytes = 0;
  let counting = false;
  cdp.on('Network.dataReceived', (e: { encodedDataLength: number; dataLength: number }) => {
    if (counting) bytes += e.encodedDataLength || e.dataLength;
  });
  await page.goto(url);
  await page.waitForFunction(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas');
    return !!c && Number(c.dataset.rendered ?? '0') > 0;
  });
  await page.waitForTimeout(3000); // settle: the first load, the stream's connect
  // Heatmap renders (the page's own User Timing marks): one per new column when live.
  const cols = () => page.evaluate(() => performance.getEntriesByName('keyviz:render').length);
  const metric = async (name: string) => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as {
      metrics: { name: string; value: number }[];
    };
    return metrics.find((m) => m.name === name)?.value ?? 0;
  };
  const taskS = () => metric('TaskDuration');
  const cpuS = () => metric('ThreadTime');
  const c0 = await cols();
  const t0 = await taskS();
  const u0 = await cpuS();
  counting = true;
  await page.waitForTimeout(WINDOW_S * 1000);
  counting = false;
  const t1 = await taskS();
  const u1 = await cpuS();
  const c1 = await cols();
  await ctx.close();
  const scale = 60 / WINDOW_S;
  return {
    bytesPerMin: bytes * scale,
    mainMsPerMin: (t1 - t0) * 1000 * scale,
    cpuMsPerMin: (u1 - u0) * 1000 * scale,
    rendersPerMin: (c1 - c0) * scale,
  };
}

export async function run(): Promise<void> {
  const dist = join(REPO_ROOT, 'dist');
  ensurePageBuilt();
  // 48 min of backfill at a 2 s step = 1440 columns: the full matrix polling re-downloads.
  const server = await spawnServer(['--static', dist, '--keyvizStep', STEP, '--backfill', '48m'], {
    readyTimeoutMs: 120_000,
  });
  const browser = await chromium.launch({ executablePath: requireChromium(), args: CHROMIUM_ARGS });
  const modes = { live: 'refresh=live', 'poll 5 s': 'refresh=5' } as const;
  const results: Record<string, Sample[]> = { live: [], 'poll 5 s': [] };
  try {
    for (let r = 0; r < RUNS; r++) {
      for (const [name, q] of Object.entries(modes)) {
        results[name].push(await measure(browser, `${server.keyviz}?${q}`));
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  console.log(
    `--keyvizStep ${STEP} (30 flushes a minute), 1024 x 1440 matrix, ${WINDOW_S} s windows scaled to a minute, ${RUNS} runs each; medians (shared, noisy machine)`,
  );
  for (const [name, xs] of Object.entries(results)) {
    const b = median(xs.map((x) => x.bytesPerMin));
    const m = median(xs.map((x) => x.mainMsPerMin));
    const u = median(xs.map((x) => x.cpuMsPerMin));
    const c = median(xs.map((x) => x.rendersPerMin));
    console.log(
      `${name.padEnd(10)} bytes/min ${(b / 1e6).toFixed(2).padStart(8)} MB   main thread ${m.toFixed(0).padStart(6)} ms/min (CPU ${u.toFixed(0).padStart(6)} ms/min)   heatmap renders ${c.toFixed(0)}/min`,
    );
  }
  const live = results.live;
  const poll = results['poll 5 s'];
  const ratio = (f: (s: Sample) => number) =>
    median(poll.map(f)) / Math.max(1e-9, median(live.map(f)));
  console.log(
    `polling / live: bytes ${ratio((s) => s.bytesPerMin).toFixed(0)}x, main-thread time ${ratio((s) => s.mainMsPerMin).toFixed(1)}x, CPU ${ratio((s) => s.cpuMsPerMin).toFixed(1)}x`,
  );
}
