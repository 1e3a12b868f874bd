// Where the heatmap goes for a hot spot or the hottest cell: a viewport around it with a margin,
// clamped to what the view may show. Pure (unit-tested without a browser).
import type { HotSpot } from '../../../data/hotspots/index.ts';
import {
  clampView,
  type ColumnEdges,
  type ViewBounds,
  type Viewport,
} from '../../../data/view/index.ts';

/** The rows and time a hot spot covers, in view coordinates (rows [r0, r1), ms [t0, t1)). */
export function spotRect(
  s: Pick<HotSpot, 'r0' | 'r1' | 'c0' | 'c1'>,
  edges: ColumnEdges,
): Viewport {
  return { r0: s.r0, r1: s.r1, t0: edges.x0[s.c0], t1: edges.x1[s.c1 - 1] };
}

/**
 * The viewport showing `rect` with a margin on every side (a tenth of its size, at least
 * `minRows` rows and `minMs` of time), so the hot spot is seen against its neighbours.
 */
export function viewAround(
  rect: Viewport,
  bounds: ViewBounds,
  opts: { minRows?: number; minMs?: number } = {},
): Viewport {
  const dr = Math.max(opts.minRows ?? 2, (rect.r1 - rect.r0) * 0.1);
  const dt = Math.max(opts.minMs ?? 0, (rect.t1 - rect.t0) * 0.05);
  return clampView(
    { r0: rect.r0 - dr, r1: rect.r1 + dr, t0: rect.t0 - dt, t1: rect.t1 + dt },
    bounds,
  );
}
