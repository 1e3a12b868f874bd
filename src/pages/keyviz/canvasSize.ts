// Canvas backing-store size for a CSS box at a (possibly fractional) devicePixelRatio. The
// backing store is whole device pixels and the CSS size is set to exactly devW / dpr, so one
// raster pixel lands on one device pixel: crisp at 1, 1.25, 1.5, 2...

export interface CanvasSize {
  /** Backing store (device pixels, integers). */
  devW: number;
  devH: number;
  /** CSS size to set on the element (CSS px, may be fractional). */
  cssW: number;
  cssH: number;
  dpr: number;
}

/**
 * `device` is ResizeObserver's devicePixelContentBoxSize when the browser gives it: the exact
 * device pixels the box covers, the best answer there is.
 */
export function canvasSize(
  cssW: number,
  cssH: number,
  dpr: number,
  device?: { w: number; h: number },
): CanvasSize {
  const r = Number.isFinite(dpr) && dpr > 0 ? dpr : 1;
  const devW = device ? Math.max(0, Math.round(device.w)) : Math.max(0, Math.floor(cssW * r));
  const devH = device ? Math.max(0, Math.round(device.h)) : Math.max(0, Math.floor(cssH * r));
  return { devW, devH, cssW: devW / r, cssH: devH / r, dpr: r };
}
