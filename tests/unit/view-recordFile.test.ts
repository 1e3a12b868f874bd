// The browser-side record reader and pivot, checked against the server's own recorder and pivot.
import { describe, expect, it } from 'vitest';
import {
  parseRecordFile,
  recordToMatrix,
  openRecordBlob,
  type RecordQuery,
} from '../../src/data/view/recordFile.ts';
import type { Matrix, Series } from '../../src/data/matrix.ts';
import { fixtureText } from '../../server/fixture/record.ts';
import { parseFixture } from '../../server/fixture/replay.ts';
import { buildMatrix } from '../../server/sampler/column-view.ts';
import { ManualClock } from '../../server/sampler/clock.ts';
import { Sampler } from '../../server/sampler/sampler.ts';
import { OP_READ, OP_WRITE, type MatrixResult } from '../../server/sampler/types.ts';

const S = 60_000;
const SERIES_ENUM: Record<Series, number> = { reads: 1, writes: 2, read_bytes: 3, write_bytes: 4 };

/** A sampler with splits, virtual buckets (maxTrackedRoutes), idle columns and a gap. */
function recordedSampler(): { sampler: Sampler; text: string } {
  const clock = new ManualClock(1_700_000_000_000);
  const s = new Sampler({
    clock,
    stepMs: S,
    maxTrackedRoutes: 6,
    historyColumns: 60,
    leaderTermOf: (g) => g * 10,
  });
  s.registerRoute({
    id: 0,
    start: new Uint8Array(0),
    end: new Uint8Array(0),
    label: 'redis',
    raftGroupId: 1,
  });
  for (let i = 1; i < 10; i++) {
    // Binary split keys (0xff, 0x00 included) exercise base64 decoding.
    s.splitRoute(i - 1, Uint8Array.of(i * 25, i % 2 ? 0xff : 0x00), i, {
      raftGroupId: 1 + (i % 3),
      label: i % 2 ? 'dynamo' : 'redis',
    });
  }
  for (let t = 0; t < 45; t++) {
    if (t % 11 !== 5) {
      for (let i = 0; i < 10; i++) {
        for (let j = 0; j < (i * 7 + t) % 6; j++) {
          s.observe(i, Uint8Array.of(i, j), j % 2 ? OP_READ : OP_WRITE, j * 3);
        }
      }
    }
    clock.advance(t === 30 ? 5 * S : S); // one gap
    s.flush();
  }
  return { sampler: s, text: fixtureText(s.snapshot(), S, 1_700_000_999_000) };
}

/** Compares our Matrix with the server's pivot result cell by cell. */
function expectSame(m: Matrix, r: MatrixResult): void {
  expect(Array.from(m.columns)).toEqual(r.columnUnixMs);
  expect(m.rows.map((x) => x.bucketId)).toEqual(r.rows.map((x) => x.meta.bucketId));
  expect(m.rowCount).toBe(r.rows.length);
  r.rows.forEach((row, i) => {
    const mine = m.rows[i];
    expect(Array.from(mine.start)).toEqual(Array.from(row.meta.start));
    expect(Array.from(mine.end)).toEqual(Array.from(row.meta.end));
    expect(mine.label).toBe(row.meta.label);
    expect(mine.aggregate).toBe(row.meta.aggregate);
    expect(mine.routeIds).toEqual(row.meta.routeIds);
    expect(mine.routeCount).toBe(String(row.meta.routeCount));
    const C = m.colCount;
    expect(Array.from(m.values.subarray(i * C, i * C + C))).toEqual(Array.from(row.values));
    expect(Array.from(m.raftGroupIds!.subarray(i * C, i * C + C))).toEqual(
      Array.from(row.raftGroupIds),
    );
    expect(Array.from(m.leaderTerms!.subarray(i * C, i * C + C))).toEqual(
      Array.from(row.leaderTerms),
    );
    expect(mine.total).toBe(row.values.reduce((a, b) => a + b, 0));
  });
}

