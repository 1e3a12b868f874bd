// The "explore" half of the page's view state (issue 4): brightness, scale, palette, time range,
// zoom and filter, as pure actions over ViewState, plus the zoom Back stack and the time window a
// range asks the server for. Everything here lands in the URL through urlState.ts.

import type { Palette } from '../../data/colorRamp.ts';
import { BRIGHTNESS_STEPS, type ScaleKind } from '../../data/scale.ts';
import {
  formatBrightness,
  RANGE_MS,
  type TimeRange,
  type ViewState,
  type ZoomState,
} from '../../data/urlState.ts';
import { fetchWindowFor, type FetchWindow } from '../../data/view/index.ts';

export type HeatmapAction =
  | { type: 'brightness'; brightness: number }
  | { type: 'scale'; scale: ScaleKind }
  | { type: 'palette'; palette: Palette }
  /** A new range drops the zoom: the old zoom's window may lie outside it. */
  | { type: 'range'; range: TimeRange }
  | { type: 'zoom'; zoom: ZoomState | null }
  | { type: 'filter'; filter: string };

export function sameZoom(a: ZoomState | null, b: ZoomState | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.fromMs === b.fromMs &&
    a.toMs === b.toMs &&
    (a.startKeyHex ?? '') === (b.startKeyHex ?? '') &&
    (a.endKeyHex ?? '') === (b.endKeyHex ?? '')
  );
}

function sameRange(a: TimeRange, b: TimeRange): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.fromMs === b.fromMs && a.toMs === b.toMs;
}

export function exploreReducer(s: ViewState, a: HeatmapAction): ViewState {
  switch (a.type) {
    case 'brightness':
      return s.brightness === a.brightness ? s : { ...s, brightness: a.brightness };
    case 'scale':
      return s.scale === a.scale ? s : { ...s, scale: a.scale };
    case 'palette':
      return s.palette === a.palette ? s : { ...s, palette: a.palette };
    case 'range':
      return sameRange(s.range, a.range) ? s : { ...s, range: a.range, zoom: null };
    case 'zoom':
      return sameZoom(s.zoom, a.zoom) ? s : { ...s, zoom: a.zoom };
    case 'filter':
      return s.filter === a.filter ? s : { ...s, filter: a.filter };
  }
}

// --- brightness: a slider over powers of two ---

// Slider positions -BRIGHTNESS_STEPS..BRIGHTNESS_STEPS <-> brightness 2^step (see scale.ts).

export function brightnessToStep(b: number): number {
  const e = Math.round(Math.log2(b > 0 && Number.isFinite(b) ? b : 1));
  return Math.max(-BRIGHTNESS_STEPS, Math.min(BRIGHTNESS_STEPS, e));
}

export function stepToBrightness(step: number): number {
  const e = Math.max(-BRIGHTNESS_STEPS, Math.min(BRIGHTNESS_STEPS, Math.round(step)));
  return 2 ** e;
}

/** "1x", "4x", "1/8x": the URL's spelling, plus "x". */
export function brightnessLabel(b: number): string {
  return `${formatBrightness(b)}x`;
}

// --- time range -> request window ---

/**
 * The flush-time window a range asks for at `nowMs` ([from, to), 0 = open). Presets keep an open
 * end so auto refresh brings new columns; they are re-evaluated at every request.
 */
export function rangeWindow(range: TimeRange, nowMs: number): FetchWindow {
  if (typeof range !== 'string') return { fromMs: range.fromMs, toMs: range.toMs };
  const span = RANGE_MS[range];
  return span === null ? { fromMs: 0, toMs: 0 } : { fromMs: Math.max(1, nowMs - span), toMs: 0 };
}

/** The value of the "Time range" select for a range. */
export function rangeSelectValue(range: TimeRange): string {
  return typeof range === 'string' ? range : 'custom';
}

/** Unix ms -> the `datetime-local` input's local "YYYY-MM-DDTHH:MM". */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A custom range from two datetime-local values, or an error to show. */
export function parseCustomRange(
  from: string,
  to: string,
): { ok: true; range: { fromMs: number; toMs: number } } | { ok: false; error: string } {
  const a = from ? new Date(from).getTime() : NaN;
  const b = to ? new Date(to).getTime() : NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    return { ok: false, error: 'Enter both a start and an end time.' };
  }
  if (!(b > a)) return { ok: false, error: 'The end must be after the start.' };
  return { ok: true, range: { fromMs: a, toMs: b } };
}

