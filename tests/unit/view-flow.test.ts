// The view modules composed as the page will use them, with the record pivot standing in for the
// server: zoom, refetch the zoomed window (rows re-ranked), keep the same keys and time on screen,
// filter, and compute marginals of what is drawn.
import { describe, expect, it } from 'vitest';
import {
  fetchWindowFor,
  fullView,
  keyRangeOfRows,
  makeBounds,
  sameScreenTransform,
  zoomToRect,
} from '../../src/data/view/viewport.ts';
import { parseRecordFile, recordToMatrix } from '../../src/data/view/recordFile.ts';
import { filterRows, parseFilter, projectMatrix } from '../../src/data/view/filter.ts';
import { columnTotals, rowTotals } from '../../src/data/view/marginals.ts';
import { columnEdges, columnRange, timeExtent } from '../../src/data/view/gaps.ts';
import { compareKeys } from '../../src/data/view/keyOrder.ts';

const S = 60_000;

/** Bounds over a matrix's own time extent (as plotModel builds them for the page). */
function boundsOf(columns: Float64Array, rowCount: number) {
  const { fromMs, toMs } = timeExtent(columnEdges(columns, S));
  return makeBounds(fromMs, toMs, rowCount, S);
}
const T0 = 1_800_000_000_000;

/** 60 buckets k00..k59 over 120 columns; bucket b is hot only in columns near 2b. */
function record(): string {
  const lines = [
    JSON.stringify({ format: 'keyviz-fixture', version: 1, keyEncoding: 'base64', stepMs: S }),
  ];
  const name = (b: number) => `${b % 2 ? 'redis' : 'dynamo'}|k${String(b).padStart(2, '0')}`;
  for (let b = 0; b < 60; b++) {
    lines.push(
      JSON.stringify({
        kind: 'bucket',
        ref: b,
        bucketId: `route:${b}`,
        start: btoa(name(b)),
        end: btoa(name(b) + '~'),
        label: b % 2 ? 'redis' : 'dynamo',
        aggregate: false,
        routeIds: [String(b)],
        routeCount: 1,
      }),
    );
  }
  for (let c = 0; c < 120; c++) {
    const rows = [];
    for (let b = 0; b < 60; b++) rows.push([b, 1, Math.abs(c - 2 * b) < 3 ? 1000 : 1, 0, 0, 1, 1]);
    lines.push(JSON.stringify({ kind: 'column', unixMs: T0 + (c + 1) * S, rows }));
  }
  return lines.join('\n');
}

describe('zoom -> refetch -> same screen', () => {
  const rec = parseRecordFile(record());
  const m0 = recordToMatrix(rec, { series: 'writes', rows: 20 });
  const home = boundsOf(m0.columns, m0.rowCount);
  const v0 = fullView(home);

  it('a deep zoom refetches a narrower window whose rows are re-ranked for it', () => {
    // Zoom to columns 40..60 and the middle half of the rows.
    const z = zoomToRect(v0, { t0: T0 + 40 * S, t1: T0 + 60 * S, r0: 5, r1: 15 }, home);
    const w = fetchWindowFor(z, m0.columns, S)!;
    expect(w).not.toBeNull();
    const m1 = recordToMatrix(rec, { series: 'writes', rows: 20, fromMs: w.fromMs, toMs: w.toMs });
    // Different rows: the buckets hot in this window.
    expect(m1.rows.map((r) => r.bucketId)).not.toEqual(m0.rows.map((r) => r.bucketId));

    const v1 = sameScreenTransform(z, m0, m1);
    expect([v1.t0, v1.t1]).toEqual([z.t0, z.t1]);
    // The rows on screen now hold exactly the keys that were on screen (by key, not index).
    const want = keyRangeOfRows(m0, z.r0, z.r1);
    for (let r = Math.floor(v1.r0); r < Math.ceil(v1.r1); r++) {
      const row = m1.rows[r];
      expect(compareKeys(row.end, want.startKey)).toBeGreaterThan(0);
      expect(compareKeys(row.start, want.endKey)).toBeLessThan(0);
    }
    // ...and every row of the new data in that key range is shown.
    m1.rows.forEach((row, r) => {
      const inside =
        compareKeys(row.end, want.startKey) > 0 && compareKeys(row.start, want.endKey) < 0;
      expect(inside).toBe(r >= Math.floor(v1.r0) && r < Math.ceil(v1.r1));
    });
    // The data now held covers the view: no refetch loop.
    expect(fetchWindowFor(v1, m1.columns, S, { loaded: w })).toBeNull();

    // Back goes to the full view; over the new matrix it maps to all of its rows.
    const back = v0; // the zoom stack's bottom entry
    const bounds1 = makeBounds(home.t0, home.t1, m1.rowCount, S);
    expect(sameScreenTransform(back, m0, m1)).toEqual({ ...fullView(bounds1) });
  });

  it('filter + marginals over the drawn window agree with each other', () => {
    const f = parseFilter('label:redis');
    const pm = projectMatrix(m0, filterRows(m0, f));
    expect(pm.rows.every((r) => r.label === 'redis')).toBe(true);
    const b = boundsOf(pm.columns, pm.rowCount);
    const v = zoomToRect(fullView(b), { t0: T0 + 10 * S, t1: T0 + 30 * S, r0: 0.5, r1: 3.5 }, b);
    const { c0, c1 } = columnRange(columnEdges(pm.columns, S), v.t0, v.t1);
    const r0 = Math.floor(v.r0);
    const r1 = Math.ceil(v.r1);
    expect([r0, r1, c1 - c0]).toEqual([0, 4, 20]);
    const rt = rowTotals(pm.values, pm.rowCount, pm.colCount, c0, c1);
    const ct = columnTotals(pm.values, pm.rowCount, pm.colCount, r0, r1, c0, c1);
    let viaRows = 0;
    for (let r = r0; r < r1; r++) viaRows += rt[r];
    expect(ct.reduce((a, x) => a + x, 0)).toBe(viaRows);
    expect(ct.length).toBe(c1 - c0);
  });
});
