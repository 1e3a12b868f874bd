// Columns of their real width (history tiers: 1 h, 10 min, 1 min), the time -> pixel mapping
// and hit test over them, the tier marks on the time axis and the hover card's width line.
import { describe, expect, it } from 'vitest';
import { create, toBinary } from '@bufbuild/protobuf';
import { GetKeyVizMatrixResponseSchema } from '../../src/gen/admin_pb.ts';
import { decodeMatrixBytes } from '../../src/api/decodeMatrix.ts';
import { columnLayout } from '../../src/data/raster.ts';
import { columnAtTime, columnEdges, columnSpan } from '../../src/data/view/index.ts';
import { cellAtPoint } from '../../src/data/hitTest.ts';
import {
  columnWidthLabel,
  columnWidthOf,
  perStepMatrix,
  placeTierMarks,
  tierMarks,
} from '../../src/data/columnTiers.ts';
import { parseViewState, serializeViewState } from '../../src/data/urlState.ts';
import { rangeWindow } from '../../src/pages/keyviz/heatmapState.ts';
import { cellInfo } from '../../src/pages/keyviz/cellInfo.ts';
import { makeMatrix } from '../helpers/viewMatrix.ts';

const MIN = 60_000;
const H = 60 * MIN;
const T = 1_800_000_000_000 - (1_800_000_000_000 % H); // an hour boundary

/** What the server answers for a 28-day-like window: 1 h, then 10 min, then 1 min columns. */
function tiered(hours: number, tens: number, mins: number) {
  const t: number[] = [];
  const w: number[] = [];
  // Roll-ups end at start + width - step (docs/history.md): the tiers meet without overlap.
  for (let i = 0; i < hours; i++) {
    t.push(T + (i + 1) * H - MIN);
    w.push(H);
  }
  const b = T + hours * H;
  for (let i = 0; i < tens; i++) {
    t.push(b + (i + 1) * 10 * MIN - MIN);
    w.push(10 * MIN);
  }
  const c = b + tens * 10 * MIN;
  for (let i = 0; i < mins; i++) {
    t.push(c + i * MIN);
    w.push(MIN);
  }
  return { columns: Float64Array.from(t), widths: Float64Array.from(w) };
}

describe('columns at their real width', () => {
  const { columns, widths } = tiered(3, 6, 60);
  const e = columnLayout(columns, MIN, widths);

  it('each column covers [t - width, t): a 1 h column is 60 times a 1 min one', () => {
    expect(e.x1[0] - e.x0[0]).toBe(H);
    expect(e.x1[3] - e.x0[3]).toBe(10 * MIN);
    expect(e.x1[9] - e.x0[9]).toBe(MIN);
    expect((e.x1[0] - e.x0[0]) / (e.x1[9] - e.x0[9])).toBe(60);
    expect(e.gaps).toBe(0);
    // Contiguous across the tier boundaries: each starts where the one before ends.
    for (let c = 1; c < columns.length; c++) expect(e.x0[c]).toBe(e.x1[c - 1]);
    expect(e.x0[0]).toBe(T - MIN);
  });

  it('without widths (or widths that do not match the columns) every column is one step', () => {
    const plain = columnLayout(columns, MIN);
    // An hour between flushes reads as a pause: 1 min slivers with gaps between them.
    expect(plain.x1[1] - plain.x0[1]).toBe(MIN);
    expect(plain.gaps).toBe(8); // between the hours and the 10 min columns
    const short = columnLayout(columns, MIN, widths.subarray(1));
    expect(short.x1[0] - short.x0[0]).toBe(MIN);
    expect(columnEdges(columns, MIN, widths)).toEqual(e);
  });

  it('a pause longer than 1.5 widths stays a gap, also between wide columns', () => {
    const l = columnLayout(Float64Array.from([H, 2 * H, 5 * H]), MIN, Float64Array.from([H, H, H]));
    expect(l.gaps).toBe(1);
    expect([l.x0[2], l.x1[1]]).toEqual([4 * H, 2 * H]);
    expect(columnAtTime(l, 3 * H)).toBe(-1);
  });

  it('time -> pixel stays linear: pixel spans are proportional to the widths', () => {
    const t0 = e.x0[0];
    const t1 = e.x1[e.x1.length - 1];
    const devW = 3 * 60 + 6 * 10 + 60; // one pixel per minute
    expect(columnSpan(e, 0, t0, t1, devW)).toEqual([0, 60]);
    expect(columnSpan(e, 3, t0, t1, devW)).toEqual([180, 190]);
    expect(columnSpan(e, 9, t0, t1, devW)).toEqual([240, 241]);
  });

  it('hit test is exact: every device pixel names the column drawn on it', () => {
    const view = { t0: e.x0[0], t1: e.x1[e.x1.length - 1], r0: 0, r1: 1 };
    for (const [width, devW] of [
      [300, 300],
      [300, 600],
      [997, 997],
      [200, 200], // narrower than the minutes: 1 min columns share pixels
    ]) {
      const size = { width, height: 10, devW, devH: 10 };
      for (let px = 0; px < devW; px++) {
        const x = ((px + 0.5) * width) / devW;
        const cell = cellAtPoint(view, e, 1, x, 5, size);
        expect(cell, `px ${px} of ${devW}`).not.toBeNull();
        const [a, b] = columnSpan(e, cell!.col, view.t0, view.t1, devW);
        expect(px >= a && px < b, `px ${px} in [${a}, ${b}) of col ${cell!.col}`).toBe(true);
      }
    }
    // Without device pixels: the column whose time extent holds the point's time.
    const size = { width: 300, height: 10 };
    const t = T + 2 * H + 30 * MIN; // inside the third 1 h column
    const x = ((t - view.t0) / (view.t1 - view.t0)) * size.width;
    expect(cellAtPoint(view, e, 1, x, 5, size)?.col).toBe(columnAtTime(e, t));
  });
});

