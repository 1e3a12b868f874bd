import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AdminClient } from '../../api/client.ts';
import { RANGE_MS, type ViewState } from '../../data/urlState.ts';
import type { RecordFile } from '../../data/view/recordFile.ts';
import { inferStepMs } from '../../data/raster.ts';
import { useMatrixFeed, type Feed } from './useMatrixFeed.ts';
import type { LiveState } from './liveFollower.ts';
import { askFor, keepsInFlight, rangeWindow, sameAsk, type WindowAsk } from './heatmapState.ts';
import { loadedOf, windowedClient, type Loaded } from './windowedClient.ts';

export interface RecordState {
  name: string;
  /** The file's failure to open, or ''. */
  error: string;
}

/** What the client reads at request time: mutable on purpose (the poller calls it later). */
class AskBox {
  record: RecordFile | null = null;
  constructor(public ask: WindowAsk) {}
  setAsk(a: WindowAsk): void {
    this.ask = a;
  }
  setRecord(r: RecordFile | null): void {
    this.record = r;
  }
}

export interface HeatmapFeed extends Feed {
  /** The record file shown instead of the server (null = live). */
  record: RecordState | null;
  openRecord: (file: File) => void;
  closeRecord: () => void;
}

/** The poll interval standing in for Live while the rows are folded. */
const LIVE_FOLD_POLL_S = 5;
const FOLDED_LIVE: LiveState = {
  kind: 'polling',
  reason: 'whole key space: folded rows cannot take streamed columns, so the answer is re-asked',
};

function loadedFor(ask: WindowAsk): Loaded {
  return ask.kind === 'range'
    ? { window: rangeWindow(ask.range, Date.now()), zoomed: false }
    : { window: ask.window, zoomed: true };
}

/**
 * The matrix feed for the explore view: the time range and zoom decide the window asked for
 * (a zoom refetches its window at full resolution only when the loaded data cannot show it),
 * and a record file can stand in for the server.
 */
export function useHeatmapFeed(client: AdminClient, view: ViewState): HeatmapFeed {
  const [box] = useState(
    () =>
      new AskBox(
        askFor(
          view.range,
          view.zoom,
          { kind: 'range', range: view.range },
          null,
          new Float64Array(0),
          60_000,
        ),
      ),
  );
  const [record, setRecord] = useState<RecordState | null>(null);
  const wclient = useMemo(
    () => windowedClient(client, { window: () => loadedFor(box.ask), record: () => box.record }),
    [client, box],
  );
  const foldedLive = view.fold && view.refresh === 'live';
  // An opened record file is a fixed history: nothing refreshes it (Live appended the server's
  // columns to it, mixing two sources in one picture).
  const showingFile = record !== null && record.error === '';
  const feed = useMatrixFeed(wclient, {
    series: view.series,
    rows: view.rows,
    // Live columns arrive per bucket and cannot extend folded rows: folded, Live polls (5 s).
    refreshS: showingFile ? 0 : foldedLive ? LIVE_FOLD_POLL_S : view.refresh,
    fold: view.fold,
    liveClient: client,
    windowMs: typeof view.range === 'string' ? RANGE_MS[view.range] : null,
  });
  const { matrix, reload, busy } = feed;

  // A new range or zoom: ask for its window when the data on hand cannot show it.
  useEffect(() => {
    const l = matrix ? loadedOf(matrix) : null;
    const cols = matrix?.columns ?? new Float64Array(0);
    const next = askFor(view.range, view.zoom, box.ask, l?.window ?? null, cols, inferStepMs(cols));
    if (sameAsk(next, box.ask)) return;
    // A followed zoom's refetch on the wire is kept (every load asks for box.ask, so the load in
    // flight is its); once it lands the zoom is judged against it again.
    if (busy && keepsInFlight(box.ask, next)) return;
    box.setAsk(next);
    reload();
    // The matrix is read, not watched: new data alone never changes the ask.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view.range, view.zoom, reload]);

  const openRecord = useCallback(
    (file: File) => {
      // The record-file reader is a chunk of its own, fetched when a file is opened.
      import('../../data/view/recordFile.ts')
        .then(({ openRecordBlob }) =>
          openRecordBlob(file, { series: view.series, rows: view.rows }),
        )
        .then(
          ({ record: r }) => {
            box.setRecord(r);
            setRecord({ name: file.name, error: '' });
            reload();
          },
          (e: unknown) => setRecord({ name: file.name, error: (e as Error).message }),
        );
    },
    [box, view.series, view.rows, reload],
  );

  const closeRecord = useCallback(() => {
    box.setRecord(null);
    setRecord(null);
    reload();
  }, [box, reload]);

  // Folded, Live is a 5 s poll of the whole answer: the header says so, not nothing.
  const live = showingFile ? null : foldedLive ? FOLDED_LIVE : feed.live;
  return { ...feed, live, record, openRecord, closeRecord };
}
