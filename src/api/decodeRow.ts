// Hand-rolled protobuf decoding of one encoded KeyVizRow, straight into the matrix's flat
// Float64Arrays. protobuf-es would turn every uint64 into a bigint (about 10x slower for the
// three 1024x1440 arrays); here packed varints go directly into numbers.
//
// Field numbers follow proto/admin.proto (KeyVizRow). Every loop advances the cursor or throws,
// so hostile input ends in a clear Error, never a hang.

import type { RowMeta } from '../data/matrix.ts';
import { ROWS_PER_STEP_MASK, runSteps } from '../data/steps.ts';
import { uint64ToDecimal, WireError, WireReader } from './wireReader.ts';

/** Where decodeRowInto writes one row's per-column arrays. */
export interface RowTargets {
  values: Float64Array;
  /** Allocated lazily by the caller when a row carries field 13/14. */
  raftGroupIds: Float64Array | null;
  leaderTerms: Float64Array | null;
  /** Column count: each row owns [offset, offset + cols). */
  cols: number;
  offset: number;
  /**
   * Deferred raft/term decoding: fields 13/14 are only validated (so errors still surface
   * now) and `sawRaft` is set; decodeRaftColumns fills the arrays later, on first use.
   */
  lazyRaft: boolean;
  sawRaft: boolean;
}

/** What a row decode found besides the arrays it wrote. */
export interface RowResult {
  meta: RowMeta;
  max: number;
  /** Counts as sent (before padding/truncation to `cols`). */
  valueCount: number;
  raftCount: number;
  termCount: number;
}

/**
 * Decodes the packed uint64 varints in buf[p, end) into out[offset + count ...] while they fit
 * `cols`, then only counts the rest (validating them). Returns the new count.
 * This is the decoder's hot loop (three 1024x1440 arrays): locals only, no property writes,
 * up to 4-byte varints (28 bits) decoded inline, longer ones by a slower exact path.
 */
export function decodePackedUint64(
  buf: Uint8Array,
  p: number,
  end: number,
  out: Float64Array | null,
  offset: number,
  cols: number,
  count: number,
): number {
  if (out !== null) {
    let i = offset + count;
    const stop = offset + cols;
    let dirty = false;
    // Fast path for runs of one-byte varints (raft group ids, terms, light traffic): when the
    // payload is exactly as many bytes as the columns left, it is all one-byte values iff no
    // byte has the continuation bit. Copy without per-value branches, check once at the end.
    if (end - p === stop - i) {
      let or = 0;
      for (let k = p, j = i; k < end; k++, j++) {
        const b = buf[k];
        or |= b;
        out[j] = b;
      }
      if (or < 0x80) return cols;
      // Some value is longer: decode properly below, then clear what the copy left behind.
      dirty = true;
    }
    // Unchecked loop: while 10 bytes remain, no varint can run past `end`, so only the
    // varint's first byte position is tested. The tail goes through the checked loop below.
    const safeEnd = end - 10;
    while (i < stop && p <= safeEnd) {
      let b = buf[p++];
      if (b < 0x80) {
        out[i++] = b;
        continue;
      }
      let v = b & 0x7f;
      b = buf[p++];
      v |= (b & 0x7f) << 7;
      if (b < 0x80) {
        out[i++] = v;
        continue;
      }
      b = buf[p++];
      v |= (b & 0x7f) << 14;
      if (b < 0x80) {
        out[i++] = v;
        continue;
      }
      b = buf[p++];
      v |= (b & 0x7f) << 21;
      if (b < 0x80) {
        out[i++] = v;
        continue;
      }
      // 5+ bytes: restart this varint on the exact 64-bit path (out of line so `v` stays a
      // small integer in the optimised loop).
      p = decodeLongVarint(buf, p - 4, end, out, i++);
    }
    while (i < stop && p < end) {
      const start = p;
      let b = buf[p++];
      let v = b & 0x7f;
      let shift = 7;
      while (b >= 0x80 && shift < 28) {
        if (p >= end) throw new WireError('truncated varint', p);
        b = buf[p++];
        v |= (b & 0x7f) << shift;
        shift += 7;
      }
      if (b >= 0x80) {
        p = decodeLongVarint(buf, start, end, out, i++);
        continue;
      }
      out[i++] = v;
    }
    if (dirty && i < stop) out.fill(0, i, stop);
    count = i - offset;
  }
  // Past the column count (or no target): validate and count only.
  if (p < end) {
    const r = new WireReader(buf, p, end);
    while (r.pos < end) {
      r.varint64();
      count++;
    }
  }
  return count;
}

