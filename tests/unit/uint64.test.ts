// uint64 end to end on the server side (issue 12, defect 2): a node reporting
// 2^64-1 or 2^53+1 keeps every digit through the gateway's decode and merge, the
// binary encoders (fast and generic) and the node's JSON; sums saturate at 2^64-1.
// Record files (--record / --fixture) carry them as decimal strings, exactly.
import { describe, expect, it } from 'vitest';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  GetKeyVizMatrixResponseSchema,
  GetRouteDetailResponseSchema,
  KeyVizRowSchema,
} from '../../src/gen/admin_pb.ts';
import { mergeRouteDetails } from '../../server/gateway/console.ts';
import { GetKeyVizMatrixResponseWireSchema } from '../../src/gen/keyviz_wire_pb.ts';
import { mergeMatrices } from '../../server/gateway/merge.ts';
import { decodeMatrixWire } from '../../server/wire/decode-matrix.ts';
import { encodeMatrixWire } from '../../server/wire/encode-matrix.ts';
import { encodeMatrixResponseBytes } from '../../server/wire/encode-response.ts';
import { exactBigints, rowFromMessage, toGenericResponse } from '../../server/wire/generic.ts';
import { rowJson } from '../../server/jsonapi/encodeMatrix.ts';
import type { MatrixAnswer, MatrixResult } from '../../server/sampler/types.ts';
import { Sampler } from '../../server/sampler/sampler.ts';
import { fixtureText } from '../../server/fixture/record.ts';
import { parseFixture } from '../../server/fixture/replay.ts';

const MAX = (1n << 64n) - 1n;
const BIG = (1n << 53n) + 1n;
const READS = 1;
const WRITES = 2;

/** A node's answer as the node sends it: protobuf bytes with bigint values. */
function nodeBytes(values: bigint[], term = 3n): Uint8Array {
  return toBinary(
    GetKeyVizMatrixResponseSchema,
    create(GetKeyVizMatrixResponseSchema, {
      columnUnixMs: values.map((_, j) => BigInt(60_000 * (j + 1))),
      rows: [
        create(KeyVizRowSchema, {
          bucketId: 'route:1',
          routeCount: 1n,
          values,
          raftGroupIds: values.map(() => 1n),
          leaderTerms: values.map(() => term),
        }),
      ],
    }),
  );
}

/** Values as the page and any protobuf client read them back. */
function valuesOf(a: MatrixAnswer): bigint[] {
  return fromBinary(
    GetKeyVizMatrixResponseSchema,
    toBinary(GetKeyVizMatrixResponseWireSchema, encodeMatrixWire(a)),
  ).rows[0].values;
}

const req = (series: number) => ({ series, fromUnixMs: 0, toUnixMs: 0, rows: 0 });

describe('uint64 counters above 2^53', () => {
  it('decode keeps the exact value next to the nearest double', () => {
    const a = decodeMatrixWire(nodeBytes([MAX, BIG, 5n]));
    expect(a.rows[0].exactValues).toEqual(
      new Map([
        [0, MAX],
        [1, BIG],
      ]),
    );
    expect(a.rows[0].values[2]).toBe(5);
    expect(valuesOf(a)).toEqual([MAX, BIG, 5n]);
  });

  it('one node through the gateway: every encoding carries every digit', async () => {
    const one = mergeMatrices(
      [{ node: 'a:1', answer: decodeMatrixWire(nodeBytes([MAX, BIG, 7n])) }],
      req(WRITES),
    );
    expect(valuesOf(one)).toEqual([MAX, BIG, 7n]);
    expect(toGenericResponse(one).rows[0].values).toEqual([MAX, BIG, 7n]);
    const whole = fromBinary(
      GetKeyVizMatrixResponseSchema,
      await encodeMatrixResponseBytes(one, () => Promise.resolve()),
    );
    expect(whole.rows[0].values).toEqual([MAX, BIG, 7n]);
    const json = rowJson(one.rows[0], undefined);
    expect(json).toContain('"values":[18446744073709551615,9007199254740993,7]');
    expect(json).not.toContain('18446744073709551616');
  });

  it('reads add up exactly and saturate at 2^64-1; writes of one term dedupe exactly', () => {
    const answers = (v: bigint[]) => [
      { node: 'a:1', answer: decodeMatrixWire(nodeBytes(v)) },
      { node: 'b:1', answer: decodeMatrixWire(nodeBytes(v)) },
    ];
    expect(valuesOf(mergeMatrices(answers([MAX, BIG, 2n]), req(READS)))).toEqual([
      MAX,
      2n * BIG,
      4n,
    ]);
    expect(valuesOf(mergeMatrices(answers([MAX, BIG, 2n]), req(WRITES)))).toEqual([MAX, BIG, 2n]);
    // Two leader terms in one cell add up (exactly), saturating.
    const terms = [
      { node: 'a:1', answer: decodeMatrixWire(nodeBytes([MAX, BIG], 3n)) },
      { node: 'b:1', answer: decodeMatrixWire(nodeBytes([1n, BIG], 4n)) },
    ];
    expect(valuesOf(mergeMatrices(terms, req(WRITES)))).toEqual([MAX, 2n * BIG]);
  });
});

