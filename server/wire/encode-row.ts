// Hand-rolled protobuf encoding of KeyVizRow (admin.proto), written in one pass
// into chunks shared by all rows of an answer. Proto3 rules:
// default scalars are skipped, repeated scalars are packed, empty repeated
// fields are omitted. The bytes are what protobuf-es's toBinary would produce.
import type { MatrixRow } from '../sampler/types.ts';
import { hiLoOf } from './exact.ts';
import {
  decimalToHiLo,
  varintSize,
  varintSizeHiLo,
  writeVarint,
  writeVarintHiLo,
} from './varint.ts';

const utf8 = new TextEncoder();

// Tags: (field << 3) | wire type (0 varint, 2 length-delimited).
const TAG_BUCKET_ID = 0x0a;
const TAG_START = 0x12;
const TAG_END = 0x1a;
const TAG_LABEL = 0x22;
const TAG_AGGREGATE = 0x28;
const TAG_ROUTE_IDS = 0x32;
const TAG_ROUTE_IDS_TRUNCATED = 0x38;
const TAG_ROUTE_COUNT = 0x40;
const TAG_VALUES = 0x5a;
const TAG_RAFT_GROUP_IDS = 0x6a;
const TAG_LEADER_TERMS = 0x72;
/** Field 1000, wire type 2, as its two varint bytes. */
const TAG_CONTRIBUTING_NODES = [0xc2, 0x3e] as const;
/** Field 1039 (folded_buckets), wire type 0: (1039 << 3) = 8312 as varint bytes. */
const TAG_FOLDED_BUCKETS = [0xf8, 0x40] as const;

