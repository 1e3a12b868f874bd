// The history ring, stored compactly. A column is a few typed arrays (bucket
// index, four counters, raft group, leader term per entry) instead of objects
// per cell, narrowed to the smallest integer width that holds the column's
// values; consecutive columns with the same bucket list (steady traffic) share
// the bucket/group/term arrays. Bucket identity (the "route:<id>" or
// "virtual:<id>" string) is interned to a stable index; its metadata is kept
// as a short history of (column seq, meta) so a column can be viewed with the
// meta it had, while the pivot reads the latest.
//
// Memory (bench/sampler.bench.ts, 10,000 routes x 1,440 columns, ~91% of routes
// active per step, different ones each step): about 10 bytes per stored cell,
// ~130 MiB for the full history (counters usually fit 16 bits: 4 x 2 bytes;
// bucket, group and term arrays shared between columns; idle lists 4 bytes per
// idle entry). Every route active every step: ~9 bytes per cell. Worst case
// (counters above 2^32, every column's bucket list distinct): 4 + 32 + 8 + 8.
import type { BucketMeta } from './types.ts';
import { bytesEqual } from './keys.ts';

/** An unsigned integer array narrowed to fit its values (Float64 when not integral or large). */
export type NarrowArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;

export interface StoredColumn {
  /** Monotonic sequence number of this column (never reused). */
  seq: number;
  unixMs: number;
  /** Interned bucket index per entry, in start-key order. */
  buckets: Uint32Array;
  /**
   * Series-major counters, n = buckets.length: reads [0, n), writes [n, 2n),
   * read bytes [2n, 3n), write bytes [3n, 4n). Series-major so the pivot reads
   * one series contiguously.
   */
  counters: NarrowArray;
  groups: NarrowArray;
  terms: NarrowArray;
  /**
   * Entries whose four counters are all zero, ascending; null when none. The
   * sampler stores idle slots in mostly-active steps so bucket, group and term
   * arrays stay shared between columns; an idle entry is not a row of the
   * column and its cells read as group 0, term 0.
   */
  idle: Uint32Array | null;
  /** idle === null. */
  allActive: boolean;
  /**
   * Exact uint64 counters at or above 2^53, keyed like `counters` (k * n + i);
   * absent when every counter is exact as a double (all the sampler counts).
   */
  exact?: ReadonlyMap<number, bigint>;
}

/** Largest value of src[from, to), or -1 when any value is not a non-negative integer. */
function integralMax(src: Float64Array, from: number, to: number, max: number): number {
  for (let i = from; i < to; i++) {
    const v = src[i];
    if (v > max) max = v;
    else if (!(v >= 0)) return -1;
    if (Math.floor(v) !== v) return -1;
  }
  return max;
}

function arrayFor(max: number, n: number): NarrowArray {
  if (max < 0 || max > 0xffffffff) return new Float64Array(n);
  if (max > 0xffff) return new Uint32Array(n);
  if (max > 0xff) return new Uint16Array(n);
  return new Uint8Array(n);
}

/** Picks the narrowest array that stores `src[0..n)` exactly. */
export function narrow(src: Float64Array, n: number): NarrowArray {
  const out = arrayFor(integralMax(src, 0, n, 0), n);
  out.set(src.subarray(0, n)); // native conversion; exact by construction
  return out;
}

/** Narrows four scratch series into one series-major array. */
function narrowSeries(series: readonly Float64Array[], n: number): NarrowArray {
  let max = 0;
  for (const s of series) if (max >= 0) max = integralMax(s, 0, n, max);
  const out = arrayFor(max, 4 * n);
  for (let k = 0; k < 4; k++) out.set(series[k].subarray(0, n), k * n);
  return out;
}

