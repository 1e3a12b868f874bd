import { describe, expect, it } from 'vitest';
import {
  anchorOf,
  clampView,
  fetchWindowFor,
  fromZoomState,
  fullView,
  keyRangeOfRows,
  makeBounds,
  pan,
  rowsForKeyRange,
  sameScreenTransform,
  toZoomState,
  viewportFor,
  zoomAt,
  zoomToRect,
} from '../../src/data/view/viewport.ts';
import { parseViewState, serializeViewState, DEFAULT_VIEW } from '../../src/data/urlState.ts';
import { key, makeMatrix, tiledRows } from '../helpers/viewMatrix.ts';

const S = 60_000;
const T0 = 1_700_000_000_000;
// 1440 columns x 1024 rows worth of bounds.
const B = makeBounds(T0, T0 + 1440 * S, 1024, S);
const FULL = fullView(B);
const dec = new TextDecoder();

describe('bounds', () => {
  it('min span is the larger of 2 columns and extent/256, never above the extent', () => {
    expect(B.minSpanMs).toBe((1440 * S) / 256);
    expect(B.minRows).toBe(4);
    const small = makeBounds(0, 10 * S, 3, S);
    expect(small.minSpanMs).toBe(2 * S);
    expect(small.minRows).toBe(1);
    const one = makeBounds(0, S, 1, S);
    expect(one.minSpanMs).toBe(S);
    expect(one.minRows).toBe(1);
  });
  it('empty matrix: a zero extent that every operation keeps', () => {
    const b = makeBounds(0, 0, 0, 0);
    const v = fullView(b);
    expect(zoomAt(v, { t: 0, r: 0 }, 2, b)).toEqual({ t0: 0, t1: 0, r0: 0, r1: 0 });
    expect(pan(v, 5, 5, b)).toEqual({ t0: 0, t1: 0, r0: 0, r1: 0 });
  });
});

describe('zoomAt', () => {
  it('keeps the anchor at the same screen fraction', () => {
    const anchor = { t: T0 + 300 * S, r: 700 };
    const v = zoomAt(FULL, anchor, 4, B);
    expect(v.t1 - v.t0).toBeCloseTo((1440 * S) / 4);
    expect(v.r1 - v.r0).toBeCloseTo(256);
    const fracBefore = (anchor.t - FULL.t0) / (FULL.t1 - FULL.t0);
    expect((anchor.t - v.t0) / (v.t1 - v.t0)).toBeCloseTo(fracBefore, 10);
    expect((anchor.r - v.r0) / (v.r1 - v.r0)).toBeCloseTo(700 / 1024, 10);
  });
  it('zoom in then out by the same factor returns to the start (away from edges)', () => {
    const a = { t: T0 + 720 * S, r: 512 };
    const v = zoomAt(zoomAt(FULL, a, 3, B), a, 1 / 3, B);
    expect(v.t0).toBeCloseTo(FULL.t0, 3);
    expect(v.t1).toBeCloseTo(FULL.t1, 3);
    expect(v.r1).toBeCloseTo(1024, 9);
  });
  it('clamps to 256x and to the min rows', () => {
    const v = zoomAt(FULL, { t: T0 + 720 * S, r: 512 }, 1e6, B);
    expect((B.t1 - B.t0) / (v.t1 - v.t0)).toBeCloseTo(256);
    expect(v.r1 - v.r0).toBeCloseTo(4);
  });
  it('never zooms out past the extent, and stays inside it near an edge', () => {
    const v = zoomAt(FULL, { t: T0, r: 0 }, 0.1, B);
    expect(v).toEqual(FULL);
    const edge = zoomAt(
      zoomAt(FULL, { t: T0 + 10 * S, r: 1 }, 8, B),
      { t: T0 + 10 * S, r: 1 },
      0.5,
      B,
    );
    expect(edge.t0).toBeGreaterThanOrEqual(B.t0);
    expect(edge.r0).toBeGreaterThanOrEqual(0);
    expect(edge.t1).toBeLessThanOrEqual(B.t1);
  });
  it('per-axis factors: time only', () => {
    const v = zoomAt(FULL, { t: T0 + 720 * S, r: 512 }, { t: 2, r: 1 }, B);
    expect(v.r0).toBe(0);
    expect(v.r1).toBe(1024);
    expect(v.t1 - v.t0).toBe(720 * S);
  });
  it('ignores a bad factor', () => {
    expect(zoomAt(FULL, { t: T0, r: 0 }, NaN, B)).toEqual(FULL);
    expect(zoomAt(FULL, { t: T0, r: 0 }, 0, B)).toEqual(FULL);
  });
  it('a one-column matrix cannot zoom in time', () => {
    const b = makeBounds(0, S, 1, S);
    const v = zoomAt(fullView(b), { t: S / 2, r: 0.5 }, 8, b);
    expect(v).toEqual(fullView(b));
  });
});