describe('uint64 through the gateway console and event merges', () => {
  const row = (values: bigint[]) =>
    create(KeyVizRowSchema, {
      bucketId: 'route:1',
      routeCount: 1n,
      values,
      raftGroupIds: values.map(() => 1n),
      leaderTerms: values.map(() => 3n),
    });

  it('a row message keeps cells at or above 2^53 exact', () => {
    const r = rowFromMessage(row([BIG, 5n, MAX]));
    expect(r.exactValues).toEqual(
      new Map([
        [0, BIG],
        [2, MAX],
      ]),
    );
    expect(r.values[1]).toBe(5);
    expect(exactBigints(r)).toEqual([BIG, 5n, MAX]);
  });

  it('route detail sums reads exactly and saturates, keeps writes exact', () => {
    const detail = (reads: bigint[], writes: bigint[]) =>
      create(GetRouteDetailResponseSchema, {
        row: row(writes),
        columnUnixMs: [60_000n, 120_000n],
        reads,
        writes,
        readBytes: [0n, 0n],
        writeBytes: [0n, 0n],
      });
    const m = mergeRouteDetails([
      { node: 'a', value: detail([BIG, MAX], [BIG, 1n]) },
      { node: 'b', value: detail([2n, 1n], [BIG, 1n]) },
    ]);
    expect(m.reads).toEqual([BIG + 2n, MAX]);
    // Writes: one value per (group, term), the same on both nodes.
    expect(m.writes).toEqual([BIG, 1n]);
    expect(m.row?.values).toEqual([BIG, 1n]);
  });
});

describe('record files keep counters above 2^53 exact', () => {
  // A single node's answer: no upstreams, no conflicts.
  const answer = (m: MatrixResult): MatrixAnswer => ({ ...m, nodes: [], conflicts: [] });
  const header =
    '{"format":"keyviz-fixture","version":1,"keyEncoding":"base64","stepMs":60000,"columns":2}';
  const bucket =
    '{"kind":"bucket","ref":0,"bucketId":"route:1","start":"","end":"","label":"","aggregate":false,"routeIds":["1"],"routeCount":1}';
  // reads 2^53+1, writes 2^64-1 (decimal strings), read bytes a plain number.
  const text = [
    header,
    bucket,
    '{"kind":"column","unixMs":60000,"rows":[[0,"9007199254740993","18446744073709551615",5,"7",1,2]]}',
    '{"kind":"column","unixMs":120000,"rows":[[0,3,"18446744073709551614",0,0,1,2]]}',
  ].join('\n');
  const answers = (s: Sampler) => ({
    reads: valuesOf(answer(s.matrix(req(READS)))),
    writes: valuesOf(answer(s.matrix(req(WRITES)))),
    readBytes: valuesOf(answer(s.matrix(req(3)))),
    writeBytes: valuesOf(answer(s.matrix(req(4)))),
  });
  const want = {
    reads: [BIG, 3n],
    writes: [MAX, MAX - 1n],
    readBytes: [5n, 0n],
    writeBytes: [7n, 0n],
  };

  it('replay answers every digit; recording the replay writes the same values back', async () => {
    const s = Sampler.fromColumns(parseFixture(text).columns);
    expect(answers(s)).toEqual(want);
    // The JSON API and the sliced pivot too.
    const sliced = await s.matrixSliced(req(WRITES), () => Promise.resolve());
    expect(rowJson(sliced.rows[0], undefined)).toContain(
      '"values":[18446744073709551615,18446744073709551614]',
    );
    // Record the replayed history, replay that: the same answers.
    const again = fixtureText(s.snapshot(), 60_000, 0);
    expect(again).toContain('[0,"9007199254740993","18446744073709551615",5,7,1,2]');
    expect(answers(Sampler.fromColumns(parseFixture(again).columns))).toEqual(want);
  });

  it("a live sampler's doubles at or above 2^53 are written as their exact integers", () => {
    const meta = parseFixture(text).columns[0].rows[0].meta;
    const row = { meta, raftGroupId: 1, leaderTerm: 1 };
    const out = fixtureText(
      [
        {
          unixMs: 60_000,
          // 2^53+2 is a double; 2^64 (a double's nearest to 2^64-1) saturates; 2^70 too.
          rows: [
            { ...row, reads: 2 ** 53 + 2, writes: 2 ** 64, readBytes: 2 ** 70, writeBytes: 9 },
          ],
        },
      ],
      60_000,
      0,
    );
    expect(out).toContain(
      '[0,"9007199254740994","18446744073709551615","18446744073709551615",9,1,1]',
    );
    expect(out).not.toContain('18446744073709552000');
    const s = Sampler.fromColumns(parseFixture(out).columns);
    expect(valuesOf(answer(s.matrix(req(READS))))).toEqual([2n ** 53n + 2n]);
    expect(valuesOf(answer(s.matrix(req(WRITES))))).toEqual([MAX]);
  });

  it('refuses counters that are not a uint64, naming the cell', () => {
    const col = (cells: string) =>
      [header, bucket, `{"kind":"column","unixMs":60000,"rows":[[0,${cells}]]}`].join('\n');
    for (const [cells, cell] of [
      ['"18446744073709551616",0,0,0,1,2', 1], // 2^64
      ['0,"-1",0,0,1,2', 2],
      ['0,0,"0x10",0,1,2', 3],
      ['0,0,0,"007",1,2', 4],
      ['0,0,0,0,"9007199254740993",2', 5], // group ids stay numbers
    ] as const) {
      expect(() => parseFixture(col(cells), 'rec')).toThrow(
        new RegExp(`rec line 3: rows\\[0\\]\\[${cell}\\] must be a non-negative integer`),
      );
    }
  });
});
