import { describe, expect, it } from 'vitest';
import { create, equals, fromBinary, toBinary } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { GetKeyVizMatrixResponseSchema, KeyVizRowSchema } from '../../src/gen/admin_pb.ts';
import { GetKeyVizMatrixResponseWireSchema } from '../../src/gen/keyviz_wire_pb.ts';
import { decodeMatrixWire } from '../../server/wire/decode-matrix.ts';
import { encodeMatrixWire } from '../../server/wire/encode-matrix.ts';
import { encodeRow } from '../../server/wire/encode-row.ts';
import { encodeMatrixResponseBytes, preEncodedMatrix } from '../../server/wire/encode-response.ts';
import { toGenericResponse } from '../../server/wire/generic.ts';
import { varintSize, writeVarint, Reader } from '../../server/wire/varint.ts';
import type { GetKeyVizMatrixResponse } from '../../src/gen/admin_pb.ts';
import type { MatrixAnswer, MatrixRow } from '../../server/sampler/types.ts';
import { Rng } from '../../server/workload/prng.ts';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function seeded(seed: number): (n: number) => number {
  const gen = new Rng(seed);
  return (n) => gen.int(n);
}

function row(
  p: Partial<MatrixRow['meta']>,
  values: number[],
  groups?: number[],
  terms?: number[],
): MatrixRow {
  return {
    meta: {
      bucketId: 'route:1',
      start: new Uint8Array(0),
      end: new Uint8Array(0),
      label: '',
      aggregate: false,
      routeIds: ['1'],
      routeCount: 1,
      ...p,
    },
    values: Float64Array.from(values),
    raftGroupIds: Float64Array.from(groups ?? values.map(() => 0)),
    leaderTerms: Float64Array.from(terms ?? values.map(() => 0)),
  };
}

function answer(
  columns: number[],
  rows: MatrixRow[],
  extra: Partial<MatrixAnswer> = {},
): MatrixAnswer {
  return { columnUnixMs: columns, rows, nodes: [], conflicts: [], ...extra };
}

function randomAnswer(seed: number): MatrixAnswer {
  const rnd = seeded(seed);
  const C = rnd(20);
  const R = rnd(12);
  const pick = () => {
    const kind = rnd(6);
    if (kind === 0) return 0;
    if (kind === 1) return MAX_SAFE - rnd(1000);
    if (kind === 2) return 2 ** (20 + rnd(33)) + rnd(1000);
    return rnd(300);
  };
  const rows: MatrixRow[] = [];
  for (let r = 0; r < R; r++) {
    const aggregate = rnd(3) === 0;
    const n = rnd(4);
    const key = () => Uint8Array.from({ length: rnd(6) }, () => rnd(256));
    const noGroups = rnd(4) === 0;
    rows.push(
      row(
        {
          bucketId: aggregate
            ? `virtual:${18446744073709551615n - BigInt(rnd(5))}`
            : `route:${rnd(1e9)}`,
          start: key(),
          end: key(),
          label: ['', 'dynamo', 'redis', 's3', 'ünïcødé'][rnd(5)],
          aggregate,
          routeIds: aggregate
            ? Array.from({ length: n }, () =>
                String(rnd(3) === 0 ? 18446744073709551615n - BigInt(rnd(9)) : rnd(1e6)),
              )
            : [String(rnd(1e6))],
          routeCount: aggregate ? n + rnd(3) : 1,
        },
        Array.from({ length: C }, pick),
        noGroups ? [] : Array.from({ length: C }, pick),
        noGroups ? [] : Array.from({ length: C }, pick),
      ),
    );
  }
  const withNodes = rnd(2) === 0;
  return answer(
    Array.from({ length: C }, (_, i) => 1_700_000_000_000 + i * 60_000 + rnd(999)),
    rows,
    withNodes
      ? {
          nodes: [
            { node: 'n1:50051', ok: true, error: '', code: '', latencyMs: 12 },
            {
              node: 'n2:50051',
              ok: false,
              error: 'unavailable: down',
              code: 'unavailable',
              latencyMs: 2000,
            },
          ],
          conflicts:
            R > 0 && C > 0 ? [{ row: R - 1, column: C - 1, nodes: ['n1:50051', 'n2:50051'] }] : [],
          // Per-row field: with no rows there is nothing on the wire to carry it.
          ...(R > 0
            ? {
                contributingNodes: rows.map((_, i) =>
                  i % 2 ? ['n1:50051'] : ['n1:50051', 'n2:50051'],
                ),
              }
            : {}),
        }
      : {},
  );
}

