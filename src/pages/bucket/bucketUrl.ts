// The bucket page's own view state in its query, beside the window's `range`: the column
// picked for hot keys (`hkt`, that column's flush time in unix ms, as on the heatmap; `none`
// when the panel is closed; absent = the newest column) and the hot keys' top-N (`hktop`,
// written only when not the default 20). Pure; anything invalid reads as the default, so a
// hand-edited link never breaks the page, and other parameters are kept as they are.
import { TOPS, type TopN } from '../keyviz/hotKeysUrl.ts';

/** The picked column: newest (the default), closed, or the column flushed at `colMs`. */
export type BucketPick = { kind: 'newest' } | { kind: 'none' } | { kind: 'col'; colMs: number };

export interface BucketView {
  pick: BucketPick;
  top: TopN;
}

export const DEFAULT_BUCKET_VIEW: Readonly<BucketView> = Object.freeze({
  pick: Object.freeze({ kind: 'newest' as const }),
  top: 20 as TopN,
});

export function parseBucketView(search: string): BucketView {
  const p = new URLSearchParams(search);
  const topN = Number(p.get('hktop'));
  const top = (TOPS as readonly number[]).includes(topN) ? (topN as TopN) : 20;
  const t = p.get('hkt');
  let pick: BucketPick = { kind: 'newest' };
  if (t === 'none') pick = { kind: 'none' };
  else if (t !== null && /^[0-9]{1,16}$/.test(t) && Number.isSafeInteger(Number(t))) {
    pick = { kind: 'col', colMs: Number(t) };
  }
  return { pick, top };
}

/** `?…` with the bucket view written over `search` (its other parameters kept). */
export function bucketViewSearch(search: string, v: BucketView): string {
  const p = new URLSearchParams(search);
  p.delete('hkt');
  p.delete('hktop');
  if (v.pick.kind === 'none') p.set('hkt', 'none');
  else if (v.pick.kind === 'col') p.set('hkt', String(Math.round(v.pick.colMs)));
  if (v.top !== 20) p.set('hktop', String(v.top));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * The column index a pick means among `columns` (flush times, ascending): the newest for
 * 'newest', null for 'none'; a time the window no longer holds reads as null too (the page
 * says the column left the window rather than showing another one's keys).
 */
export function pickedColumn(columns: readonly number[], pick: BucketPick): number | null {
  if (pick.kind === 'none' || columns.length === 0) return null;
  if (pick.kind === 'newest') return columns.length - 1;
  const i = columns.indexOf(pick.colMs);
  return i >= 0 ? i : null;
}
