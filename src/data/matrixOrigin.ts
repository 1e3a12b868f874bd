// How a live-appended matrix was made from the one before it (liveAppend.ts), so work over the
// whole matrix (leader changes, timeEvents.ts) can carry the older matrix's result over and do
// only the new column. Weak both ways: an origin never keeps the older matrix alive.
import type { Matrix } from './matrix.ts';

export interface AppendOrigin {
  /** The matrix appended to (gone once nothing else holds it). */
  base: WeakRef<Matrix>;
  /** Its oldest columns dropped (the window slid): new column j is base column j + dropped. */
  dropped: number;
  /** The same rows in the same order (cells of kept columns are then the base's, unchanged). */
  sameRows: boolean;
}

const origins = new WeakMap<Matrix, AppendOrigin>();

export function setAppendOrigin(m: Matrix, o: AppendOrigin): void {
  origins.set(m, o);
}

export function appendOrigin(m: Matrix): AppendOrigin | undefined {
  return origins.get(m);
}