/** True when `a` (exactly n long) equals the first n entries of `b`. */
function sameContents(a: ArrayLike<number>, b: ArrayLike<number>, n: number): boolean {
  if (a.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function sameMeta(a: BucketMeta, b: BucketMeta): boolean {
  if (a === b) return true;
  if (
    a.bucketId !== b.bucketId ||
    a.label !== b.label ||
    a.aggregate !== b.aggregate ||
    a.routeCount !== b.routeCount ||
    a.routeIds.length !== b.routeIds.length ||
    !bytesEqual(a.start, b.start) ||
    !bytesEqual(a.end, b.end)
  ) {
    return false;
  }
  for (let i = 0; i < a.routeIds.length; i++) if (a.routeIds[i] !== b.routeIds[i]) return false;
  return true;
}

/** Interned bucket identities and their metadata over time. */
export class BucketIdentities {
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  /** Per bucket: column seqs where its meta changed, and the meta from then on. */
  private readonly metaSeqs: number[][] = [];
  private readonly metas: BucketMeta[][] = [];

  get size(): number {
    return this.ids.length;
  }

  /** The bucket's index, or undefined when the ring never held it. */
  find(bucketId: string): number | undefined {
    return this.index.get(bucketId);
  }

  intern(bucketId: string): number {
    let i = this.index.get(bucketId);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(bucketId);
      this.index.set(bucketId, i);
      this.metaSeqs.push([]);
      this.metas.push([]);
    }
    return i;
  }

  /** Records `meta` as the bucket's meta from column `seq` on (no-op when unchanged). */
  recordMeta(bucket: number, seq: number, meta: BucketMeta): void {
    const list = this.metas[bucket];
    const last = list.length - 1;
    if (last >= 0 && sameMeta(list[last], meta)) return;
    const seqs = this.metaSeqs[bucket];
    if (last >= 0 && seqs[last] === seq) {
      list[last] = meta; // changed twice before one column: keep the latest
      return;
    }
    seqs.push(seq);
    list.push(meta);
  }

  /** The bucket's meta as of column `seq`. */
  metaAt(bucket: number, seq: number): BucketMeta {
    const seqs = this.metaSeqs[bucket];
    const list = this.metas[bucket];
    for (let i = seqs.length - 1; i > 0; i--) if (seqs[i] <= seq) return list[i];
    return list[0];
  }

  /** Drops meta versions no column at or after `oldestSeq` can need. */
  prune(oldestSeq: number): void {
    for (let b = 0; b < this.metaSeqs.length; b++) {
      const seqs = this.metaSeqs[b];
      let keepFrom = 0;
      while (keepFrom + 1 < seqs.length && seqs[keepFrom + 1] <= oldestSeq) keepFrom++;
      if (keepFrom > 0) {
        seqs.splice(0, keepFrom);
        this.metas[b].splice(0, keepFrom);
      }
    }
  }
}

/** Input for one column append: scratch arrays whose first `n` entries count. */
export interface ColumnDraft {
  unixMs: number;
  n: number;
  buckets: Uint32Array;
  reads: Float64Array;
  writes: Float64Array;
  readBytes: Float64Array;
  writeBytes: Float64Array;
  groups: Float64Array;
  terms: Float64Array;
  /** Exact counters at or above 2^53, keyed k * n + i (see StoredColumn.exact). */
  exact?: ReadonlyMap<number, bigint>;
}

/** Indices of entries whose four counters are zero, or null when there are none. */
function idleEntries(d: ColumnDraft): Uint32Array | null {
  let m = 0;
  for (let i = 0; i < d.n; i++) {
    if (d.reads[i] === 0 && d.writes[i] === 0 && d.readBytes[i] === 0 && d.writeBytes[i] === 0) m++;
  }
  if (m === 0) return null;
  const out = new Uint32Array(m);
  m = 0;
  for (let i = 0; i < d.n; i++) {
    if (d.reads[i] === 0 && d.writes[i] === 0 && d.readBytes[i] === 0 && d.writeBytes[i] === 0) {
      out[m++] = i;
    }
  }
  return out;
}

/** A fixed-capacity ring of stored columns, oldest first. */
export class ColumnRing {
  readonly identities = new BucketIdentities();
  private readonly ring: (StoredColumn | undefined)[];
  private head = 0; // index of the oldest column
  private count = 0;
  private nextSeq = 0;
  private appendsSincePrune = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('historyColumns must be at least 1');
    this.ring = new Array<StoredColumn | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Column `i` counting from the oldest. */
  at(i: number): StoredColumn {
    return this.ring[(this.head + i) % this.capacity] as StoredColumn;
  }

  newest(): StoredColumn | undefined {
    return this.count === 0 ? undefined : this.at(this.count - 1);
  }

  /** The seq the next appended column will get (meta recorded for it must use this). */
  get upcomingSeq(): number {
    return this.nextSeq;
  }

  append(d: ColumnDraft): StoredColumn {
    const prev = this.newest();
    let buckets: Uint32Array;
    let groups: NarrowArray;
    let terms: NarrowArray;
    const n = d.n;
    if (prev && prev.buckets.length === n && sameContents(prev.buckets, d.buckets, n)) {
      buckets = prev.buckets;
      groups = sameContents(prev.groups, d.groups, n) ? prev.groups : narrow(d.groups, n);
      terms = sameContents(prev.terms, d.terms, n) ? prev.terms : narrow(d.terms, n);
    } else {
      buckets = d.buckets.slice(0, n);
      groups = narrow(d.groups, n);
      terms = narrow(d.terms, n);
    }
    const idle = idleEntries(d);
    const col: StoredColumn = {
      seq: this.nextSeq++,
      unixMs: d.unixMs,
      buckets,
      counters: narrowSeries([d.reads, d.writes, d.readBytes, d.writeBytes], n),
      groups,
      terms,
      idle,
      allActive: idle === null,
    };
    if (d.exact && d.exact.size > 0) col.exact = new Map(d.exact);
    if (this.count < this.capacity) {
      this.ring[(this.head + this.count) % this.capacity] = col;
      this.count++;
    } else {
      this.track(this.ring[this.head]!, -1);
      this.ring[this.head] = col;
      this.head = (this.head + 1) % this.capacity;
      // Meta history only grows on topology changes; trim it once per ring lap.
      if (++this.appendsSincePrune >= this.capacity) {
        this.appendsSincePrune = 0;
        this.identities.prune(this.at(0).seq);
      }
    }
    this.track(col, 1);
    return col;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.totals.fill(0);
    this.activeColumns.fill(0);
  }

  /**
   * Running per-bucket figures over every column held, kept up to date on
   * append and eviction so a whole-history pivot needs no pass over the cells:
   * series sums (4 per bucket, exact while counters are integers below 2^53),
   * number of columns where the bucket was active, and its last active seq.
   */
  totals = new Float64Array(0);
  activeColumns = new Int32Array(0);
  lastActiveSeq = new Float64Array(0);

  private track(col: StoredColumn, sign: 1 | -1): void {
    const nb = this.identities.size;
    if (this.activeColumns.length < nb) {
      const len = Math.max(nb, 2 * this.activeColumns.length, 64);
      const t = new Float64Array(4 * len);
      t.set(this.totals);
      this.totals = t;
      const a = new Int32Array(len);
      a.set(this.activeColumns);
      this.activeColumns = a;
      const l = new Float64Array(len);
      l.set(this.lastActiveSeq);
      this.lastActiveSeq = l;
    }
    const { buckets, counters } = col;
    const n = buckets.length;
    const { totals, activeColumns, lastActiveSeq } = this;
    for (let i = 0; i < n; i++) {
      const r = counters[i];
      const w = counters[n + i];
      const rb = counters[2 * n + i];
      const wb = counters[3 * n + i];
      if (!col.allActive && r === 0 && w === 0 && rb === 0 && wb === 0) continue;
      const b = buckets[i];
      const o = b << 2;
      totals[o] += sign * r;
      totals[o + 1] += sign * w;
      totals[o + 2] += sign * rb;
      totals[o + 3] += sign * wb;
      activeColumns[b] += sign;
      if (sign > 0) lastActiveSeq[b] = col.seq;
    }
  }
}
