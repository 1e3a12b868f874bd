// The "painted" figures of issue 17, measured on the real built page against the real server on
// both sources (Connect binary and the node's JSON API), at 1024 x 1440 and 1024 x 500:
//   - response end to painted: from the matrix request's Resource Timing `responseEnd` to the
//     animation frame after the last 2D canvas call of any kind (every method of
//     CanvasRenderingContext2D, OffscreenCanvasRenderingContext2D and
//     ImageBitmapRenderingContext is wrapped by an init script);
//   - navigation to painted (performance.now() at that frame: the time origin is navigation);
//   - the longest main-thread task up to painted (PerformanceObserver 'longtask', which reports
//     only tasks over 50 ms: 0 means none over 50);
//   - first hover and any hover: a pointer move (a real mouse move through the browser) to the
//     hover card's DOM updated for the new cell (MutationObserver).
// Fresh browser context per run, configurations interleaved run by run, DPR 1, 1600 x 1000.
// Used by page-e2e.bench.ts (npm run bench -- page-e2e); KEYVIZ_PAINTED_RUNS sets the runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { writeCredentials } from '../tests/helpers/jsonAdmin.ts';
import { spawnServer, type SpawnedServer } from '../tests/helpers/spawnServer.ts';
import { median } from './stats.ts';

const ACCESS = 'bench-reader';
const SECRET = 'bench-secret-5c1f9e';
const VIEWPORT = { width: 1600, height: 1000 };
/** Quiet time after the last canvas call before a run's figures are read. */
const SETTLE_MS = 700;

/** Budgets from issue 17 (ms). */
export const PAINTED_BUDGETS = {
  '1024x1440': 60,
  '1024x500': 30,
  longTask: 50,
  firstHover: 4,
  anyHover: 2,
} as const;

// Runs in every page before its own scripts. Plain ES2020, no helpers (tsx would inject some).
const INIT = `(() => {
  const kv = { lastCanvas: '', trail: [], lastCall: -1, painted: -1, calls: 0, longest: 0, longTasks: [], moveAt: -1, hovers: [] };
  window.__kvPaint = kv;
  let pending = false;
  const frame = () => { pending = false; kv.painted = performance.now(); };
  const wrap = (proto) => {
    if (!proto) return;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, name);
      if (!d || typeof d.value !== 'function' || name === 'constructor') continue;
      const orig = d.value;
      proto[name] = function () {
        kv.lastCall = performance.now();
        const cv = this.canvas;
        kv.lastCanvas = cv ? (cv.className || cv.getAttribute && cv.getAttribute('data-testid') || cv.tagName || 'offscreen') + ':' + name : name;
        kv.trail.push([Math.round(kv.lastCall), kv.lastCanvas]);
        kv.calls++;
        if (!pending) { pending = true; requestAnimationFrame(frame); }
        return orig.apply(this, arguments);
      };
    }
  };
  wrap(window.CanvasRenderingContext2D && CanvasRenderingContext2D.prototype);
  wrap(window.OffscreenCanvasRenderingContext2D && OffscreenCanvasRenderingContext2D.prototype);
  wrap(window.ImageBitmapRenderingContext && ImageBitmapRenderingContext.prototype);
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) kv.longTasks.push({ start: e.startTime, dur: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { kv.longTasks = null; }
  // Hover: the time of the move (capture phase, before the page's handlers) to the card's DOM
  // changing (a MutationObserver callback runs right after the mutating task's microtasks).
  addEventListener('pointermove', () => { kv.moveAt = performance.now(); }, true);
  addEventListener('DOMContentLoaded', () => {
    new MutationObserver(() => {
      if (kv.moveAt < 0) return;
      const card = document.querySelector('.flyout:not(.flyout-warm)');
      if (!card) return;
      const key = card.getAttribute('data-row') + ':' + card.getAttribute('data-col');
      if (key === kv.lastKey) return;
      kv.lastKey = key;
      kv.hovers.push(performance.now() - kv.moveAt);
      kv.moveAt = -1;
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
})();`;

/** The page's own User Timing measures, first of each (0: absent, e.g. pooled elsewhere). */
const MEASURES = ['keyviz:decode', 'keyviz:pool', 'keyviz:render'] as const;

