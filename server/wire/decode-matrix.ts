// Fast GetKeyVizMatrixResponse decoder (the gateway reads upstream answers with
// it): uint64 arrays go straight into Float64Arrays, never through bigint.
// Accepts packed and unpacked repeated scalars and skips unknown fields, as any
// protobuf parser must.
import type {
  BucketMeta,
  CellConflictInfo,
  MatrixAnswer,
  MatrixRow,
  UpstreamStatus,
} from '../sampler/types.ts';
import { uint64ToDecimal } from '../../src/api/wireReader.ts';
import { EXACT_FROM } from './exact.ts';
import { Reader, TWO_32 } from './varint.ts';

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Collects one repeated uint64 field, in order, from any mix of packed and unpacked runs. */
class NumberRun {
  private parts: Float64Array[] = [];
  private loose: number[] = [];
  private count = 0;
  /** Exact values of cells at or above 2^53 (kept for the values run only). */
  exact: Map<number, bigint> | undefined;

  constructor(private readonly keepExact = false) {}

  /** One unpacked value; `r` has just read it with varint64(). */
  one(v: number, r: Reader): void {
    if (this.keepExact && v >= EXACT_FROM) {
      (this.exact ??= new Map()).set(this.count, (BigInt(r.hi) << 32n) | BigInt(r.lo));
    }
    this.loose.push(v);
    this.count++;
  }

  packed(r: Reader): void {
    const end = r.delimitedEnd();
    let n = 0;
    for (let i = r.pos; i < end; i++) if (r.buf[i] < 0x80) n++; // one terminal byte per varint
    this.flushLoose();
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      const v = r.varint();
      out[i] = v;
      if (v >= EXACT_FROM && this.keepExact) {
        // Rare: read it again exactly.
        r.pos = at;
        r.varint64();
        (this.exact ??= new Map()).set(this.count + i, (BigInt(r.hi) << 32n) | BigInt(r.lo));
      }
    }
    if (r.pos !== end) throw new RangeError('packed field overruns its length');
    this.parts.push(out);
    this.count += n;
  }

  result(): Float64Array {
    this.flushLoose();
    if (this.parts.length === 1) return this.parts[0];
    let n = 0;
    for (const p of this.parts) n += p.length;
    const out = new Float64Array(n);
    n = 0;
    for (const p of this.parts) {
      out.set(p, n);
      n += p.length;
    }
    return out;
  }

  private flushLoose(): void {
    if (this.loose.length) {
      this.parts.push(Float64Array.from(this.loose));
      this.loose = [];
    }
  }
}

function readString(r: Reader): string {
  const end = r.delimitedEnd();
  const s = utf8.decode(r.buf.subarray(r.pos, end));
  r.pos = end;
  return s;
}

function readBytes(r: Reader): Uint8Array {
  const end = r.delimitedEnd();
  const b = r.buf.slice(r.pos, end); // a copy: rows outlive the response buffer
  r.pos = end;
  return b;
}

function readUint64(r: Reader): number {
  r.varint64();
  return r.hi * TWO_32 + r.lo;
}

function readRouteId(r: Reader): string {
  r.varint64();
  // The page's formatter takes (hi, lo): the opposite order of Reader's fields.
  return uint64ToDecimal(r.hi, r.lo);
}

interface DecodedRow {
  row: MatrixRow;
  nodes: string[];
}

