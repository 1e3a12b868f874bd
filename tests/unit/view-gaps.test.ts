import { describe, expect, it } from 'vitest';
import {
  columnAtTime,
  columnEdges,
  columnRange,
  inferStepMs,
  timeExtent,
} from '../../src/data/view/gaps.ts';

const S = 60_000;
const cols = (...t: number[]) => Float64Array.from(t);

describe('inferStepMs', () => {
  it('is the median spacing, robust to one gap', () => {
    expect(inferStepMs(cols(0, S, 2 * S, 10 * S, 11 * S))).toBe(S);
  });
  it('defaults to 60 s with fewer than two columns or duplicate times', () => {
    expect(inferStepMs(cols())).toBe(60_000);
    expect(inferStepMs(cols(5))).toBe(60_000);
    expect(inferStepMs(cols(5, 5, 5))).toBe(60_000);
  });
  it('handles irregular (non minute-aligned) flushes', () => {
    expect(inferStepMs(cols(1_003, 31_010, 61_007, 91_020))).toBe(30_007);
  });
});

describe('columnEdges', () => {
  it('a flush time ends its step: [t - step, t)', () => {
    const e = columnEdges(cols(S, 2 * S, 3 * S), S);
    expect(Array.from(e.x0)).toEqual([0, S, 2 * S]);
    expect(Array.from(e.x1)).toEqual([S, 2 * S, 3 * S]);
    expect(e.gaps).toBe(0);
  });
  it('a gap (> 1.5 steps) stays empty instead of stretching the next column', () => {
    const e = columnEdges(cols(S, 2 * S, 10 * S), S);
    expect(e.x0[2]).toBe(9 * S);
    expect(e.x1[1]).toBe(2 * S);
    expect(e.gaps).toBe(1);
  });
  it('a late flush under 1.5 steps shares the edge (no sliver gap)', () => {
    const e = columnEdges(cols(S, 2.4 * S), S);
    expect(e.x0[1]).toBe(S);
    expect(e.gaps).toBe(0);
  });
  it('infers the step when stepMs <= 0', () => {
    const e = columnEdges(cols(30_000, 60_000, 90_000), 0);
    expect(e.x0[0]).toBe(0);
  });
  it('empty and single column', () => {
    expect(columnEdges(cols(), S).x0.length).toBe(0);
    const one = columnEdges(cols(5 * S), S);
    expect([one.x0[0], one.x1[0]]).toEqual([4 * S, 5 * S]);
  });
});

describe('columnAtTime', () => {
  const e = columnEdges(cols(S, 2 * S, 3 * S, 10 * S), S);
  it('finds the column whose [x0, x1) holds t', () => {
    expect(columnAtTime(e, 0)).toBe(0);
    expect(columnAtTime(e, S - 1)).toBe(0);
    expect(columnAtTime(e, S)).toBe(1); // the flush instant belongs to the next step
    expect(columnAtTime(e, 9.5 * S)).toBe(3);
  });
  it('-1 before, after, inside a gap, NaN, and for no columns', () => {
    expect(columnAtTime(e, -1)).toBe(-1);
    expect(columnAtTime(e, 10 * S)).toBe(-1);
    expect(columnAtTime(e, 5 * S)).toBe(-1);
    expect(columnAtTime(e, NaN)).toBe(-1);
    expect(columnAtTime(columnEdges(cols(), S), 0)).toBe(-1);
  });
  it('agrees with a linear scan on random times (bisection is right)', () => {
    const t: number[] = [];
    let x = 1_000_000;
    for (let i = 0; i < 500; i++) {
      x += i % 37 === 0 ? 5 * S : S + ((i * 7919) % 2000);
      t.push(x);
    }
    const ed = columnEdges(Float64Array.from(t), S);
    for (let k = 0; k < 2000; k++) {
      const q = 900_000 + ((k * 104729) % (x - 800_000));
      let want = -1;
      for (let c = 0; c < t.length; c++) if (q >= ed.x0[c] && q < ed.x1[c]) want = c;
      expect(columnAtTime(ed, q)).toBe(want);
    }
  });
});

describe('columnRange', () => {
  const e = columnEdges(cols(S, 2 * S, 3 * S, 4 * S), S);
  it('columns overlapping [t0, t1)', () => {
    expect(columnRange(e, 0, 4 * S)).toEqual({ c0: 0, c1: 4 });
    expect(columnRange(e, 1.5 * S, 2.5 * S)).toEqual({ c0: 1, c1: 3 });
    expect(columnRange(e, S, 2 * S)).toEqual({ c0: 1, c1: 2 });
  });
  it('empty when outside or inverted', () => {
    expect(columnRange(e, 10 * S, 11 * S)).toEqual({ c0: 4, c1: 4 });
    expect(columnRange(e, 3 * S, S).c1 - columnRange(e, 3 * S, S).c0).toBe(0);
  });
  it('timeExtent', () => {
    expect(timeExtent(e)).toEqual({ fromMs: 0, toMs: 4 * S });
    expect(timeExtent(columnEdges(cols(), S))).toEqual({ fromMs: 0, toMs: 0 });
  });
});