interface RunFigures {
  measures: number[];
  respToPainted: number;
  navToPainted: number;
  longestTask: number;
  firstHover: number;
  anyHover: number[];
  shape: string;
}

export interface PaintedConfig {
  /** Which build of the page ('main' = dist; others from KEYVIZ_PAINTED_COMPARE). */
  build: string;
  size: '1024x1440' | '1024x500';
  source: 'connect' | 'json';
}

/** One sign-in per server, its cookies reused by every fresh context: the server allows 5 a minute. */
const sessions = new Map<string, Awaited<ReturnType<BrowserContext['storageState']>>>();

async function newRunContext(browser: Browser, s: SpawnedServer, c: PaintedConfig) {
  let storageState = c.source === 'json' ? sessions.get(s.http) : undefined;
  if (c.source === 'json' && !storageState) {
    const login = await browser.newContext();
    const res = await login.request.post(`${s.http}/admin/api/v1/auth/login`, {
      data: { access_key: ACCESS, secret_key: SECRET },
    });
    if (!res.ok()) throw new Error(`JSON API sign-in failed: ${res.status()}`);
    storageState = await login.storageState();
    sessions.set(s.http, storageState);
    await login.close();
  }
  const ctx = await browser.newContext({
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    ...(storageState && { storageState }),
  });
  await ctx.addInitScript({ content: INIT });
  return ctx;
}

/** Waits until the heatmap has rendered and no canvas call happened for SETTLE_MS. */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => performance.getEntriesByName('keyviz:render').length > 0, null, {
    timeout: 60_000,
  });
  await page.waitForFunction(
    (ms) => {
      const kv = (window as unknown as { __kvPaint: { lastCall: number; painted: number } })
        .__kvPaint;
      return kv.painted > kv.lastCall && performance.now() - kv.lastCall > ms;
    },
    SETTLE_MS,
    { timeout: 60_000, polling: 100 },
  );
}

async function oneRun(browser: Browser, s: SpawnedServer, c: PaintedConfig): Promise<RunFigures> {
  let ctx: BrowserContext | null = null;
  try {
    ctx = await newRunContext(browser, s, c);
    const page = await ctx.newPage();
    await page.goto(`${s.http}/keyviz?source=${c.source}`);
    await settle(page);
    const m = await page.evaluate((names) => {
      const kv = (
        window as unknown as {
          __kvPaint: {
            painted: number;
            longTasks: { start: number; dur: number }[] | null;
            trail: [number, string][];
          };
        }
      ).__kvPaint;
      const res = performance
        .getEntriesByType('resource')
        .filter((e) =>
          /GetKeyVizMatrix|\/keyviz\/matrix/.test(e.name),
        ) as PerformanceResourceTiming[];
      const last = res[res.length - 1];
      const c = document.querySelector<HTMLCanvasElement>('canvas.heat-canvas');
      const summary = document.querySelector('[data-testid="summary"]')?.textContent ?? '';
      let longest = 0;
      for (const t of kv.longTasks ?? [])
        if (t.start < kv.painted) longest = Math.max(longest, t.dur);
      return {
        measures: names.map((n) => performance.getEntriesByName(n)[0]?.duration ?? 0),
        responseEnd: last ? last.responseEnd : NaN,
        requests: res.length,
        painted: kv.painted,
        longest: kv.longTasks ? longest : NaN,
        shape: `${summary.replace(/\s+/g, ' ').trim()}; canvas ${c?.width ?? 0}x${c?.height ?? 0}`,
        trail: kv.trail,
        marks: performance
          .getEntriesByType('measure')
          .map((e) => [Math.round(e.startTime), Math.round(e.duration), e.name] as const),
      };
    }, MEASURES);
    if (!(m.responseEnd > 0)) throw new Error('no Resource Timing entry for the matrix request');
    if (process.env.KEYVIZ_PAINTED_TRAIL === '1') printTrail(c, m.responseEnd, m.trail, m.marks);
    const hovers = await hover(page);
    return {
      measures: m.measures,
      respToPainted: m.painted - m.responseEnd,
      navToPainted: m.painted,
      longestTask: m.longest,
      firstHover: hovers[0],
      anyHover: hovers.slice(1),
      shape: m.shape,
    };
  } finally {
    await ctx?.close();
  }
}

