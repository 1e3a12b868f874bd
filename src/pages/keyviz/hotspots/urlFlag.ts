// A boolean view flag of this feature in the URL ("?hotspots=1"), kept beside the view state of
// urlState.ts (whose writer keeps foreign parameters): toggling pushes a history entry, Back
// restores.
import { useCallback, useEffect, useState } from 'react';

export function readFlag(search: string, name: string): boolean {
  return new URLSearchParams(search).get(name) === '1';
}

/** `search` with the flag set or removed, other parameters kept in order. */
export function withFlag(search: string, name: string, on: boolean): string {
  const p = new URLSearchParams(search);
  if (on) p.set(name, '1');
  else p.delete(name);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function useUrlFlag(name: string): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => readFlag(location.search, name));
  useEffect(() => {
    const onPop = () => setOn(readFlag(location.search, name));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, [name]);
  const set = useCallback(
    (next: boolean) => {
      if (readFlag(location.search, name) === next) return;
      const url = location.pathname + withFlag(location.search, name, next) + location.hash;
      history.pushState(history.state, '', url);
      setOn(next);
    },
    [name],
  );
  return [on, set];
}
