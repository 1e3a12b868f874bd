// The hand-rolled row decoder against protobuf-es's generic codec: same bytes, same answer.
import { describe, expect, it } from 'vitest';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  GetKeyVizMatrixResponseSchema,
  KeyVizRowSchema,
  SampleRole,
  type GetKeyVizMatrixResponse,
  type KeyVizRow,
} from '../../src/gen/admin_pb.ts';
import {
  GetKeyVizMatrixResponseWireSchema,
  type GetKeyVizMatrixResponseWire,
} from '../../src/gen/keyviz_wire_pb.ts';
import { decodeMatrixBytes, decodeMatrixWire, raftSteps } from '../../src/api/decodeMatrix.ts';
import { holdArrays, isHeld } from '../../src/data/arrayHold.ts';
import { WireReader, uint64ToDecimal } from '../../src/api/wireReader.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { Rng } from '../../server/workload/prng.ts';

const U64_MAX = 2n ** 64n - 1n;

/** Seeded uniform floats in [0, 1), so failures reproduce. */
function rng(seed: number): () => number {
  const gen = new Rng(seed);
  return () => gen.float();
}

function randU64(r: () => number): bigint {
  // Mix magnitudes: zeros, small, 2-byte, 32-bit, > 2^53, the max.
  const k = r();
  if (k < 0.3) return 0n;
  if (k < 0.6) return BigInt(Math.floor(r() * 128));
  if (k < 0.8) return BigInt(Math.floor(r() * 16384));
  if (k < 0.95) return BigInt(Math.floor(r() * 2 ** 32));
  if (k < 0.99) return BigInt(Math.floor(r() * 2 ** 53)) * 2048n + 7n;
  return U64_MAX;
}

