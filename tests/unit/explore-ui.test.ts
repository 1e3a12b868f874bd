// The explore UI's pure glue (src/pages/keyviz): view-state actions, brightness steps, custom
// ranges, the zoom Back stack, what to ask the server for, zoom <-> viewport, coded recolour,
// copy fields, marginal bars and plot geometry.
import { describe, expect, it } from 'vitest';
import { buildLut } from '../../src/data/colorRamp.ts';
import { colorize, deviceMap, expandCodes } from '../../src/data/raster.ts';
import { makeScale } from '../../src/data/scale.ts';
import { DEFAULT_VIEW, type ViewState } from '../../src/data/urlState.ts';
import { columnEdges, makeBounds } from '../../src/data/view/index.ts';
import {
  askFor,
  brightnessLabel,
  atLiveEdge,
  brightnessToStep,
  exploreReducer,
  followZoom,
  keepsInFlight,
  parseCustomRange,
  rangeWindow,
  sameAsk,
  stepToBrightness,
  zoomStackPop,
  zoomStackPush,
} from '../../src/pages/keyviz/heatmapState.ts';
import { anyViewReducer } from '../../src/pages/keyviz/useHeatmapViewState.ts';
import {
  applyFilter,
  homeExtent,
  resolveView,
  viewportFromZoom,
  zoomOf,
} from '../../src/pages/keyviz/plotModel.ts';
import { encodePooled, placePooled } from '../../src/pages/keyviz/plotRaster.ts';
import { copyFields } from '../../src/pages/keyviz/copyFields.ts';
import { cellInfo } from '../../src/pages/keyviz/cellInfo.ts';
import { marginalBars } from '../../src/pages/keyviz/marginalBars.ts';
import { cellAtPoint, cellRect, zoomKeyFactor } from '../../src/data/hitTest.ts';
import { makeMatrix, tiledRows } from '../helpers/viewMatrix.ts';

const STEP = 60_000;
const T0 = 1_800_000_000_000;
const cols = (n: number, gapAfter = -1) =>
  Array.from(
    { length: n },
    (_, i) => T0 + (i + 1) * STEP + (gapAfter >= 0 && i > gapAfter ? 10 * STEP : 0),
  );

const view = (over: Partial<ViewState> = {}): ViewState => ({ ...DEFAULT_VIEW, ...over });

describe('exploreReducer', () => {
  it('sets each field, returns the same state for no change, and a new range drops the zoom', () => {
    const s = view({ zoom: { fromMs: 1, toMs: 2 } });
    expect(exploreReducer(s, { type: 'brightness', brightness: 1 })).toBe(s);
    expect(exploreReducer(s, { type: 'brightness', brightness: 4 }).brightness).toBe(4);
    expect(exploreReducer(s, { type: 'scale', scale: 'linear' }).scale).toBe('linear');
    expect(exploreReducer(s, { type: 'palette', palette: 'cvd' }).palette).toBe('cvd');
    expect(exploreReducer(s, { type: 'filter', filter: 'label:redis' }).filter).toBe('label:redis');
    const r = exploreReducer(s, { type: 'range', range: '1h' });
    expect(r.range).toBe('1h');
    expect(r.zoom).toBeNull();
    expect(exploreReducer(s, { type: 'range', range: 'all' })).toBe(s);
    expect(exploreReducer(s, { type: 'zoom', zoom: { fromMs: 1, toMs: 2 } })).toBe(s);
    expect(exploreReducer(s, { type: 'zoom', zoom: null }).zoom).toBeNull();
  });

  it('anyViewReducer routes the base actions to viewReducer', () => {
    expect(anyViewReducer(view(), { type: 'rows', rows: 8 }).rows).toBe(8);
    expect(anyViewReducer(view(), { type: 'scale', scale: 'linear' }).scale).toBe('linear');
  });
});

describe('brightness steps', () => {
  it('maps -6..6 to 1/64x..64x and back, clamped', () => {
    expect(stepToBrightness(-6)).toBe(1 / 64);
    expect(stepToBrightness(6)).toBe(64);
    expect(stepToBrightness(9)).toBe(64);
    expect(brightnessToStep(0.25)).toBe(-2);
    expect(brightnessToStep(0)).toBe(0);
    expect(brightnessToStep(1000)).toBe(6);
    expect(brightnessLabel(4)).toBe('4x');
    expect(brightnessLabel(1 / 8)).toBe('1/8x');
  });
});

