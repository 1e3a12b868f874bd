// Breaks in the key axis: places where the rows leave key space out (one row's end is not the
// next row's start, nor covered by an earlier row). The node's row budget keeps the busiest
// buckets only, and a bucket with no traffic in the window has no row, so a view of fewer rows
// than buckets skips whole stretches of keys. The axis marks each one (issue 15). Pure.
import { describeKey } from '../keys.ts';
import { compareKeys } from './keyOrder.ts';

export interface KeyBreak {
  /** The row just after the break: 0 = before the first row, rows.length = after the last. */
  row: number;
  /** First key not shown (the end of what rows above cover; empty = the low end). */
  from: Uint8Array;
  /** First key shown again (a row's start; empty = the unbounded tail). */
  to: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** An exclusive end compared with a start: empty ends are +inf. */
function endBeforeStart(end: Uint8Array, start: Uint8Array): boolean {
  return end.length > 0 && compareKeys(end, start) < 0;
}

/** Rows in key order (start ascending) -> the stretches of key space no row covers. */
export function keyBreaks(rows: readonly { start: Uint8Array; end: Uint8Array }[]): KeyBreak[] {
  const out: KeyBreak[] = [];
  if (rows.length === 0) return out;
  // Rows can overlap (a split inside the window shows parent and children): track coverage.
  let covered: Uint8Array | null = null; // null: nothing yet
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (covered === null ? r.start.length > 0 : endBeforeStart(covered, r.start)) {
      out.push({ row: i, from: covered ?? EMPTY, to: r.start });
    }
    if (covered === null) covered = r.end;
    else if (covered.length > 0 && (r.end.length === 0 || compareKeys(r.end, covered) > 0)) {
      covered = r.end;
    }
  }
  if (covered !== null && covered.length > 0)
    out.push({ row: rows.length, from: covered, to: EMPTY });
  return out;
}

/**
 * What a break mark says (its title and accessible name). `leftOut`: buckets with traffic the
 * budget left out in all (tracked_buckets - rows), when the server said; otherwise the reason
 * stays open (a bucket without traffic in the window has no row either).
 */
export function breakText(b: KeyBreak, leftOut: number | undefined): string {
  return withReason(`Keys from ${fromOf(b)} up to ${toOf(b)} are not shown`, leftOut);
}

const fromOf = (b: KeyBreak) =>
  b.from.length === 0 ? 'the low end' : describeKey(b.from, 'start').display;
const toOf = (b: KeyBreak) =>
  b.to.length === 0 ? 'the end of the key space' : describeKey(b.to, 'start').display;

/** A mark's words after its head: why the keys are missing (the budget's count where known). */
function withReason(head: string, leftOut: number | undefined): string {
  if (leftOut !== undefined && leftOut > 0) {
    return (
      `${head}: the row budget left out ${leftOut.toLocaleString('en-US')} ` +
      `bucket${leftOut === 1 ? '' : 's'} with traffic in this window (here or at other breaks), ` +
      `and keys without traffic have no row. "Whole key space" folds them into rows.`
    );
  }
  return `${head}: no traffic there in this window, or left out by the row budget.`;
}

/** Marks closer than this (px) share one (a glyph is 11 px tall with its border). */
export const BREAK_CLUSTER_PX = 14;

/**
 * Marks in screen order grouped where they would overlap: each group runs while the next mark is
 * within `minGapPx` of the previous one. A dense stretch (a view of few rows over many buckets)
 * becomes one mark with a count, not a block of lines over the row labels; zooming in separates
 * them. `ys` ascending; returns index ranges [first, last] into it.
 */
export function clusterMarks(
  ys: readonly number[],
  minGapPx = BREAK_CLUSTER_PX,
): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < ys.length; i++) {
    const g = out[out.length - 1];
    if (g && ys[i] - ys[g[1]] < minGapPx) g[1] = i;
    else out.push([i, i]);
  }
  return out;
}

/** What a mark standing for several breaks says: how many, from where to where, and why. */
export function clusterText(group: readonly KeyBreak[], leftOut: number | undefined): string {
  if (group.length === 1) return breakText(group[0], leftOut);
  return withReason(
    `${group.length} places close together where keys are not shown, between ` +
      `${fromOf(group[0])} and ${toOf(group[group.length - 1])} (zoom in to tell them apart)`,
    leftOut,
  );
}
