// What Live needs and the first paint does not: loaded when the operator picks Live.
import { DEFAULT_MAX_COLUMNS, withNewerColumns } from '../../data/liveAppend.ts';
import type { Matrix } from '../../data/matrix.ts';
import { carryLoaded, loadedOf } from './windowedClient.ts';

export { LiveFollower } from './liveFollower.ts';
export { appendColumns, DEFAULT_MAX_COLUMNS } from '../../data/liveAppend.ts';
export { ArrayPool } from '../../data/arrayPool.ts';

/**
 * What a load's answer becomes under Live: with the live columns that came while it was on the
 * wire (withNewerColumns). Only a server's answer with an open end reaches the live edge: a zoom
 * into the past keeps its window (the stream's columns after it are drawn past a gap, as
 * before), and an opened record file is not topped up with the server's columns.
 */
export function newerColumnsCarry(
  windowMs: number | null,
  maxRows: number,
): (held: Matrix | null, fresh: Matrix) => Matrix {
  const opts = { windowMs, maxColumns: DEFAULT_MAX_COLUMNS, maxRows };
  return (held, fresh) => {
    const l = loadedOf(fresh);
    if (!held || l?.record || (l?.window.toMs ?? 0) !== 0) return fresh;
    const out = withNewerColumns(held, fresh, opts);
    carryLoaded(fresh, out);
    return out;
  };
}
