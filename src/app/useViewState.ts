import { useCallback, useEffect, useRef, useState } from 'react';
import type { ViewState } from '../data/urlState.ts';
import { searchFor, viewFromSearch, viewReducer, type ViewAction } from './viewState.ts';

/**
 * The view, mirrored in the URL: a user change pushes a history entry (so Back undoes it),
 * popstate restores the view from the URL, and a reload parses it again.
 */
export function useViewState(): [ViewState, (a: ViewAction) => void] {
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

  const dispatch = useCallback((a: ViewAction) => {
    const next = viewReducer(ref.current, a);
    if (next === ref.current) return;
    ref.current = next;
    const url = location.pathname + searchFor(location.search, next) + location.hash;
    history.pushState(history.state, '', url);
    setView(next);
  }, []);

  return [view, dispatch];
}