/** Decodes one long varint at p into out[i]; returns the position after it. */
function decodeLongVarint(
  buf: Uint8Array,
  p: number,
  end: number,
  out: Float64Array,
  i: number,
): number {
  const r = new WireReader(buf, p, end);
  out[i] = r.uint64();
  return r.pos;
}

/**
 * Reads a repeated uint64 field occurrence (packed, or one unpacked element) into
 * `out[offset + i]` for i < cols, starting at index `count`; returns the new count.
 */
function readRepeatedUint64(
  r: WireReader,
  wireType: number,
  out: Float64Array | null,
  offset: number,
  cols: number,
  count: number,
): number {
  if (wireType === 0) {
    const v = r.uint64();
    if (out !== null && count < cols) out[offset + count] = v;
    return count + 1;
  }
  if (wireType !== 2) throw new WireError(`wire type ${wireType} for a repeated uint64`, r.pos);
  const start = r.lengthDelimited();
  return decodePackedUint64(r.buf, start, r.pos, out, offset, cols, count);
}

/**
 * Checks a repeated uint64 occurrence without decoding it: every varint ends inside the payload
 * and is at most 10 bytes. A byte loop with no stores (cheaper than decoding into an array).
 */
function validateRepeatedUint64(r: WireReader, wireType: number): void {
  if (wireType === 0) {
    r.varint64();
    return;
  }
  if (wireType !== 2) throw new WireError(`wire type ${wireType} for a repeated uint64`, r.pos);
  const start = r.lengthDelimited();
  const buf = r.buf;
  let run = 0;
  for (let p = start, end = r.pos; p < end; p++) {
    if (buf[p] >= 0x80) {
      if (++run >= 10) throw new WireError('varint longer than 10 bytes', p);
    } else run = 0;
  }
  if (run !== 0) throw new WireError('truncated varint', r.pos);
}

/**
 * The deferred half of lazy decoding: raft group ids and leader terms of every row (fields
 * 13/14), into fresh zero-padded arrays. Rows were validated by decodeRowInto, so this does not
 * throw on input that decoded.
 */
export function decodeRaftColumns(
  rows: readonly Uint8Array[],
  cols: number,
): { raftGroupIds: Float64Array; leaderTerms: Float64Array } {
  return runSteps(decodeRaftColumnsSteps(rows, cols));
}

/**
 * decodeRaftColumns in steps (data/steps.ts): yields every few rows, so a page can decode the
 * two 1024 x 1440 arrays between frames instead of in one long task.
 */
export function* decodeRaftColumnsSteps(
  rows: readonly Uint8Array[],
  cols: number,
): Generator<void, { raftGroupIds: Float64Array; leaderTerms: Float64Array }, void> {
  const raftGroupIds = new Float64Array(rows.length * cols);
  const leaderTerms = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const r = new WireReader(rows[i]);
    const offset = i * cols;
    let raftCount = 0;
    let termCount = 0;
    while (r.pos < r.end) {
      const tag = r.uint32();
      const fieldNo = tag >>> 3;
      const wt = tag & 7;
      if (fieldNo === 13)
        raftCount = readRepeatedUint64(r, wt, raftGroupIds, offset, cols, raftCount);
      else if (fieldNo === 14)
        termCount = readRepeatedUint64(r, wt, leaderTerms, offset, cols, termCount);
      else r.skip(wt, fieldNo);
    }
    if ((i & ROWS_PER_STEP_MASK) === ROWS_PER_STEP_MASK) yield;
  }
  return { raftGroupIds, leaderTerms };
}

/**
 * Decodes one KeyVizRow from `buf` into `t` (values, and raft/term arrays when present). Missing
 * columns stay zero (callers hand in zero-filled arrays); extra ones are dropped.
 */
