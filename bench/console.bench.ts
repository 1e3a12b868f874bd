// The console's pages as an operator opens them (issue 14): the built bundle served by the real
// sampler server (default workload), headless Chromium, a fresh context per load, pages
// interleaved. For each page: navigation start to the first frame in which its content is drawn
// (the heatmap's canvas rendered, the bucket's series multiples, the cluster's and adapters'
// table rows), and the JavaScript it loaded (gzip -9 of each chunk fetched). Then in-app
// navigation as an operator clicks through (a fresh context per run, the heatmap loaded first):
// Key Visualizer -> bucket (a row label) -> cluster (the shell bar) -> bucket (Back) -> Key
// Visualizer (Back), each from the click (or history.back()) to the first frame with the next
// page's content drawn. Then every chunk of the build with its gzip size.
// Run: npm run bench -- console        (CONSOLE_RUNS=7 by default)
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, requireChromium } from '../scripts/chromium.ts';
import { chunkGzipBytes, ensurePageBuilt, firstPaintGzipBytes } from '../scripts/pageBuild.ts';
import { REPO_ROOT, spawnServer } from '../tests/helpers/spawnServer.ts';
import { median } from './stats.ts';

const RUNS = Number(process.env.CONSOLE_RUNS ?? 7);

interface PageCase {
  name: string;
  path: (bucket: string) => string;
  /** A selector present once the page's content is drawn. */
  drawn: string;
}

const PAGES: PageCase[] = [
  { name: '/keyviz', path: () => '/keyviz', drawn: 'canvas.heat-canvas[data-rendered]' },
  {
    name: '/keyviz/bucket/<id>',
    path: (b) => `/keyviz/bucket/${encodeURIComponent(b)}`,
    drawn: '[data-testid="multiples"]',
  },
  { name: '/cluster', path: () => '/cluster', drawn: '[data-testid="groups"] tbody tr' },
  { name: '/adapters', path: () => '/adapters', drawn: '[data-testid="adapters-page"] tbody tr' },
];