/**
 * KEYVIZ_PAINTED_TRAIL=1: what drew on which canvas when (ms after the response's end, runs of
 * calls on one canvas folded) beside the page's User Timing measures: where "painted" goes.
 */
function printTrail(
  c: PaintedConfig,
  responseEnd: number,
  trail: [number, string][],
  marks: (readonly [number, number, string])[],
): void {
  const t = (x: number) => `+${Math.round(x - responseEnd)}`;
  const runs: string[] = [];
  let i = 0;
  while (i < trail.length) {
    let j = i;
    const canvas = trail[i][1].split(':')[0];
    while (j + 1 < trail.length && trail[j + 1][1].split(':')[0] === canvas) j++;
    runs.push(`${t(trail[i][0])}..${t(trail[j][0])} ${canvas} (${j - i + 1} calls)`);
    i = j + 1;
  }
  const ms = marks.filter(([s]) => s >= responseEnd - 5).map(([s, d, n]) => `${t(s)} ${n} ${d}`);
  console.log(`  trail ${c.build} ${c.size} ${c.source}:\n    ${[...ms, ...runs].join('\n    ')}`);
}

/** Real mouse moves across the plot, each to a new cell; the page's own card update timed. */
async function hover(page: Page): Promise<number[]> {
  const box = await page.getByTestId('hover-layer').boundingBox();
  if (!box) throw new Error('no hover layer');
  const MOVES = 12;
  for (let k = 0; k < MOVES; k++) {
    const before = await page.evaluate(
      () => (window as unknown as { __kvPaint: { hovers: number[] } }).__kvPaint.hovers.length,
    );
    // Spread over the plot so every move lands on another cell (row and column change).
    const x = box.x + box.width * (0.1 + ((k * 0.37) % 0.8));
    const y = box.y + box.height * (0.1 + ((k * 0.53) % 0.8));
    await page.mouse.move(x, y);
    await page.waitForFunction(
      (n) => (window as unknown as { __kvPaint: { hovers: number[] } }).__kvPaint.hovers.length > n,
      before,
      { timeout: 10_000, polling: 'raf' },
    );
  }
  return page.evaluate(
    () => (window as unknown as { __kvPaint: { hovers: number[] } }).__kvPaint.hovers,
  );
}

/** Starts a server per size: 24 h of one-minute columns (1440) and 500 minutes (500). */
export async function startPaintedServers(
  dist: string,
  sizes: readonly PaintedConfig['size'][] = ['1024x1440', '1024x500'],
): Promise<Partial<Record<PaintedConfig['size'], SpawnedServer>>> {
  const dir = mkdtempSync(join(tmpdir(), 'keyviz-painted-'));
  const creds = writeCredentials(dir, [{ access: ACCESS, secret: SECRET, role: 'read_only' }]);
  // A 10-minute flush step would change the columns; the default 60 s step with a backfill of
  // exactly the column count gives the sizes (a new column may land during a run: +1 column).
  const common = ['--static', dist, '--adminCredentialsFile', creds, '--routes', '2000'];
  const opts = { readyTimeoutMs: 120_000 };
  const backfill = { '1024x1440': '24h', '1024x500': '500m' } as const;
  const started = await Promise.all(
    sizes.map((size) => spawnServer([...common, '--backfill', backfill[size]], opts)),
  );
  return Object.fromEntries(sizes.map((size, i) => [size, started[i]]));
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');

/**
 * Builds to compare, interleaved with `dist` in the same run: KEYVIZ_PAINTED_COMPARE=
 * "label=dir,label=dir" (another commit's or variant's `vite build` output). Sizes:
 * KEYVIZ_PAINTED_SIZES="1024x1440" runs only those.
 */
function buildsAndSizes(dist: string) {
  const builds = [{ label: 'main', dir: dist }];
  for (const item of (process.env.KEYVIZ_PAINTED_COMPARE ?? '').split(',').filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`KEYVIZ_PAINTED_COMPARE: "${item}" is not label=dir`);
    builds.push({ label: item.slice(0, eq), dir: item.slice(eq + 1) });
  }
  const all = ['1024x1440', '1024x500'] as const;
  const want = (process.env.KEYVIZ_PAINTED_SIZES ?? '').split(',').filter(Boolean);
  const sizes = want.length === 0 ? [...all] : all.filter((x) => want.includes(x));
  if (sizes.length === 0) throw new Error(`KEYVIZ_PAINTED_SIZES: none of ${all.join(', ')}`);
  return { builds, sizes };
}

