import { useCallback, useEffect, useRef, useState } from 'react';
import type { AdminClient } from '../../api/client.ts';
import type { Matrix, Series } from '../../data/matrix.ts';
import { describeLoadError, type LoadError } from '../../shell/loadError.ts';
import { Poller } from './poller.ts';

export interface Feed {
  /** The last good matrix: kept on screen through later loads and failures. */
  matrix: Matrix | null;
  /** The last load's failure; null after a success. */
  error: LoadError | null;
  /** A load is in flight. */
  busy: boolean;
  /** When the newest matrix arrived (ms since epoch). */
  loadedAt: number | null;
  /** Consecutive failures (drives the back-off note). */
  failures: number;
  /** When the next poll is due, or null. */
  nextPollAt: number | null;
  /** Loads now (aborting any load in flight). */
  reload: () => void;
}

interface Req {
  series: Series;
  rows: number;
  refreshS: number;
}

/** The heatmap's data for a view: one Poller per page, re-aimed when the view changes. */
export function useMatrixFeed(client: AdminClient, req: Req): Feed {
  const [state, setState] = useState<Omit<Feed, 'reload'>>({
    matrix: null,
    error: null,
    busy: false,
    loadedAt: null,
    failures: 0,
    nextPollAt: null,
  });
  const pollerRef = useRef<Poller<Matrix> | null>(null);

  useEffect(() => {
    const poller: Poller<Matrix> = new Poller<Matrix>({
      load: () => Promise.reject(new Error('no view yet')),
      onBusy: (busy) => setState((s) => (s.busy === busy ? s : { ...s, busy })),
      onOutcome: (o) => {
        const error = o.ok ? null : describeLoadError(o.error);
        if (error?.kind === 'aborted') return;
        const failures = poller.failureCount;
        const nextPollAt = poller.nextDueAt;
        setState((s) =>
          o.ok
            ? {
                ...s,
                matrix: o.value,
                error: null,
                loadedAt: Date.now(),
                failures,
                nextPollAt,
              }
            : {
                ...s,
                error,
                failures,
                nextPollAt,
              },
        );
      },
      isHidden: () => document.visibilityState === 'hidden',
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      now: () => Date.now(),
    });
    pollerRef.current = poller;
    const onVis = () => poller.visibilityChanged();
    document.addEventListener('visibilitychange', onVis);
    return () => {
      document.removeEventListener('visibilitychange', onVis);
      poller.dispose();
      pollerRef.current = null;
    };
  }, []);

  const { series, rows, refreshS } = req;
  useEffect(() => {
    pollerRef.current?.setLoad((signal) => client.getMatrix({ series, rows }, signal));
  }, [client, series, rows]);

  useEffect(() => {
    pollerRef.current?.setInterval(refreshS * 1000);
  }, [refreshS]);

  const reload = useCallback(() => pollerRef.current?.loadNow(), []);
  return { ...state, reload };
}