describe('record file: browser parser + pivot vs the server', () => {
  const { sampler, text } = recordedSampler();
  const rec = parseRecordFile(text);

  it('parses the server recorder output', () => {
    expect(rec.stepMs).toBe(S);
    expect(rec.recordedAtUnixMs).toBe(1_700_000_999_000);
    expect(rec.columns.length).toBe(45);
    // Same columns and counters as the server's own reader.
    const server = parseFixture(text);
    expect(rec.columns.map((c) => c.unixMs)).toEqual(server.columns.map((c) => c.unixMs));
    server.columns.forEach((col, j) => {
      expect(rec.columns[j].buckets.map((b) => b.bucketId)).toEqual(
        col.rows.map((r) => r.meta.bucketId),
      );
      expect(rec.columns[j].buckets.map((b) => Array.from(b.start))).toEqual(
        col.rows.map((r) => Array.from(r.meta.start)),
      );
    });
  });

  const queries: RecordQuery[] = [
    { series: 'writes', rows: 0 },
    { series: 'reads', rows: 3 },
    { series: 'write_bytes', rows: 2, fromMs: 1_700_000_000_000 + 20 * S },
    {
      series: 'read_bytes',
      rows: 1024,
      fromMs: 1_700_000_000_000 + 10 * S,
      toMs: 1_700_000_000_000 + 33 * S,
    },
    { series: 'writes', rows: 5000 },
    {
      series: 'writes',
      rows: 0,
      fromMs: 1_700_000_000_000 + 40 * S,
      toMs: 1_700_000_000_000 + 10 * S,
    },
  ];
  for (const q of queries) {
    it(`pivots like the server: ${JSON.stringify(q)}`, () => {
      const req = {
        series: SERIES_ENUM[q.series],
        rows: q.rows,
        fromUnixMs: q.fromMs ?? 0,
        toUnixMs: q.toMs ?? 0,
      };
      const m = recordToMatrix(rec, q);
      expectSame(m, buildMatrix(parseFixture(text).columns, req));
      expectSame(m, sampler.matrix(req));
      expect(m.series).toBe(q.series);
    });
  }

  it('has virtual (aggregate) rows with ids above 2^53 kept as strings', () => {
    const m = recordToMatrix(rec, { series: 'writes', rows: 0 });
    const agg = m.rows.filter((r) => r.aggregate);
    expect(agg.length).toBeGreaterThan(0);
    expect(agg[0].bucketId).toMatch(/^virtual:1844674407370955\d+$/);
  });

  it('max and totals are consistent', () => {
    const m = recordToMatrix(rec, { series: 'write_bytes', rows: 0 });
    expect(m.max).toBe(Math.max(...m.values));
  });

  it('opens a File/Blob', async () => {
    const { matrix } = await openRecordBlob(new Blob([text]), { series: 'writes', rows: 0 });
    expect(matrix.colCount).toBe(45);
  });
});

describe('record file: budget ranking and ordering rules (hand-made)', () => {
  const b64 = (s: string) => btoa(s);
  const header = JSON.stringify({
    format: 'keyviz-fixture',
    version: 1,
    keyEncoding: 'base64',
    stepMs: 1000,
    recordedAtUnixMs: 5,
    columns: 2,
  });
  const bucket = (ref: number, id: string, start: string) =>
    JSON.stringify({
      kind: 'bucket',
      ref,
      bucketId: id,
      start: b64(start),
      end: '',
      label: '',
      aggregate: false,
      routeIds: [id.split(':')[1]],
      routeCount: 1,
    });
  const text = [
    header,
    bucket(0, 'route:2', 'b'),
    bucket(1, 'route:10', 'a'),
    bucket(2, 'route:3', 'c'),
    bucket(3, 'route:4', 'd'),
    // route:4 appears only with all-zero counters: no row.
    JSON.stringify({
      kind: 'column',
      unixMs: 1000,
      rows: [
        [1, 0, 5, 0, 0, 1, 1],
        [0, 0, 5, 0, 0, 1, 1],
        [2, 0, 1, 0, 0, 1, 1],
        [3, 0, 0, 0, 0, 1, 1],
      ],
    }),
    JSON.stringify({ kind: 'column', unixMs: 2000, rows: [[2, 7, 0, 0, 0, 1, 1]] }),
  ].join('\n');
  const rec = parseRecordFile(text);
  it('rows: any non-zero counter (a row may be all zero in the series), ordered by start key', () => {
    const m = recordToMatrix(rec, { series: 'writes', rows: 0 });
    expect(m.rows.map((r) => r.bucketId)).toEqual(['route:10', 'route:2', 'route:3']);
    expect(Array.from(m.values)).toEqual([5, 0, 5, 0, 1, 0]);
  });
  it('over budget: sum desc, ties by bucket_id ascending as strings ("route:10" < "route:2")', () => {
    const m = recordToMatrix(rec, { series: 'writes', rows: 1 });
    expect(m.rows.map((r) => r.bucketId)).toEqual(['route:10']);
    const reads = recordToMatrix(rec, { series: 'reads', rows: 1 });
    expect(reads.rows.map((r) => r.bucketId)).toEqual(['route:3']);
  });
  it('empty record: no columns, no rows', () => {
    const m = recordToMatrix(parseRecordFile(header + '\n'), { series: 'writes', rows: 0 });
    expect([m.colCount, m.rowCount, m.max]).toEqual([0, 0, 0]);
  });
});

