// The page's side of the whole key space: the request field (1027), every decoder reading
// key_space_folded (1029) and folded_buckets (1039) alike, and the break marks' model.
import { describe, expect, it } from 'vitest';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  GetKeyVizMatrixRequestSchema,
  GetKeyVizMatrixResponseSchema,
  KeyVizRowSchema,
} from '../../src/gen/admin_pb.ts';
import { encodeMatrixRequest } from '../../src/api/client.ts';
import { decodeMatrixBytes } from '../../src/api/decodeMatrix.ts';
import { scanMatrixJson } from '../../src/api/jsonMatrixScan.ts';
import { breakText, clusterMarks, clusterText, keyBreaks } from '../../src/data/view/keyBreaks.ts';
import { foldedText } from '../../src/pages/keyviz/cellInfo.ts';
import { foldOffered } from '../../src/pages/keyviz/FoldToggle.tsx';
import type { Matrix } from '../../src/data/matrix.ts';
import { referenceDecode } from '../helpers/matrixJson.ts';

const enc = new TextEncoder();

describe('fold_key_space (1027) in the request', () => {
  it('is written only when asked, as protobuf-es reads it', () => {
    const asked = fromBinary(
      GetKeyVizMatrixRequestSchema,
      encodeMatrixRequest({ series: 'writes', rows: 8, foldKeySpace: true }),
    );
    expect(asked.foldKeySpace).toBe(true);
    expect(asked.rows).toBe(8);
    const plain = encodeMatrixRequest({ series: 'writes', rows: 8 });
    expect(fromBinary(GetKeyVizMatrixRequestSchema, plain).foldKeySpace).toBe(false);
    expect(plain).toEqual(
      toBinary(
        GetKeyVizMatrixRequestSchema,
        create(GetKeyVizMatrixRequestSchema, { series: 2, rows: 8 }),
      ),
    );
  });
});

describe('decoding a folded answer', () => {
  const bin = toBinary(
    GetKeyVizMatrixResponseSchema,
    create(GetKeyVizMatrixResponseSchema, {
      columnUnixMs: [60_000n],
      rows: [
        create(KeyVizRowSchema, {
          bucketId: 'fold:idle@',
          end: enc.encode('a'),
          aggregate: true,
          foldedBuckets: 0n,
          values: [0n],
        }),
        create(KeyVizRowSchema, {
          bucketId: 'route:1',
          start: enc.encode('a'),
          end: enc.encode('b'),
          routeCount: 1n,
          values: [5n],
        }),
        create(KeyVizRowSchema, {
          bucketId: 'fold:route:2+12',
          start: enc.encode('b'),
          aggregate: true,
          routeCount: 12n,
          foldedBuckets: 12n,
          values: [9n],
        }),
      ],
      trackedBuckets: 13n,
      keySpaceFolded: true,
    }),
  );
  const json = (folded: string) =>
    '{"column_unix_ms":[60000],"rows":[' +
    '{"bucket_id":"fold:idle@","start":null,"end":"YQ==","aggregate":true,"route_count":0,"values":[0],"folded_buckets":0},' +
    '{"bucket_id":"route:1","start":"YQ==","end":"Yg==","aggregate":false,"route_count":1,"values":[5]},' +
    '{"bucket_id":"fold:route:2+12","start":"Yg==","end":null,"aggregate":true,"route_count":12,"values":[9],"folded_buckets":12}' +
    `],"series":"writes","tracked_buckets":13${folded},"generated_at":"2026-12-07T00:00:00Z"}`;

  const facts = (m: Matrix) => [m.keySpaceFolded, m.rows.map((r) => r.foldedBuckets)];

  it('binary, the JSON scanner and JSON.parse agree', () => {
    const want = [true, ['0', undefined, '12']];
    expect(facts(decodeMatrixBytes(bin, 'writes'))).toEqual(want);
    expect(facts(scanMatrixJson(json(',"key_space_folded":true'), 'writes'))).toEqual(want);
    expect(facts(referenceDecode(json(',"key_space_folded":true'), 'writes'))).toEqual(want);
  });

  it('only the literal true says folded; a non-count is not a folded row', () => {
    for (const v of [',"key_space_folded":"true"', ',"key_space_folded":1', '']) {
      expect(scanMatrixJson(json(v), 'writes').keySpaceFolded, v).toBeUndefined();
      expect(referenceDecode(json(v), 'writes').keySpaceFolded, v).toBeUndefined();
    }
    const odd = json('').replace('"folded_buckets":12', '"folded_buckets":"12"');
    expect(scanMatrixJson(odd, 'writes').rows[2].foldedBuckets).toBeUndefined();
    expect(referenceDecode(odd, 'writes').rows[2].foldedBuckets).toBeUndefined();
  });

  it('the card and the toggle read it', () => {
    const m = decodeMatrixBytes(bin, 'writes');
    expect(foldedText(m.rows[2].foldedBuckets)).toBe('12 buckets folded into this row');
    expect(foldedText(m.rows[0].foldedBuckets)).toBe('no buckets: no traffic in these keys');
    expect(foldedText(m.rows[1].foldedBuckets)).toBe('');
    expect(foldOffered(false, m)).toBe(true);
    // A node's answer (no tracked_buckets, not folded): no toggle unless it is on.
    const node = { ...m, keySpaceFolded: undefined, trackedBuckets: undefined };
    expect(foldOffered(false, node)).toBe(false);
    expect(foldOffered(true, node)).toBe(true);
    expect(foldOffered(false, { ...node, trackedBuckets: 40 })).toBe(true);
  });
});

