import { describe, expect, it } from 'vitest';
import {
  dataToPoint,
  dragRect,
  panByPixels,
  pointToData,
  wheelFactor,
} from '../../src/data/view/screen.ts';
import { makeBounds, zoomAt, zoomToRect } from '../../src/data/view/viewport.ts';

const S = 60_000;
const size = { width: 1000, height: 500 };
const view = { t0: 0, t1: 100 * S, r0: 10, r1: 60 };
const B = makeBounds(0, 200 * S, 100, S);

describe('pixels <-> data', () => {
  it('round-trips', () => {
    const d = pointToData(view, 250, 100, size);
    expect(d).toEqual({ t: 25 * S, r: 20 });
    expect(dataToPoint(view, d.t, d.r, size)).toEqual({ x: 250, y: 100 });
  });
  it('a zero-size plot does not produce NaN', () => {
    expect(pointToData(view, 5, 5, { width: 0, height: 0 })).toEqual({ t: 0, r: 10 });
    expect(dataToPoint({ t0: 5, t1: 5, r0: 1, r1: 1 }, 5, 1, size)).toEqual({ x: 0, y: 0 });
  });
  it('wheel zoom at the cursor keeps the data under the cursor', () => {
    const p = { x: 730, y: 410 };
    const anchor = pointToData(view, p.x, p.y, size);
    const z = zoomAt(view, anchor, wheelFactor(-100), B);
    const after = dataToPoint(z, anchor.t, anchor.r, size);
    expect(after.x).toBeCloseTo(p.x, 6);
    expect(after.y).toBeCloseTo(p.y, 6);
  });
  it('drag rectangle -> zoomToRect', () => {
    const r = dragRect(view, { x: 500, y: 250 }, { x: 100, y: 50 }, size);
    expect(zoomToRect(view, r, B)).toEqual({ t0: 10 * S, t1: 50 * S, r0: 15, r1: 35 });
  });
  it('pan by pixels: content follows the pointer, clamped', () => {
    const v = panByPixels(view, -100, 50, size, B);
    expect(v).toEqual({ t0: 10 * S, t1: 110 * S, r0: 5, r1: 55 });
    expect(panByPixels(view, 1e6, 1e6, size, B).t0).toBe(0);
  });
  it('wheelFactor: up zooms in, down out, symmetric, normalised line/page modes, capped', () => {
    expect(wheelFactor(-100)).toBeCloseTo(1.25);
    expect(wheelFactor(100) * wheelFactor(-100)).toBeCloseTo(1);
    expect(wheelFactor(-3, 1)).toBeCloseTo(wheelFactor(-99));
    expect(wheelFactor(-1e6)).toBe(wheelFactor(-500));
    expect(wheelFactor(0)).toBe(1);
  });
});