describe('tier marks', () => {
  const { columns, widths } = tiered(3, 6, 60);
  const e = columnLayout(columns, MIN, widths);
  const m = { colCount: columns.length, columnWidths: widths };

  it('one per run of a width, labelled with the width that follows', () => {
    const marks = tierMarks(m, e, -Infinity, Infinity);
    expect(marks.map((k) => k.label)).toEqual(['1 h columns', '10 min columns', '1 min columns']);
    expect(marks.map((k) => k.ms)).toEqual([e.x0[0], e.x0[3], e.x0[9]]);
  });

  it('none for columns of one width or without widths', () => {
    expect(
      tierMarks({ colCount: 2, columnWidths: Float64Array.from([MIN, MIN]) }, e, 0, 1e15),
    ).toEqual([]);
    expect(tierMarks({ colCount: columns.length }, e, -Infinity, Infinity)).toEqual([]);
  });

  it('a view that starts inside a run names it at the view start; runs outside are left out', () => {
    const from = e.x0[4];
    const marks = tierMarks(m, e, from, e.x0[9]);
    expect(marks.map((k) => [k.ms, k.label])).toEqual([[from, '10 min columns']]);
  });

  it('places labels without overlap: right of the mark, or ending at it near the axis end', () => {
    const marks = tierMarks(m, e, -Infinity, Infinity);
    const t0 = e.x0[0];
    const t1 = e.x1[e.x1.length - 1];
    const placed = placeTierMarks(marks, t0, t1, 300, 92);
    expect(placed.map((p) => Math.round(p.x))).toEqual([0, 180, 240]);
    expect(placed.map((p) => p.align)).toEqual(['start', 'start', 'end']);
    // "1 min columns" would end at 240 over "10 min columns" (180..272): mark only.
    expect(placed.map((p) => p.showLabel)).toEqual([true, true, false]);
    const wide = placeTierMarks(marks, t0, t1, 3000, 92);
    expect(wide.every((p) => p.showLabel)).toBe(true);
  });
});

describe('the width reaches the page', () => {
  it('decodes column_width_ms (field 1010) into columnWidths, ignoring a mismatched list', () => {
    const msg = (w: bigint[]) =>
      toBinary(
        GetKeyVizMatrixResponseSchema,
        create(GetKeyVizMatrixResponseSchema, {
          columnUnixMs: [BigInt(H), BigInt(2 * H)],
          columnWidthMs: w,
          rows: [{ bucketId: 'route:1', values: [1n, 2n] }],
        }),
      );
    expect(
      Array.from(decodeMatrixBytes(msg([BigInt(H), 600_000n]), 'writes').columnWidths!),
    ).toEqual([H, 600_000]);
    expect(decodeMatrixBytes(msg([]), 'writes').columnWidths).toBeUndefined();
    expect(decodeMatrixBytes(msg([1n]), 'writes').columnWidths).toBeUndefined();
  });

  it('the hover card says the column width', () => {
    const { columns, widths } = tiered(2, 1, 2);
    const m = { ...makeMatrix([{ start: '' }], Array.from(columns)), columnWidths: widths };
    const e = columnEdges(m.columns, MIN, m.columnWidths);
    expect(cellInfo(m, e, 0, 0).width).toBe('1 h column');
    expect(cellInfo(m, e, 0, 2).width).toBe('10 min column');
    expect(cellInfo(m, e, 0, 4).width).toBe('1 min column');
    expect(columnWidthOf({ colCount: 5 }, e, 1)).toBe(H);
    expect(columnWidthLabel(30_000)).toBe('30 s column');
  });

  it('7- and 28-day presets: in the URL and as request windows', () => {
    for (const [p, days] of [
      ['7d', 7],
      ['28d', 28],
    ] as const) {
      const v = parseViewState(`?range=${p}`);
      expect(v.range).toBe(p);
      expect(serializeViewState(v)).toContain(`range=${p}`);
      expect(rangeWindow(p, 30 * 86_400_000)).toEqual({
        fromMs: (30 - days) * 86_400_000,
        toMs: 0,
      });
    }
    expect(parseViewState('?range=29d').range).toBe('all');
  });
});

describe('colours per step across tiers', () => {
  it('scales each cell to its count per step, so a steady route keeps its colour', () => {
    const { columns, widths } = tiered(1, 1, 1);
    // 60 writes a minute everywhere: 3600 in the hour, 600 in the 10 minutes, 60 in the minute.
    const m = {
      ...makeMatrix([{ start: '' }], Array.from(columns), (_r, c) => [3600, 600, 60][c]),
      columnWidths: widths,
    };
    const p = perStepMatrix(m, MIN);
    expect(Array.from(p.values)).toEqual([60, 60, 60]);
    expect(p.max).toBe(60);
    expect(Array.from(m.values)).toEqual([3600, 600, 60]); // the card keeps the sums
    const plain = { ...m, columnWidths: undefined };
    expect(perStepMatrix(plain, MIN)).toBe(plain);
    const one = { ...m, columnWidths: Float64Array.from([H, H, H]) };
    expect(perStepMatrix(one, MIN)).toBe(one);
  });
});
