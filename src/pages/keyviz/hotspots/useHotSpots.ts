// Runs detection off the render path: after the heatmap has painted (an idle callback, a
// timeout where there is none), in a Web Worker, or sliced on the main thread where no worker
// can start (see hotSpotRunner.ts); only while the panel is open. A newer matrix cancels an
// older run.
import { useEffect, useRef, useState } from 'react';
import type { HotSpot } from '../../../data/hotspots/index.ts';
import type { Matrix } from '../../../data/matrix.ts';
import { measureSince } from '../../../data/timing.ts';
import { holdArrays } from '../../../data/arrayHold.ts';
import type { DetectEngine, HotSpotRunner } from './hotSpotRunner.ts';
import { whenIdle } from '../whenIdle.ts';

// The runner (worker start-up, fallback) is a chunk of its own: the heatmap's first paint
// carries none of the hot-spot machinery until the panel opens.
const loadRunner = () => import('./hotSpotRunner.ts');

export interface HotSpotsState {
  /** The matrix the list was found in (null while none). */
  matrix: Matrix | null;
  spots: HotSpot[];
  /** Detection time of the last run (ms, wall clock: in a worker, with the copy there). */
  ms: number;
  /** Where the last run ran (null before the first). */
  engine: DetectEngine | null;
}

export function useHotSpots(m: Matrix, enabled: boolean): HotSpotsState & { pending: boolean } {
  const [state, setState] = useState<HotSpotsState>({
    matrix: null,
    spots: [],
    ms: 0,
    engine: null,
  });
  // One runner (and so at most one worker) per page, started on the panel's first use.
  const runnerRef = useRef<HotSpotRunner | null>(null);
  useEffect(
    () => () => {
      runnerRef.current?.dispose();
      runnerRef.current = null;
    },
    [],
  );

  useEffect(() => {
    if (!enabled) return;
    const ac = new AbortController();
    const run = () => {
      const t = performance.now();
      // Detection may wait for the worker and runs for a while: a live session must not reuse
      // this matrix's arrays under it (arrayPool.ts).
      holdArrays(m);
      loadRunner()
        .then(({ createHotSpotRunner }) => {
          if (ac.signal.aborted) throw ac.signal.reason;
          const runner = (runnerRef.current ??= createHotSpotRunner());
          return runner.detect(m, ac.signal);
        })
        .then(
          ({ spots, engine }) => {
            measureSince('keyviz:hotspots', t);
            setState({ matrix: m, spots, ms: performance.now() - t, engine });
          },
          () => {
            // Aborted: a newer matrix (or closing the panel) took over.
          },
        );
    };
    const cancel = whenIdle(run, 1000, 50);
    return () => {
      cancel();
      ac.abort();
    };
  }, [m, enabled]);
  return { ...state, pending: enabled && state.matrix !== m };
}