describe('pan', () => {
  const z = zoomAt(FULL, { t: T0 + 720 * S, r: 512 }, 4, B);
  it('moves by dt/dr and keeps the span', () => {
    const v = pan(z, 10 * S, 5, B);
    expect(v.t0 - z.t0).toBe(10 * S);
    expect(v.r0 - z.r0).toBe(5);
    expect(v.t1 - v.t0).toBe(z.t1 - z.t0);
  });
  it('stops at the bounds without shrinking', () => {
    const v = pan(z, -1e12, -1e6, B);
    expect(v.t0).toBe(B.t0);
    expect(v.r0).toBe(0);
    expect(v.t1 - v.t0).toBeCloseTo(z.t1 - z.t0, 3);
    const w = pan(z, 1e12, 1e6, B);
    expect(w.t1).toBe(B.t1);
    expect(w.r1).toBe(1024);
  });
});

describe('zoomToRect', () => {
  it('shows the rectangle, corners in any order', () => {
    const v = zoomToRect(FULL, { t0: T0 + 200 * S, t1: T0 + 100 * S, r0: 300, r1: 200 }, B);
    expect(v).toEqual({ t0: T0 + 100 * S, t1: T0 + 200 * S, r0: 200, r1: 300 });
  });
  it('a click (zero size) keeps the view', () => {
    const r = { t0: T0 + 5, t1: T0 + 5, r0: 3, r1: 3 };
    expect(zoomToRect(FULL, r, B)).toBe(FULL);
  });
  it('a horizontal drag zooms time only', () => {
    const v = zoomToRect(FULL, { t0: T0 + 100 * S, t1: T0 + 200 * S, r0: 7, r1: 7 }, B);
    expect([v.r0, v.r1]).toEqual([0, 1024]);
    expect(v.t1 - v.t0).toBe(100 * S);
  });
  it('a tiny rectangle grows to the min span around its centre, clamped inside', () => {
    const v = zoomToRect(FULL, { t0: T0 + 100 * S, t1: T0 + 100 * S + 1, r0: 10, r1: 10.5 }, B);
    expect(v.t1 - v.t0).toBeCloseTo(B.minSpanMs);
    expect(v.r1 - v.r0).toBe(B.minRows);
    const edge = zoomToRect(FULL, { t0: T0, t1: T0 + 1, r0: 0, r1: 0.2 }, B);
    expect(edge.t0).toBe(T0);
    expect(edge.r0).toBe(0);
  });
  it('clampView shifts an out-of-bounds view inside', () => {
    const v = clampView({ t0: B.t1 - S, t1: B.t1 + 99 * S, r0: -5, r1: 5 }, B);
    expect(v).toEqual({ t0: B.t1 - 100 * S, t1: B.t1, r0: 0, r1: 10 });
  });
});

