// Hot keys for the panel's top entries (the "single hot key" diagnosis): each entry's rows and
// columns as a hot-keys range (hotKeysTarget.ts), asked lazily, a few buckets each.
import type { HotSpot } from '../../../data/hotspots/index.ts';
import { toHex } from '../../../data/keys.ts';
import type { Matrix } from '../../../data/matrix.ts';
import type { ColumnEdges } from '../../../data/view/gaps.ts';
import { rangeTarget, type RangeTarget } from '../hotKeysTarget.ts';

/** Entries whose hot keys are asked for: the top of the list is what an operator reads. */
export const SPOT_HOT_KEY_ENTRIES = 3;
/** Busiest route buckets asked per entry (each is one request). */
export const SPOT_HOT_KEY_BUCKETS = 4;

/** The hot-keys range of a hot spot: its rows' keys and its columns' time. */
export function spotTarget(m: Matrix, edges: ColumnEdges, s: HotSpot): RangeTarget | null {
  const first = m.rows[s.r0];
  const last = m.rows[s.r1 - 1];
  if (!first || !last || s.c1 <= s.c0) return null;
  const t = rangeTarget(
    m,
    edges,
    {
      fromMs: edges.x0[s.c0],
      toMs: edges.x1[s.c1 - 1],
      ...(first.start.length ? { startKeyHex: toHex(first.start) } : {}),
      ...(last.end.length ? { endKeyHex: toHex(last.end) } : {}),
    },
    SPOT_HOT_KEY_BUCKETS,
  );
  return t.buckets.length > 0 ? t : null;
}
