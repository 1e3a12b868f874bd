// cellAtAnchor: where "go to the hottest cell" puts the keyboard cursor in the matrix shown
// (the same keys and time in a refetched or filtered matrix, whose indexes differ).
import { describe, expect, it } from 'vitest';
import { cellAtAnchor, cellInView } from '../../src/data/hitTest.ts';
import { columnEdges } from '../../src/data/view/index.ts';
import { key, makeMatrix } from '../helpers/viewMatrix.ts';

const STEP = 60_000;
const T0 = 1_800_000_000_000;
const cols = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => T0 + (from + i + 1) * STEP);

describe('cellAtAnchor', () => {
  const m = makeMatrix(
    [
      { start: 'a', end: 'c' },
      { start: 'c', end: 'f' },
      { start: 'f', end: 'k' },
      { start: 'k', end: '' },
    ],
    cols(10),
  );
  const edges = columnEdges(m.columns, STEP);

  it('finds the row holding the start key and the column holding the mid time', () => {
    // Column 6 spans (T0 + 6 step, T0 + 7 step].
    const a = { t0: T0 + 6 * STEP, t1: T0 + 7 * STEP, startKey: key('d'), endKey: key('e') };
    expect(cellAtAnchor(m, edges, a)).toEqual({ row: 1, col: 6 });
  });

  it('a wider key range picks its first row', () => {
    const a = { t0: T0, t1: T0 + STEP, startKey: key('g'), endKey: new Uint8Array(0) };
    expect(cellAtAnchor(m, edges, a)).toEqual({ row: 2, col: 0 });
  });

  it('a time outside the columns goes to the nearest one', () => {
    const late = { t0: T0 + 50 * STEP, t1: T0 + 51 * STEP, startKey: key('a'), endKey: key('b') };
    expect(cellAtAnchor(m, edges, late)).toEqual({ row: 0, col: 9 });
    const early = { t0: T0 - 9 * STEP, t1: T0 - 8 * STEP, startKey: key('a'), endKey: key('b') };
    expect(cellAtAnchor(m, edges, early)).toEqual({ row: 0, col: 0 });
  });

  it('null when no row holds the keys, or the matrix is empty', () => {
    const filtered = makeMatrix([{ start: 'k', end: '' }], cols(10));
    const a = { t0: T0, t1: T0 + STEP, startKey: key('a'), endKey: key('b') };
    expect(cellAtAnchor(filtered, columnEdges(filtered.columns, STEP), a)).toBeNull();
    const empty = makeMatrix([], cols(0));
    expect(cellAtAnchor(empty, columnEdges(empty.columns, STEP), a)).toBeNull();
  });
});

describe('cellInView', () => {
  const edges = columnEdges(Float64Array.from(cols(10)), STEP);
  // Rows 2.5 .. 5 and columns 3 .. 6 of a 10 x 10 matrix.
  const view = { t0: T0 + 3 * STEP, t1: T0 + 7 * STEP, r0: 2.5, r1: 5 };

  it('a cell partly shown is in view', () => {
    expect(cellInView(view, { row: 2, col: 3 }, edges)).toBe(true);
    expect(cellInView(view, { row: 4, col: 6 }, edges)).toBe(true);
  });

  it('a cell past any edge is not', () => {
    expect(cellInView(view, { row: 1, col: 4 }, edges)).toBe(false);
    expect(cellInView(view, { row: 5, col: 4 }, edges)).toBe(false);
    expect(cellInView(view, { row: 3, col: 2 }, edges)).toBe(false);
    expect(cellInView(view, { row: 3, col: 7 }, edges)).toBe(false);
    expect(cellInView(view, { row: 3, col: 10 }, edges)).toBe(false);
  });
});