describe('keyBreaks', () => {
  const row = (start: string, end: string) => ({ start: enc.encode(start), end: enc.encode(end) });

  it('finds every stretch left out: before, between and after the rows', () => {
    const b = keyBreaks([row('b', 'c'), row('c', 'd'), row('f', 'g')]);
    const text = (k: Uint8Array) => new TextDecoder().decode(k);
    expect(b.map((x) => [x.row, text(x.from), text(x.to)])).toEqual([
      [0, '', 'b'],
      [2, 'd', 'f'],
      [3, 'g', ''],
    ]);
  });

  it('none when the rows tile; overlaps (a split in the window) are not breaks', () => {
    expect(keyBreaks([row('', 'c'), row('c', '')])).toEqual([]);
    expect(keyBreaks([row('', 'm'), row('a', 'f'), row('f', 'm'), row('m', '')])).toEqual([]);
    expect(keyBreaks([row('', ''), row('x', 'y')])).toEqual([]);
    expect(keyBreaks([])).toEqual([]);
  });

  it('says what was left out, and why where the server said', () => {
    const [first] = keyBreaks([row('b', '')]);
    expect(breakText(first, 285)).toMatch(
      /^Keys from the low end up to b are not shown: the row budget left out 285 buckets/,
    );
    expect(breakText(first, undefined)).toBe(
      'Keys from the low end up to b are not shown: no traffic there in this window, or left out by the row budget.',
    );
  });
});

describe('clusterMarks', () => {
  it('groups marks that would overlap, chaining while each is close to the previous', () => {
    expect(clusterMarks([])).toEqual([]);
    expect(clusterMarks([0, 40, 80])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    // 0, 5, 10 chain into one group; 30 stands alone; 50, 63 pair (13 < 14); 77 is 14 away.
    expect(clusterMarks([0, 5, 10, 30, 50, 63, 77])).toEqual([
      [0, 2],
      [3, 3],
      [4, 5],
      [6, 6],
    ]);
    expect(clusterMarks([0, 5], 5)).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('a group says how many, its first and last keys, and why', () => {
    const enc = new TextEncoder();
    const row = (start: string, end: string) => ({
      start: enc.encode(start),
      end: enc.encode(end),
    });
    const b = keyBreaks([row('b', 'c'), row('d', 'e'), row('f', 'g')]);
    expect(b).toHaveLength(4);
    expect(clusterText(b.slice(1, 3), undefined)).toBe(
      '2 places close together where keys are not shown, between c and f (zoom in to tell them ' +
        'apart): no traffic there in this window, or left out by the row budget.',
    );
    expect(clusterText(b, 12)).toMatch(
      /^4 places close together where keys are not shown, between the low end and the end of the key space \(zoom in to tell them apart\): the row budget left out 12 buckets/,
    );
    // One break: the single mark's own text.
    expect(clusterText([b[0]], undefined)).toBe(breakText(b[0], undefined));
  });
});
