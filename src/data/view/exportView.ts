// Export of the visible window: CSV (RFC 4180) and file names for CSV / PNG downloads.
// Keys, labels and bucket ids are written as the page displays them (keys.ts displayKey,
// displayText), so what one copies from the page matches the file; cells that a spreadsheet would run as a formula are defused.

import type { Matrix, Series } from '../matrix.ts';
import { cellDigits } from '../format.ts';
import { displayKey, displayText } from '../keys.ts';
import { columnEdges, columnRange } from './gaps.ts';
import type { Viewport } from './viewport.ts';

/** Quotes a field when needed (comma, quote, CR, LF) and defuses formula starts with "'". */
export function csvField(s: string): string {
  // = + - @ start a formula in Excel/Sheets/LibreOffice; tab and CR are also interpreted there.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Row and column index ranges of the matrix inside a view (whole matrix when view is null). */
export function viewIndexRange(
  matrix: Matrix,
  view: Viewport | null,
  stepMs = 0,
): { r0: number; r1: number; c0: number; c1: number } {
  if (view === null) return { r0: 0, r1: matrix.rowCount, c0: 0, c1: matrix.colCount };
  const r0 = Math.max(0, Math.min(matrix.rowCount, Math.floor(view.r0)));
  const r1 = Math.max(r0, Math.min(matrix.rowCount, Math.ceil(view.r1)));
  const { c0, c1 } = columnRange(
    columnEdges(matrix.columns, stepMs, matrix.columnWidths),
    view.t0,
    view.t1,
  );
  return { r0, r1, c0, c1 };
}

/**
 * The visible window as CSV: header `bucket_id,start,end,label,<flush time ISO>...`, one line per
 * row, CRLF line ends. Open key ends are empty cells (empty start = low end, empty end = tail).
 */
export function matrixToCsv(matrix: Matrix, view: Viewport | null, stepMs = 0): string {
  const { r0, r1, c0, c1 } = viewIndexRange(matrix, view, stepMs);
  const C = matrix.colCount;
  const head = ['bucket_id', 'start', 'end', 'label'];
  for (let c = c0; c < c1; c++) head.push(new Date(matrix.columns[c]).toISOString());
  const lines = [head.map(csvField).join(',')];
  for (let r = r0; r < r1; r++) {
    const row = matrix.rows[r];
    const cells = [
      csvField(displayText(row.bucketId)),
      csvField(displayKey(row.start)),
      csvField(displayKey(row.end)),
      csvField(displayText(row.label)),
    ];
    // Every digit: the kept exact string for a cell at or above 2^53.
    for (let c = c0; c < c1; c++) cells.push(cellDigits(matrix, r * C + c));
    lines.push(cells.join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** "2026-11-24T0712Z": compact UTC minute, safe in file names on every OS. */
export function fileStamp(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown-time';
  const iso = new Date(ms).toISOString(); // 2026-11-24T07:12:34.567Z
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

function baseName(view: Pick<Viewport, 't1'>, series: Series): string {
  return `keyviz-${series.replace(/_/g, '-')}-${fileStamp(view.t1)}`;
}

/** e.g. "keyviz-writes-2026-11-24T0712Z.png", stamped with the view's end time. */
export function pngFileName(view: Pick<Viewport, 't1'>, series: Series): string {
  return `${baseName(view, series)}.png`;
}

/** e.g. "keyviz-write-bytes-2026-11-24T0712Z.csv". */
export function csvFileName(view: Pick<Viewport, 't1'>, series: Series): string {
  return `${baseName(view, series)}.csv`;
}
