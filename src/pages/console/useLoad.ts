import { useCallback, useEffect, useState } from 'react';
import { ConsoleError } from '../../api/consoleClient.ts';
import { useDataSource } from '../../shell/useDataSource.ts';

export interface Load<T> {
  data: T | null;
  error: ConsoleError | null;
  busy: boolean;
  reload: () => void;
}

/**
 * One async load per `key`, aborted when the key changes or the page leaves; `refreshMs` > 0
 * reloads on a timer (the adapters page refreshes with the data).
 */
export function useLoad<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  refreshMs = 0,
): Load<T> {
  const [state, setState] = useState<{ key: string; data: T | null; error: ConsoleError | null }>({
    key,
    data: null,
    error: null,
  });
  const [nonce, setNonce] = useState(0);
  // Busy until the load of this key and nonce settles.
  const token = `${nonce}|${key}`;
  const [settled, setSettled] = useState('');
  // A new key shows nothing of the old one (React's derive-while-rendering pattern).
  if (state.key !== key) setState({ key, data: null, error: null });
  useEffect(() => {
    const ac = new AbortController();
    load(ac.signal)
      .then(
        (data) => {
          if (!ac.signal.aborted) setState({ key, data, error: null });
        },
        (e: unknown) => {
          if (ac.signal.aborted) return;
          const error = e instanceof ConsoleError ? e : new ConsoleError('other', String(e));
          setState((s) => ({ key, data: s.key === key ? s.data : null, error }));
        },
      )
      .finally(() => {
        if (!ac.signal.aborted) setSettled(token);
      });
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (refreshMs > 0) timer = setTimeout(() => setNonce((n) => n + 1), refreshMs);
    return () => {
      ac.abort();
      clearTimeout(timer);
    };
    // `load` is rebuilt every render; the key says when it means something else.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, nonce, refreshMs]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const busy = settled !== token;
  return { data: state.key === key ? state.data : null, error: state.error, busy, reload };
}

const SIGNED_OUT = new ConsoleError('unauthenticated', 'Signed out');

/**
 * useLoad under the console's session: loads again after every sign-in (the key carries the
 * epoch); signed out, the page gets "unauthenticated" at once (its sign-in form) and stops
 * refreshing; a 401 marks the whole console signed out (the shell bar says so).
 */
export function useSessionLoad<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  refreshMs = 0,
): Load<T> {
  const { session, signedOut, epoch, markSignedOut } = useDataSource();
  const out = session !== null && signedOut;
  const l = useLoad(`${epoch}|${key}`, load, out ? 0 : refreshMs);
  const refused = session !== null && l.error?.kind === 'unauthenticated';
  useEffect(() => {
    if (refused) markSignedOut();
  }, [refused, markSignedOut]);
  return out ? { ...l, data: null, error: SIGNED_OUT, busy: false } : l;
}