describe('record file: malformed input names the problem', () => {
  const ok = JSON.stringify({
    format: 'keyviz-fixture',
    version: 1,
    keyEncoding: 'base64',
    stepMs: 1000,
  });
  const bad: [string, RegExp][] = [
    ['', /line 1: empty file/],
    ['not json', /line 1: not JSON/],
    ['[1,2]', /line 1: must be a JSON object/],
    [JSON.stringify({ format: 'x', version: 1 }), /"format" must be "keyviz-fixture"/],
    [
      JSON.stringify({ format: 'keyviz-fixture', version: 2, keyEncoding: 'base64', stepMs: 1 }),
      /unsupported "version" 2/,
    ],
    [
      JSON.stringify({ format: 'keyviz-fixture', version: 1, keyEncoding: 'hex', stepMs: 1 }),
      /keyEncoding/,
    ],
    [
      JSON.stringify({ format: 'keyviz-fixture', version: 1, keyEncoding: 'base64' }),
      /missing field "stepMs"/,
    ],
    [
      JSON.stringify({ format: 'keyviz-fixture', version: 1, keyEncoding: 'base64', stepMs: 0 }),
      /at least 1/,
    ],
    [ok + '\n{"kind":"nope"}', /line 2: field "kind"/],
    [
      ok + '\n{"kind":"column","unixMs":1,"rows":[[0,1,1,1,1,1,1]]}',
      /line 2: rows\[0\]\[0\]: bucket ref 0 is not defined/,
    ],
    [ok + '\n{"kind":"column","unixMs":1,"rows":[[0,1]]}', /rows\[0\] must be \[ref/],
    [
      ok +
        '\n{"kind":"bucket","ref":0,"bucketId":"route:1","start":"","end":"","label":"","aggregate":false,"routeIds":[],"routeCount":1}' +
        '\n{"kind":"column","unixMs":1,"rows":[[0,1,-1,0,0,0,0]]}',
      /line 3: rows\[0\]\[2\] must be a non-negative integer/,
    ],
    [ok + '\n{"kind":"column","unixMs":1,"rows":[[0,1.5,0,0,0,0,0]]}', /rows\[0\]\[1\] must be/],
    [ok + '\n{"kind":"column","unixMs":1,"rows":[["0",1,0,0,0,0,0]]}', /rows\[0\]\[0\] must be/],
    [ok + '\n{"kind":"column","unixMs":-1,"rows":[]}', /"unixMs" must be a non-negative integer/],
    [
      ok + '\n{"kind":"column","unixMs":5,"rows":[]}\n{"kind":"column","unixMs":4,"rows":[]}',
      /line 3: columns must be in time order/,
    ],
    [
      ok +
        '\n{"kind":"bucket","ref":0,"bucketId":"route:1","start":"@@","end":"","label":"","aggregate":false,"routeIds":[],"routeCount":1}',
      /"start" is not padded base64/,
    ],
    [
      ok +
        '\n{"kind":"bucket","ref":0,"bucketId":"x","start":"","end":"","label":"","aggregate":false,"routeIds":[],"routeCount":1}',
      /bucketId/,
    ],
    [
      ok +
        '\n{"kind":"bucket","ref":0,"bucketId":"route:1","start":"","end":"","label":"","aggregate":false,"routeIds":[1],"routeCount":1}',
      /routeIds/,
    ],
  ];
  for (const [text, re] of bad) {
    it(`rejects ${JSON.stringify(text.slice(-60))}`, () => {
      expect(() => parseRecordFile(text, 'my.jsonl')).toThrow(re);
      expect(() => parseRecordFile(text, 'my.jsonl')).toThrow(/^my\.jsonl line \d+/);
    });
  }
  it('tolerates a BOM, CRLF line ends and blank lines', () => {
    const r = parseRecordFile('\uFEFF' + ok + '\r\n\r\n{"kind":"column","unixMs":3,"rows":[]}\r\n');
    expect(r.columns.map((c) => c.unixMs)).toEqual([3]);
  });
});
