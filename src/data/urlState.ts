// The view as URL query parameters (shareable links). Only non-defaults are written; anything
// invalid falls back to its default, so a hand-edited or stale link never breaks the page.

import { SERIES, type Series } from './matrix.ts';
import type { Palette } from './colorRamp.ts';
import type { ScaleKind } from './scale.ts';
import { clampBrightness } from './scale.ts';
import { parseRowBudget, MAX_ROWS } from './rowBudget.ts';

/**
 * Auto-refresh: whole seconds between polls (0 = off; choices follow the server's step), or
 * 'live': columns pushed by StreamEvents as they are flushed.
 */
export type RefreshSeconds = number | 'live';
export const MAX_REFRESH_S = 3600;
export type RangePreset = 'all' | '1h' | '6h' | '24h' | '7d' | '28d';
export type TimeRange = RangePreset | { fromMs: number; toMs: number };

export interface ZoomState {
  fromMs: number;
  toMs: number;
  /** Key bounds as lowercase hex; absent = unbounded on that side. */
  startKeyHex?: string;
  endKeyHex?: string;
}

export interface ViewState {
  series: Series;
  rows: number;
  refresh: RefreshSeconds;
  brightness: number;
  scale: ScaleKind;
  palette: Palette;
  range: TimeRange;
  zoom: ZoomState | null;
  filter: string;
  /** Ask the server for the whole-key-space fold (fold_key_space): `fold=1` in the URL. */
  fold: boolean;
}

export const DEFAULT_VIEW: Readonly<ViewState> = Object.freeze({
  series: 'writes',
  rows: MAX_ROWS,
  refresh: 0,
  brightness: 1,
  scale: 'log',
  palette: 'heat',
  range: 'all',
  zoom: null,
  filter: '',
  fold: false,
});

/** Preset -> window length in ms (null for 'all'). */
export const RANGE_MS: Record<RangePreset, number | null> = {
  all: null,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  // Beyond the ring: the server answers these from its history store (docs/history.md).
  '7d': 7 * 24 * 3_600_000,
  '28d': 28 * 24 * 3_600_000,
};

function isRangePreset(s: string): s is RangePreset {
  return Object.prototype.hasOwnProperty.call(RANGE_MS, s);
}

const MAX_FILTER = 256;

/** A non-negative whole number of ms (no exponents, signs or fractions). */
function parseMs(s: string | undefined): number | null {
  if (s === undefined || !/^[0-9]{1,16}$/.test(s)) return null;
  const v = Number(s);
  return Number.isSafeInteger(v) ? v : null;
}

function parseHexKey(s: string | undefined): string | undefined | null {
  if (s === undefined || s === '') return undefined;
  return /^(?:[0-9a-fA-F]{2}){1,4096}$/.test(s) ? s.toLowerCase() : null;
}

function parseBrightness(s: string): number | null {
  // "4", "0.25" or "1/4"; only powers of two within 1/64..64 are accepted as is.
  let v: number;
  const frac = /^1\/([0-9]{1,2})$/.exec(s);
  if (frac) v = 1 / Number(frac[1]);
  else if (/^[0-9]+(\.[0-9]+)?$/.test(s)) v = Number(s);
  else return null;
  return clampBrightness(v) === v ? v : null;
}

/** "4", "1/8": brightness as the URL spells it. */
export function formatBrightness(b: number): string {
  return b >= 1 ? String(b) : `1/${Math.round(1 / b)}`;
}

export function parseViewState(search: string): ViewState {
  const p = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const get = (k: string): string | undefined => p.get(k)?.trim() ?? undefined;
  const s: ViewState = { ...DEFAULT_VIEW };

  const series = get('series');
  if (series && (SERIES as readonly string[]).includes(series)) s.series = series as Series;

  const rows = get('rows');
  if (rows !== undefined) {
    const r = parseRowBudget(rows);
    if (r.ok) s.rows = r.value;
  }

  const refresh = get('refresh');
  if (refresh === 'live') {
    s.refresh = 'live';
  } else if (
    refresh !== undefined &&
    /^[0-9]{1,4}$/.test(refresh) &&
    Number(refresh) <= MAX_REFRESH_S
  ) {
    s.refresh = Number(refresh);
  }

  const bright = get('brightness');
  if (bright !== undefined) s.brightness = parseBrightness(bright) ?? DEFAULT_VIEW.brightness;

  const scale = get('scale');
  if (scale === 'log' || scale === 'linear') s.scale = scale;

  const palette = get('palette');
  if (palette === 'heat' || palette === 'cvd') s.palette = palette;

  const range = get('range');
  if (range !== undefined && isRangePreset(range)) s.range = range;
  else if (range !== undefined) {
    // Custom window: "<fromMs>-<toMs>".
    const m = /^([0-9]+)-([0-9]+)$/.exec(range);
    const from = parseMs(m?.[1]);
    const to = parseMs(m?.[2]);
    if (from !== null && to !== null && to > from) s.range = { fromMs: from, toMs: to };
  }

  const zoom = get('zoom');
  if (zoom !== undefined) {
    // "<fromMs>-<toMs>[,<startHex>,<endHex>]"; empty hex = open end.
    const [times, startHex, endHex, ...rest] = zoom.split(',');
    const m = /^([0-9]+)-([0-9]+)$/.exec(times ?? '');
    const from = parseMs(m?.[1]);
    const to = parseMs(m?.[2]);
    const sk = parseHexKey(startHex);
    const ek = parseHexKey(endHex);
    if (from !== null && to !== null && to > from && sk !== null && ek !== null && !rest.length) {
      const z: ZoomState = { fromMs: from, toMs: to };
      if (sk !== undefined) z.startKeyHex = sk;
      if (ek !== undefined) z.endKeyHex = ek;
      s.zoom = z;
    }
  }

  const fold = get('fold');
  if (fold === '1' || fold === 'true') s.fold = true;

  const filter = p.get('filter');
  if (filter !== null) s.filter = filter.slice(0, MAX_FILTER);

  return s;
}

/** Query string (without "?") holding only the fields that differ from the defaults. */
export function serializeViewState(s: ViewState): string {
  const p = new URLSearchParams();
  if (s.series !== DEFAULT_VIEW.series) p.set('series', s.series);
  if (s.rows !== DEFAULT_VIEW.rows) p.set('rows', String(s.rows));
  if (s.refresh !== DEFAULT_VIEW.refresh) p.set('refresh', String(s.refresh));
  if (s.brightness !== DEFAULT_VIEW.brightness) p.set('brightness', formatBrightness(s.brightness));
  if (s.scale !== DEFAULT_VIEW.scale) p.set('scale', s.scale);
  if (s.palette !== DEFAULT_VIEW.palette) p.set('palette', s.palette);
  if (typeof s.range === 'string') {
    if (s.range !== 'all') p.set('range', s.range);
  } else {
    p.set('range', `${Math.round(s.range.fromMs)}-${Math.round(s.range.toMs)}`);
  }
  if (s.zoom) {
    const z = s.zoom;
    let v = `${Math.round(z.fromMs)}-${Math.round(z.toMs)}`;
    if (z.startKeyHex || z.endKeyHex) v += `,${z.startKeyHex ?? ''},${z.endKeyHex ?? ''}`;
    p.set('zoom', v);
  }
  if (s.filter) p.set('filter', s.filter);
  if (s.fold) p.set('fold', '1');
  return p.toString();
}
