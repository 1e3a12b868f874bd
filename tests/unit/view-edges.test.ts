// Issue 13 test blind spots: the gap threshold at its edges, and the device-pixel hit test
// taking the pixel a point lies IN (floor), never the nearest pixel edge (round).
import { describe, expect, it } from 'vitest';
import { cellAtPoint } from '../../src/data/hitTest.ts';
import { columnLayout } from '../../src/data/raster.ts';

describe('gap threshold (a pause longer than 1.5 steps is a gap)', () => {
  const step = 60_000;
  const layout = (dt: number) => columnLayout(new Float64Array([0, step, step + dt]), step);

  it('2 steps apart is a gap: the column keeps one step, the pause stays empty', () => {
    const l = layout(2 * step);
    expect(l.gaps).toBe(1);
    expect(l.x0[2]).toBe(3 * step - step);
    expect(l.x1[1]).toBeLessThan(l.x0[2]);
  });

  it('1.5 steps or less is no gap: the column reaches back to the previous flush', () => {
    for (const k of [1, 1.25, 1.5]) {
      const l = layout(k * step);
      expect(l.gaps).toBe(0);
      expect(l.x0[2]).toBe(step);
    }
    expect(layout(1.6 * step).gaps).toBe(1);
  });
});

describe('device-pixel hit test', () => {
  // Four one-second columns over [0, 4 s), one row; the plot is 2 CSS px wide at DPR 2.
  const edges = columnLayout(new Float64Array([1000, 2000, 3000, 4000]), 1000);
  const view = { t0: 0, t1: 4000, r0: 0, r1: 1 };

  it('a point takes the device pixel it lies in (floor), at DPR 2 and DPR 1', () => {
    const dpr2 = { width: 2, height: 1, devW: 4, devH: 2 };
    // x = 0.3 CSS px is device x 0.6: pixel 0 (column 0); rounding would give column 1.
    expect(cellAtPoint(view, edges, 1, 0.3, 0.5, dpr2)).toEqual({ row: 0, col: 0 });
    expect(cellAtPoint(view, edges, 1, 0.8, 0.5, dpr2)).toEqual({ row: 0, col: 1 });
    expect(cellAtPoint(view, edges, 1, 1.45, 0.5, dpr2)).toEqual({ row: 0, col: 2 });
    const dpr1 = { width: 4, height: 1, devW: 4, devH: 1 };
    expect(cellAtPoint(view, edges, 1, 0.7, 0.5, dpr1)).toEqual({ row: 0, col: 0 });
    expect(cellAtPoint(view, edges, 1, 2.9, 0.5, dpr1)).toEqual({ row: 0, col: 2 });
  });

  it('rows too: the pixel row a point lies in', () => {
    const rowsView = { t0: 0, t1: 4000, r0: 0, r1: 4 };
    const size = { width: 4, height: 2, devW: 4, devH: 4 };
    // y = 0.3 CSS px is device row 0.6: row 0; rounding would give row 1.
    expect(cellAtPoint(rowsView, edges, 4, 0.5, 0.3, size)?.row).toBe(0);
    expect(cellAtPoint(rowsView, edges, 4, 0.5, 1.3, size)?.row).toBe(2);
  });
});
