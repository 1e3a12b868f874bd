// The plot's canvas work, outside React: pooled buffers are cached per (matrix, view, size), the
// colour pass per (LUT, scale), so brightness/scale/palette only recolour and a pan/zoom frame is
// one or two scaled drawImage calls. Timings go to User Timing (keyviz:recolour, keyviz:frame,
// keyviz:pool) for the tests and benches.

import type { Matrix } from '../../data/matrix.ts';
import { colorize } from '../../data/raster.ts';
import type { Scale } from '../../data/scale.ts';
import { measureSince } from '../../data/timing.ts';
import { createRasterSurface, putRaster, type RasterSurface } from '../../data/paint.ts';
import { sameView, type ColumnEdges, type Viewport } from '../../data/view/index.ts';
import {
  applyCodes,
  encodePooled,
  placePooled,
  poolViewport,
  type Pooled,
  type PooledCodes,
} from './plotRaster.ts';

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

export class PlotPainter {
  private main: Layer | null = null;
  private under: Layer | null = null;

  private layer(prev: Layer | null, p: PaintInput, view: Viewport): Layer {
    let l = prev;
    if (!this.fresh(l, p, view)) {
      const t = performance.now();
      const pooled = poolViewport(p.matrix, p.edges, view, p.devW, p.devH);
      const codes = encodePooled(pooled.values);
      measureSince('keyviz:pool', t);
      l = {
        matrix: p.matrix,
        view,
        devW: p.devW,
        devH: p.devH,
        pooled,
        codes,
        lut: null,
        scale: null,
        // Reuse the stale layer's buffers (`prev`: the guard narrows `l` to null here).
        pixels: prev?.pixels,
        surface: prev?.surface ?? createRasterSurface(),
      };
    }
    if (l.lut !== p.lut || l.scale !== p.scale) {
      const t = performance.now();
      const { outW, outH } = l.pooled;
      const s = l.surface;
      if (s.image && s.image.width === outW && s.image.height === outH && outW * outH > 0) {
        // Colour straight into the surface's ImageData: no extra 4-byte-per-pixel copy.
        const out = new Uint32Array(s.image.data.buffer);
        if (l.codes) {
          // Colour the few distinct values, then one table load per pixel.
          applyCodes(l.codes.codes, colorize(l.codes.values, p.lut, p.scale), out);
        } else {
          colorize(l.pooled.values, p.lut, p.scale, out);
        }
        l.pixels = out;
        measureSince('keyviz:colorize', t);
        s.ctx.putImageData(s.image, 0, 0);
      } else {
        l.pixels = colorize(l.pooled.values, p.lut, p.scale, l.pixels);
        putRaster(s, l.pixels, outW, outH);
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
