// Page benchmarks in real headless Chromium: decode, a plain render (poolMax + colorize +
// putImageData + drawImage on an even grid), a recolour (brightness change), the page's own
// render and recolour (PlotPainter on the gap-aware time layout, what keyviz:render times), and
// the node's naive renderer (one fillStyle + fillRect per non-zero cell) on the same
// 1024 x 1440 matrix; prints medians and the speed-up. The harness is bundled on the fly with Vite's build API (no files written) and
// loaded into an about:blank page.
// Run alone: node --import tsx bench/page-browser.ts   (also run by bench/page.bench.ts)
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'vite';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, requireChromium } from '../scripts/chromium.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const VIRTUAL = '\0keyviz-page-harness';

// Runs in the page. Written as module source so it bundles with the real src/ modules.
const HARNESS = `
import { buildPageFixture } from ${JSON.stringify(join(root, 'bench/page-fixture.ts'))};
import { decodeMatrixBytes } from ${JSON.stringify(join(root, 'src/api/decodeMatrix.ts'))};
import { buildLut } from ${JSON.stringify(join(root, 'src/data/colorRamp.ts'))};
import { makeScale } from ${JSON.stringify(join(root, 'src/data/scale.ts'))};
import { colorize, poolMax, rasterTarget } from ${JSON.stringify(join(root, 'src/data/raster.ts'))};
import { createRasterSurface, drawRaster, putRaster } from ${JSON.stringify(join(root, 'src/data/paint.ts'))};
import { columnEdges } from ${JSON.stringify(join(root, 'src/data/view/gaps.ts'))};
import { PlotPainter } from ${JSON.stringify(join(root, 'src/pages/keyviz/painter.ts'))};

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[s.length >> 1], min: s[0], runs: s.length };
}
function time(fn, runs) {
  const t = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn(i);
    t.push(performance.now() - t0);
  }
  return stats(t);
}

// The node page's colouring: linear against the max, a five-stop ramp, an rgba() string per cell.
const STOPS = [[0, 0, 255, 0], [0, 128, 255, 0.5], [0, 200, 0, 0.7], [255, 220, 0, 0.85], [255, 0, 0, 1]];
function naiveColor(t) {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i, a = STOPS[i], b = STOPS[i + 1];
  const m = (k) => a[k] + (b[k] - a[k]) * f;
  return 'rgba(' + Math.round(m(0)) + ',' + Math.round(m(1)) + ',' + Math.round(m(2)) + ',' + m(3).toFixed(3) + ')';
}

window.runBench = (opts) => {
  const out = {};
  const fx = buildPageFixture(1024, 1440);
  out.wireMB = fx.bytes.length / 1e6;
  // Cold: the first decode a page load would see (interpreter / baseline tiers).
  const t0 = performance.now();
  let m = decodeMatrixBytes(fx.bytes, 'writes');
  out.decodeCold = performance.now() - t0;
  out.decodeLazy = time(() => { m = decodeMatrixBytes(fx.bytes, 'writes'); }, opts.runs);
  out.decode = time(() => { m = decodeMatrixBytes(fx.bytes, 'writes'); void m.raftGroupIds; }, opts.runs);
  out.decodeEager = time(() => { m = decodeMatrixBytes(fx.bytes, 'writes', { lazyRaft: false }); }, opts.runs);

  const cssW = 1200, cssH = 700, dpr = opts.dpr;
  const devW = Math.round(cssW * dpr), devH = Math.round(cssH * dpr);
  const canvas = document.createElement('canvas');
  canvas.width = devW; canvas.height = devH;
  canvas.style.width = cssW + 'px'; canvas.style.height = cssH + 'px';
  document.body.append(canvas);
  const ctx = canvas.getContext('2d');
  const flush = () => ctx.getImageData(0, 0, 1, 1); // forces the queued canvas work to run

  const view = { r0: 0, r1: m.rowCount, c0: 0, c1: m.colCount };
  const { outW, outH } = rasterTarget(m.rowCount, m.colCount, devW, devH);
  const pooledBuf = new Float64Array(outW * outH);
  const pixBuf = new Uint32Array(outW * outH);
  const surface = createRasterSurface();
  let lut = buildLut({ palette: 'heat', size: 256 });
  let scale = makeScale({ kind: 'log', max: m.max, brightness: 1 });
  out.raster = outW + 'x' + outH + ' -> ' + devW + 'x' + devH;

  const parts = { pool: [], color: [], paint: [] };
  out.render = time(() => {
    const a = performance.now();
    poolMax(m.values, m.rowCount, m.colCount, view, outW, outH, undefined, pooledBuf);
    const b = performance.now();
    colorize(pooledBuf, lut, scale, pixBuf);
    const c = performance.now();
    ctx.clearRect(0, 0, devW, devH);
    putRaster(surface, pixBuf, outW, outH);
    drawRaster(ctx, surface, { x: 0, y: 0, w: devW, h: devH });
    flush();
    parts.pool.push(b - a); parts.color.push(c - b); parts.paint.push(performance.now() - c);
  }, opts.runs);
  out.renderParts = { pool: stats(parts.pool), colorize: stats(parts.color), paint: stats(parts.paint) };

  // The page's own path (PlotPainter, as HeatmapPlot calls it for a new answer): the screen
  // raster of the gap-aware time layout, max-pooled, coded, coloured, expanded to the device
  // image, put and drawn 1:1. Two matrix objects with the same data alternate, so every paint
  // pools afresh as a refresh would; the parts are the painter's own User Timing measures.
  {
    const edges = columnEdges(m.columns, 0);
    const full = { t0: edges.x0[0], t1: edges.x1[m.colCount - 1], r0: 0, r1: m.rowCount };
    const mats = [m, { ...m }];
    const painter = new PlotPainter();
    const input = (i, l, s) => ({ matrix: mats[i % 2], edges, view: full, full, lut: l, scale: s, devW, devH });
    const last = (name) => { const e = performance.getEntriesByName(name); return e.length ? e[e.length - 1].duration : 0; };
    const pp = { pool: [], colour: [] };
    out.renderTime = time((i) => {
      painter.paint(ctx, input(i, lut, scale), full);
      flush();
      pp.pool.push(last('keyviz:pool')); pp.colour.push(last('keyviz:recolour'));
      performance.clearMeasures();
    }, opts.runs * 3); // more runs: this call pattern tiers up later (first calls deopt)
    const p = painter.pooled();
    out.rasterTime = p.outW + 'x' + p.outH + ' -> ' + devW + 'x' + devH;
    out.renderTimeParts = { pool: stats(pp.pool), colour: stats(pp.colour) };
    // Brightness/palette change on the page path: colour the distinct values, expand, put, draw.
    out.recolourTime = time((i) => {
      const s = makeScale({ kind: 'log', max: m.max, brightness: 2 ** ((i % 5) - 2) });
      const l = buildLut({ palette: i % 2 ? 'cvd' : 'heat', size: 256 });
      painter.paint(ctx, input(0, l, s), full);
      flush();
    }, opts.runs);
  }

  // Brightness change: rebuild the scale, recolour, repaint (no pooling).
  out.recolor = time((i) => {
    scale = makeScale({ kind: 'log', max: m.max, brightness: 2 ** ((i % 5) - 2) });
    lut = buildLut({ palette: i % 2 ? 'cvd' : 'heat', size: 256 });
    colorize(pooledBuf, lut, scale, pixBuf);
    putRaster(surface, pixBuf, outW, outH);
    ctx.clearRect(0, 0, devW, devH);
    drawRaster(ctx, surface, { x: 0, y: 0, w: devW, h: devH });
    flush();
  }, opts.runs);

  // The node page's renderer on the same matrix and canvas size.
  let cellsDrawn = 0;
  out.naive = time(() => {
    const cw = devW / m.colCount, ch = devH / m.rowCount, max = m.max || 1;
    ctx.clearRect(0, 0, devW, devH);
    cellsDrawn = 0;
    for (let r = 0; r < m.rowCount; r++) {
      for (let c = 0; c < m.colCount; c++) {
        const v = m.values[r * m.colCount + c];
        if (v === 0) continue;
        ctx.fillStyle = naiveColor(v / max);
        ctx.fillRect(c * cw, r * ch, cw, ch);
        cellsDrawn++;
      }
    }
    flush();
  }, opts.naiveRuns);
  out.naiveCells = cellsDrawn;
  canvas.remove();
  return out;
};
`;