export function decodeRowInto(buf: Uint8Array, t: RowTargets, allocRaft: () => void): RowResult {
  const r = new WireReader(buf);
  const meta: RowMeta = {
    bucketId: '',
    start: EMPTY,
    end: EMPTY,
    label: '',
    aggregate: false,
    routeIds: [],
    routeIdsTruncated: false,
    routeCount: '0',
    total: 0,
    contributingNodes: [],
  };
  const { cols, offset } = t;
  let valueCount = 0;
  let raftCount = 0;
  let termCount = 0;
  while (r.pos < r.end) {
    const tag = r.uint32();
    const fieldNo = tag >>> 3;
    const wt = tag & 7;
    if (fieldNo === 0) throw new WireError('field number 0', r.pos);
    switch (fieldNo) {
      case 1:
        if (wt !== 2) break;
        meta.bucketId = r.string();
        continue;
      case 2:
        if (wt !== 2) break;
        meta.start = r.bytes();
        continue;
      case 3:
        if (wt !== 2) break;
        meta.end = r.bytes();
        continue;
      case 4:
        if (wt !== 2) break;
        meta.label = r.string();
        continue;
      case 5:
        if (wt !== 0) break;
        meta.aggregate = r.uint64() !== 0;
        continue;
      case 6:
        if (wt === 0) {
          meta.routeIds.push(r.uint64String());
        } else if (wt === 2) {
          const start = r.lengthDelimited();
          const end = r.pos;
          const sub = new WireReader(buf, start, end);
          while (sub.pos < end) meta.routeIds.push(sub.uint64String());
        } else break;
        continue;
      case 7:
        if (wt !== 0) break;
        meta.routeIdsTruncated = r.uint64() !== 0;
        continue;
      case 8:
        if (wt !== 0) break;
        meta.routeCount = r.uint64String();
        continue;
      case 11:
        valueCount = readRepeatedUint64(r, wt, t.values, offset, cols, valueCount);
        continue;
      case 13:
      case 14:
        if (t.lazyRaft) {
          validateRepeatedUint64(r, wt);
          t.sawRaft = true;
          continue;
        }
        if (t.raftGroupIds === null || t.leaderTerms === null) allocRaft();
        if (fieldNo === 13) {
          raftCount = readRepeatedUint64(r, wt, t.raftGroupIds, offset, cols, raftCount);
        } else {
          termCount = readRepeatedUint64(r, wt, t.leaderTerms, offset, cols, termCount);
        }
        t.sawRaft = true;
        continue;
      case 1000:
        if (wt !== 2) break;
        meta.contributingNodes.push(r.string());
        continue;
      case 1039:
        if (wt !== 0) break;
        meta.foldedBuckets = r.uint64String();
        continue;
    }
    // Unknown field, or a known one with an unexpected wire type: skip it by its wire type.
    r.skip(wt, fieldNo);
  }
  // Total and max over the kept columns only (what the page draws).
  const values = t.values;
  const n = valueCount < cols ? valueCount : cols;
  let total = 0;
  let max = 0;
  for (let i = offset, e = offset + n; i < e; i++) {
    const v = values[i];
    total += v;
    if (v > max) max = v;
  }
  meta.total = total;
  return { meta, max, valueCount, raftCount, termCount };
}

const EMPTY = new Uint8Array(0);

/**
 * The exact decimal digits of a row's values at or above 2^53 (the Float64Array holds the
 * nearest double there): re-reads field 11 of the kept row bytes into `out[offset + i]`.
 * Only called for rows whose max reached 2^53, so the hot decode loop stays as it is.
 */
export function collectExactValues(
  buf: Uint8Array,
  offset: number,
  cols: number,
  out: Map<number, string>,
): void {
  const r = new WireReader(buf);
  let i = 0;
  const one = (x: WireReader) => {
    x.varint64();
    if (i < cols && x.hi >= 0x200000) out.set(offset + i, uint64ToDecimal(x.hi, x.lo));
    i++;
  };
  while (r.pos < r.end) {
    const tag = r.uint32();
    const fieldNo = tag >>> 3;
    const wt = tag & 7;
    if (fieldNo === 11 && wt === 0) one(r);
    else if (fieldNo === 11 && wt === 2) {
      const start = r.lengthDelimited();
      const sub = new WireReader(buf, start, r.pos);
      while (sub.pos < sub.end) one(sub);
    } else r.skip(wt, fieldNo);
  }
}