// Runs in the page before any script: the first animation frame in which the selector matches
// is when the operator sees the page's content.
const WATCH = `(() => {
  const sel = window.__drawnSel;
  const tick = () => {
    const el = document.querySelector(sel);
    const ok = el && (el.tagName !== 'CANVAS' || Number(el.dataset.rendered || '0') > 0);
    if (ok) { window.__drawnAt = performance.now(); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

/** One in-app step: what starts it and what says the next page is drawn. */
interface NavStep {
  name: string;
  /** A selector to click, or 'back' for history.back(). */
  via: string;
  drawn: string;
}

const NAV: NavStep[] = [
  { name: 'keyviz -> bucket (row label)', via: 'a.key-label', drawn: PAGES[1].drawn },
  { name: 'bucket -> cluster (shell bar)', via: 'nav a[href$="/cluster"]', drawn: PAGES[2].drawn },
  { name: 'cluster -> bucket (Back)', via: 'back', drawn: PAGES[1].drawn },
  { name: 'bucket -> keyviz (Back)', via: 'back', drawn: PAGES[0].drawn },
];

// In the page: start the step and resolve the time to the first animation frame in which the
// next page's content is there. Each step's target selector is absent from the page it leaves
// (the heatmap's canvas is a new element, rendered again, after Back).
const NAV_STEP = `window.__navStep = (via, sel) => new Promise((resolve, reject) => {
  const drawn = () => {
    const el = document.querySelector(sel);
    return el && (el.tagName !== 'CANVAS' || Number(el.dataset.rendered || '0') > 0);
  };
  if (drawn()) return reject(new Error('already drawn before the step: ' + sel));
  const t0 = performance.now();
  if (via === 'back') history.back();
  else {
    const a = document.querySelector(via);
    if (!a) return reject(new Error('nothing to click: ' + via));
    a.click();
  }
  const tick = () => (drawn() ? resolve(performance.now() - t0) : requestAnimationFrame(tick));
  requestAnimationFrame(tick);
});`;

export async function run(): Promise<void> {
  const dist = join(REPO_ROOT, 'dist');
  ensurePageBuilt();
  const gz = new Map(chunkGzipBytes(dist).map((c) => [c.file, c.gzip]));
  const server = await spawnServer(['--static', dist, '--history=off']);
  const browser = await chromium.launch({ executablePath: requireChromium(), args: CHROMIUM_ARGS });
  try {
    // A bucket id of the current matrix: the hottest row of the default answer.
    const probe = await browser.newPage();
    await probe.goto(server.keyviz);
    await probe.waitForSelector('canvas.heat-canvas[data-rendered]');
    const bucket = await probe.evaluate(async () => {
      const res = await fetch('/admin/api/v1/keyviz/matrix?rows=1', { credentials: 'include' });
      if (res.ok)
        return ((await res.json()) as { rows: { bucket_id: string }[] }).rows[0].bucket_id;
      const a = document.querySelector<HTMLAnchorElement>('a[href*="/keyviz/bucket/"]');
      return decodeURIComponent(a?.getAttribute('href')?.split('/keyviz/bucket/')[1] ?? '');
    });
    await probe.close();
    if (!bucket) throw new Error('no bucket id found for the bucket page');

    const times = new Map<string, number[]>(PAGES.map((p) => [p.name, []]));
    const bytes = new Map<string, number>();
    for (let r = 0; r < RUNS; r++) {
      for (const p of PAGES) {
        const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        await ctx.addInitScript(`window.__drawnSel = ${JSON.stringify(p.drawn)};${WATCH}`);
        const page = await ctx.newPage();
        const js = new Set<string>();
        page.on('request', (q) => {
          const f = q.url().split('/assets/')[1]?.split('?')[0];
          if (f?.endsWith('.js')) js.add(f);
        });
        await page.goto(`${server.http}${p.path(bucket)}`);
        const at = await page.waitForFunction(
          () => (window as unknown as { __drawnAt?: number }).__drawnAt,
          null,
          { timeout: 60_000 },
        );
        times.get(p.name)!.push(Number(await at.jsonValue()));
        bytes.set(
          p.name,
          [...js].reduce((s, f) => s + (gz.get(f) ?? 0), 0),
        );
        await ctx.close();
      }
    }
    console.log(
      `console pages: navigation start to content drawn, fresh context each, ${RUNS} runs interleaved, 1440x900 DPR 1`,
    );
    for (const p of PAGES) {
      const xs = times.get(p.name)!;
      const s = [...xs].sort((a, b) => a - b);
      console.log(
        `${p.name.padEnd(22)} median ${median(xs).toFixed(0).padStart(5)} ms  (min ${s[0].toFixed(0)}, max ${s[s.length - 1].toFixed(0)})  JS loaded ${(bytes.get(p.name)! / 1000).toFixed(1)} kB gzip`,
      );
    }

    // In-app navigation: one fresh context per run, steps in order.
    const nav = new Map<string, number[]>(NAV.map((s) => [s.name, []]));
    for (let r = 0; r < RUNS; r++) {
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await ctx.addInitScript(NAV_STEP);
      const page = await ctx.newPage();
      await page.goto(server.keyviz);
      await page.waitForSelector('canvas.heat-canvas[data-rendered]');
      await page.waitForSelector('a.key-label');
      for (const s of NAV) {
        const ms = await page.evaluate(
          ([via, sel]) =>
            (
              window as unknown as { __navStep: (v: string, s: string) => Promise<number> }
            ).__navStep(via, sel),
          [s.via, s.drawn] as const,
        );
        nav.get(s.name)!.push(ms);
      }
      await ctx.close();
    }
    console.log(
      `\nin-app navigation: click (or Back) to the next page's content drawn, ${RUNS} runs, one fresh context each`,
    );
    for (const s of NAV) {
      const xs = nav.get(s.name)!;
      const sorted = [...xs].sort((a, b) => a - b);
      console.log(
        `${s.name.padEnd(30)} median ${median(xs).toFixed(0).padStart(5)} ms  (min ${sorted[0].toFixed(0)}, max ${sorted[sorted.length - 1].toFixed(0)})`,
      );
    }

    const fp = firstPaintGzipBytes(dist);
    console.log(
      `\nfirst paint of /keyviz (entry + preloads): ${(fp.gzip / 1000).toFixed(1)} kB gzip`,
    );
    console.log('chunks (gzip -9):');
    for (const [file, g] of gz) console.log(`  ${(g / 1000).toFixed(1).padStart(6)} kB  ${file}`);
  } finally {
    await browser.close();
    await server.stop();
  }
}
