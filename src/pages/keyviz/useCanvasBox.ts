import { useEffect, useState, type RefObject } from 'react';
import { canvasSize, type CanvasSize } from './canvasSize.ts';

const ZERO: CanvasSize = { devW: 0, devH: 0, cssW: 0, cssH: 0, dpr: 1 };

function sameSize(a: CanvasSize, b: CanvasSize): boolean {
  return a.devW === b.devW && a.devH === b.devH && a.dpr === b.dpr;
}

/**
 * The canvas size for an element's content box, kept current through resizes and
 * devicePixelRatio changes (browser zoom, a window moved to another screen).
 */
export function useCanvasBox(ref: RefObject<HTMLElement | null>): CanvasSize {
  const [size, setSize] = useState<CanvasSize>(ZERO);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let device: { w: number; h: number } | undefined;
    let css = { w: 0, h: 0 };
    const update = () => {
      const next = canvasSize(css.w, css.h, devicePixelRatio, device);
      setSize((prev) => (sameSize(prev, next) ? prev : next));
    };
    const ro = new ResizeObserver((entries) => {
      const e = entries[entries.length - 1];
      css = { w: e.contentRect.width, h: e.contentRect.height };
      const d = e.devicePixelContentBoxSize?.[0];
      // Trusted only when it agrees with CSS size x DPR (emulated DPRs report CSS pixels).
      const r = devicePixelRatio;
      const agrees =
        d && Math.abs(d.inlineSize - css.w * r) <= 2 && Math.abs(d.blockSize - css.h * r) <= 2;
      device = agrees ? { w: d.inlineSize, h: d.blockSize } : undefined;
      update();
    });
    try {
      ro.observe(el, { box: 'device-pixel-content-box' });
    } catch {
      ro.observe(el); // browsers without device-pixel-content-box
    }
    // A DPR change without a resize (zoom): re-arm a media query for the current ratio.
    let mq: MediaQueryList | null = null;
    const onDpr = () => {
      device = undefined; // stale until the observer reports again
      update();
      arm();
    };
    const arm = () => {
      mq?.removeEventListener('change', onDpr);
      mq = matchMedia(`(resolution: ${devicePixelRatio}dppx)`);
      mq.addEventListener('change', onDpr);
    };
    arm();
    return () => {
      ro.disconnect();
      mq?.removeEventListener('change', onDpr);
    };
  }, [ref]);

  return size;
}
