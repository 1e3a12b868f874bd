// Runs detection off the render path: after the heatmap has painted, in an idle callback (a
// timeout where there is none), and only while the panel is open. A newer matrix cancels an
// older run that has not started.
import { useEffect, useState } from 'react';
import { detectHotSpots, type HotSpot } from '../../../data/hotspots/index.ts';
import type { Matrix } from '../../../data/matrix.ts';
import { measureSince } from '../../../data/timing.ts';

export interface HotSpotsState {
  /** The matrix the list was found in (null while none). */
  matrix: Matrix | null;
  spots: HotSpot[];
  /** Detection time of the last run (ms). */
  ms: number;
}

type Idle = (cb: () => void, opts?: { timeout: number }) => number;

export function useHotSpots(m: Matrix, enabled: boolean): HotSpotsState & { pending: boolean } {
  const [state, setState] = useState<HotSpotsState>({ matrix: null, spots: [], ms: 0 });
  useEffect(() => {
    if (!enabled) return;
    const w = window as unknown as {
      requestIdleCallback?: Idle;
      cancelIdleCallback?: (h: number) => void;
    };
    const run = () => {
      const t = performance.now();
      const spots = detectHotSpots(m);
      measureSince('keyviz:hotspots', t);
      setState({ matrix: m, spots, ms: performance.now() - t });
    };
    if (w.requestIdleCallback && w.cancelIdleCallback) {
      const h = w.requestIdleCallback(run, { timeout: 1000 });
      const cancel = w.cancelIdleCallback;
      return () => cancel(h);
    }
    const h = setTimeout(run, 50);
    return () => clearTimeout(h);
  }, [m, enabled]);
  return { ...state, pending: enabled && state.matrix !== m };
}
