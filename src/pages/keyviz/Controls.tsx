import { useId, type ReactNode } from 'react';
import { SERIES, type Series } from '../../data/matrix.ts';
import type { RefreshSeconds, ViewState } from '../../data/urlState.ts';
import { refreshChoices } from '../../data/refreshChoices.ts';
import { RowsInput } from './RowsInput.tsx';
import type { ViewAction } from './viewState.ts';

export const SERIES_LABELS: Record<Series, string> = {
  writes: 'Writes',
  reads: 'Reads',
  write_bytes: 'Write bytes',
  read_bytes: 'Read bytes',
};

interface Props {
  view: ViewState;
  dispatch: (a: ViewAction) => void;
  onRefresh: () => void;
  busy: boolean;
  /** The server's step (ms), 0 while unknown: the refresh choices follow it. */
  stepMs: number;
  /** Beside the row budget: what belongs with it (the whole-key-space toggle). */
  rowsExtra?: ReactNode;
}

export function Controls({ view, dispatch, onRefresh, busy, stepMs, rowsExtra }: Props) {
  const seriesId = useId();
  const refreshId = useId();
  return (
    <div className="controls" role="group" aria-label="View">
      <div className="control">
        <label htmlFor={seriesId}>Series</label>
        <select
          id={seriesId}
          value={view.series}
          onChange={(e) => dispatch({ type: 'series', series: e.target.value as Series })}
        >
          {SERIES.map((s) => (
            <option key={s} value={s}>
              {SERIES_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <RowsInput value={view.rows} onCommit={(rows) => dispatch({ type: 'rows', rows })} />
      {rowsExtra}
      <div className="control">
        <label htmlFor={refreshId}>Auto refresh</label>
        <select
          id={refreshId}
          value={view.refresh}
          onChange={(e) =>
            dispatch({
              type: 'refresh',
              refresh: (e.target.value === 'live'
                ? 'live'
                : Number(e.target.value)) as RefreshSeconds,
            })
          }
        >
          {[
            ...refreshChoices(stepMs, view.refresh === 'live' ? 0 : view.refresh),
            { value: 'live' as const, label: 'Live' },
          ].map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <button type="button" className="refresh-button" onClick={onRefresh}>
        Refresh
      </button>
      <span className="busy" role="status" aria-live="polite" data-testid="busy">
        {busy ? 'refreshing…' : ''}
      </span>
    </div>
  );
}
