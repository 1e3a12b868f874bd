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
import { viewUnchangedByAppend } from '../../data/view/appendedView.ts';
import {
  encodePooled,
  placePooled,
  poolViewport,
  type Pooled,
  type PooledCodes,
} from './plotRaster.ts';

interface Layer {
  matrix: Matrix;
  edges: ColumnEdges;
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

export class PlotPainter {
  private main: Layer | null = null;
  private under: Layer | null = null;

  private layer(prev: Layer | null, p: PaintInput, view: Viewport): Layer {
    let l = prev;
    if (l && l.matrix !== p.matrix && this.carried(l, p, view)) {
      // A live column outside the view: the same cells, so the same raster (and colours, unless
      // the new column moved the scale's maximum).
      l.matrix = p.matrix;
      l.edges = p.edges;
      measureSince('keyviz:pool-carried', performance.now());
    }
    if (!this.fresh(l, p, view)) {
      const t = performance.now();
      // The stale layer's buffers are reused (`prev`: the guard narrows `l` to null here).
      const pooled = poolViewport(p.matrix, p.edges, view, p.devW, p.devH, prev?.pooled.values);
      const codes = encodePooled(pooled.values, prev?.codes?.codes);
      measureSince('keyviz:pool', t);
      l = {
        matrix: p.matrix,
        edges: p.edges,
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

  /** The layer shows `view` at this size, and the new matrix changed no cell of it. */
  private carried(l: Layer, p: PaintInput, view: Viewport): boolean {
    return (
      sameView(l.view, view) &&
      l.devW === p.devW &&
      l.devH === p.devH &&
      viewUnchangedByAppend(l, { matrix: p.matrix, edges: p.edges }, view)
    );
  }

  /** Draws the view `g` (the committed view, or a gesture's live view). */
  paint(ctx: CanvasRenderingContext2D, p: PaintInput, g: Viewport): void {
    const t = performance.now();
    this.main = this.layer(this.main, p, p.view);
    const layers: Layer[] = [];
    // While a gesture reveals more than the committed view, the whole extent fills in behind,
    // if prewarm has it ready: a gesture frame never pools (it would blow the frame budget).
    if (!sameView(g, p.view) && !sameView(p.view, p.full) && this.fresh(this.under, p, p.full)) {
      this.under = this.layer(this.under, p, p.full);
      layers.push(this.under);
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
