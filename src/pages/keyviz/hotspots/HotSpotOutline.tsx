import type { Viewport } from '../../../data/view/index.ts';

interface Props {
  /** The outlined rows and time, in view coordinates. */
  rect: Viewport;
  view: Viewport;
  width: number;
  height: number;
  label: string;
}

/** The selected hot spot's outline over the plot (pointer events pass through). */
export function HotSpotOutline({ rect: r, view, width, height, label }: Props) {
  const x0 = ((r.t0 - view.t0) / (view.t1 - view.t0)) * width;
  const x1 = ((r.t1 - view.t0) / (view.t1 - view.t0)) * width;
  const y0 = ((r.r0 - view.r0) / (view.r1 - view.r0)) * height;
  const y1 = ((r.r1 - view.r0) / (view.r1 - view.r0)) * height;
  // Clipped to the plot, at least 2 px so a one-row spot still shows.
  const left = Math.max(0, Math.min(width, x0));
  const right = Math.max(0, Math.min(width, x1));
  const top = Math.max(0, Math.min(height, y0));
  const bottom = Math.max(0, Math.min(height, y1));
  return (
    <div
      className="hotspot-outline"
      data-testid="hotspot-outline"
      title={label}
      aria-hidden="true"
      style={{ left, top, width: Math.max(2, right - left), height: Math.max(2, bottom - top) }}
    />
  );
}