export async function runPainted(browser: Browser, dist: string): Promise<void> {
  const runs = Number(process.env.KEYVIZ_PAINTED_RUNS ?? '5');
  const { builds, sizes } = buildsAndSizes(dist);
  const servers = new Map<string, Partial<Record<PaintedConfig['size'], SpawnedServer>>>();
  const configs: PaintedConfig[] = [];
  for (const b of builds)
    for (const size of sizes)
      for (const source of ['connect', 'json'] as const)
        configs.push({ build: b.label, size, source });
  const figs = new Map<PaintedConfig, RunFigures[]>(configs.map((c) => [c, []]));
  const server = (c: PaintedConfig) => servers.get(c.build)![c.size]!;
  try {
    for (const b of builds) servers.set(b.label, await startPaintedServers(b.dir, sizes));
    // One warm-up load per configuration (server caches, the browser's code cache), not counted.
    for (const c of configs) await oneRun(browser, server(c), c);
    for (let i = 0; i < runs; i++) {
      for (const c of configs) figs.get(c)!.push(await oneRun(browser, server(c), c));
    }
  } finally {
    const all = [...servers.values()].flatMap((r) => Object.values(r) as SpawnedServer[]);
    await Promise.all(all.map((s) => s.stop()));
  }
  const name = (c: PaintedConfig) =>
    `${builds.length > 1 ? c.build + ' ' : ''}${c.size} ${c.source}`;

  console.log(
    `\npainted (issue 17): medians of ${runs} runs, fresh context each, interleaved, DPR 1, ${VIEWPORT.width}x${VIEWPORT.height}`,
  );
  for (const c of configs) console.log(`  ${name(c)}: ${figs.get(c)![0].shape}`);
  const head = ['measure', ...configs.map(name), 'budget'];
  const rows: string[][] = [];
  const row = (
    label: string,
    pick: (f: RunFigures[]) => number[],
    budget: (c: PaintedConfig) => number,
  ) => {
    const meds = configs.map((c) => median(pick(figs.get(c)!)));
    const over = configs.some((c, i) => meds[i] > budget(c));
    const limits = [...new Set(configs.map(budget))].filter(Number.isFinite);
    const verdict = limits.length === 0 ? '' : `${limits.join(' / ')} ${over ? 'OVER' : 'ok'}`;
    rows.push([label, ...meds.map(fmt), verdict]);
  };
  row(
    'response end to painted (ms)',
    (f) => f.map((x) => x.respToPainted),
    (c) => PAINTED_BUDGETS[c.size],
  );
  row(
    'navigation to painted (ms)',
    (f) => f.map((x) => x.navToPainted),
    () => Infinity,
  );
  row(
    'longest task to painted (ms, 0: none >50)',
    (f) => f.map((x) => x.longestTask),
    () => PAINTED_BUDGETS.longTask,
  );
  row(
    'first hover (ms)',
    (f) => f.map((x) => x.firstHover),
    () => PAINTED_BUDGETS.firstHover,
  );
  row(
    'any hover, later moves (ms)',
    (f) => f.flatMap((x) => x.anyHover),
    () => PAINTED_BUDGETS.anyHover,
  );
  row(
    'worst hover, later moves (ms)',
    (f) => f.map((x) => Math.max(...x.anyHover)),
    () => Infinity,
  );
  MEASURES.forEach((name, i) => {
    row(
      `  ${name} (ms, main thread)`,
      (f) => f.map((x) => x.measures[i]),
      () => Infinity,
    );
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    '  ' + r.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}
