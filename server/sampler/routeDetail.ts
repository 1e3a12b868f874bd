// One bucket over a window, straight from the compact ring: its four series,
// Raft group and leader term per column, its latest meta, and the buckets next
// to it in key order (GetRouteDetail). One pass over the window's columns; the
// entry index is found once per distinct bucket list (columns share them while
// the topology is steady), so a full day of 10,000 routes costs a few ms.
import type { ColumnRing, StoredColumn } from './column-store.ts';
import { windowColumns } from './pivot.ts';
import { compareBytes } from './keys.ts';
import type { BucketMeta } from './types.ts';

export interface RouteDetailResult {
  columnUnixMs: number[];
  meta: BucketMeta;
  /** reads, writes, read bytes, write bytes: one value per column. */
  series: [Float64Array, Float64Array, Float64Array, Float64Array];
  raftGroupIds: Float64Array;
  leaderTerms: Float64Array;
  /**
   * Neighbours in the matrix's row order (start key, then bucket id; each bucket's meta as of
   * its newest active column) among the buckets with traffic in the window.
   */
  before: BucketMeta | null;
  after: BucketMeta | null;
}

/** Records, per bucket, the seq of the newest column in which it had traffic. */
function markActive(col: StoredColumn, lastSeq: Float64Array): void {
  const n = col.buckets.length;
  const c = col.counters;
  for (let i = 0; i < n; i++) {
    if (c[i] !== 0 || c[n + i] !== 0 || c[2 * n + i] !== 0 || c[3 * n + i] !== 0) {
      lastSeq[col.buckets[i]] = col.seq;
    }
  }
}

/** The matrix's row order (contract §1): start key ascending, ties by bucket id. */
function rowOrder(a: BucketMeta, b: BucketMeta): number {
  return (
    compareBytes(a.start, b.start) ||
    (a.bucketId < b.bucketId ? -1 : a.bucketId > b.bucketId ? 1 : 0)
  );
}

/** null when the ring never held `bucketId` or it had no entry in the window. */
export function routeDetailFromRing(
  ring: ColumnRing,
  bucketId: string,
  fromMs: number,
  toMs: number,
): RouteDetailResult | null {
  const b = ring.identities.find(bucketId);
  if (b === undefined) return null;
  const cols = windowColumns(ring, fromMs, toMs);
  const m = cols.length;
  const series: RouteDetailResult['series'] = [
    new Float64Array(m),
    new Float64Array(m),
    new Float64Array(m),
    new Float64Array(m),
  ];
  const groups = new Float64Array(m);
  const terms = new Float64Array(m);
  let lastBuckets: Uint32Array | null = null;
  let entry = -1;
  let newest = -1; // column index of the newest active entry
  let newestEntry = -1;
  // Buckets with any traffic in the window: neighbours are rows a matrix would show.
  const lastSeq = new Float64Array(ring.identities.size).fill(-1);
  for (let j = 0; j < m; j++) {
    const col = cols[j];
    markActive(col, lastSeq);
    if (col.buckets !== lastBuckets) {
      lastBuckets = col.buckets;
      entry = col.buckets.indexOf(b);
    }
    if (entry < 0) continue;
    const n = col.buckets.length;
    const c = col.counters;
    const active =
      c[entry] !== 0 || c[n + entry] !== 0 || c[2 * n + entry] !== 0 || c[3 * n + entry] !== 0;
    if (!active) continue; // an idle slot reads as group 0, term 0 (column-store.ts)
    for (let k = 0; k < 4; k++) series[k][j] = c[k * n + entry];
    groups[j] = col.groups[entry];
    terms[j] = col.terms[entry];
    newest = j;
    newestEntry = entry;
  }
  if (newest < 0) return null;
  const col = cols[newest];
  const meta = ring.identities.metaAt(col.buckets[newestEntry], col.seq);
  let before: BucketMeta | null = null;
  let after: BucketMeta | null = null;
  for (let i = 0; i < lastSeq.length; i++) {
    if (lastSeq[i] < 0 || i === b) continue;
    const other = ring.identities.metaAt(i, lastSeq[i]);
    const o = rowOrder(other, meta);
    if (o < 0 && (before === null || rowOrder(other, before) > 0)) before = other;
    if (o > 0 && (after === null || rowOrder(other, after) < 0)) after = other;
  }
  return {
    columnUnixMs: cols.map((c) => c.unixMs),
    meta,
    series,
    raftGroupIds: groups,
    leaderTerms: terms,
    before,
    after,
  };
}
