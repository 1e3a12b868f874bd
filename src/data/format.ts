// Human-readable numbers and time windows. Times are local (the UI names the zone).

import { isByteSeries, type Series } from './matrix.ts';

const SI = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** 3 significant digits at most, without trailing zeros ("1.2", "12", "123"). */
function short(v: number): string {
  if (v >= 100) return String(Math.round(v));
  if (v >= 10) return String(Math.round(v * 10) / 10);
  return String(Math.round(v * 100) / 100);
}

/** "1.2 k ops", "3.4 MiB", "17 ops", "1 op", "0 B". */
export function formatValue(v: number, series: Series): string {
  if (!Number.isFinite(v)) return '—';
  const neg = v < 0 ? '-' : '';
  let a = Math.abs(v);
  if (isByteSeries(series)) {
    let i = 0;
    while (a >= 1024 && i < IEC.length - 1) {
      a /= 1024;
      i++;
    }
    // Round-up can reach 1024.0 after rounding: move to the next unit.
    if (i < IEC.length - 1 && Number(short(a)) >= 1024) {
      a /= 1024;
      i++;
    }
    return `${neg}${i === 0 ? String(Math.round(a)) : short(a)} ${IEC[i]}`;
  }
  let i = 0;
  while (a >= 1000 && i < SI.length - 1) {
    a /= 1000;
    i++;
  }
  if (i < SI.length - 1 && Number(short(a)) >= 1000) {
    a /= 1000;
    i++;
  }
  const num = short(a);
  // Exactly one operation reads "1 op"; "1.0 k ops" and "0 ops" stay plural.
  const word = i === 0 && num === '1' ? 'op' : 'ops';
  return `${neg}${num} ${SI[i] ? SI[i] + ' ' : ''}${word}`;
}

/** Unit word for a series' values (legend captions). */
export function seriesUnit(series: Series): string {
  return isByteSeries(series) ? 'bytes' : 'ops';
}

/** 1234567 -> "1,234,567"; also exact for decimal strings and bigints above 2^53. */
export function formatInt(n: number | bigint | string): string {
  let s: string;
  if (typeof n === 'number') {
    if (!Number.isFinite(n)) return '—';
    s = String(Math.trunc(n));
  } else s = String(n);
  if (!/^-?[0-9]+$/.test(s)) return s;
  const neg = s.startsWith('-');
  const digits = neg ? s.slice(1) : s;
  return (neg ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Local "YYYY-MM-DD". */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** Local "HH:MM" (":SS" too when the time has seconds). */
export function formatClock(ms: number, withSeconds = false): string {
  const d = new Date(ms);
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return withSeconds ? `${hm}:${pad2(d.getSeconds())}` : hm;
}

/**
 * "2026-11-24 07:21:05 – 07:22:05" (same local day) or with both dates when it spans days.
 * Seconds are shown because flush times are not aligned to minutes.
 */
export function formatTimeWindow(startMs: number, endMs: number): string {
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) return '—';
  const sameDay = formatDate(startMs) === formatDate(endMs);
  const a = `${formatDate(startMs)} ${formatClock(startMs, true)}`;
  const b = sameDay ? formatClock(endMs, true) : `${formatDate(endMs)} ${formatClock(endMs, true)}`;
  return `${a} – ${b}`;
}

/** Duration like "1 h 30 min", "45 s", "2 d 3 h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

let localeWarm = false;

/**
 * Runs the first Intl call soon, off the paint's path: its first use loads the locale's data
 * (tens of ms, profiled under localZoneLabel in the render before the heatmap's first paint).
 * Called when the matrix request leaves, while the main thread waits for the network.
 */
export function warmLocale(): void {
  if (localeWarm) return;
  localeWarm = true;
  setTimeout(() => void localZoneLabel(), 0);
}

/** The local zone, e.g. "UTC+01:00 (Europe/Berlin)", for the axis caption. */
export function localZoneLabel(atMs = Date.now()): string {
  const off = -new Date(atMs).getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  const name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const utc = `UTC${sign}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
  return name ? `${utc} (${name})` : utc;
}

/**
 * The exact digits of cell i: the kept decimal string for a cell at or above 2^53, else the
 * double (exact below 2^53). Display and CSV use this, never the double above 2^53.
 */
export function cellDigits(
  m: { values: Float64Array; exactValues?: Map<number, string> },
  i: number,
): string {
  const e = m.exactValues?.get(i);
  if (e !== undefined) return e;
  const v = m.values[i];
  return Number.isFinite(v) ? String(Math.trunc(v)) : '0';
}

/**
 * The largest cell's exact digits: `max` is a double, so above 2^53 the kept decimal strings
 * are compared instead (longer is larger; equal lengths compare as text).
 */
export function largestCellDigits(m: { max: number; exactValues?: Map<number, string> }): string {
  let best = Number.isFinite(m.max) ? String(Math.trunc(m.max)) : '0';
  if (!m.exactValues) return best;
  best = '0';
  for (const d of m.exactValues.values()) {
    if (d.length > best.length || (d.length === best.length && d > best)) best = d;
  }
  return best;
}