function randBytes(r: () => number, max: number): Uint8Array {
  const n = Math.floor(r() * max);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

function randomResponse(seed: number, rows: number, cols: number): GetKeyVizMatrixResponse {
  const r = rng(seed);
  const columnUnixMs = Array.from(
    { length: cols },
    (_, i) => 1_700_000_000_000n + BigInt(i) * 60_000n,
  );
  const withRaft = r() < 0.7;
  const out: KeyVizRow[] = [];
  for (let i = 0; i < rows; i++) {
    // Occasionally a row is shorter or longer than the column count.
    const len = r() < 0.1 ? Math.floor(r() * (cols + 3)) : cols;
    const aggregate = r() < 0.2;
    out.push(
      create(KeyVizRowSchema, {
        bucketId: aggregate ? `virtual:${U64_MAX - BigInt(i)}` : `route:${i + 1}`,
        start: randBytes(r, 12),
        end: randBytes(r, 12),
        label: r() < 0.5 ? 'redis' : 'ключ-é',
        aggregate,
        routeIds: aggregate ? [1n, U64_MAX, 2n ** 53n + 1n, 300n] : [],
        routeIdsTruncated: aggregate && r() < 0.5,
        routeCount: aggregate ? U64_MAX - 3n : 1n,
        sampleRoles: r() < 0.2 ? [SampleRole.LEADER_READ, SampleRole.FOLLOWER_READ] : [],
        lineageId: r() < 0.2 ? 'lineage-x' : '',
        values: Array.from({ length: len }, () => randU64(r)),
        softColumns: r() < 0.2 ? [true, false, true] : [],
        raftGroupIds: withRaft ? Array.from({ length: len }, () => randU64(r)) : [],
        leaderTerms: withRaft ? Array.from({ length: len }, () => randU64(r)) : [],
        contributingNodes: r() < 0.3 ? ['n1:50051', 'n2:50051'] : [],
      }),
    );
  }
  return create(GetKeyVizMatrixResponseSchema, {
    columnUnixMs,
    rows: out,
    nodes:
      r() < 0.5
        ? [
            { node: 'a:1', ok: true, latencyMs: 12 },
            { node: 'b:2', ok: false, error: 'unavailable: x', code: 'unavailable' },
          ]
        : [],
    conflicts:
      rows > 0 && cols > 0 && r() < 0.5
        ? [
            { row: rows - 1, column: cols - 1, nodes: ['a', 'b'] },
            { row: rows + 5, column: 0, nodes: [] }, // out of range: ignored
          ]
        : [],
  });
}

/** The expected Matrix, derived from the generic decode of the same bytes. */
function expectSame(m: Matrix, bytes: Uint8Array): void {
  const g = fromBinary(GetKeyVizMatrixResponseSchema, bytes);
  const cols = g.columnUnixMs.length;
  expect(m.colCount).toBe(cols);
  expect(m.rowCount).toBe(g.rows.length);
  expect(Array.from(m.columns)).toEqual(g.columnUnixMs.map(Number));
  const anyRaft = g.rows.some((r) => r.raftGroupIds.length > 0 || r.leaderTerms.length > 0);
  expect(m.raftGroupIds !== null).toBe(anyRaft);
  expect(m.leaderTerms !== null).toBe(anyRaft);
  let max = 0;
  g.rows.forEach((row, ri) => {
    const meta = m.rows[ri];
    expect(meta.bucketId).toBe(row.bucketId);
    expect(Array.from(meta.start)).toEqual(Array.from(row.start));
    expect(Array.from(meta.end)).toEqual(Array.from(row.end));
    expect(meta.label).toBe(row.label);
    expect(meta.aggregate).toBe(row.aggregate);
    expect(meta.routeIds).toEqual(row.routeIds.map(String));
    expect(meta.routeIdsTruncated).toBe(row.routeIdsTruncated);
    expect(meta.routeCount).toBe(String(row.routeCount));
    expect(meta.contributingNodes).toEqual(row.contributingNodes);
    let total = 0;
    for (let c = 0; c < cols; c++) {
      const want = c < row.values.length ? Number(row.values[c]) : 0;
      expect(m.values[ri * cols + c]).toBe(want);
      total += want;
      if (want > max) max = want;
      if (anyRaft) {
        const rg = c < row.raftGroupIds.length ? Number(row.raftGroupIds[c]) : 0;
        const lt = c < row.leaderTerms.length ? Number(row.leaderTerms[c]) : 0;
        expect(m.raftGroupIds![ri * cols + c]).toBe(rg);
        expect(m.leaderTerms![ri * cols + c]).toBe(lt);
      }
    }
    expect(meta.total).toBe(total);
  });
  expect(m.max).toBe(max);
  expect(m.nodes).toEqual(
    g.nodes.map((n) => ({
      node: n.node,
      ok: n.ok,
      error: n.error,
      code: n.code,
      latencyMs: n.latencyMs,
    })),
  );
  const inRange = g.conflicts.filter((c) => c.row < g.rows.length && c.column < cols);
  if (inRange.length === 0) expect(m.conflicts).toBeNull();
  else {
    let ones = 0;
    for (const v of m.conflicts!) ones += v;
    expect(ones).toBe(new Set(inRange.map((c) => c.row * cols + c.column)).size);
    for (const c of inRange) expect(m.conflicts![c.row * cols + c.column]).toBe(1);
  }
}

function decodeViaWire(bytes: Uint8Array): Matrix {
  const wire: GetKeyVizMatrixResponseWire = fromBinary(GetKeyVizMatrixResponseWireSchema, bytes);
  return decodeMatrixWire(wire, 'writes');
}

// --- a tiny hand encoder, for encodings protobuf-es never writes (unpacked, unknown, hostile) ---
function varint(v: bigint | number): number[] {
  let x = BigInt(v);
  const out: number[] = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}
const tag = (field: number, wt: number): number[] => varint((field << 3) | wt);
const ld = (field: number, payload: number[]): number[] => [
  ...tag(field, 2),
  ...varint(payload.length),
  ...payload,
];
const utf8 = (s: string): number[] => Array.from(new TextEncoder().encode(s));
/** A response whose rows are the given hand-written row bodies. */
function response(cols: number, rows: number[][]): Uint8Array {
  const colBytes: number[] = [];
  for (let c = 0; c < cols; c++) colBytes.push(...varint(1_700_000_000_000 + c * 60_000));
  const body = [...(cols ? ld(1, colBytes) : []), ...rows.flatMap((r) => ld(2, r))];
  return new Uint8Array(body);
}

describe('decodeMatrixWire against the generic codec', () => {
  it.each([
    [1, 8, 12],
    [2, 40, 60],
    [3, 1, 1],
    [4, 3, 0],
    [5, 0, 7],
    [6, 0, 0],
    [7, 64, 130],
  ])('random matrix seed %i (%i x %i)', (seed, rows, cols) => {
    const bytes = toBinary(GetKeyVizMatrixResponseSchema, randomResponse(seed, rows, cols));
    const m = decodeViaWire(bytes);
    expectSame(m, bytes);
    expect(m.series).toBe('writes');
    // Eager raft/term decoding gives the same matrix.
    expectSame(decodeMatrixBytes(bytes, 'writes', { lazyRaft: false }), bytes);
    // decodeMatrixBytes is the same path from a whole body.
    expectSame(decodeMatrixBytes(bytes, 'reads'), bytes);
  });

  it('keeps uint64 ids exact above 2^53 and maps values to the nearest double', () => {
    const msg = create(GetKeyVizMatrixResponseSchema, {
      columnUnixMs: [1n, 2n],
      rows: [
        {
          bucketId: `virtual:${U64_MAX}`,
          aggregate: true,
          routeIds: [U64_MAX, 2n ** 53n + 1n, 0n],
          routeCount: 2n ** 63n + 5n,
          values: [2n ** 53n + 1n, U64_MAX],
        },
      ],
    });
    const m = decodeViaWire(toBinary(GetKeyVizMatrixResponseSchema, msg));
    expect(m.rows[0].routeIds).toEqual(['18446744073709551615', '9007199254740993', '0']);
    expect(m.rows[0].routeCount).toBe('9223372036854775813');
    expect(m.values[1]).toBe(Number(U64_MAX));
    expect(m.raftGroupIds).toBeNull();
    expect(m.leaderTerms).toBeNull();
  });

  it('pads short rows with zeros and truncates long ones', () => {
    const msg = create(GetKeyVizMatrixResponseSchema, {
      columnUnixMs: [1n, 2n, 3n],
      rows: [
        { bucketId: 'route:1', values: [5n], raftGroupIds: [7n], leaderTerms: [] },
        {
          bucketId: 'route:2',
          values: [1n, 2n, 3n, 99n, 100n],
          raftGroupIds: [1n, 1n, 1n, 1n, 1n],
        },
      ],
    });
    const bytes = toBinary(GetKeyVizMatrixResponseSchema, msg);
    const m = decodeViaWire(bytes);
    expect(Array.from(m.values)).toEqual([5, 0, 0, 1, 2, 3]);
    expect(Array.from(m.raftGroupIds!)).toEqual([7, 0, 0, 1, 1, 1]);
    expect(Array.from(m.leaderTerms!)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(m.rows[1].total).toBe(6); // the dropped columns do not count
    expect(m.max).toBe(5);
  });
});

describe('encodings protobuf-es does not write', () => {
  it('accepts unpacked repeated fields, and packed and unpacked mixed', () => {
    const row = [
      ...ld(1, utf8('virtual:9')),
      ...tag(11, 0),
      ...varint(3),
      ...tag(11, 0),
      ...varint(2n ** 40n),
      ...ld(11, [...varint(7)]), // a packed run continues the same field
      ...tag(13, 0),
      ...varint(4),
      ...tag(14, 0),
      ...varint(9),
      ...tag(6, 0),
      ...varint(U64_MAX),
      ...tag(6, 0),
      ...varint(12),
      ...tag(5, 0),
      1,
      ...tag(8, 0),
      ...varint(2n ** 60n),
    ];
    const bytes = response(3, [row]);
    const m = decodeMatrixBytes(bytes, 'writes');
    expect(Array.from(m.values)).toEqual([3, 2 ** 40, 7]);
    expect(Array.from(m.raftGroupIds!)).toEqual([4, 0, 0]);
    expect(Array.from(m.leaderTerms!)).toEqual([9, 0, 0]);
    expect(m.rows[0].routeIds).toEqual(['18446744073709551615', '12']);
    expect(m.rows[0].aggregate).toBe(true);
    expect(m.rows[0].routeCount).toBe(String(2n ** 60n));
    // The generic codec agrees on the same bytes.
    expectSame(m, bytes);
  });

  it('skips unknown fields of every wire type, including groups', () => {
    const row = [
      ...tag(99, 0),
      ...varint(U64_MAX),
      ...tag(98, 1),
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      ...tag(97, 5),
      1,
      2,
      3,
      4,
      ...ld(96, [1, 2, 3]),
      ...tag(95, 3),
      ...tag(1, 0),
      5,
      ...ld(2, [1]),
      ...tag(95, 4), // group with nested fields
      ...ld(1, utf8('route:7')),
      ...tag(1, 0),
      1, // a known field number with the wrong wire type is skipped too
      ...ld(11, [...varint(1), ...varint(2)]),
      ...ld(2000, [0xff]),
    ];
    const m = decodeMatrixBytes(response(2, [row]), 'writes');
    expect(m.rows[0].bucketId).toBe('route:7');
    expect(Array.from(m.values)).toEqual([1, 2]);
  });

  it('a payload as long as the columns but holding a long varint is not mistaken for one-byte values', () => {
    // 3 columns, 3 payload bytes, but only 2 values (129 takes two bytes): the third is padding.
    const rows = [
      [...ld(11, [0x81, 0x01, 0x05])],
      [...ld(11, [1, 2, 3]), ...ld(13, [9, 9, 9]), ...ld(14, [0xff, 0x7f, 4])],
    ];
    const m = decodeMatrixBytes(response(3, rows), 'writes');
    expect(Array.from(m.values)).toEqual([129, 5, 0, 1, 2, 3]);
    expect(Array.from(m.raftGroupIds!)).toEqual([0, 0, 0, 9, 9, 9]);
    expect(Array.from(m.leaderTerms!)).toEqual([0, 0, 0, 16383, 4, 0]);
    expectSame(m, response(3, rows));
  });

  it('reads field 1000 (contributing nodes) as repeated strings', () => {
    const row = [...ld(1, utf8('route:1')), ...ld(1000, utf8('a:1')), ...ld(1000, utf8('b:2'))];
    expect(decodeMatrixBytes(response(0, [row]), 'writes').rows[0].contributingNodes).toEqual([
      'a:1',
      'b:2',
    ]);
  });
});

describe('lazy raft/term columns', () => {
  it('decode on first read, both at once, and behave as plain fields afterwards', () => {
    const msg = create(GetKeyVizMatrixResponseSchema, {
      columnUnixMs: [1n, 2n],
      rows: [
        { bucketId: 'route:1', values: [1n, 2n], raftGroupIds: [3n, 4n], leaderTerms: [5n, 6n] },
      ],
    });
    const m = decodeMatrixBytes(toBinary(GetKeyVizMatrixResponseSchema, msg), 'writes');
    const d = Object.getOwnPropertyDescriptor(m, 'raftGroupIds')!;
    expect(typeof d.get).toBe('function'); // not decoded yet
    expect(Array.from(m.leaderTerms!)).toEqual([5, 6]);
    expect(Array.from(m.raftGroupIds!)).toEqual([3, 4]);
    expect(Object.getOwnPropertyDescriptor(m, 'raftGroupIds')!.value).toBe(m.raftGroupIds);
    const copy = { ...m };
    expect(copy.raftGroupIds).toBe(m.raftGroupIds);
    m.leaderTerms = null;
    expect(m.leaderTerms).toBeNull();
  });

  it('decode in steps (raftSteps) to the same arrays as at once, and a read mid-way finishes it', () => {
    const bytes = toBinary(GetKeyVizMatrixResponseSchema, randomResponse(7, 70, 9));
    const eager = decodeMatrixBytes(bytes, 'writes', { lazyRaft: false });
    // Driven to the end in steps: several yields (16 rows a step), then plain fields.
    const stepped = decodeMatrixBytes(bytes, 'writes');
    let yields = 0;
    for (const _ of raftSteps(stepped)) yields++;
    expect(yields).toBeGreaterThanOrEqual(3);
    expect(Array.from(stepped.raftGroupIds!)).toEqual(Array.from(eager.raftGroupIds!));
    expect(Array.from(stepped.leaderTerms!)).toEqual(Array.from(eager.leaderTerms!));
    // Loaded: nothing left to step.
    expect([...raftSteps(stepped)]).toHaveLength(0);
    // Two steps, then a read: the read finishes the decode where the steps left it.
    const half = decodeMatrixBytes(bytes, 'writes');
    const g = raftSteps(half);
    g.next();
    g.next();
    expect(Array.from(half.leaderTerms!)).toEqual(Array.from(eager.leaderTerms!));
    expect(Array.from(half.raftGroupIds!)).toEqual(Array.from(eager.raftGroupIds!));
    expect(g.next().done).toBe(true);
    // holdArrays (live pool) leaves a deferred field deferred.
    const lazy = decodeMatrixBytes(bytes, 'writes');
    holdArrays(lazy);
    expect(typeof Object.getOwnPropertyDescriptor(lazy, 'raftGroupIds')!.get).toBe('function');
    expect(isHeld(lazy.values)).toBe(true);
  });

  it('reads tracked_buckets (1028) and the history widths (1010) from the hand-split answer', () => {
    const body = (extra: { trackedBuckets?: bigint; columnWidthMs?: bigint[] }) =>
      toBinary(
        GetKeyVizMatrixResponseSchema,
        create(GetKeyVizMatrixResponseSchema, {
          columnUnixMs: [60_000n, 120_000n],
          rows: [
            create(KeyVizRowSchema, { bucketId: 'route:1', routeCount: 1n, values: [1n, 2n] }),
          ],
          ...extra,
        }),
      );
    const m = decodeMatrixBytes(
      body({ trackedBuckets: 2317n, columnWidthMs: [60_000n, 600_000n] }),
      'writes',
    );
    expect(m.trackedBuckets).toBe(2317);
    expect(Array.from(m.columnWidths ?? [])).toEqual([60_000, 600_000]);
    // A node says neither.
    const node = decodeMatrixBytes(body({}), 'writes');
    expect(node.trackedBuckets).toBeUndefined();
    expect(node.columnWidths).toBeUndefined();
  });

  it('an older node (no fields 13/14) gives plain nulls', () => {
    const msg = create(GetKeyVizMatrixResponseSchema, {
      columnUnixMs: [1n],
      rows: [{ bucketId: 'route:1', values: [1n] }],
    });
    const m = decodeMatrixBytes(toBinary(GetKeyVizMatrixResponseSchema, msg), 'writes');
    expect(Object.getOwnPropertyDescriptor(m, 'raftGroupIds')!.value).toBeNull();
    expect(m.leaderTerms).toBeNull();
  });

  it.each([
    ['truncated', [...ld(13, [0x01, 0x80])], /truncated varint/],
    ['overlong', [...ld(14, Array(10).fill(0xff).concat([1]))], /longer than 10 bytes/],
    ['wrong wire type', [...tag(13, 5), 1, 2, 3, 4], /wire type 5/],
  ] as [string, number[], RegExp][])(
    'bad raft bytes (%s) still fail at decode time',
    (_n, row, re) => {
      expect(() => decodeMatrixBytes(response(2, [row]), 'writes')).toThrow(re);
    },
  );
});

describe('hostile input ends in a clear Error', () => {
  const cases: [string, number[], RegExp][] = [
    ['truncated varint', [...tag(11, 0), 0x80, 0x80], /truncated varint/],
    ['truncated packed varint', [...ld(11, [0x01, 0xff])], /truncated varint/],
    ['length past the end', [...tag(1, 2), 50, 65], /runs past the end/],
    ['huge length', [...tag(2, 2), ...varint(2 ** 31), 1], /runs past the end/],
    ['11-byte varint', [...tag(11, 0), ...Array(10).fill(0xff), 0x01], /longer than 10 bytes/],
    ['truncated fixed64', [...tag(50, 1), 1, 2, 3], /truncated fixed/],
    ['unterminated group', [...tag(50, 3), ...tag(1, 0), 1], /unterminated group/],
    ['stray end group', [...tag(50, 4)], /unsupported wire type 4/],
    ['wire type 7', [...tag(50, 7)], /unsupported wire type 7/],
    ['field number 0', [0x00, 0x01], /field number 0/],
    ['truncated tag', [0x80], /truncated varint/],
  ];
  it.each(cases)('%s', (_name, row, re) => {
    const bytes = response(2, [row]);
    expect(() => decodeMatrixBytes(bytes, 'writes')).toThrow(re);
  });

  it('a truncated body (top level) throws instead of hanging', () => {
    const bytes = toBinary(GetKeyVizMatrixResponseSchema, randomResponse(11, 4, 6));
    for (const cut of [1, 3, 17, bytes.length - 1]) {
      expect(() => decodeMatrixBytes(bytes.subarray(0, cut), 'writes')).toThrow(Error);
    }
  });

  it('random garbage never hangs: it decodes or throws', () => {
    const r = rng(99);
    for (let i = 0; i < 300; i++) {
      const row = Array.from(randBytes(r, 40));
      try {
        decodeMatrixBytes(response(3, [row]), 'writes');
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
      }
    }
  });
});

describe('WireReader basics', () => {
  it("int64 handles negatives (two's complement, 10 bytes)", () => {
    const r = new WireReader(new Uint8Array(varint((1n << 64n) - 5n)));
    expect(r.int64()).toBe(-5);
  });
  it('uint64ToDecimal is exact across the 2^53 boundary', () => {
    for (const v of [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, U64_MAX]) {
      expect(uint64ToDecimal(Number(v >> 32n), Number(v & 0xffffffffn))).toBe(String(v));
    }
  });
});
