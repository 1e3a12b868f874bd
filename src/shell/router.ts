// Paths of the console's pages under the build's base (import.meta.env.BASE_URL: `/` or
// `/admin/`). React Router matches them (App.tsx); these helpers build links and read the
// time window a page carries in its query (the heatmap's own `range` parameter).
import { parseViewState, RANGE_MS } from '../data/urlState.ts';

/** Base path with exactly one trailing slash. */
export function normalizeBase(base: string): string {
  const b = base.startsWith('/') ? base : `/${base}`;
  return b.endsWith('/') ? b : `${b}/`;
}

/** React Router's basename: the base without its trailing slash ('' for `/`). */
export function routerBasename(base: string): string {
  return normalizeBase(base).replace(/\/$/, '');
}

export function keyvizPath(base: string): string {
  return `${normalizeBase(base)}keyviz`;
}

/**
 * Router path of a bucket's page. The id is one path segment, escaped whole: `#` (sub-range
 * rows), `:` and `/` never leak into the URL's structure; virtual ids stay decimal text.
 */
export function bucketPath(bucketId: string, search = ''): string {
  return `/keyviz/bucket/${encodeURIComponent(bucketId)}${search}`;
}

/** The time window of a page's query: `range=1h|6h|24h|7d|28d|<from>-<to>`; 0 = unbounded. */
export function windowOf(search: string, nowMs: number): { fromMs: number; toMs: number } {
  const r = parseViewState(search).range;
  if (typeof r !== 'string') return { fromMs: r.fromMs, toMs: r.toMs };
  const len = RANGE_MS[r];
  return len === null ? { fromMs: 0, toMs: 0 } : { fromMs: nowMs - len, toMs: 0 };
}

/** `?range=…` of the heatmap's current query (its zoom window wins), for a bucket link. */
export function windowQuery(search: string): string {
  const v = parseViewState(search);
  const p = new URLSearchParams();
  if (v.zoom) p.set('range', `${Math.round(v.zoom.fromMs)}-${Math.round(v.zoom.toMs)}`);
  else if (typeof v.range !== 'string') {
    p.set('range', `${Math.round(v.range.fromMs)}-${Math.round(v.range.toMs)}`);
  } else if (v.range !== 'all') p.set('range', v.range);
  const s = p.toString();
  return s ? `?${s}` : '';
}
