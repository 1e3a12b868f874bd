// A matrix with one inferred split, one inferred merge and one gap, for the bucket
// page's events list (unit and browser tests). Bucket ids are the server's strings:
// `hostile` stands in for route 9's id to check they are shown as text only.
import type { Matrix } from '../../src/data/matrix.ts';
import { makeMatrix } from './viewMatrix.ts';

/** Columns: a 4 s pause after 4,000 (a gap before 9,000). */
export const EVENT_COLUMNS = [1000, 2000, 3000, 4000, 9000, 10000];

export function bucketEventsMatrix(ids: { split?: string } = {}): Matrix {
  return makeMatrix(
    [
      // Busy throughout; its higher keys [m, t) became route 9 at column 2.
      { start: 'a', end: 'm', id: 'route:1' },
      // New at column 2 with an id above every early one: the split's right half.
      { start: 'm', end: 't', id: ids.split ?? 'route:9' },
      // Busy throughout; its newest range [t, end) took in route 4.
      { start: 't', end: '', id: 'route:3' },
      // Last seen at column 1, inside route 3's newest range: merged into it.
      { start: 'w', end: '', id: 'route:4' },
    ],
    EVENT_COLUMNS,
    (r, c) => (r === 1 && c < 2 ? 0 : r === 3 && c > 1 ? 0 : 5),
  );
}
