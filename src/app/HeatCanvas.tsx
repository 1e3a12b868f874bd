import { memo, useLayoutEffect, useRef } from 'react';
import type { Matrix } from '../data/matrix.ts';
import type { Scale } from '../data/scale.ts';
import type { CanvasSize } from './canvasSize.ts';
import { rasterize, type TimeFrame } from './heatRaster.ts';

interface Props {
  matrix: Matrix;
  frame: TimeFrame;
  size: CanvasSize;
  lut: Uint32Array;
  scale: Scale;
}

/** The raster, cached off screen so a redraw at the same resolution is one drawImage. */
interface Cached {
  key: readonly unknown[];
  canvas: HTMLCanvasElement;
}

function sameKey(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function rasterCanvas(p: Props, cache: { current: Cached | null }): HTMLCanvasElement | null {
  const key = [p.matrix, p.frame, p.size.devW, p.size.devH, p.lut, p.scale] as const;
  if (cache.current && sameKey(cache.current.key, key)) return cache.current.canvas;
  const r = rasterize(p.matrix, p.frame, p.size.devW, p.size.devH, p.lut, p.scale);
  if (r.width === 0 || r.height === 0) return null;
  const off = cache.current?.canvas ?? document.createElement('canvas');
  off.width = r.width;
  off.height = r.height;
  const ctx = off.getContext('2d');
  if (!ctx) return null;
  const img = new ImageData(
    // colorize allocates a plain ArrayBuffer (never shared), which ImageData requires.
    new Uint8ClampedArray(r.pixels.buffer as ArrayBuffer, r.pixels.byteOffset, r.pixels.byteLength),
    r.width,
    r.height,
  );
  ctx.putImageData(img, 0, 0);
  cache.current = { key, canvas: off };
  return off;
}

/**
 * The heatmap picture. Re-renders only when the data, size or colours change (never on hover),
 * and draws in a layout effect so a new matrix replaces the old one without a blank frame.
 */
export const HeatCanvas = memo(function HeatCanvas(props: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const cache = useRef<Cached | null>(null);
  const { size } = props;

  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas || size.devW === 0 || size.devH === 0) return;
    const t0 = performance.now();
    const src = rasterCanvas(props, cache);
    // Resizing the backing store clears it: only when the size really changed.
    if (canvas.width !== size.devW) canvas.width = size.devW;
    if (canvas.height !== size.devH) canvas.height = size.devH;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, size.devW, size.devH);
    if (src) ctx.drawImage(src, 0, 0, src.width, src.height, 0, 0, size.devW, size.devH);
    canvas.dataset.rendered = String(Number(canvas.dataset.rendered ?? '0') + 1);
    try {
      performance.measure('keyviz:render', { start: t0, end: performance.now() });
    } catch {
      // User Timing unavailable: rendering still succeeded.
    }
  });

  return (
    <canvas
      ref={ref}
      className="heat-canvas"
      width={size.devW}
      height={size.devH}
      style={{ width: `${size.cssW}px`, height: `${size.cssH}px` }}
      aria-hidden="true"
    />
  );
});
