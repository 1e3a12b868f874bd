// The hot-keys panel's selection in the URL, beside (not inside) the view state: `hk` the
// bucket id, `hkt` the clicked column's flush time, `hkr` a range (the zoom's spelling:
// "<from>-<to>[,<startHex>,<endHex>]"), `hktop` the top-N. urlState's writer keeps foreign
// parameters, so these ride along with every view change; a shared link reopens the panel.

import { useCallback, useEffect, useState } from 'react';
import { parseBucketId } from '../../data/bucketId.ts';
import { parseViewState, type ZoomState } from '../../data/urlState.ts';

export const TOPS = [10, 20, 50, 256] as const;
export type TopN = (typeof TOPS)[number];

export interface HotKeysSel {
  /** One cell: its bucket id and its column's flush time (unix ms). */
  cell: { bucketId: string; colMs: number } | null;
  /** A key range over a time window (the zoom it was asked on). */
  range: ZoomState | null;
  top: TopN;
}

export const NO_HOTKEYS: HotKeysSel = { cell: null, range: null, top: 20 };
const KEYS = ['hk', 'hkt', 'hkr', 'hktop'];

export function parseHotKeysSel(search: string): HotKeysSel {
  const p = new URLSearchParams(search);
  const topN = Number(p.get('hktop'));
  const top = (TOPS as readonly number[]).includes(topN) ? (topN as TopN) : 20;
  const id = p.get('hk') ?? '';
  const t = p.get('hkt') ?? '';
  let cell: HotKeysSel['cell'] = null;
  if (parseBucketId(id) && /^[0-9]{1,16}$/.test(t) && Number.isSafeInteger(Number(t))) {
    cell = { bucketId: id, colMs: Number(t) };
  }
  // The zoom's own parser reads the range (same spelling, same checks).
  const hkr = p.get('hkr');
  const range = hkr && !cell ? parseViewState(`zoom=${encodeURIComponent(hkr)}`).zoom : null;
  return { cell, range, top };
}

export function hotKeysSearch(currentSearch: string, sel: HotKeysSel): string {
  const p = new URLSearchParams(currentSearch);
  for (const k of KEYS) p.delete(k);
  if (sel.cell) {
    p.set('hk', sel.cell.bucketId);
    p.set('hkt', String(Math.round(sel.cell.colMs)));
  } else if (sel.range) {
    const z = sel.range;
    let v = `${Math.round(z.fromMs)}-${Math.round(z.toMs)}`;
    if (z.startKeyHex || z.endKeyHex) v += `,${z.startKeyHex ?? ''},${z.endKeyHex ?? ''}`;
    p.set('hkr', v);
  }
  if ((sel.cell || sel.range) && sel.top !== 20) p.set('hktop', String(sel.top));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The selection, in step with the URL (Back closes or reopens the panel). */
export function useHotKeysSel(): [HotKeysSel, (s: HotKeysSel, replace?: boolean) => void] {
  const [sel, setSel] = useState(() => parseHotKeysSel(location.search));
  useEffect(() => {
    const onPop = () => setSel(parseHotKeysSel(location.search));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const set = useCallback((s: HotKeysSel, replace = false) => {
    const url = location.pathname + hotKeysSearch(location.search, s) + location.hash;
    if (replace) history.replaceState(history.state, '', url);
    else history.pushState(history.state, '', url);
    setSel(s);
  }, []);
  return [sel, set];
}
