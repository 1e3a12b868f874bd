// The plot's canvas work, outside React: pooled buffers are cached per (matrix, view, size), the
// colour pass per (LUT, scale), so brightness/scale/palette only recolour (colour the distinct
// values, expand to the device image) and a pan/zoom frame is one or two scaled drawImage calls.
// Timings go to User Timing (keyviz:recolour, keyviz:frame, keyviz:pool) for the tests and
// benches.

import type { Matrix } from '../../data/matrix.ts';
import { colorize, expandCodes, expandPixels } from '../../data/raster.ts';
import type { Scale } from '../../data/scale.ts';
import { measureSince } from '../../data/timing.ts';
import { createRasterSurface, surfaceImage, type RasterSurface } from '../../data/paint.ts';
import { sameView, type ColumnEdges, type Viewport } from '../../data/view/index.ts';
import { placePooled, type Pooled, type PooledCodes } from './plotRaster.ts';
import { pooledLayer, type PooledLayer } from './paint/poolJob.ts';
import { WORKER_MIN_CELLS, type PoolRunner } from './paint/poolRunner.ts';

interface Layer {
  matrix: Matrix;
  view: Viewport;
  devW: number;
  devH: number;
  pooled: Pooled;
  /** The pooled values as codes (null: too many distinct values, colour them directly). */
  codes: PooledCodes | null;
  lut: Uint32Array | null;
  scale: Scale | null;
  pixels: Uint32Array | undefined;
  surface: RasterSurface;
}

export interface PaintInput {
  matrix: Matrix;
  edges: ColumnEdges;
  /** The committed view (pooled at full resolution). */
  view: Viewport;
  /** The whole extent, drawn underneath while a gesture shows more than `view`. */
  full: Viewport;
  lut: Uint32Array;
  scale: Scale;
  devW: number;
  devH: number;
}

/** A pooling job in the worker: what it is for, and its answer once it came. */
interface Job {
  matrix: Matrix;
  view: Viewport;
  devW: number;
  devH: number;
  done: PooledLayer | null;
}

export class PlotPainter {
  private main: Layer | null = null;
  private under: Layer | null = null;
  private job: Job | null = null;
  /** Called when a worker's pooling for the committed view arrived: paint again. */
  onReady: (() => void) | null = null;

  /** `runner`: pools large answers off the main thread (none: always here, synchronously). */
  constructor(private readonly runner: PoolRunner | null = null) {}

  /**
   * The pooled raster for the committed view: from the worker's finished job, or pooled here;
   * null while the worker is on it (the job is started on the first call).
   */
  private pooledFor(prev: Layer | null, p: PaintInput, view: Viewport): PooledLayer | null {
    const j = this.job;
    if (
      j &&
      j.matrix === p.matrix &&
      sameView(j.view, view) &&
      j.devW === p.devW &&
      j.devH === p.devH
    ) {
      if (!j.done) return null;
      this.job = null;
      return j.done;
    }
    const m = p.matrix;
    const big = m.rowCount * m.colCount >= WORKER_MIN_CELLS;
    const pending = big && this.runner ? this.runner.pool(this.request(p, view)) : null;
    if (!pending) return this.pooledHere(prev, p, view);
    const job: Job = { matrix: m, view, devW: p.devW, devH: p.devH, done: null };
    this.job = job;
    const t = performance.now();
    pending.then(
      (done) => {
        if (this.job !== job) return; // superseded by a newer answer, view or size
        measureSince('keyviz:pool-worker', t);
        job.done = done;
        this.onReady?.();
      },
      () => {
        // Superseded (a newer job is on its way), or the worker died: then pool here from now
        // on (the runner answers null).
        if (this.job !== job) return;
        this.job = null;
        this.onReady?.();
      },
    );
    return null;
  }

  private request(p: PaintInput, view: Viewport) {
    const m = p.matrix;
    // A view into a larger buffer would clone that whole buffer.
    const whole = m.values.byteOffset === 0 && m.values.byteLength === m.values.buffer.byteLength;
    const values = whole ? m.values : m.values.slice();
    return {
      values,
      rowCount: m.rowCount,
      colCount: m.colCount,
      edges: p.edges,
      view,
      devW: p.devW,
      devH: p.devH,
    };
  }

