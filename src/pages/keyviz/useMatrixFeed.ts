import { useCallback, useEffect, useRef, useState } from 'react';
import type { AdminClient } from '../../api/client.ts';
import type { Matrix, Series } from '../../data/matrix.ts';
import { describeLoadError, type LoadError } from '../../shell/loadError.ts';
import type { RefreshSeconds } from '../../data/urlState.ts';
import { warmLocale } from '../../data/format.ts';
import { Poller } from './poller.ts';
import type { LiveState, TransitionEvent } from './liveFollower.ts';
import { carryLoaded } from './windowedClient.ts';

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
  /** The Live refresh's stream state; null when not live. */
  live: LiveState | null;
  /** Splits and merges the stream reported since the page opened (newest last). */
  transitions: TransitionEvent[];
}

/** Most transitions kept (a busy cluster splits often; the oldest leave first). */
const MAX_TRANSITIONS = 500;

interface Req {
  series: Series;
  rows: number;
  refreshS: RefreshSeconds;
  /** Live: the unwindowed client (gap and poll requests carry their own window). */
  liveClient?: AdminClient;
  /** Live: a sliding window's length (ms), null = keep every column. */
  windowMs?: number | null;
  /** Ask for the whole-key-space fold (fold_key_space); the answer says if it was done. */
  fold?: boolean;
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
    live: null,
    transitions: [],
  });
  const pollerRef = useRef<Poller<Matrix> | null>(null);
  // Live: a load's answer takes on the live columns that came while it was on the wire.
  const carryRef = useRef<((held: Matrix | null, fresh: Matrix) => Matrix) | null>(null);

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
                matrix: carryRef.current?.(s.matrix, o.value) ?? o.value,
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
  const fold = req.fold === true;
  useEffect(() => {
    const ask = fold ? { series, rows, foldKeySpace: true } : { series, rows };
    pollerRef.current?.setLoad((signal) => {
      const answer = client.getMatrix(ask, signal);
      warmLocale(); // the time axis' zone label, while the answer is on the wire
      return answer;
    });
  }, [client, series, rows, fold]);

  useEffect(() => {
    pollerRef.current?.setInterval(refreshS === 'live' ? 0 : refreshS * 1000);
  }, [refreshS]);

  // Live: columns pushed as they are flushed, appended to the matrix on hand.
  const hasMatrix = state.matrix !== null;
  const liveClient = req.liveClient ?? client;
  const windowMs = req.windowMs ?? null;
  const newestRef = useRef(0);
  useEffect(() => {
    const m = state.matrix;
    newestRef.current = m?.colCount ? m.columns[m.colCount - 1] : 0;
  }, [state.matrix]);
  useEffect(() => {
    if (refreshS !== 'live' || !hasMatrix) return;
    let cancelled = false;
    let stop: (() => void) | null = null;
    // Live's code loads when Live is picked: the first paint does not carry it.
    void import('./liveSession.ts').then((mod) => {
      const { LiveFollower, appendColumns, newerColumnsCarry, ArrayPool, DEFAULT_MAX_COLUMNS } =
        mod;
      if (cancelled) return;
      // The row budget is applied inside the append (kept rows are copied once); the arrays of
      // this session's older matrices are reused (arrayPool.ts says when): a fresh 12 MB array
      // per column cost more than everything else a column does.
      const pool = new ArrayPool();
      const opts = { windowMs, maxColumns: DEFAULT_MAX_COLUMNS, maxRows: rows, pool };
      const follower = new LiveFollower(
        {
          stream: liveClient.liveStream,
          fetchFrom: (fromMs, signal) => liveClient.getMatrix({ series, rows, fromMs }, signal),
          newest: () => newestRef.current,
          onColumns: (cols) =>
            setState((s) => {
              if (!s.matrix || s.matrix.series !== series) return s;
              const matrix = appendColumns(s.matrix, cols, opts);
              if (matrix === s.matrix) return s;
              carryLoaded(s.matrix, matrix);
              newestRef.current = matrix.columns[matrix.colCount - 1];
              return { ...s, matrix, loadedAt: Date.now(), error: null };
            }),
          onTransition: (t) =>
            setState((s) => ({ ...s, transitions: [...s.transitions, t].slice(-MAX_TRANSITIONS) })),
          onState: (live) => setState((s) => ({ ...s, live })),
          setTimer: (fn, ms) => setTimeout(fn, ms),
          clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
          now: () => Date.now(),
        },
        series,
        rows,
      );
      carryRef.current = newerColumnsCarry(windowMs, rows);
      follower.start();
      stop = () => follower.stop();
    });
    return () => {
      cancelled = true;
      carryRef.current = null;
      stop?.();
      // The stopped session's state goes with it: a session started later (Back to live after a
      // record file) says "connecting", not the old "live", until its own stream is open.
      setState((s) => (s.live ? { ...s, live: null } : s));
    };
  }, [refreshS, hasMatrix, liveClient, series, rows, windowMs]);

  const reload = useCallback(() => pollerRef.current?.loadNow(), []);
  return { ...state, live: refreshS === 'live' && hasMatrix ? state.live : null, reload };
}