function writePacked(buf: Uint8Array, pos: number, a: Float64Array): number {
  for (let i = 0; i < a.length; i++) {
    let v = a[i];
    if (v < 0x80 && v >= 0) {
      buf[pos++] = v;
    } else if (v < 0x10000000 && v > 0) {
      while (v > 0x7f) {
        buf[pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buf[pos++] = v;
    } else {
      pos = writeVarint(buf, pos, v);
    }
  }
  return pos;
}

/** Output chunks: rows are views into them, so one chunk serves many rows. */
class ChunkWriter {
  buf = new Uint8Array(0);
  pos = 0;

  /** Makes room for `need` more bytes, starting a new chunk if this one is full. */
  reserve(need: number): void {
    if (this.pos + need <= this.buf.length) return;
    this.buf = new Uint8Array(Math.max(need, 1 << 20));
    this.pos = 0;
  }
}

/** Upper bound of a row's encoded size (varints at most 10 bytes). */
function maxRowSize(row: MatrixRow, strings: number, nodes: readonly Uint8Array[]): number {
  const m = row.meta;
  let n = 64 + 3 * strings + m.start.length + m.end.length + 10 * m.routeIds.length;
  n += 10 * (row.values.length + row.raftGroupIds.length + row.leaderTerms.length);
  for (const b of nodes) n += 8 + b.length;
  return n;
}

function writeBytesField(buf: Uint8Array, pos: number, tag: number, b: Uint8Array): number {
  buf[pos++] = tag;
  pos = writeVarint(buf, pos, b.length);
  buf.set(b, pos);
  return pos + b.length;
}

/**
 * A packed field, written in place: the payload goes after room for the
 * largest possible length prefix; if the real prefix is shorter (rare), the
 * payload is moved back with a native copyWithin.
 */
/** Values with exact uint64 overrides (cells >= 2^53): the slow path, rare. */
function writePackedExact(
  buf: Uint8Array,
  pos: number,
  a: Float64Array,
  exact: ReadonlyMap<number, bigint>,
): number {
  for (let i = 0; i < a.length; i++) {
    const e = exact.get(i);
    if (e === undefined) pos = writeVarint(buf, pos, a[i]);
    else {
      const [lo, hi] = hiLoOf(e);
      pos = writeVarintHiLo(buf, pos, lo, hi);
    }
  }
  return pos;
}

function writePackedField(
  buf: Uint8Array,
  pos: number,
  tag: number,
  a: Float64Array,
  exact?: ReadonlyMap<number, bigint>,
): number {
  buf[pos++] = tag;
  const room = varintSize(10 * a.length);
  const end =
    exact && exact.size > 0
      ? writePackedExact(buf, pos + room, a, exact)
      : writePacked(buf, pos + room, a);
  const len = end - pos - room;
  const prefix = varintSize(len);
  if (prefix !== room) buf.copyWithin(pos + prefix, pos + room, end);
  writeVarint(buf, pos, len);
  return pos + prefix + len;
}

function writeRow(
  w: ChunkWriter,
  row: MatrixRow,
  nodes: readonly string[] | undefined,
): Uint8Array {
  const m = row.meta;
  const nodeBytes = nodes ? nodes.map((s) => utf8.encode(s)) : [];
  w.reserve(maxRowSize(row, m.bucketId.length + m.label.length, nodeBytes));
  const buf = w.buf;
  const start = w.pos;
  let pos = start;
  if (m.bucketId.length) pos = writeBytesField(buf, pos, TAG_BUCKET_ID, utf8.encode(m.bucketId));
  if (m.start.length) pos = writeBytesField(buf, pos, TAG_START, m.start);
  if (m.end.length) pos = writeBytesField(buf, pos, TAG_END, m.end);
  if (m.label.length) pos = writeBytesField(buf, pos, TAG_LABEL, utf8.encode(m.label));
  if (m.aggregate) {
    buf[pos++] = TAG_AGGREGATE;
    buf[pos++] = 1;
  }
  if (m.routeIds.length) {
    let size = 0;
    const halves: number[] = [];
    for (const id of m.routeIds) {
      const [lo, hi] = decimalToHiLo(id);
      halves.push(lo, hi);
      size += varintSizeHiLo(lo, hi);
    }
    buf[pos++] = TAG_ROUTE_IDS;
    pos = writeVarint(buf, pos, size);
    for (let i = 0; i < halves.length; i += 2)
      pos = writeVarintHiLo(buf, pos, halves[i], halves[i + 1]);
  }
  if (m.aggregate && m.routeCount > m.routeIds.length) {
    buf[pos++] = TAG_ROUTE_IDS_TRUNCATED;
    buf[pos++] = 1;
  }
  if (m.routeCount > 0) {
    buf[pos++] = TAG_ROUTE_COUNT;
    pos = writeVarint(buf, pos, m.routeCount);
  }
  if (row.values.length) {
    pos = writePackedField(buf, pos, TAG_VALUES, row.values, row.exactValues);
  }
  if (row.raftGroupIds.length)
    pos = writePackedField(buf, pos, TAG_RAFT_GROUP_IDS, row.raftGroupIds);
  if (row.leaderTerms.length) pos = writePackedField(buf, pos, TAG_LEADER_TERMS, row.leaderTerms);
  for (const b of nodeBytes) {
    buf[pos++] = TAG_CONTRIBUTING_NODES[0];
    buf[pos++] = TAG_CONTRIBUTING_NODES[1];
    pos = writeVarint(buf, pos, b.length);
    buf.set(b, pos);
    pos += b.length;
  }
  if (m.foldedBuckets !== undefined) {
    // proto3 `optional`: written even when 0 (a folded stretch with no traffic).
    buf[pos++] = TAG_FOLDED_BUCKETS[0];
    buf[pos++] = TAG_FOLDED_BUCKETS[1];
    pos = writeVarint(buf, pos, m.foldedBuckets);
  }
  w.pos = pos;
  return buf.subarray(start, pos);
}

/**
 * Encodes each row as a standalone KeyVizRow message. The results are views
 * into a few shared 1 MiB chunks (no allocation per row).
 */
export function encodeRows(
  rows: readonly MatrixRow[],
  contributingNodes?: readonly (readonly string[])[],
): Uint8Array[] {
  const w = new ChunkWriter();
  const out = new Array<Uint8Array>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = writeRow(w, rows[i], contributingNodes?.[i]);
  return out;
}

/** Encodes one KeyVizRow. */
export function encodeRow(row: MatrixRow, contributingNodes?: readonly string[]): Uint8Array {
  return encodeRows([row], contributingNodes ? [contributingNodes] : undefined)[0];
}