describe('time range', () => {
  it('presets keep an open end; all is unbounded; custom is as given', () => {
    expect(rangeWindow('all', 5e12)).toEqual({ fromMs: 0, toMs: 0 });
    expect(rangeWindow('1h', 5e12)).toEqual({ fromMs: 5e12 - 3_600_000, toMs: 0 });
    expect(rangeWindow({ fromMs: 10, toMs: 20 }, 5e12)).toEqual({ fromMs: 10, toMs: 20 });
  });

  it('custom inputs need both ends, in order', () => {
    expect(parseCustomRange('', '2026-01-01T00:00').ok).toBe(false);
    const bad = parseCustomRange('2026-01-01T02:00', '2026-01-01T01:00');
    expect(bad.ok).toBe(false);
    const ok = parseCustomRange('2026-01-01T01:00', '2026-01-01T02:00');
    expect(ok.ok && ok.range.toMs - ok.range.fromMs).toBe(3_600_000);
  });
});

describe('zoom stack', () => {
  it('pops in reverse order, null included, and is bounded', () => {
    let s = zoomStackPush({ past: [] }, null);
    s = zoomStackPush(s, { fromMs: 1, toMs: 2 });
    const a = zoomStackPop(s)!;
    expect(a.zoom).toEqual({ fromMs: 1, toMs: 2 });
    const b = zoomStackPop(a.stack)!;
    expect(b.zoom).toBeNull();
    expect(zoomStackPop(b.stack)).toBeNull();
    let big = { past: [] as (null | { fromMs: number; toMs: number })[] };
    for (let i = 0; i < 100; i++)
      big = { past: zoomStackPush(big, { fromMs: i, toMs: i + 1 }).past.slice() };
    expect(big.past.length).toBe(64);
  });
});

describe('askFor', () => {
  const m = makeMatrix(tiledRows(['b', 'c']), cols(60));
  const current = { kind: 'range', range: 'all' } as const;
  it('unzoomed: the range', () => {
    expect(askFor('6h', null, current, null, m.columns, STEP)).toEqual({
      kind: 'range',
      range: '6h',
    });
  });
  it('a zoom inside the loaded data and not much narrower keeps it', () => {
    const z = { fromMs: T0 + 5 * STEP, toMs: T0 + 50 * STEP };
    expect(askFor('all', z, current, { fromMs: 0, toMs: 0 }, m.columns, STEP)).toBe(current);
  });
  it('a narrow zoom asks for its window with a margin, in whole steps', () => {
    const z = { fromMs: T0 + 20 * STEP, toMs: T0 + 30 * STEP };
    const a = askFor('all', z, current, { fromMs: 0, toMs: 0 }, m.columns, STEP);
    expect(a.kind).toBe('zoom');
    if (a.kind !== 'zoom') return;
    expect(a.window.fromMs).toBeLessThanOrEqual(z.fromMs);
    expect(a.window.toMs).toBeGreaterThanOrEqual(z.toMs + STEP);
    expect(a.window.fromMs % STEP).toBe(0);
    expect(sameAsk(a, { kind: 'zoom', window: { ...a.window } })).toBe(true);
    expect(sameAsk(a, current)).toBe(false);
  });
  it('a zoom at the newest column asks with an open end only when the data had one', () => {
    const last = m.columns[59];
    const z = { fromMs: last - 10 * STEP, toMs: last };
    const open = askFor('all', z, current, { fromMs: 0, toMs: 0 }, m.columns, STEP);
    expect(open.kind === 'zoom' && open.window.toMs).toBe(0);
    // A closed (zoomed) fetch does not know the newest column: its last one is not the edge.
    const closed = askFor('all', z, current, { fromMs: T0, toMs: last + STEP }, m.columns, STEP);
    expect(closed.kind === 'zoom' && closed.window.toMs).toBeGreaterThan(0);
  });
  it('a zoom from the URL before any data asks for its window (open when it ends now)', () => {
    const z = { fromMs: T0 + 20 * STEP, toMs: T0 + 30 * STEP };
    const a = askFor('all', z, current, null, new Float64Array(0), STEP, T0 + 100 * STEP);
    expect(a.kind === 'zoom' && a.window.toMs).toBeGreaterThan(0);
    const b = askFor('all', z, current, null, new Float64Array(0), STEP, T0 + 31 * STEP);
    expect(b.kind === 'zoom' && b.window.toMs).toBe(0);
  });
});