function decodeRow(r: Reader, end: number): DecodedRow {
  const meta: BucketMeta = {
    bucketId: '',
    start: new Uint8Array(0),
    end: new Uint8Array(0),
    label: '',
    aggregate: false,
    routeIds: [],
    routeCount: 0,
  };
  const values = new NumberRun(true);
  const groups = new NumberRun();
  const terms = new NumberRun();
  const nodes: string[] = [];
  const outer = r.end;
  r.end = end;
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wt = tag & 7;
    switch (field) {
      case 1:
        if (wt === 2) meta.bucketId = readString(r);
        else r.skip(wt, field);
        break;
      case 2:
        if (wt === 2) meta.start = readBytes(r);
        else r.skip(wt, field);
        break;
      case 3:
        if (wt === 2) meta.end = readBytes(r);
        else r.skip(wt, field);
        break;
      case 4:
        if (wt === 2) meta.label = readString(r);
        else r.skip(wt, field);
        break;
      case 5:
        if (wt === 0) meta.aggregate = readUint64(r) !== 0;
        else r.skip(wt, field);
        break;
      case 6:
        if (wt === 2) {
          const e = r.delimitedEnd();
          while (r.pos < e) meta.routeIds.push(readRouteId(r));
        } else if (wt === 0) meta.routeIds.push(readRouteId(r));
        else r.skip(wt, field);
        break;
      case 8:
        if (wt === 0) meta.routeCount = readUint64(r);
        else r.skip(wt, field);
        break;
      case 11:
      case 13:
      case 14: {
        const run = field === 11 ? values : field === 13 ? groups : terms;
        if (wt === 2) run.packed(r);
        else if (wt === 0) run.one(readUint64(r), r);
        else r.skip(wt, field);
        break;
      }
      case 1000:
        if (wt === 2) nodes.push(readString(r));
        else r.skip(wt, field);
        break;
      case 1039:
        if (wt === 0) meta.foldedBuckets = readUint64(r);
        else r.skip(wt, field);
        break;
      default:
        r.skip(wt, field); // 7 (derived), 9/10/12 (never filled), unknown
    }
  }
  r.end = outer;
  if (r.pos !== end) throw new RangeError('KeyVizRow overruns its length');
  const row: MatrixRow = {
    meta,
    values: values.result(),
    raftGroupIds: groups.result(),
    leaderTerms: terms.result(),
  };
  if (values.exact) row.exactValues = values.exact;
  return { row, nodes };
}

function decodeNodeStatus(r: Reader, end: number): UpstreamStatus {
  const s: UpstreamStatus = { node: '', ok: false, error: '', code: '', latencyMs: 0 };
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (wt === 2 && field >= 1 && field <= 4 && field !== 2) {
      const v = readString(r);
      if (field === 1) s.node = v;
      else if (field === 3) s.error = v;
      else s.code = v;
    } else if (wt === 0 && field === 2) s.ok = readUint64(r) !== 0;
    else if (wt === 0 && field === 5) s.latencyMs = readUint64(r) % TWO_32;
    else r.skip(wt, field);
  }
  return s;
}

function decodeConflict(r: Reader, end: number): CellConflictInfo {
  const c: CellConflictInfo = { row: 0, column: 0, nodes: [] };
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (wt === 0 && field === 1) c.row = readUint64(r) % TWO_32;
    else if (wt === 0 && field === 2) c.column = readUint64(r) % TWO_32;
    else if (wt === 2 && field === 3) c.nodes.push(readString(r));
    else r.skip(wt, field);
  }
  return c;
}

/** Decodes GetKeyVizMatrixResponse bytes (also GetKeyVizMatrixResponseWire: same wire). */
export function decodeMatrixWire(bytes: Uint8Array): MatrixAnswer {
  const r = new Reader(bytes);
  const columnUnixMs: number[] = [];
  const rows: MatrixRow[] = [];
  const rowNodes: string[][] = [];
  const nodes: UpstreamStatus[] = [];
  const conflicts: CellConflictInfo[] = [];
  let anyContributing = false;
  let trackedBuckets = 0;
  let folded = false;
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1 && wt === 2) {
      const e = r.delimitedEnd();
      while (r.pos < e) columnUnixMs.push(r.int64());
    } else if (field === 1 && wt === 0) {
      columnUnixMs.push(r.int64());
    } else if (field === 2 && wt === 2) {
      const e = r.delimitedEnd();
      const d = decodeRow(r, e);
      rows.push(d.row);
      rowNodes.push(d.nodes);
      if (d.nodes.length) anyContributing = true;
    } else if (field === 1000 && wt === 2) {
      const e = r.delimitedEnd();
      nodes.push(decodeNodeStatus(r, e));
      if (r.pos !== e) throw new RangeError('NodeStatus overruns its length');
    } else if (field === 1001 && wt === 2) {
      const e = r.delimitedEnd();
      conflicts.push(decodeConflict(r, e));
      if (r.pos !== e) throw new RangeError('CellConflict overruns its length');
    } else if (field === 1028 && wt === 0) {
      trackedBuckets = r.int64();
    } else if (field === 1029 && wt === 0) {
      folded = r.int64() !== 0;
    } else {
      r.skip(wt, field);
    }
  }
  const answer: MatrixAnswer = { columnUnixMs, rows, nodes, conflicts };
  if (trackedBuckets > 0) answer.trackedBuckets = trackedBuckets;
  if (folded) answer.keySpaceFolded = true;
  if (anyContributing) answer.contributingNodes = rowNodes;
  return answer;
}
