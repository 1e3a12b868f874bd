// The bucket page's own view state in its query, beside the window's `range`: the column
// picked for hot keys (`hkt`, that column's flush time in unix ms, as on the heatmap; `none`
// when the panel is closed; absent = the newest column) and the hot keys' top-N (`hktop`,
// written only when not the default 20). Pure; anything invalid reads as the default, so a
// hand-edited link never breaks the page, and other parameters are kept as they are. The two
// tables' pages (`chg` for the group / term changes, `evt` for splits, merges and gaps; 1, the
// newest rows, is the default and not written) live here too: Back steps through them.
import { TOPS, type TopN } from '../keyviz/hotKeysUrl.ts';

/** The picked column: the newest (the default), none (closed), or the one flushed at a time. */
export type BucketPick = 'newest' | 'none' | number;

export interface BucketView {
  pick: BucketPick;
  top: TopN;
  /** Page of the group / term change table, 1 = the newest rows. */
  changes: number;
  /** Page of the splits, merges and gaps table, 1 = the newest rows. */
  events: number;
}

/** A page number as written, else 1 (a page past the end is clamped where it is shown). */
function pageParam(v: string | null): number {
  return v && /^[1-9][0-9]{0,5}$/.test(v) ? Number(v) : 1;
}

export function parseBucketView(search: string): BucketView {
  const p = new URLSearchParams(search);
  const top = Number(p.get('hktop'));
  const t = p.get('hkt') ?? '';
  return {
    pick: t === 'none' ? t : /^[0-9]{1,15}$/.test(t) ? Number(t) : 'newest',
    top: (TOPS as readonly number[]).includes(top) ? (top as TopN) : 20,
    changes: pageParam(p.get('chg')),
    events: pageParam(p.get('evt')),
  };
}

/** `?…` with the bucket view written over `search` (its other parameters kept). */
export function bucketViewSearch(search: string, v: BucketView): string {
  const p = new URLSearchParams(search);
  p.delete('hkt');
  p.delete('hktop');
  p.delete('chg');
  p.delete('evt');
  if (v.pick !== 'newest') p.set('hkt', String(v.pick));
  if (v.top !== 20) p.set('hktop', String(v.top));
  if (v.changes > 1) p.set('chg', String(v.changes));
  if (v.events > 1) p.set('evt', String(v.events));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * The column index a pick means among `columns` (flush times, ascending): the newest for
 * 'newest', null for 'none'; a time the window no longer holds reads as null too (the page
 * says the column left the window rather than showing another one's keys).
 */
export function pickedColumn(columns: readonly number[], pick: BucketPick): number | null {
  if (pick === 'none' || columns.length === 0) return null;
  if (pick === 'newest') return columns.length - 1;
  const i = columns.indexOf(pick);
  return i >= 0 ? i : null;
}
