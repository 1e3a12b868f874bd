// Matrices whose cells are read after newer ones have replaced them: a live session's array pool
// (arrayPool.ts) never reuses their arrays. A module of its own: the heatmap's first paint marks
// matrices (hot-spot code) without carrying the pool, which loads with Live.
import type { Matrix } from './matrix.ts';

const held = new WeakSet<object>();

/** Marks a matrix's arrays as never reused: for code that reads an older matrix's cells later. */
export function holdArrays(
  m: Pick<Matrix, 'values' | 'raftGroupIds' | 'leaderTerms' | 'conflicts'>,
): void {
  for (const key of ['values', 'raftGroupIds', 'leaderTerms', 'conflicts'] as const) {
    // A field still behind its lazy decoder (decodeMatrix.ts) is not read: that would decode
    // it here in one long task; once decoded it is a fresh array no pool ever handed out.
    const d = Object.getOwnPropertyDescriptor(m, key);
    const a = d && 'value' in d ? (d.value as object | null) : null;
    if (a) held.add(a);
  }
}

export function isHeld(a: object): boolean {
  return held.has(a);
}
