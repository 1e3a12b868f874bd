// What Live needs and the first paint does not: loaded when the operator picks Live.
import { DEFAULT_MAX_COLUMNS, withNewerColumns } from '../../data/liveAppend.ts';
import type { Matrix } from '../../data/matrix.ts';
import { carryLoaded, loadedOf } from './windowedClient.ts';

export { LiveFollower } from './liveFollower.ts';
export { appendColumns, DEFAULT_MAX_COLUMNS } from '../../data/liveAppend.ts';
export { ArrayPool } from '../../data/arrayPool.ts';

/**
 * What a load's answer becomes under Live: with the live columns that came while it was on the
 * wire (withNewerColumns). An answer with an open end takes every newer one; a window that ends
 * (a zoom into the past) only those before its end, the stream's later columns being drawn past
 * the hole where the window ends (a gap not loaded at this zoom, timeEvents.ts). An opened record
 * file is not topped up with the server's columns.
 */
export function newerColumnsCarry(
  windowMs: number | null,
  maxRows: number,
): (held: Matrix | null, fresh: Matrix) => Matrix {
  const opts = { windowMs, maxColumns: DEFAULT_MAX_COLUMNS, maxRows };
  return (held, fresh) => {
    const l = loadedOf(fresh);
    if (!held || l?.record) return fresh;
    const out = withNewerColumns(held, fresh, opts, l?.window.toMs || Infinity);
    carryLoaded(fresh, out);
    return out;
  };
}