describe('live edge', () => {
  const c = Float64Array.from(cols(10));
  const last = c[9];
  it('a zoom reaching the newest column is at the live edge and follows new columns', () => {
    const z = { fromMs: last - 5 * STEP, toMs: last, startKeyHex: '61' };
    expect(atLiveEdge(z, c, STEP)).toBe(true);
    expect(followZoom(z, last, last + 2 * STEP, STEP)).toEqual({
      fromMs: last - 3 * STEP,
      toMs: last + 2 * STEP,
      startKeyHex: '61',
    });
    expect(followZoom(z, last, last, STEP)).toBeNull();
  });
  it("a followed zoom's refetch on the wire is kept while the zoom moves, not re-aimed", () => {
    const open = (fromMs: number) => ({ kind: 'zoom' as const, window: { fromMs, toMs: 0 } });
    // The zoom moved one step: the window in flight still covers it.
    expect(keepsInFlight(open(last - 8 * STEP), open(last - 7 * STEP))).toBe(true);
    expect(keepsInFlight(open(last - 8 * STEP), open(last - 8 * STEP))).toBe(true);
    // Earlier data, a window into the past, or the time range: ask anew.
    expect(keepsInFlight(open(last - 8 * STEP), open(last - 9 * STEP))).toBe(false);
    const past = { kind: 'zoom' as const, window: { fromMs: c[1], toMs: c[5] } };
    expect(keepsInFlight(open(c[1]), past)).toBe(false);
    expect(keepsInFlight(past, open(c[1]))).toBe(false);
    expect(keepsInFlight({ kind: 'range', range: '1h' }, open(c[1]))).toBe(false);
  });
  it('a zoom into the past stays', () => {
    const z = { fromMs: c[1], toMs: c[5] };
    expect(atLiveEdge(z, c, STEP)).toBe(false);
    expect(followZoom(z, last, last + STEP, STEP)).toBeNull();
    expect(atLiveEdge(z, new Float64Array(0), STEP)).toBe(false);
  });
});

describe('zoom <-> viewport', () => {
  const m = makeMatrix(tiledRows(['b', 'c', 'd', 'e']), cols(10));
  const edges = columnEdges(m.columns, STEP);
  const b = makeBounds(edges.x0[0], edges.x1[9], m.rowCount, STEP);

  it('the whole extent is no zoom; open key ends at the first and last row', () => {
    expect(zoomOf({ t0: b.t0, t1: b.t1, r0: 0, r1: 5 }, m, b)).toBeNull();
    const z = zoomOf({ t0: b.t0 + STEP, t1: b.t1, r0: 0, r1: 5 }, m, b)!;
    expect(z.startKeyHex).toBeUndefined();
    expect(z.endKeyHex).toBeUndefined();
    const k = zoomOf({ t0: b.t0, t1: b.t1, r0: 1, r1: 3 }, m, b)!;
    expect(k.startKeyHex).toBe('62'); // "b"
    expect(k.endKeyHex).toBe('64'); // "d"
    expect(viewportFromZoom(k, m, b)).toMatchObject({ r0: 1, r1: 3 });
  });

  it('resolveView keeps the exact fractional view for the same zoom and data', () => {
    const v = { t0: b.t0 + 1000, t1: b.t1 - 1000, r0: 1.25, r1: 3.5 };
    const z = zoomOf(v, m, b);
    expect(resolveView({ zoom: z, matrix: m, view: v }, z, m, b)).toEqual(v);
    // Another zoom: whole rows of its key range.
    expect(resolveView({ zoom: z, matrix: m, view: v }, null, m, b)).toEqual({
      t0: b.t0,
      t1: b.t1,
      r0: 0,
      r1: 5,
    });
  });

  it('home: the data extent, widened by the previous home while zoomed', () => {
    const h = homeExtent('all', edges, false, { t0: 0, t1: 1 });
    expect(h).toEqual({ t0: edges.x0[0], t1: edges.x1[9] });
    expect(homeExtent('all', edges, true, { t0: 5, t1: 6e12 })).toEqual({ t0: 5, t1: 6e12 });
  });

  it('applyFilter reports the parse error and keeps every row then', () => {
    const l = makeMatrix(
      [
        { start: 'a', end: 'b', label: 'redis' },
        { start: 'b', end: 'c', label: 'dynamo' },
      ],
      cols(3),
    );
    expect(applyFilter(l, 'label:redis')).toMatchObject({ kept: 1, total: 2, error: '' });
    const bad = applyFilter(l, '0xZZ');
    expect(bad.error).not.toBe('');
    expect(bad.matrix).toBe(l);
  });
});

