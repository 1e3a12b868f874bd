import { describe, expect, it } from 'vitest';
import {
  announceCell,
  ensureVisible,
  formatSeriesValue,
  isCursorKey,
  moveCursor,
} from '../../src/data/view/cellCursor.ts';
import { columnEdges } from '../../src/data/view/gaps.ts';
import { formatClock } from '../../src/data/format.ts';
import { makeMatrix } from '../helpers/viewMatrix.ts';

const S = 60_000;
const T = Date.UTC(2026, 10, 24, 7, 13);
const m = makeMatrix(
  Array.from({ length: 20 }, (_, i) => ({ start: `k${String(i).padStart(2, '0')}` })),
  Array.from({ length: 10 }, (_, c) => T + c * S),
  (r, c) => r * 1000 + c,
);
const view = { t0: T - S, t1: T + 4 * S, r0: 5, r1: 10 }; // 5 rows, columns 0..4

describe('moveCursor', () => {
  it('arrows move one cell and clamp at the edges', () => {
    expect(moveCursor({ r: 3, c: 3 }, 'ArrowUp', view, m)).toEqual({ r: 2, c: 3 });
    expect(moveCursor({ r: 3, c: 3 }, 'ArrowDown', view, m)).toEqual({ r: 4, c: 3 });
    expect(moveCursor({ r: 3, c: 3 }, 'ArrowLeft', view, m)).toEqual({ r: 3, c: 2 });
    expect(moveCursor({ r: 3, c: 3 }, 'ArrowRight', view, m)).toEqual({ r: 3, c: 4 });
    expect(moveCursor({ r: 0, c: 0 }, 'ArrowUp', view, m)).toEqual({ r: 0, c: 0 });
    expect(moveCursor({ r: 0, c: 0 }, 'ArrowLeft', view, m)).toEqual({ r: 0, c: 0 });
    expect(moveCursor({ r: 19, c: 9 }, 'ArrowDown', view, m)).toEqual({ r: 19, c: 9 });
    expect(moveCursor({ r: 19, c: 9 }, 'ArrowRight', view, m)).toEqual({ r: 19, c: 9 });
  });
  it('PageUp/PageDown jump a visible page of rows', () => {
    expect(moveCursor({ r: 7, c: 1 }, 'PageDown', view, m)).toEqual({ r: 12, c: 1 });
    expect(moveCursor({ r: 7, c: 1 }, 'PageUp', view, m)).toEqual({ r: 2, c: 1 });
    expect(moveCursor({ r: 17, c: 1 }, 'PageDown', view, m)).toEqual({ r: 19, c: 1 });
    // A view shorter than a row still moves by one.
    expect(moveCursor({ r: 7, c: 1 }, 'PageDown', { r0: 7, r1: 7.5 }, m)).toEqual({ r: 8, c: 1 });
  });
  it('Home/End: first/last column', () => {
    expect(moveCursor({ r: 4, c: 5 }, 'Home', view, m)).toEqual({ r: 4, c: 0 });
    expect(moveCursor({ r: 4, c: 5 }, 'End', view, m)).toEqual({ r: 4, c: 9 });
  });
  it('an empty matrix pins the cursor at 0,0; an out-of-range cursor is pulled back', () => {
    expect(moveCursor({ r: 5, c: 5 }, 'ArrowDown', view, { rowCount: 0, colCount: 0 })).toEqual({
      r: 0,
      c: 0,
    });
    expect(moveCursor({ r: 99, c: -4 }, 'ArrowUp', view, m)).toEqual({ r: 19, c: 0 });
  });
  it('isCursorKey narrows KeyboardEvent.key', () => {
    expect(isCursorKey('PageDown')).toBe(true);
    expect(isCursorKey('a')).toBe(false);
  });
});

describe('ensureVisible', () => {
  const edges = columnEdges(m.columns, S);
  it('returns the same view when the cell is visible', () => {
    expect(ensureVisible(view, { r: 6, c: 2 }, edges)).toBe(view);
  });
  it('pans down/up so the row is inside, keeping the span', () => {
    expect(ensureVisible(view, { r: 12, c: 2 }, edges)).toEqual({ ...view, r0: 8, r1: 13 });
    expect(ensureVisible(view, { r: 1, c: 2 }, edges)).toEqual({ ...view, r0: 1, r1: 6 });
  });
  it('pans in time so the column extent is inside', () => {
    const v = ensureVisible(view, { r: 6, c: 7 }, edges);
    expect(v.t1).toBe(edges.x1[7]);
    expect(v.t1 - v.t0).toBe(view.t1 - view.t0);
    const w = ensureVisible({ ...view, t0: T + 3 * S, t1: T + 8 * S }, { r: 6, c: 1 }, edges);
    expect(w.t0).toBe(edges.x0[1]);
  });
  it('a following sequence of moves always ends with a visible cursor', () => {
    let v = view;
    let cur = { r: 7, c: 2 };
    const keys = [
      'PageDown',
      'PageDown',
      'End',
      'ArrowUp',
      'Home',
      'PageUp',
      'PageUp',
      'PageUp',
    ] as const;
    for (const k of keys) {
      cur = moveCursor(cur, k, v, m);
      v = ensureVisible(v, cur, edges);
      expect(cur.r).toBeGreaterThanOrEqual(v.r0);
      expect(cur.r + 1).toBeLessThanOrEqual(v.r1);
      expect(edges.x0[cur.c]).toBeGreaterThanOrEqual(v.t0);
      expect(edges.x1[cur.c]).toBeLessThanOrEqual(v.t1);
    }
  });
});

describe('announceCell', () => {
  it('reads row, key, time extent and value', () => {
    const text = announceCell(m, 11, 3, 'writes', { stepMs: S });
    expect(text).toBe(
      `Row 12 of 20, k11, ${formatClock(T + 2 * S)}–${formatClock(T + 3 * S)}, 11 k writes`,
    );
  });
  it('elides long keys, names labels, aggregates and the open start', () => {
    const mm = makeMatrix(
      [
        { start: '' },
        {
          start: '!redis|str|user:' + 'x'.repeat(80),
          label: 'redis',
          aggregate: true,
          routeCount: '1234',
        },
      ],
      [T],
      () => 1234,
    );
    expect(announceCell(mm, 0, 0, 'reads')).toMatch(/^Row 1 of 2, start of key space, /);
    const t = announceCell(mm, 1, 0, 'writes', { maxKeyChars: 20 });
    expect(t).toMatch(/^Row 2 of 2, !redis\|str…x+, redis, 1,234 routes, /);
    expect(t).toMatch(/, 1\.23 k writes$/);
  });
  it('out-of-range cells and empty matrices', () => {
    expect(announceCell(m, -1, 0, 'writes')).toBe('No cell');
    expect(announceCell(m, 0, 10, 'writes')).toBe('No cell');
    expect(announceCell(makeMatrix([], []), 0, 0, 'writes')).toBe('No cell');
  });
  it('series words', () => {
    expect(formatSeriesValue(17, 'reads')).toBe('17 reads');
    expect(formatSeriesValue(3 * 1024 * 1024, 'write_bytes')).toBe('3 MiB written');
    expect(formatSeriesValue(10, 'read_bytes')).toBe('10 B read');
  });
});