describe('zoom as time + key range (survives a refetch)', () => {
  const m = makeMatrix(tiledRows(['b', 'd', 'f', 'h']), [S, 2 * S]); // ['',b) [b,d) [d,f) [f,h) [h,'')
  it('keyRangeOfRows: floor/ceil to whole rows; open ends are empty', () => {
    const k = keyRangeOfRows(m, 1.5, 2.2);
    expect(dec.decode(k.startKey)).toBe('b');
    expect(dec.decode(k.endKey)).toBe('f');
    const all = keyRangeOfRows(m, 0, 5);
    expect([all.startKey.length, all.endKey.length]).toEqual([0, 0]);
    const none = keyRangeOfRows(makeMatrix([], []), 0, 3);
    expect([none.startKey.length, none.endKey.length]).toEqual([0, 0]);
  });
  it('keyRangeOfRows takes the widest end (an aggregate reaching further)', () => {
    const agg = makeMatrix(
      [
        { start: 'a', end: 'z', aggregate: true },
        { start: 'c', end: 'd' },
      ],
      [S],
    );
    expect(dec.decode(keyRangeOfRows(agg, 0, 2).endKey)).toBe('z');
  });
  it('rowsForKeyRange: rows intersecting the range', () => {
    expect(rowsForKeyRange(m, key('c'), key('e'))).toEqual({ r0: 1, r1: 3 });
    expect(rowsForKeyRange(m, key('d'), key('f'))).toEqual({ r0: 2, r1: 3 }); // half-open ends
    expect(rowsForKeyRange(m, new Uint8Array(0), new Uint8Array(0))).toEqual({ r0: 0, r1: 5 });
  });
  it('rowsForKeyRange with no intersecting row: empty range at the insertion point', () => {
    const gappy = makeMatrix(
      [
        { start: 'a', end: 'b' },
        { start: 'x', end: 'y' },
      ],
      [S],
    );
    expect(rowsForKeyRange(gappy, key('m'), key('n'))).toEqual({ r0: 1, r1: 1 });
    expect(rowsForKeyRange(gappy, key('z'), key('zz'))).toEqual({ r0: 2, r1: 2 });
  });
  it('sameScreenTransform: a refetch with split rows keeps the same keys and time on screen', () => {
    const view = { t0: S / 2, t1: 3 * S, r0: 1, r1: 3 }; // rows [b,d) [d,f)
    // After a split of [b,d) at c and a new row before: indexes shift, keys stay.
    const m2 = makeMatrix(tiledRows(['a', 'b', 'c', 'd', 'f', 'h']), [S, 2 * S, 3 * S]);
    const v2 = sameScreenTransform(view, m, m2);
    expect(v2).toEqual({ t0: S / 2, t1: 3 * S, r0: 2, r1: 5 });
    const k2 = keyRangeOfRows(m2, v2.r0, v2.r1);
    expect([dec.decode(k2.startKey), dec.decode(k2.endKey)]).toEqual(['b', 'f']);
    expect(sameScreenTransform(view, m, m)).toBe(view);
  });
  it('sameScreenTransform keeps fractional edges while the edge rows are unchanged', () => {
    // Auto refresh: same rows plus a new one at the top (indexes shift by one).
    const m2 = makeMatrix(tiledRows(['a', 'b', 'd', 'f', 'h']), [S, 2 * S]);
    const v = sameScreenTransform({ t0: 0, t1: S, r0: 1.25, r1: 3.5 }, m, m2);
    expect(v).toEqual({ t0: 0, t1: S, r0: 2.25, r1: 4.5 });
  });
  it('sameScreenTransform: a view of all rows stays all rows, whatever the new keys', () => {
    const m2 = makeMatrix(tiledRows(['0', 'a', 'b', 'd', 'f', 'h', 'z']), [S]);
    expect(sameScreenTransform({ t0: 0, t1: S, r0: 0, r1: 5 }, m, m2)).toEqual({
      t0: 0,
      t1: S,
      r0: 0,
      r1: 8,
    });
    const empty = makeMatrix([], []);
    expect(sameScreenTransform({ t0: 0, t1: S, r0: 1, r1: 2 }, m, empty)).toEqual({
      t0: 0,
      t1: S,
      r0: 0,
      r1: 0,
    });
  });
  it('viewportFor keeps at least one row when the range vanished', () => {
    const a = { t0: 0, t1: S, startKey: key('q'), endKey: key('r') };
    const two = makeMatrix(
      [
        { start: 'a', end: 'b' },
        { start: 'c', end: 'd' },
      ],
      [S],
    );
    expect(viewportFor(a, two)).toEqual({ t0: 0, t1: S, r0: 1, r1: 2 });
  });
  it('round-trips through the URL ZoomState with binary keys', () => {
    const anchor = anchorOf(
      { t0: 1000, t1: 5000, r0: 1, r1: 2 },
      makeMatrix(
        [{ start: '' }, { start: new Uint8Array([0, 0xff, 0x7c]), end: new Uint8Array([1]) }],
        [S],
      ),
    );
    const url = serializeViewState({ ...DEFAULT_VIEW, zoom: toZoomState(anchor) });
    const back = fromZoomState(parseViewState(url).zoom!);
    expect(back.t0).toBe(1000);
    expect(Array.from(back.startKey)).toEqual([0, 0xff, 0x7c]);
    expect(Array.from(back.endKey)).toEqual([1]);
    const open = toZoomState({
      t0: 1,
      t1: 2,
      startKey: new Uint8Array(0),
      endKey: new Uint8Array(0),
    });
    expect(open).toEqual({ fromMs: 1, toMs: 2 });
  });
});