describe('coded recolour', () => {
  it('gives exactly what colorize gives, for both scales', () => {
    const pooled = Float64Array.from({ length: 5000 }, (_, i) =>
      i % 7 === 0 ? 0 : i % 11 === 0 ? 1e6 + i : i % 4096,
    );
    const codes = encodePooled(pooled)!;
    expect(codes).not.toBeNull();
    const lut = buildLut({ palette: 'heat', size: 256 });
    for (const kind of ['log', 'linear'] as const) {
      const scale = makeScale({ kind, max: 2e6, brightness: 2 });
      const want = colorize(pooled, lut, scale);
      // As one raster row shown 1:1 (the expansion itself is tested with the screen raster).
      const got = new Uint32Array(pooled.length);
      const identity = Int32Array.from(pooled, (_, i) => i);
      const colours = colorize(codes.values, lut, scale);
      expandCodes(codes.codes, colours, pooled.length, deviceMap(identity, Int32Array.of(0)), got);
      expect(got).toEqual(want);
    }
  });

  it('gives up on too many distinct values', () => {
    const many = Float64Array.from({ length: 70_000 }, (_, i) => 5000 + i);
    expect(encodePooled(many)).toBeNull();
  });

  it('codes fractional, huge, negative and repeated values; reuses the buffer; NaN as zero', () => {
    const vals = [0, 4095, 4096, 4096, 0.5, -3, 2 ** 40 + 1, 2 ** 40 + 1, 5e9, 0.5, NaN, -0];
    const pooled = Float64Array.from(vals);
    const c = encodePooled(pooled)!;
    // NaN and -0 code as 0 (both colour as zero).
    vals.forEach((v, i) => expect(c.values[c.codes[i]]).toBe(Number.isNaN(v) || v === 0 ? 0 : v));
    // Distinct values get distinct codes, in order of first appearance.
    expect(c.values.length).toBe(4096 + 5);
    // Reused across calls with a fresh table each time (no codes leak between answers).
    const again = encodePooled(Float64Array.from([7777, 4096]), new Uint16Array(2))!;
    expect(Array.from(again.codes)).toEqual([4096, 4097]);
    expect(again.values[4096]).toBe(7777);
    const buf = new Uint16Array(pooled.length);
    expect(encodePooled(pooled, buf)!.codes).toBe(buf);
  });

  it('placePooled maps a raster to another view', () => {
    const r = placePooled(
      { t0: 0, t1: 100, r0: 0, r1: 10 },
      { t0: 50, t1: 100, r0: 5, r1: 10 },
      200,
      100,
    );
    expect(r).toEqual({ x: -200, y: -100, w: 400, h: 200 });
  });
});

describe('copy fields, marginals, geometry', () => {
  const m = makeMatrix(
    [
      { start: 'a', end: 'b', label: 'redis' },
      { start: 'b', end: '' },
    ],
    cols(4, 1),
    (r, c) => (r + 1) * (c + 1),
  );
  const edges = columnEdges(m.columns, STEP);

  it('every field has a copy button; keys as text, hex and base64; open ends once', () => {
    const info = cellInfo(m, edges, 0, 1);
    const f = copyFields(info);
    const by = (l: string) => f.find((x) => x.label === l)?.text;
    expect(by('Copy start key as hex')).toBe('61');
    expect(by('Copy start key as base64')).toBe('YQ==');
    expect(by('Copy start key as text')).toBe('a');
    expect(by('Copy bucket id')).toBe('route:1');
    expect(by('Copy label')).toBe('redis');
    const info2 = cellInfo(m, edges, 1, 0);
    expect(copyFields(info2).find((x) => x.label === 'Copy end key')?.text).toBe('+inf');
  });

  it('marginal bars: totals of the visible window, scaled to the largest', () => {
    const v = { t0: edges.x0[0], t1: edges.x1[3], r0: 0, r1: 2 };
    const mb = marginalBars(m, edges, v, { width: 400, height: 100 });
    expect(mb.rows.map((b) => b.total)).toEqual([10, 20]);
    expect(mb.rows[1].frac).toBe(1);
    expect(mb.cols.map((b) => b.total)).toEqual([3, 6, 9, 12]);
    // The gap after column 1 leaves room between the bars.
    expect(mb.cols[2].at).toBeGreaterThan(mb.cols[1].at + mb.cols[1].size + 1);
  });

  it('cellAtPoint: rows by fraction, columns by time, nothing in a gap', () => {
    const v = { t0: edges.x0[0], t1: edges.x1[3], r0: 0, r1: 2 };
    const size = { width: 1300, height: 100 };
    expect(cellAtPoint(v, edges, 2, 1, 1, size)).toEqual({ row: 0, col: 0 });
    expect(cellAtPoint(v, edges, 2, 1299, 99, size)).toEqual({ row: 1, col: 3 });
    const gapX = ((edges.x1[1] + 1000 - v.t0) / (v.t1 - v.t0)) * size.width;
    expect(cellAtPoint(v, edges, 2, gapX, 10, size)).toBeNull();
    expect(cellAtPoint(v, edges, 2, -1, 10, size)).toBeNull();
    const r = cellRect(v, edges, { row: 1, col: 0 }, size);
    expect(r.y).toBe(50);
    expect(r.h).toBe(50);
    expect(zoomKeyFactor('+')).toBe(2);
    expect(zoomKeyFactor('-')).toBe(0.5);
    expect(zoomKeyFactor('x')).toBeNull();
  });
});
