// The hot-spot panel's pure parts: the viewport around a hot spot and the URL flag.
import { describe, expect, it } from 'vitest';
import { columnEdges, makeBounds } from '../../src/data/view/index.ts';
import { spotRect, viewAround } from '../../src/pages/keyviz/hotspots/spotView.ts';
import { readFlag, withFlag } from '../../src/pages/keyviz/hotspots/urlFlag.ts';

const STEP = 60_000;
const cols = Float64Array.from({ length: 100 }, (_, i) => 1_000_000 + (i + 1) * STEP);
const edges = columnEdges(cols, STEP);
const bounds = makeBounds(edges.x0[0], edges.x1[99], 50, STEP);

describe('spotView', () => {
  it('a hot spot covers its rows and its columns from start to flush time', () => {
    expect(spotRect({ r0: 3, r1: 7, c0: 10, c1: 20 }, edges)).toEqual({
      r0: 3,
      r1: 7,
      t0: cols[10] - STEP,
      t1: cols[19],
    });
  });

  it('the view around it adds a margin and stays inside the bounds', () => {
    const v = viewAround({ r0: 10, r1: 30, t0: cols[20], t1: cols[60] }, bounds);
    expect(v.r0).toBe(8);
    expect(v.r1).toBe(32);
    expect(v.t0).toBeLessThan(cols[20]);
    expect(v.t1).toBeGreaterThan(cols[60]);
    const edge = viewAround({ r0: 0, r1: 1, t0: edges.x0[0], t1: cols[0] }, bounds, {
      minRows: 8,
      minMs: 30 * STEP,
    });
    expect(edge.r0).toBeGreaterThanOrEqual(0);
    expect(edge.t0).toBeGreaterThanOrEqual(bounds.t0);
    expect(edge.r1 - edge.r0).toBeGreaterThanOrEqual(9);
  });
});

describe('urlFlag', () => {
  it('sets and clears its parameter and keeps the others in order', () => {
    expect(readFlag('?series=reads&hotspots=1', 'hotspots')).toBe(true);
    expect(readFlag('?hotspots=0', 'hotspots')).toBe(false);
    expect(withFlag('?series=reads&zoom=1-2', 'hotspots', true)).toBe(
      '?series=reads&zoom=1-2&hotspots=1',
    );
    expect(withFlag('?hotspots=1&series=reads', 'hotspots', false)).toBe('?series=reads');
    expect(withFlag('?hotspots=1', 'hotspots', false)).toBe('');
  });
});