describe('fetchWindowFor', () => {
  const columns = Float64Array.from({ length: 1440 }, (_, i) => T0 + (i + 1) * S);
  it('no refetch for the full view or a mild zoom', () => {
    expect(fetchWindowFor(FULL, columns, S)).toBeNull();
    const mild = zoomAt(FULL, { t: T0 + 720 * S, r: 512 }, 1.5, B);
    expect(fetchWindowFor(mild, columns, S)).toBeNull();
  });
  it('a deep zoom asks for the view plus a margin, in whole steps', () => {
    const v = { t0: T0 + 600 * S + 123, t1: T0 + 640 * S + 123, r0: 0, r1: 10 };
    const w = fetchWindowFor(v, columns, S)!;
    expect(w.fromMs % S).toBe(0);
    expect(w.toMs % S).toBe(0);
    // Every column overlapping the view has flush time t in (t0, t1 + step): inside [from, to).
    expect(w.fromMs).toBeLessThanOrEqual(v.t0 - 10 * S);
    expect(w.toMs).toBeGreaterThan(v.t1 + S + 10 * S - S);
    expect(w.toMs - w.fromMs).toBeLessThan(70 * S);
  });
  it('hysteresis: after fetching, small pans and zooms reuse the data', () => {
    const v = { t0: T0 + 600 * S, t1: T0 + 640 * S, r0: 0, r1: 10 };
    const loaded = fetchWindowFor(v, columns, S)!;
    const got = columns.filter((t) => t >= loaded.fromMs && t < loaded.toMs);
    expect(fetchWindowFor(v, got, S)).toBeNull();
    expect(
      fetchWindowFor({ ...v, t0: v.t0 + 5 * S, t1: v.t1 + 5 * S }, got, S, { loaded }),
    ).toBeNull();
    // Panning past the margin needs new data.
    expect(
      fetchWindowFor({ ...v, t0: v.t0 + 30 * S, t1: v.t1 + 30 * S }, got, S, { loaded }),
    ).not.toBeNull();
    // Zooming far in re-ranks rows for the narrower window.
    expect(fetchWindowFor({ ...v, t1: v.t0 + 5 * S }, got, S, { loaded })).not.toBeNull();
  });
  it('an empty answer with a known loaded window does not loop', () => {
    const v = { t0: T0 + 600 * S, t1: T0 + 640 * S, r0: 0, r1: 1 };
    const loaded = fetchWindowFor(v, columns, S)!;
    expect(fetchWindowFor(v, new Float64Array(0), S, { loaded })).toBeNull();
    expect(fetchWindowFor(v, new Float64Array(0), S)).toBeNull();
  });
  it('an unbounded loaded window (0 = open): judged by the data it holds', () => {
    const open = { loaded: { fromMs: 0, toMs: 0 } };
    const wide = { t0: T0 + 300 * S, t1: T0 + 1300 * S, r0: 0, r1: 1 };
    expect(fetchWindowFor(wide, columns, S, open)).toBeNull();
    const narrow = { t0: T0 + 600 * S, t1: T0 + 1000 * S, r0: 0, r1: 1 };
    expect(fetchWindowFor(narrow, columns, S, open)).not.toBeNull();
  });
  it('at the live edge: an open end, and that open window is then enough', () => {
    const v = { t0: T0 + 1400 * S, t1: T0 + 1440 * S, r0: 0, r1: 1 };
    const w = fetchWindowFor(v, columns, S, { liveEdge: true })!;
    expect(w.toMs).toBe(0);
    const got = columns.filter((t) => t >= w.fromMs);
    expect(fetchWindowFor(v, got, S, { liveEdge: true, loaded: w })).toBeNull();
    // A minute later (new column, view followed it): still no refetch needed.
    const later = Float64Array.from([...got, T0 + 1441 * S]);
    const v2 = { ...v, t0: v.t0 + S, t1: v.t1 + S };
    expect(fetchWindowFor(v2, later, S, { liveEdge: true, loaded: w })).toBeNull();
  });
  it('never asks for from = 0 (which would mean unbounded)', () => {
    const w = fetchWindowFor({ t0: 10, t1: 20, r0: 0, r1: 1 }, Float64Array.from([1e9]), S)!;
    expect(w.fromMs).toBeGreaterThanOrEqual(1);
  });
});