/** Re-encodes the generic message with every repeated scalar unpacked (legal proto, never sent by protobuf-es). */
function toUnpackedBinary(msg: GetKeyVizMatrixResponse): Uint8Array {
  const w = new BinaryWriter();
  for (const t of msg.columnUnixMs) w.tag(1, WireType.Varint).int64(t);
  for (const r of msg.rows) {
    const rw = new BinaryWriter();
    // Unknown fields first, then known fields out of order: a decoder must not care.
    rw.tag(99, WireType.LengthDelimited).string('ignore me');
    rw.tag(98, WireType.Varint).uint64(7n);
    rw.tag(97, WireType.Bit32).fixed32(1);
    rw.tag(96, WireType.Bit64).fixed64(2n);
    for (const v of r.values) rw.tag(11, WireType.Varint).uint64(v);
    for (const v of r.raftGroupIds) rw.tag(13, WireType.Varint).uint64(v);
    for (const v of r.leaderTerms) rw.tag(14, WireType.Varint).uint64(v);
    for (const v of r.routeIds) rw.tag(6, WireType.Varint).uint64(v);
    rw.tag(12, WireType.LengthDelimited).bytes(Uint8Array.of(1, 0));
    const rest = create(KeyVizRowSchema, {
      ...r,
      values: [],
      raftGroupIds: [],
      leaderTerms: [],
      routeIds: [],
    });
    const restBytes = toBinary(KeyVizRowSchema, rest);
    w.tag(2, WireType.LengthDelimited).bytes(concat(rw.finish(), restBytes));
  }
  const tail = create(GetKeyVizMatrixResponseSchema, {
    nodes: msg.nodes,
    conflicts: msg.conflicts,
    trackedBuckets: msg.trackedBuckets,
    keySpaceFolded: msg.keySpaceFolded,
  });
  return concat(w.finish(), toBinary(GetKeyVizMatrixResponseSchema, tail));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const edgeCases: Record<string, MatrixAnswer> = {
  empty: answer([], []),
  'columns, no rows': answer([1, 2, 3], []),
  'zero values, empty keys and label': answer(
    [5],
    [row({ bucketId: '', routeIds: [], routeCount: 0 }, [0], [0], [0])],
  ),
  'near 2^53': answer(
    [MAX_SAFE],
    [
      row(
        { routeCount: MAX_SAFE },
        [MAX_SAFE, 2 ** 53 - 2, 2 ** 32, 2 ** 32 - 1, 2 ** 28, 2 ** 28 - 1],
        [MAX_SAFE, 1, 2, 3, 4, 5],
        [0, 0, 0, 0, 0, MAX_SAFE],
      ),
    ],
  ),
  'virtual ids near 2^64, truncated aggregate': answer(
    [1, 2],
    [
      row(
        {
          bucketId: 'virtual:18446744073709551615',
          aggregate: true,
          routeIds: ['18446744073709551615', '18446744073709551614', '9007199254740993', '0'],
          routeCount: 300,
          start: Uint8Array.of(0, 255, 0x80),
          end: Uint8Array.of(0xff, 0xff),
        },
        [1, 2],
      ),
    ],
  ),
  'older node: no groups or terms': answer([1, 2], [row({}, [3, 4], [], [])]),
  'whole key space folded (1029, 1039 present at 0)': {
    ...answer(
      [1, 2],
      [
        row(
          {
            bucketId: 'fold:idle@',
            aggregate: true,
            routeIds: [],
            routeCount: 0,
            foldedBuckets: 0,
          },
          [0, 0],
        ),
        row({ bucketId: 'route:1' }, [5, 6]),
        row(
          {
            bucketId: 'fold:route:2+7',
            aggregate: true,
            routeIds: ['2', '3'],
            routeCount: 9,
            foldedBuckets: 7,
          },
          [9, 9],
        ),
      ],
    ),
    trackedBuckets: 9,
    keySpaceFolded: true,
  },
  'binary keys': answer([1], [row({ start: Uint8Array.of(0), end: Uint8Array.of(0, 0, 1) }, [1])]),
};

describe('fast wire encoder', () => {
  const cases: [string, MatrixAnswer][] = [
    ...Object.entries(edgeCases),
    ...Array.from(
      { length: 40 },
      (_, i) => [`random ${i}`, randomAnswer(i + 1)] as [string, MatrixAnswer],
    ),
  ];
  it.each(cases)('%s: generic decode of the wire bytes equals toGenericResponse', (_name, a) => {
    const wireBytes = toBinary(GetKeyVizMatrixResponseWireSchema, encodeMatrixWire(a));
    const generic = toGenericResponse(a);
    const decoded = fromBinary(GetKeyVizMatrixResponseSchema, wireBytes);
    expect(equals(GetKeyVizMatrixResponseSchema, decoded, generic)).toBe(true);
    expect(decoded).toEqual(generic);
    // protobuf-es writes the same field order and packing, so the bytes match too.
    expect(wireBytes).toEqual(toBinary(GetKeyVizMatrixResponseSchema, generic));
  });

  it.each(cases)(
    '%s: the sliced whole-response bytes, and connect-node carrying them, equal toBinary',
    async (_name, a) => {
      const expected = toBinary(GetKeyVizMatrixResponseWireSchema, encodeMatrixWire(a));
      const bytes = await encodeMatrixResponseBytes(a, () => Promise.resolve());
      expect(bytes).toEqual(expected);
      // What connect-node does with the handler's message: toBinary of the output schema.
      expect(toBinary(GetKeyVizMatrixResponseWireSchema, preEncodedMatrix(bytes))).toEqual(
        expected,
      );
    },
  );

  it.each(cases)(
    '%s: fast decoder inverts the generic encoding, packed and unpacked',
    (_name, a) => {
      const generic = toGenericResponse(a);
      expect(decodeMatrixWire(toBinary(GetKeyVizMatrixResponseSchema, generic))).toEqual(a);
      expect(decodeMatrixWire(toUnpackedBinary(generic))).toEqual(a);
    },
  );

  it('encodes one row standalone', () => {
    const r = row({ bucketId: 'route:7', label: 'redis' }, [1, 200, 70000]);
    const msg = fromBinary(KeyVizRowSchema, encodeRow(r, ['n1']));
    expect(msg.bucketId).toBe('route:7');
    expect(msg.values).toEqual([1n, 200n, 70000n]);
    expect(msg.contributingNodes).toEqual(['n1']);
  });

  it('rejects truncated input', () => {
    const bytes = toBinary(
      GetKeyVizMatrixResponseSchema,
      toGenericResponse(edgeCases['near 2^53']),
    );
    expect(() => decodeMatrixWire(bytes.subarray(0, bytes.length - 3))).toThrow(RangeError);
  });
});

describe('varints', () => {
  it('round-trip numbers across every size boundary', () => {
    const buf = new Uint8Array(16);
    for (let bits = 0; bits <= 53; bits++) {
      for (const v of [2 ** bits - 1, 2 ** bits, Math.min(2 ** bits + 1, MAX_SAFE)]) {
        const end = writeVarint(buf, 0, v);
        expect(end).toBe(varintSize(v));
        const r = new Reader(buf);
        expect(r.varint()).toBe(v);
        expect(r.pos).toBe(end);
      }
    }
  });
  it('writes zero for negatives and NaN (counters are never negative)', () => {
    const buf = new Uint8Array(4);
    expect(writeVarint(buf, 0, -5)).toBe(1);
    expect(buf[0]).toBe(0);
    expect(varintSize(Number.NaN)).toBe(1);
  });
  it('decodes negative int64 column times', () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited)
      .fork()
      .int64(-1)
      .int64(-(2 ** 40))
      .join();
    expect(decodeMatrixWire(w.finish()).columnUnixMs).toEqual([-1, -(2 ** 40)]);
  });
});
