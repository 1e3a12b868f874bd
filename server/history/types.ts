// The history store's vocabulary: tiers, the columns written and read back,
// and the narrow interface every engine adapter implements (docs/history.md).
import type { NarrowArray } from '../sampler/column-store.ts';
import type { BucketMeta } from '../sampler/types.ts';

/**
 * The meta of a stored bucket whose key range the store does not hold (a column written before
 * its meta): empty bounds, the id alone.
 */
export function unknownMeta(bucketId: string): BucketMeta {
  const e = new Uint8Array(0);
  return { bucketId, start: e, end: e, label: '', aggregate: false, routeIds: [], routeCount: 1 };
}

/** One tier: columns `resolutionMs` wide, kept for `horizonMs`. */
export interface TierSpec {
  resolutionMs: number;
  horizonMs: number;
}

/**
 * A column as written: one entry per bucket (persistent store keys), the four
 * counter series series-major (reads, writes, read bytes, write bytes; each n
 * long), group and term per entry. `idle` lists entries whose four counters
 * are zero (kept so bucket lists stay shared); `changed` marks entries of a
 * roll-up whose group or term changed inside it.
 */
export interface FullColumn {
  unixMs: number;
  widthMs: number;
  keys: Uint32Array;
  counters: NarrowArray | Float64Array;
  groups: NarrowArray | Float64Array;
  terms: NarrowArray | Float64Array;
  idle: Uint32Array | null;
  changed: Uint8Array | null;
}

/** A column read back for one series: `series` is n long. Arrays may be shared between columns. */
export interface SeriesColumn {
  unixMs: number;
  widthMs: number;
  keys: Uint32Array;
  series: NarrowArray;
  groups: NarrowArray;
  terms: NarrowArray;
  idle: Uint32Array | null;
  changed: Uint8Array | null;
}

/** First and last column start held by a tier. */
export interface TierBounds {
  first: number;
  last: number;
  count: number;
}

/**
 * What the server needs of an embedded (or, later, distributed) store. Writes
 * are batched: one call is one transaction. Columns of one tier are keyed by
 * their start time; writing a time the tier holds already is ignored (stored
 * history is never overwritten).
 */
export interface HistoryStore {
  readonly path: string;
  /** Store key of every bucket id the store knows. */
  bucketKeys(): ReadonlyMap<string, number>;
  /** Latest meta of a bucket by store key. */
  metaOf(key: number): BucketMeta | undefined;
  bucketIdOf(key: number): string | undefined;
  /** One transaction: new buckets, changed metas, then columns per tier. */
  write(batch: WriteBatch): void;
  /** Columns of a tier with from <= t < to, oldest first, one series (0..3). */
  readSeries(tier: number, from: number, to: number, series: number): SeriesColumn[];
  /** Columns of a tier with all four series (restore and roll-up recovery). */
  readFull(tier: number, from: number, to: number): FullColumn[];
  bounds(tier: number): TierBounds | null;
  /** First, last and count of the tier's columns with from <= t < to (null: none). */
  span(tier: number, from: number, to: number): TierBounds | null;
  /** Deletes at most `limit` of the tier's oldest columns starting before `t`; returns how many. */
  deleteBefore(tier: number, t: number, limit: number): number;
  /** Bytes on disk (database plus write-ahead log). */
  sizeBytes(): number;
  /** Decoded blobs held in memory between reads, and their bound (absent: none kept). */
  decodedCache?(): { bytes: number; maxBytes: number };
  close(): void;
}

export interface WriteBatch {
  /** Keys are chosen by the writer (the store's largest key + 1 on). */
  newBuckets: { key: number; bucketId: string; meta: BucketMeta }[];
  metaUpdates: { key: number; meta: BucketMeta }[];
  columns: { tier: number; column: FullColumn }[];
}
