// Hand-rolled decoding of one encoded StreamEventsEvent into the page's LiveEvent, as the
// matrix answer is decoded (decodeMatrix.ts): protobuf-es made a message object and a bigint
// per field of every row, about 20 ms a 1,000-row column on a loaded main thread, and kept
// the generic runtime in Live's chunk. Rows go through decodeRowInto (one column wide), so a
// live row is read, validated and kept exact exactly as a row of a full answer.
//
// Field numbers follow proto/admin.proto (StreamEventsEvent, KeyVizColumn, RouteTransition).
// Semantics follow protobuf: unknown fields are skipped, a singular field's last occurrence
// wins, a oneof member seen twice merges (repeated fields append), a different one replaces
// it. Malformed input throws a WireError with the byte offset.

import type { Series } from '../data/matrix.ts';
import type { LiveColumn, LiveRow } from '../data/liveAppend.ts';
import { collectExactValues, decodeRowInto, type RowTargets } from './decodeRow.ts';
import type { LiveEvent } from './liveEvents.ts';
import { WireError, WireReader } from './wireReader.ts';

/** KeyVizSeries numbers; an unknown or unspecified one means writes (as the node reads it). */
const SERIES_BY_NUMBER: (Series | undefined)[] = [
  undefined,
  'reads',
  'writes',
  'read_bytes',
  'write_bytes',
];
const TWO_53 = 2 ** 53;

type Transition = Extract<LiveEvent, { kind: 'transition' }>;

/** A length-delimited field that must have wire type 2; returns its reader. */
function nested(r: WireReader, wt: number, what: string): WireReader {
  if (wt !== 2) throw new WireError(`wire type ${wt} for ${what}`, r.pos);
  const start = r.lengthDelimited();
  return new WireReader(r.buf, start, r.pos);
}

function fieldOf(r: WireReader): { f: number; wt: number } {
  const tag = r.uint32();
  const f = tag >>> 3;
  if (f === 0) throw new WireError('field number 0', r.pos);
  return { f, wt: tag & 7 };
}

/** One-cell targets shared by every row of a decode: reset before each row. */
function oneCell(): RowTargets {
  return {
    values: new Float64Array(1),
    raftGroupIds: new Float64Array(1),
    leaderTerms: new Float64Array(1),
    cols: 1,
    offset: 0,
    lazyRaft: false,
    sawRaft: false,
  };
}

const noAlloc = (): void => {};

/** One encoded KeyVizRow -> LiveRow: the row's first value, raft group and term. */
function liveRow(bytes: Uint8Array, t: RowTargets): LiveRow {
  t.values[0] = 0;
  t.raftGroupIds![0] = 0;
  t.leaderTerms![0] = 0;
  const { meta } = decodeRowInto(bytes, t, noAlloc);
  const value = t.values[0];
  const row: LiveRow = {
    meta,
    value,
    raftGroupId: t.raftGroupIds![0],
    leaderTerm: t.leaderTerms![0],
  };
  // Rare: a double rounds at 2^53, the digits travel beside it as in a full answer.
  if (value >= TWO_53) {
    const digits = new Map<number, string>();
    collectExactValues(bytes, 0, 1, digits);
    const d = digits.get(0);
    if (d !== undefined) row.exact = d;
  }
  return row;
}

interface ColumnAcc {
  unixMs: number;
  series: number;
  rows: LiveRow[];
}

function readColumn(r: WireReader, acc: ColumnAcc, t: RowTargets): void {
  while (r.pos < r.end) {
    const { f, wt } = fieldOf(r);
    if (f === 1 && wt === 0) acc.unixMs = r.int64();
    else if (f === 2 && wt === 0) {
      r.varint64();
      acc.series = r.lo | 0; // an enum is an int32
    } else if (f === 3) {
      if (wt !== 2) throw new WireError(`wire type ${wt} for a row`, r.pos);
      acc.rows.push(liveRow(r.bytes(), t));
    } else r.skip(wt, f);
  }
}

const EMPTY = new Uint8Array(0);

function readTransition(r: WireReader, acc: Transition, kind: { s: string }): void {
  while (r.pos < r.end) {
    const { f, wt } = fieldOf(r);
    if (f === 1 && wt === 0) acc.parentRouteId = r.uint64String();
    else if (f === 2 && wt === 0) acc.childRouteIds.push(r.uint64String());
    else if (f === 2 && wt === 2) {
      const sub = nested(r, wt, 'child route ids');
      while (sub.pos < sub.end) acc.childRouteIds.push(sub.uint64String());
    } else if (f === 3 && wt === 2) acc.lineageId = r.string();
    else if (f === 4 && wt === 0) acc.unixMs = r.int64();
    else if (f === 1000 && wt === 2) kind.s = r.string();
    else if (f === 1001 && wt === 2) acc.start = r.bytes();
    else if (f === 1002 && wt === 2) acc.end = r.bytes();
    else if (f === 1003 && wt === 2) acc.boundary = r.bytes();
    else r.skip(wt, f);
  }
  acc.transition = kind.s === 'merge' ? 'merge' : 'split';
}

/**
 * One encoded StreamEventsEvent -> LiveEvent: a column, a split or merge, a heartbeat, or
 * null for what the page does not use (a gateway's node status).
 */
export function decodeStreamEvent(bytes: Uint8Array): LiveEvent | null {
  const r = new WireReader(bytes);
  let col: ColumnAcc | null = null;
  let tr: Transition | null = null;
  const trKind = { s: '' };
  let heartbeat = false;
  let rowTargets: RowTargets | null = null;
  while (r.pos < r.end) {
    const { f, wt } = fieldOf(r);
    if (f === 2) {
      const sub = nested(r, wt, 'a column');
      tr = null;
      col ??= { unixMs: 0, series: 0, rows: [] };
      readColumn(sub, col, (rowTargets ??= oneCell()));
    } else if (f === 1) {
      const sub = nested(r, wt, 'a route transition');
      col = null;
      if (!tr) {
        trKind.s = '';
        tr = {
          kind: 'transition',
          transition: 'split',
          parentRouteId: '0',
          childRouteIds: [],
          lineageId: '',
          unixMs: 0,
          start: EMPTY,
          end: EMPTY,
          boundary: EMPTY,
        };
      }
      readTransition(sub, tr, trKind);
    } else if (f === 1000 && wt === 0) {
      r.varint64();
      heartbeat = r.lo !== 0 || r.hi !== 0;
    } else r.skip(wt, f);
  }
  if (col) {
    const column: LiveColumn = { unixMs: col.unixMs, rows: col.rows };
    return { kind: 'column', series: SERIES_BY_NUMBER[col.series] ?? 'writes', column };
  }
  if (tr) return tr;
  return heartbeat ? { kind: 'heartbeat' } : null;
}

/**
 * StreamEventsRequest on the wire: series = 1000 (packed enums), rows = 1001; zero fields left
 * out as proto3 does.
 */
export function encodeStreamRequest(series: readonly Series[], rows: number): Uint8Array {
  const out: number[] = [];
  const varint = (v: number) => {
    // Non-negative and at most 2^32: division keeps it exact where bit operators would wrap.
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
  };
  if (series.length > 0) {
    varint((1000 << 3) | 2);
    varint(series.length); // each series number is one byte
    for (const s of series) out.push(SERIES_BY_NUMBER.indexOf(s));
  }
  const r = Math.min(Math.max(0, Math.floor(rows)), 0xffffffff);
  if (r > 0) {
    varint((1001 << 3) | 0);
    varint(r);
  }
  return new Uint8Array(out);
}
