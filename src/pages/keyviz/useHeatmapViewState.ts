import { useCallback, useEffect, useRef, useState } from 'react';
import type { ViewState } from '../../data/urlState.ts';
import { searchFor, viewFromSearch, viewReducer, type ViewAction } from './viewState.ts';
import { exploreReducer, type HeatmapAction } from './heatmapState.ts';

export type AnyViewAction = ViewAction | HeatmapAction;

/** Options of one dispatch: `replace` rewrites the current history entry instead of pushing. */
export interface DispatchOptions {
  replace?: boolean;
}

export type ViewDispatch = (a: AnyViewAction, opts?: DispatchOptions) => void;

const BASE_ACTIONS: ReadonlySet<string> = new Set(['series', 'rows', 'refresh', 'fold']);

function isBase(a: AnyViewAction): a is ViewAction {
  return BASE_ACTIONS.has(a.type);
}

export function anyViewReducer(s: ViewState, a: AnyViewAction): ViewState {
  return isBase(a) ? viewReducer(s, a) : exploreReducer(s, a);
}

/**
 * The page's view state, base and explore actions alike: every setting in the URL, a user change
 * pushes a history entry (Back undoes it), popstate restores. Keyboard panning replaces instead,
 * so one arrow press per history entry does not drown the Back button.
 */
export function useHeatmapViewState(): [ViewState, ViewDispatch] {
  const [view, setView] = useState(() => viewFromSearch(location.search));
  const ref = useRef(view);

  useEffect(() => {
    const onPop = () => {
      const next = viewFromSearch(location.search);
      ref.current = next;
      setView(next);
    };
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  const dispatch = useCallback<ViewDispatch>((a, opts) => {
    const next = anyViewReducer(ref.current, a);
    if (next === ref.current) return;
    ref.current = next;
    const url = location.pathname + searchFor(location.search, next) + location.hash;
    if (opts?.replace) history.replaceState(history.state, '', url);
    else history.pushState(history.state, '', url);
    setView(next);
  }, []);

  return [view, dispatch];
}
