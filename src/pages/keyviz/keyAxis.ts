// Key-axis labels: the start key of a row, on as many rows as fit without crowding. Rows are
// evenly tall, so every k-th row gets a label, k chosen from the row height.

import type { RowMeta } from '../../data/matrix.ts';
import { describeKey, elideMiddle } from '../../data/keys.ts';

export interface KeyLabel {
  row: number;
  /** Top of the row, CSS px from the plot's top. */
  y: number;
  text: string;
  /** The whole display text (title / accessible description). */
  full: string;
}

export function keyAxisLabels(
  rows: readonly RowMeta[],
  heightPx: number,
  minGapPx: number,
  maxChars: number,
): KeyLabel[] {
  const n = rows.length;
  if (n === 0 || !(heightPx > 0)) return [];
  const rowH = heightPx / n;
  const every = Math.max(1, Math.ceil(minGapPx / rowH));
  const out: KeyLabel[] = [];
  // A label is one text line tall; none may hang below the plot.
  for (let r = 0; r < n && r * rowH + Math.min(rowH, minGapPx) <= heightPx + 0.5; r += every) {
    const d = describeKey(rows[r].start, 'start');
    const full = d.openEnd ?? d.display;
    out.push({ row: r, y: r * rowH, text: elideMiddle(full, maxChars), full });
  }
  return out;
}
