// The only DOM step of the data path: pixels -> a hidden canvas -> drawImage onto the visible
// canvas with smoothing off (the page's plot draws a device-sized image 1:1, so it is crisp at
// any devicePixelRatio; scaled only during a pan/zoom gesture). Everything before this is pure
// and testable in Node.

export interface RasterSurface {
  canvas: HTMLCanvasElement | OffscreenCanvas;
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  image: ImageData | null;
}

/** A reusable hidden surface; OffscreenCanvas where available. */
export function createRasterSurface(): RasterSurface {
  const canvas: HTMLCanvasElement | OffscreenCanvas =
    typeof OffscreenCanvas !== 'undefined'
      ? new OffscreenCanvas(1, 1)
      : document.createElement('canvas');
  const ctx = canvas.getContext('2d') as
    CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new Error('2D canvas is not available');
  return { canvas, ctx, image: null };
}

/**
 * The surface sized outW x outH and its reusable ImageData to write pixels into (then
 * ctx.putImageData(image, 0, 0)); null for an empty size.
 */
export function surfaceImage(s: RasterSurface, outW: number, outH: number): ImageData | null {
  if (s.canvas.width !== outW || s.canvas.height !== outH) {
    s.canvas.width = Math.max(1, outW);
    s.canvas.height = Math.max(1, outH);
    s.image = null;
  }
  if (outW === 0 || outH === 0) return null;
  if (!s.image || s.image.width !== outW || s.image.height !== outH) {
    s.image = s.ctx.createImageData(outW, outH);
  }
  return s.image;
}

/** Copies packed RGBA (0xAABBGGRR) into the surface, resizing it to outW x outH. */
export function putRaster(s: RasterSurface, pixels: Uint32Array, outW: number, outH: number): void {
  const image = surfaceImage(s, outW, outH);
  if (!image) return;
  new Uint32Array(image.data.buffer).set(pixels.subarray(0, outW * outH));
  s.ctx.putImageData(image, 0, 0);
}

/**
 * Draws the surface into dest (device pixels) of a visible canvas, nearest-neighbour. The
 * caller clears first if the previous frame should not show through transparent (zero) cells.
 */
export function drawRaster(
  target: CanvasRenderingContext2D,
  s: RasterSurface,
  dest: { x: number; y: number; w: number; h: number },
): void {
  target.imageSmoothingEnabled = false;
  target.drawImage(s.canvas, 0, 0, s.canvas.width, s.canvas.height, dest.x, dest.y, dest.w, dest.h);
}