  private layer(prev: Layer | null, p: PaintInput, view: Viewport, wait = false): Layer | null {
    let l = prev;
    if (!this.fresh(l, p, view)) {
      // Only the committed view may wait for the worker (the whole-extent layer is prewarmed in
      // idle time, on the main thread).
      const got = wait ? this.pooledFor(prev, p, view) : this.pooledHere(prev, p, view);
      if (!got) return null;
      const { pooled, codes } = got;
      l = {
        matrix: p.matrix,
        view,
        devW: p.devW,
        devH: p.devH,
        pooled,
        codes,
        lut: null,
        scale: null,
        pixels: prev?.pixels,
        surface: prev?.surface ?? createRasterSurface(),
      };
    }
    if (l.lut !== p.lut || l.scale !== p.scale) {
      const t = performance.now();
      const { outW, device } = l.pooled;
      // Colour the raster (or just its distinct values), then write the device image straight
      // into the surface's ImageData: each pixel one table load, repeated rows copied.
      const image = surfaceImage(l.surface, device.xmap.length, device.ymap.length);
      if (image) {
        const out = new Uint32Array(image.data.buffer);
        if (l.codes) {
          expandCodes(l.codes.codes, colorize(l.codes.values, p.lut, p.scale), outW, device, out);
        } else {
          l.pixels = colorize(l.pooled.values, p.lut, p.scale, l.pixels);
          expandPixels(l.pixels, outW, device, out);
        }
        measureSince('keyviz:colorize', t);
        l.surface.ctx.putImageData(image, 0, 0);
      }
      l.lut = p.lut;
      l.scale = p.scale;
      measureSince('keyviz:recolour', t);
    }
    return l;
  }

  private fresh(l: Layer | null, p: PaintInput, view: Viewport): l is Layer {
    return (
      !!l &&
      l.matrix === p.matrix &&
      sameView(l.view, view) &&
      l.devW === p.devW &&
      l.devH === p.devH
    );
  }

  private pooledHere(prev: Layer | null, p: PaintInput, view: Viewport): PooledLayer {
    const t = performance.now();
    const m = p.matrix;
    const req = { values: m.values, rowCount: m.rowCount, colCount: m.colCount, edges: p.edges };
    const reuse = { values: prev?.pooled.values, codes: prev?.codes?.codes };
    const layer = pooledLayer({ ...req, view, devW: p.devW, devH: p.devH }, reuse);
    measureSince('keyviz:pool', t);
    return layer;
  }

  /**
   * Draws the view `g` (the committed view, or a gesture's live view). False when the
   * committed view's pooling is still in the worker: the canvas is left as it was, and
   * `onReady` fires when the answer is in (call paint again then).
   */
  paint(ctx: CanvasRenderingContext2D, p: PaintInput, g: Viewport): boolean {
    const t = performance.now();
    const main = this.layer(this.main, p, p.view, true);
    if (!main) {
      // Only the canvas size changed (setting it cleared the canvas): the last picture, scaled,
      // until the worker's pooling for the new size is in.
      const old = this.main;
      if (old && old.matrix === p.matrix && sameView(old.view, p.view) && old.pooled.outW > 0) {
        const r = placePooled(old.pooled, g, p.devW, p.devH);
        const c = old.surface.canvas;
        ctx.imageSmoothingEnabled = false;
        ctx.clearRect(0, 0, p.devW, p.devH);
        ctx.drawImage(c, 0, 0, c.width, c.height, r.x, r.y, r.w, r.h);
      }
      return false;
    }
    this.main = main;
    const layers: Layer[] = [];
    // While a gesture reveals more than the committed view, the whole extent fills in behind,
    // if prewarm has it ready: a gesture frame never pools (it would blow the frame budget).
    if (!sameView(g, p.view) && !sameView(p.view, p.full) && this.fresh(this.under, p, p.full)) {
      this.under = this.layer(this.under, p, p.full);
      if (this.under) layers.push(this.under);
    }
    layers.push(this.main);
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, p.devW, p.devH);
    for (const l of layers) {
      if (l.pooled.outW === 0 || l.pooled.outH === 0) continue;
      // The settled view lands 1:1 (r is the whole canvas); a gesture frame scales it.
      const r = placePooled(l.pooled, g, p.devW, p.devH);
      if (l === this.main && layers.length > 1) ctx.clearRect(r.x, r.y, r.w, r.h);
      const c = l.surface.canvas;
      ctx.drawImage(c, 0, 0, c.width, c.height, r.x, r.y, r.w, r.h);
    }
    // Gesture frames (a live view) are timed apart from settled repaints, which may pool.
    measureSince(sameView(g, p.view) ? 'keyviz:frame' : 'keyviz:gesture-frame', t);
    return true;
  }

  /**
   * Pools and colours the whole-extent layer ahead of a gesture (call when idle), so the first
   * pan or zoom-out frame is a drawImage too.
   */
  prewarm(p: PaintInput): void {
    if (!sameView(p.view, p.full)) this.under = this.layer(this.under, p, p.full);
  }

  /** The committed view's last pooled values (export, tests). */
  pooled(): Pooled | null {
    return this.main?.pooled ?? null;
  }
}
