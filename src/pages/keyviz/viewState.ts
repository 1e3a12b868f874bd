// The page's base view state (series, rows, refresh) and how user actions change it. Pure: the
// URL side effects live in useHeatmapViewState, whose explore actions extend these.

import type { Series } from '../../data/matrix.ts';
import {
  parseViewState,
  serializeViewState,
  type RefreshSeconds,
  type ViewState,
} from '../../data/urlState.ts';

export type ViewAction =
  | { type: 'series'; series: Series }
  | { type: 'rows'; rows: number }
  | { type: 'refresh'; refresh: RefreshSeconds }
  | { type: 'fold'; fold: boolean };

export function viewReducer(state: ViewState, action: ViewAction): ViewState {
  switch (action.type) {
    case 'series':
      return state.series === action.series ? state : { ...state, series: action.series };
    case 'rows':
      return state.rows === action.rows ? state : { ...state, rows: action.rows };
    case 'refresh':
      return state.refresh === action.refresh ? state : { ...state, refresh: action.refresh };
    case 'fold':
      return state.fold === action.fold ? state : { ...state, fold: action.fold };
  }
}

/** Query parameters urlState owns; everything else in the URL (e.g. `api`) is kept as is. */
const VIEW_KEYS = [
  'series',
  'rows',
  'refresh',
  'brightness',
  'scale',
  'palette',
  'range',
  'zoom',
  'filter',
  'fold',
];

/** `?…` for the view, keeping foreign parameters; '' when nothing is left. */
export function searchFor(currentSearch: string, view: ViewState): string {
  const keep = new URLSearchParams(currentSearch);
  for (const k of VIEW_KEYS) keep.delete(k);
  const own = new URLSearchParams(serializeViewState(view));
  for (const [k, v] of own) keep.append(k, v);
  const s = keep.toString();
  return s ? `?${s}` : '';
}

export function viewFromSearch(search: string): ViewState {
  return parseViewState(search);
}
