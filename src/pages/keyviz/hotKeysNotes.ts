// What the hot-keys panel says beside an answer that is not quite what was asked: fewer keys
// than the top-N, or another window than the one clicked. Pure (strings only), so both servers'
// cases are checked without a browser: words must be true of an elastickv node and of ours.

import { formatTimeWindow } from '../../data/format.ts';
import type { Window } from './hotKeysTarget.ts';

/**
 * Why a node may no longer hold a window, true of both servers the page reads: an elastickv
 * node keeps only its latest window; the keyviz server keeps older ones under a memory budget.
 */
export const WINDOW_GONE =
  'a node keeps only its latest window; the keyviz server keeps older ones within ' +
  '--keyvizHotKeysHistoryBytes';

/**
 * Beside the top-N picker when fewer keys came back than asked: the sketch's capacity when the
 * answer says it and it is below N (no answer can list more), else the count returned vs asked.
 */
export function topNote(returned: number, top: number, capacity: number | null): string {
  if (returned >= top) return '';
  if (capacity !== null) return capacity < top ? `at most ${capacity} keys tracked per bucket` : '';
  return `${returned} returned of ${top} asked`;
}

export interface AnsweredWindow {
  /** The window the keys describe. */
  window: Window;
  /** It came from snapshot_at alone (a node's answer). */
  inferred: boolean;
  /** Answers that are the node's latest window because the asked one is no longer held. */
  latestInstead: number;
  /** Range: buckets answered. */
  answered?: number;
}

/** Which window the keys describe when it is not the one asked, and why. */
export function windowNote(r: AnsweredWindow, asked: Window, what: 'column' | 'range'): string {
  const shown = `These keys describe ${formatTimeWindow(r.window.fromMs, r.window.toMs)}`;
  const n = r.latestInstead;
  const gone = `no longer holds keys for the ${what === 'column' ? 'clicked column' : 'range’s time'} (${WINDOW_GONE}).`;
  if (what === 'column' && n > 0) return `${shown}, the latest window the node holds: it ${gone}`;
  const latest =
    n > 0
      ? ` ${n} of ${r.answered ?? n} buckets answered with their latest window: the node ${gone}`
      : '';
  // Only our server names a window itself; one wider than asked is past windows merged with age.
  return !r.inferred && r.window.fromMs <= asked.fromMs && r.window.toMs >= asked.toMs
    ? `${shown}, a longer window that includes the one asked: past windows are merged as they age.${latest}`
    : `${shown}${r.inferred ? ' (the node’s latest snapshot)' : ''}, not the window asked for.${latest}`;
}
