// Keyboard access to the heatmap: a cell cursor moved by arrow/page/home/end keys, a view that
// follows it, and the sentence an aria-live region reads for the cell.

import type { Matrix, Series } from '../matrix.ts';
import { isByteSeries } from '../matrix.ts';
import { describeKey, elideMiddle } from '../keys.ts';
import { formatClock, formatInt, formatValue } from '../format.ts';
import { columnEdges } from './gaps.ts';
import type { Viewport } from './viewport.ts';

export interface CellCursor {
  r: number;
  c: number;
}

export type CursorKey =
  'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight' | 'PageUp' | 'PageDown' | 'Home' | 'End';

const CURSOR_KEYS: ReadonlySet<string> = new Set([
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  'PageUp',
  'PageDown',
  'Home',
  'End',
]);

/** Narrows KeyboardEvent.key to the keys the cursor handles. */
export function isCursorKey(key: string): key is CursorKey {
  return CURSOR_KEYS.has(key);
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/**
 * The cursor after a key press, clamped to the matrix. PageUp/PageDown move by the number of
 * visible rows (at least one); Home/End go to the first/last column. An empty matrix gives
 * {r: 0, c: 0}.
 */
export function moveCursor(
  cursor: CellCursor,
  key: CursorKey,
  view: Pick<Viewport, 'r0' | 'r1'>,
  matrix: Pick<Matrix, 'rowCount' | 'colCount'>,
): CellCursor {
  const maxR = Math.max(0, matrix.rowCount - 1);
  const maxC = Math.max(0, matrix.colCount - 1);
  const page = Math.max(1, Math.floor(view.r1 - view.r0));
  let { r, c } = cursor;
  switch (key) {
    case 'ArrowUp':
      r -= 1;
      break;
    case 'ArrowDown':
      r += 1;
      break;
    case 'ArrowLeft':
      c -= 1;
      break;
    case 'ArrowRight':
      c += 1;
      break;
    case 'PageUp':
      r -= page;
      break;
    case 'PageDown':
      r += page;
      break;
    case 'Home':
      c = 0;
      break;
    case 'End':
      c = maxC;
      break;
  }
  return { r: clamp(Math.round(r), 0, maxR), c: clamp(Math.round(c), 0, maxC) };
}

/**
 * The view moved (never resized) just enough that the cursor's cell is fully visible; the
 * column's time extent comes from `edges` (gaps.ts). Unchanged (same object) when it already is.
 */
export function ensureVisible(
  view: Viewport,
  cursor: CellCursor,
  edges: { x0: Float64Array; x1: Float64Array },
): Viewport {
  let { t0, t1, r0, r1 } = view;
  const tSpan = t1 - t0;
  const rSpan = r1 - r0;
  if (cursor.r < r0) {
    r0 = cursor.r;
    r1 = r0 + rSpan;
  } else if (cursor.r + 1 > r1) {
    r1 = cursor.r + 1;
    r0 = r1 - rSpan;
  }
  if (cursor.c >= 0 && cursor.c < edges.x0.length) {
    const a = edges.x0[cursor.c];
    const b = edges.x1[cursor.c];
    if (a < t0) {
      t0 = a;
      t1 = t0 + tSpan;
    } else if (b > t1) {
      t1 = b;
      t0 = t1 - tSpan;
    }
  }
  if (t0 === view.t0 && r0 === view.r0) return view;
  return { t0, t1, r0, r1 };
}

/** "1.2 k writes", "3.4 MiB read", "17 reads". */
export function formatSeriesValue(v: number, series: Series): string {
  const s = formatValue(v, series);
  if (isByteSeries(series)) return `${s} ${series === 'write_bytes' ? 'written' : 'read'}`;
  return s.replace(/ops$/, series);
}

/**
 * The aria-live sentence for a cell, e.g.
 * "Row 12 of 1024, !redis|str|user:1…, redis, 07:12–07:13, 1.2 k writes".
 * Times are local clock times of the column's extent. Out of range: "No cell".
 */
export function announceCell(
  matrix: Matrix,
  r: number,
  c: number,
  series: Series,
  opts: {
    stepMs?: number;
    maxKeyChars?: number;
    edges?: { x0: Float64Array; x1: Float64Array };
  } = {},
): string {
  if (!(r >= 0 && r < matrix.rowCount && c >= 0 && c < matrix.colCount)) return 'No cell';
  const row = matrix.rows[r];
  const d = describeKey(row.start, 'start');
  const key =
    d.openEnd === '-inf' ? 'start of key space' : elideMiddle(d.display, opts.maxKeyChars ?? 32);
  const edges = opts.edges ?? columnEdges(matrix.columns, opts.stepMs ?? 0, matrix.columnWidths);
  const parts = [`Row ${formatInt(r + 1)} of ${formatInt(matrix.rowCount)}`, key];
  if (row.label) parts.push(row.label);
  if (row.aggregate) parts.push(`${formatInt(row.routeCount)} routes`);
  parts.push(`${formatClock(edges.x0[c])}–${formatClock(edges.x1[c])}`);
  parts.push(formatSeriesValue(matrix.values[r * matrix.colCount + c], series));
  return parts.join(', ');
}
