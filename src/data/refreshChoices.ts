// Auto-refresh choices from the server's step: refreshing faster than a column is flushed shows
// nothing new, so every choice is a whole number of steps (1, 2, 5, 10), at least 1 s, at most
// an hour. An unknown step falls back to 5 s and 30 s.

import { formatDuration } from './format.ts';
import { MAX_REFRESH_S } from './urlState.ts';

export interface RefreshChoice {
  /** Seconds; 0 = off. */
  value: number;
  label: string;
}

const MULTIPLES = [1, 2, 5, 10];
const FALLBACK_S = [5, 30];

/**
 * Off, then intervals tied to `stepMs`. `current` (from the URL) stays in the list when it is
 * not one of them, so the picker always shows the view's real setting.
 */
export function refreshChoices(stepMs: number, current = 0): RefreshChoice[] {
  const stepS = Number.isFinite(stepMs) && stepMs > 0 ? Math.max(1, Math.round(stepMs / 1000)) : 0;
  const secs = stepS
    ? MULTIPLES.map((k) => k * stepS).filter((s) => s <= MAX_REFRESH_S)
    : FALLBACK_S.slice();
  if (secs.length === 0) secs.push(MAX_REFRESH_S);
  if (current > 0 && !secs.includes(current)) secs.push(current);
  secs.sort((a, b) => a - b);
  return [
    { value: 0, label: 'Off' },
    ...secs.map((s) => ({ value: s, label: formatDuration(s * 1000) })),
  ];
}
