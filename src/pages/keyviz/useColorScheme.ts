import { useSyncExternalStore } from 'react';
import type { Scheme } from '../../data/colorRamp.ts';

const QUERY = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  const mq = matchMedia(QUERY);
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}

const current = (): Scheme => (matchMedia(QUERY).matches ? 'dark' : 'light');

/** The page's colour scheme, following prefers-color-scheme live (app.css switches with it). */
export function useColorScheme(): Scheme {
  return useSyncExternalStore(subscribe, current, () => 'light');
}