function harnessPlugin(): Plugin {
  return {
    name: 'keyviz-page-harness',
    resolveId: (id) => (id === VIRTUAL ? VIRTUAL : null),
    load: (id) => (id === VIRTUAL ? HARNESS : null),
  };
}

/** Bundles the harness in memory; returns its JavaScript. */
async function bundleHarness(): Promise<string> {
  const result = await build({
    configFile: false,
    root,
    logLevel: 'silent',
    plugins: [harnessPlugin()],
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      rollupOptions: { input: VIRTUAL, output: { format: 'iife', inlineDynamicImports: true } },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const o of outputs) {
    if (!('output' in o)) continue;
    for (const chunk of o.output) if (chunk.type === 'chunk') return chunk.code;
  }
  throw new Error('harness bundle produced no chunk');
}

interface Stat {
  median: number;
  min: number;
  runs: number;
}
interface BenchOut {
  wireMB: number;
  decodeCold: number;
  decodeLazy: Stat;
  decode: Stat;
  decodeEager: Stat;
  raster: string;
  render: Stat;
  rasterTime: string;
  renderTime: Stat;
  renderTimeParts: { pool: Stat; colour: Stat };
  recolourTime: Stat;
  renderParts: { pool: Stat; colorize: Stat; paint: Stat };
  recolor: Stat;
  naive: Stat;
  naiveCells: number;
}

const fmt = (s: Stat): string =>
  `median ${s.median.toFixed(2).padStart(8)} ms  min ${s.min.toFixed(2).padStart(8)} ms  n=${s.runs}`;

export async function runPageBrowserBench(): Promise<void> {
  const code = await bundleHarness();
  const browser = await chromium.launch({ executablePath: requireChromium(), args: CHROMIUM_ARGS });
  try {
    for (const dpr of [1, 1.5]) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.setContent('<!doctype html><body style="margin:0;background:#000"></body>');
      await page.addScriptTag({ content: code });
      const r = (await page.evaluate(
        (o) => (window as unknown as { runBench: (x: typeof o) => unknown }).runBench(o),
        { dpr, runs: 9, naiveRuns: 3 },
      )) as BenchOut;
      const p = (name: string, s: string): void =>
        console.log(`chromium dpr ${dpr}  ${name.padEnd(42)} ${s}`);
      if (dpr === 1) {
        const budget = (s: Stat): string => `  (budget 40 ms: ${s.median <= 40 ? 'ok' : 'OVER'})`;
        p('decode, first call (cold JIT)', `${r.decodeCold.toFixed(2).padStart(8)} ms`);
        p('decode, raft/terms deferred', fmt(r.decodeLazy));
        p('decode + read raftGroupIds (3 arrays)', fmt(r.decode) + budget(r.decode));
        p('decode eagerly (3 arrays)', fmt(r.decodeEager) + budget(r.decodeEager));
      }
      p(`render ${r.raster}`, fmt(r.render));
      p('  of which poolMax', fmt(r.renderParts.pool));
      p('  of which colorize', fmt(r.renderParts.colorize));
      p('  of which put+draw+flush', fmt(r.renderParts.paint));
      p('recolour (brightness/palette change)', fmt(r.recolor));
      p(`page render, time layout ${r.rasterTime}`, fmt(r.renderTime));
      p('  of which pool + encode (keyviz:pool)', fmt(r.renderTimeParts.pool));
      p('  of which colour + expand + put', fmt(r.renderTimeParts.colour));
      p('page recolour, time layout', fmt(r.recolourTime));
      p(`naive fillRect x ${r.naiveCells} cells`, fmt(r.naive));
      p('speed-up (naive / ours, medians)', `${(r.naive.median / r.render.median).toFixed(1)}x`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runPageBrowserBench();
