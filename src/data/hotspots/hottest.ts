// "Go to hottest cell": a module of its own, so the page's first paint carries it without the
// detection code (which runs in a worker, see detect.worker.ts).
import type { Matrix } from '../matrix.ts';

/** The hottest cell of the matrix (first in row-major order on ties); null when all are 0. */
export function hottestCell(m: Matrix): { row: number; col: number; value: number } | null {
  const v = m.values;
  let best = -1;
  let at = -1;
  for (let i = 0; i < v.length; i++) {
    if (v[i] > best) {
      best = v[i];
      at = i;
    }
  }
  if (at < 0 || best <= 0) return null;
  return { row: Math.floor(at / m.colCount), col: at % m.colCount, value: best };
}
