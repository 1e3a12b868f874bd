// Matrices whose cells are read after newer ones have replaced them: a live session's array pool
// (arrayPool.ts) never reuses their arrays. A module of its own: the heatmap's first paint marks
// matrices (hot-spot code) without carrying the pool, which loads with Live.
import type { Matrix } from './matrix.ts';

const held = new WeakSet<object>();

/** Marks a matrix's arrays as never reused: for code that reads an older matrix's cells later. */
export function holdArrays(
  m: Pick<Matrix, 'values' | 'raftGroupIds' | 'leaderTerms' | 'conflicts'>,
): void {
  for (const a of [m.values, m.raftGroupIds, m.leaderTerms, m.conflicts]) if (a) held.add(a);
}

export function isHeld(a: object): boolean {
  return held.has(a);
}
