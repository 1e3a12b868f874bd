// The page's hand-rolled StreamEvents decoder (src/api/liveWire.ts) against protobuf-es's generic
// decoder on events the server's own encoder wrote (server/events/messages.ts): a real workload's
// columns, uint64 above 2^53, empty columns, transitions, heartbeats, unknown fields; and the
// clear errors malformed input must end in.
import { create, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { decodeStreamEvent, encodeStreamRequest } from '../../src/api/liveWire.ts';
import { WireError } from '../../src/api/wireReader.ts';
import {
  KeyVizSeries,
  StreamEventsEventSchema,
  StreamEventsRequestSchema,
} from '../../src/gen/admin_pb.ts';
import { toEventMessage } from '../../server/events/messages.ts';
import type { LiveItem } from '../../server/events/types.ts';
import type { MatrixResult } from '../../server/sampler/types.ts';
import { genericDecode } from '../helpers/genericLiveEvents.ts';
import { workloadMatrices } from '../helpers/workloadMatrix.ts';

const encode = (item: LiveItem) => toBinary(StreamEventsEventSchema, toEventMessage(item));

/** Both decoders on the same bytes: equal LiveEvents (Uint8Arrays compared by content). */
function same(bytes: Uint8Array) {
  const ours = decodeStreamEvent(bytes);
  expect(ours).toEqual(genericDecode(bytes));
  return ours;
}

/** The last column of a real workload's sampler, one series, as the server streams it. */
let samplerOnce: ReturnType<typeof workloadMatrices>['sampler'] | null = null;
function workloadColumn(series: number, rows: number): { item: LiveItem; unixMs: number } {
  const sampler = (samplerOnce ??= workloadMatrices({ routes: 400, seed: 3 }).sampler);
  const all = sampler.matrix({ series, fromUnixMs: 0, toUnixMs: 0, rows });
  const unixMs = all.columnUnixMs[all.columnUnixMs.length - 1];
  const result = sampler.matrix({ series, fromUnixMs: unixMs, toUnixMs: unixMs + 1, rows });
  return { item: { kind: 'column', unixMs, series, result }, unixMs };
}

const MAX64 = 18446744073709551615n;

function oneRow(values: number[], exact?: Map<number, bigint>): MatrixResult {
  return {
    columnUnixMs: [1_790_000_000_000],
    rows: [
      {
        meta: {
          bucketId: 'virtual:18446744073709551615',
          start: new Uint8Array([0x61]),
          end: new Uint8Array(0),
          label: 'rawkv',
          aggregate: true,
          routeIds: ['9007199254740993', '18446744073709551614'],
          routeCount: 3,
        },
        values: Float64Array.from(values),
        ...(exact && { exactValues: exact }),
        raftGroupIds: Float64Array.from([7]),
        leaderTerms: Float64Array.from([2 ** 40]),
      },
    ],
  };
}

describe('decodeStreamEvent equals the generic decoder', () => {
  it('a real workload column of every series', () => {
    let multiByte = 0;
    for (const series of [1, 2, 3, 4]) {
      const { item, unixMs } = workloadColumn(series, 1024);
      const e = same(encode(item));
      if (e?.kind !== 'column') throw new Error('not a column');
      expect(e.column.unixMs).toBe(unixMs);
      expect(e.series).toBe(['reads', 'writes', 'read_bytes', 'write_bytes'][series - 1]);
      expect(e.column.rows.length).toBeGreaterThan(100);
      // Raft groups and multi-byte values are really compared (aggregates, terms: the next test).
      expect(e.column.rows.some((r) => r.raftGroupId > 0)).toBe(true);
      multiByte += e.column.rows.filter((r) => r.value > 127).length;
    }
    expect(multiByte).toBeGreaterThan(0);
  });

  it('uint64 at and above 2^53 keeps its digits beside the nearest double', () => {
    const e = same(
      encode({
        kind: 'column',
        unixMs: 1_790_000_000_000,
        series: 2,
        result: oneRow([2 ** 64], new Map([[0, MAX64]])),
      }),
    );
    if (e?.kind !== 'column') throw new Error('not a column');
    const [row] = e.column.rows;
    expect(row.exact).toBe('18446744073709551615');
    expect(row.value).toBe(2 ** 64);
    expect(row.meta.routeIds).toEqual(['9007199254740993', '18446744073709551614']);
    expect(row.meta.bucketId).toBe('virtual:18446744073709551615');
    expect(row.leaderTerm).toBe(2 ** 40);

    const below = same(
      encode({ kind: 'column', unixMs: 5, series: 1, result: oneRow([2 ** 53 - 1]) }),
    );
    if (below?.kind !== 'column') throw new Error('not a column');
    expect(below.column.rows[0].exact).toBeUndefined();
    expect(below.column.rows[0].value).toBe(2 ** 53 - 1);
  });

  it('an empty column, a column of an unknown series, a heartbeat, a node status', () => {
    const empty = same(
      encode({ kind: 'column', unixMs: 42, series: 3, result: { columnUnixMs: [42], rows: [] } }),
    );
    expect(empty).toEqual({
      kind: 'column',
      series: 'read_bytes',
      column: { unixMs: 42, rows: [] },
    });
    const odd = same(
      encode({ kind: 'column', unixMs: 1, series: 77, result: { columnUnixMs: [1], rows: [] } }),
    );
    expect(odd?.kind === 'column' && odd.series).toBe('writes');
    expect(same(encode({ kind: 'heartbeat', unixMs: 1_790_000_000_000 }))).toEqual({
      kind: 'heartbeat',
    });
    expect(same(encode({ kind: 'node', node: 'n1:1', ok: false, code: 'x', error: 'y' }))).toBe(
      null,
    );
    expect(same(new Uint8Array(0))).toBe(null);
  });

  it('split and merge transitions, ids above 2^53', () => {
    for (const kind of ['split', 'merge'] as const) {
      const e = same(
        encode({
          kind: 'transition',
          transition: {
            kind,
            parentRouteId: 2 ** 53 + 2,
            childRouteIds: [2 ** 53 + 2, 12, 13],
            start: new Uint8Array([1, 2]),
            end: new Uint8Array([9]),
            boundary: new Uint8Array([5]),
            unixMs: 1_790_000_000_123,
          },
          node: 'n2',
        }),
      );
      expect(e).toMatchObject({
        kind: 'transition',
        transition: kind,
        parentRouteId: '9007199254740994',
        childRouteIds: ['9007199254740994', '12', '13'],
        lineageId: `${kind}/9007199254740994/1790000000123`,
        unixMs: 1_790_000_000_123,
      });
    }
  });

  it('unknown fields at every level are skipped (all wire types, a group)', () => {
    const { item } = workloadColumn(2, 64);
    const base = toEventMessage(item);
    // Unknown fields: varint 900, fixed64 901, bytes 902, fixed32 903, a group 904 holding a varint.
    const junk = new Uint8Array([
      ...[0xa0, 0x38, 0x05],
      ...[0xa9, 0x38, 1, 2, 3, 4, 5, 6, 7, 8],
      ...[0xb2, 0x38, 0x02, 0xff, 0xff],
      ...[0xbd, 0x38, 1, 2, 3, 4],
      ...[0xc3, 0x38, 0x08, 0x01, 0xc4, 0x38],
    ]);
    const withJunk = (m: { $unknown?: { no: number; wireType: number; data: Uint8Array }[] }) => {
      // protobuf-es writes $unknown back as raw bytes: one entry carrying the whole tail.
      m.$unknown = [{ no: 900, wireType: 0, data: new Uint8Array([0x05]) }];
    };
    if (base.event.case !== 'keyvizColumn') throw new Error('not a column');
    withJunk(base);
    withJunk(base.event.value);
    for (const r of base.event.value.rows) withJunk(r);
    const bytes = toBinary(StreamEventsEventSchema, base);
    // And every wire type (varint, fixed64, bytes, fixed32, group) at the top level.
    const topJunk = new Uint8Array([...bytes, ...junk]);
    const a = same(topJunk);
    expect(a?.kind).toBe('column');
    expect(a).toEqual(decodeStreamEvent(toBinary(StreamEventsEventSchema, toEventMessage(item))));
  });

  it('a oneof seen twice merges (rows append), a different member replaces it', () => {
    const col = (unixMs: number, n: number) =>
      toBinary(
        StreamEventsEventSchema,
        toEventMessage({
          kind: 'column',
          unixMs,
          series: 2,
          result: { columnUnixMs: [unixMs], rows: oneRow(Array(1).fill(n)).rows },
        }),
      );
    const twice = new Uint8Array([...col(10, 1), ...col(20, 2)]);
    const e = same(twice);
    expect(e?.kind === 'column' && e.column.rows.map((r) => r.value)).toEqual([1, 2]);
    expect(e?.kind === 'column' && e.column.unixMs).toBe(20);
    const tr = encode({
      kind: 'transition',
      transition: {
        kind: 'split',
        parentRouteId: 1,
        childRouteIds: [1, 2],
        start: new Uint8Array(0),
        end: new Uint8Array(0),
        boundary: new Uint8Array([3]),
        unixMs: 30,
      },
    });
    expect(same(new Uint8Array([...col(10, 1), ...tr]))?.kind).toBe('transition');
    expect(same(new Uint8Array([...tr, ...col(10, 1)]))?.kind).toBe('column');
  });
});

describe('malformed events end in a clear WireError', () => {
  const good = () => encode(workloadColumn(2, 64).item);

  it('truncated anywhere', () => {
    const bytes = good();
    // Every cut inside the column (length-delimited, so the cut shows).
    for (const cut of [1, 2, 5, Math.floor(bytes.length / 2), bytes.length - 1]) {
      expect(() => decodeStreamEvent(bytes.subarray(0, cut))).toThrow(WireError);
    }
  });

  it('a length past the end, a field number 0, a bad wire type, a varint over 10 bytes', () => {
    expect(() => decodeStreamEvent(new Uint8Array([0x12, 0x05, 0x08]))).toThrow(
      /length 5 runs past the end/,
    );
    expect(() => decodeStreamEvent(new Uint8Array([0x00, 0x01]))).toThrow(/field number 0/);
    // keyviz_column (2) as a varint: a column must be length-delimited.
    expect(() => decodeStreamEvent(new Uint8Array([0x10, 0x01]))).toThrow(
      /wire type 0 for a column/,
    );
    // A row (3) inside the column as a varint.
    expect(() => decodeStreamEvent(new Uint8Array([0x12, 0x02, 0x18, 0x01]))).toThrow(
      /wire type 0 for a row/,
    );
    expect(() =>
      decodeStreamEvent(new Uint8Array([0xc0, 0x3e, ...Array(10).fill(0xff), 0x01])),
    ).toThrow(/varint longer than 10 bytes/);
    expect(() => decodeStreamEvent(new Uint8Array([0x2f]))).toThrow(/unsupported wire type 7/);
    // A row whose values (11) run past the row.
    expect(() =>
      decodeStreamEvent(new Uint8Array([0x12, 0x05, 0x1a, 0x03, 0x5a, 0x04, 0x01])),
    ).toThrow(WireError);
  });

  it('the generic decoder refuses the same inputs (both strict on them)', () => {
    const bytes = good();
    expect(() => genericDecode(bytes.subarray(0, bytes.length - 1))).toThrow();
    expect(() => genericDecode(new Uint8Array([0x12, 0x05, 0x08]))).toThrow();
  });
});

describe('encodeStreamRequest', () => {
  it('is byte-identical to protobuf-es', () => {
    for (const [series, rows] of [
      [['writes'], 64],
      [['reads', 'read_bytes', 'write_bytes'], 1024],
      [[], 0],
      [['writes'], 0],
    ] as const) {
      const want = toBinary(
        StreamEventsRequestSchema,
        create(StreamEventsRequestSchema, {
          series: series.map(
            (s) =>
              ({
                reads: KeyVizSeries.KEYVIZ_SERIES_READS,
                writes: KeyVizSeries.KEYVIZ_SERIES_WRITES,
                read_bytes: KeyVizSeries.KEYVIZ_SERIES_READ_BYTES,
                write_bytes: KeyVizSeries.KEYVIZ_SERIES_WRITE_BYTES,
              })[s],
          ),
          rows,
        }),
      );
      expect(Array.from(encodeStreamRequest(series, rows))).toEqual(Array.from(want));
    }
  });
});