// --- the zoom Back stack (zooms are stored as time + key anchors, so they survive refetches) ---

export interface ZoomStack {
  readonly past: readonly (ZoomState | null)[];
}

export const ZOOM_STACK_LIMIT = 64;

export function zoomStackPush(s: ZoomStack, previous: ZoomState | null): ZoomStack {
  const past = [...s.past, previous];
  return { past: past.length > ZOOM_STACK_LIMIT ? past.slice(-ZOOM_STACK_LIMIT) : past };
}

/** The zoom to go back to and the stack without it; null when there is none. */
export function zoomStackPop(s: ZoomStack): { zoom: ZoomState | null; stack: ZoomStack } | null {
  if (s.past.length === 0) return null;
  return { zoom: s.past[s.past.length - 1], stack: { past: s.past.slice(0, -1) } };
}

// --- what to ask the server for ---

/** What the feed asks for: the time range (evaluated per request) or a zoom's window. */
export type WindowAsk = { kind: 'range'; range: TimeRange } | { kind: 'zoom'; window: FetchWindow };

export function sameAsk(a: WindowAsk, b: WindowAsk): boolean {
  if (a.kind === 'range' && b.kind === 'range') {
    return sameRange(a.range, b.range);
  }
  if (a.kind === 'zoom' && b.kind === 'zoom') {
    return a.window.fromMs === b.window.fromMs && a.window.toMs === b.window.toMs;
  }
  return false;
}

/**
 * Whether a refetch on the wire for `inFlight` already serves `next`, so it should be kept, not
 * re-aimed: both are a followed zoom's open-ended windows (toMs = 0) and the one in flight starts
 * no later. A zoom at the live edge moves with every live column; re-aiming its refetch each time
 * cancels it, and on a server slower than one step none would ever land. The live columns that
 * come meanwhile are carried onto its answer (newerColumnsCarry).
 */
export function keepsInFlight(inFlight: WindowAsk, next: WindowAsk): boolean {
  return (
    inFlight.kind === 'zoom' &&
    next.kind === 'zoom' &&
    inFlight.window.toMs === 0 &&
    next.window.toMs === 0 &&
    inFlight.window.fromMs <= next.window.fromMs
  );
}

/**
 * The ask for a view: unzoomed, the range; zoomed, the zoom's time window with a margin at full
 * resolution, unless the data already loaded covers it and is not much wider (then `current`).
 */
export function askFor(
  range: TimeRange,
  zoom: ZoomState | null,
  current: WindowAsk,
  loaded: FetchWindow | null,
  columns: Float64Array,
  stepMs: number,
  nowMs = Date.now(),
): WindowAsk {
  if (!zoom) return { kind: 'range', range };
  const vp = { t0: zoom.fromMs, t1: zoom.toMs, r0: 0, r1: 1 };
  // Only data fetched with an open end knows where the newest column is; before any data (a
  // link), a zoom ending within two steps of now is taken to be at the live edge.
  const live = loaded
    ? loaded.toMs === 0 && atLiveEdge(zoom, columns, stepMs)
    : typeof range === 'string' && zoom.toMs >= nowMs - 2 * stepMs;
  const w = fetchWindowFor(vp, loaded ? columns : new Float64Array(0), stepMs, {
    loaded: loaded ?? rangeWindow(range, nowMs),
    liveEdge: live,
  });
  return w ? { kind: 'zoom', window: w } : current;
}

/**
 * A zoom reaching the newest column of `columns` (which must come from an open-ended fetch): it
 * asks with an open end and follows new columns.
 */
export function atLiveEdge(zoom: ZoomState, columns: Float64Array, stepMs: number): boolean {
  const n = columns.length;
  return n > 0 && zoom.toMs >= columns[n - 1] - stepMs / 2;
}

/**
 * The zoom after auto refresh brought columns up to `newEnd` (a flush time): a zoom that reached
 * the old newest column moves with the new one, keeping its span and key range; any other zoom
 * stays. Null when nothing moves.
 */
export function followZoom(
  zoom: ZoomState,
  oldEnd: number,
  newEnd: number,
  stepMs: number,
): ZoomState | null {
  if (!(newEnd > oldEnd) || zoom.toMs < oldEnd - stepMs / 2) return null;
  const d = newEnd - Math.min(zoom.toMs, oldEnd);
  return { ...zoom, fromMs: zoom.fromMs + d, toMs: zoom.toMs + d };
}
