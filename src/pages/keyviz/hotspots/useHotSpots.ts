// Runs detection off the render path: after the heatmap has painted, in an idle callback (a
// timeout where there is none), and only while the panel is open. A newer matrix cancels an
// older run that has not started. The detector is its own chunk, fetched the first time the
// panel opens (the heatmap's first paint does not carry it).
import { useEffect, useState } from 'react';
import type { HotSpot } from '../../../data/hotspots/index.ts';
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
    let live = true;
    let cancel = () => {};
    void import('./lazy.ts').then(({ detectHotSpots }) => {
      if (!live) return;
      const run = () => {
        const t = performance.now();
        const spots = detectHotSpots(m);
        measureSince('keyviz:hotspots', t);
        setState({ matrix: m, spots, ms: performance.now() - t });
      };
      if (w.requestIdleCallback && w.cancelIdleCallback) {
        const h = w.requestIdleCallback(run, { timeout: 1000 });
        const cancelIdle = w.cancelIdleCallback;
        cancel = () => cancelIdle(h);
      } else {
        const h = setTimeout(run, 50);
        cancel = () => clearTimeout(h);
      }
    });
    return () => {
      live = false;
      cancel();
    };
  }, [m, enabled]);
  return { ...state, pending: enabled && state.matrix !== m };
}
