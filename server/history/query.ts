// GetKeyVizMatrix over memory and the store: the ring answers what it holds,
// the store's tiers the rest (plan.ts), and the node's pivot runs once over
// the joined columns so row budget and ranking cover the whole window.
import type { BucketIdentities, ColumnRing, StoredColumn } from '../sampler/column-store.ts';
import { pivotColumns, pivotRing, windowColumns, type IdentityView } from '../sampler/pivot.ts';
import { rowBudget, seriesCounter } from '../sampler/request.ts';
import type { BucketMeta, MatrixRequest, MatrixResult } from '../sampler/types.ts';
import { planWindow, type SourceSpan } from './plan.ts';
import type { HistoryStore, SeriesColumn } from './types.ts';

export interface HistoryMatrix extends MatrixResult {
  /** Width of each column in ms; present when the answer holds stored columns. */
  columnWidthMs?: number[];
}

/** The ring's identities, extended by buckets only the store knows. */
class JointIdentities implements IdentityView {
  readonly ids: string[];
  private readonly index = new Map<string, number>();
  private readonly ringSize: number;
  private readonly storeMeta: (BucketMeta | undefined)[] = [];
  private readonly jointOfKey = new Map<number, number>();

  constructor(
    private readonly ring: BucketIdentities,
    private readonly store: HistoryStore,
  ) {
    this.ids = ring.ids.slice();
    this.ringSize = this.ids.length;
    this.ids.forEach((id, i) => this.index.set(id, i));
  }

  get size(): number {
    return this.ids.length;
  }

  jointOf(key: number): number {
    let j = this.jointOfKey.get(key);
    if (j !== undefined) return j;
    const id = this.store.bucketIdOf(key) ?? `unknown:${key}`;
    j = this.index.get(id);
    if (j === undefined) {
      j = this.ids.length;
      this.ids.push(id);
      this.index.set(id, j);
    }
    this.storeMeta[j] = this.store.metaOf(key) ?? {
      bucketId: id,
      start: new Uint8Array(0),
      end: new Uint8Array(0),
      label: '',
      aggregate: false,
      routeIds: [],
      routeCount: 1,
    };
    this.jointOfKey.set(key, j);
    return j;
  }

  metaAt(b: number, seq: number): BucketMeta {
    if (seq >= 0 && b < this.ringSize) return this.ring.metaAt(b, seq);
    return this.storeMeta[b] ?? this.ring.metaAt(b, Number.MAX_SAFE_INTEGER);
  }
}

/**
 * Roll-up tiers' columns of one series, kept decoded between queries: they
 * change only when a window closes (every 10 min, every hour) or retention
 * trims them, so a later query reads only the new columns. A few (tier,
 * series) pairs are kept, least recently used first out (~20-40 MB each at
 * 10,000 routes over the default horizons).
 */
export class SeriesColumnCache {
  private readonly entries = new Map<string, { last: number; cols: SeriesColumn[] }>();

  constructor(
    private readonly store: HistoryStore,
    private readonly maxEntries = 4,
  ) {}

  columns(tier: number, series: number, from: number, to: number): SeriesColumn[] {
    const b = this.store.bounds(tier);
    if (!b) return [];
    const key = `${tier}|${series}`;
    let e = this.entries.get(key);
    this.entries.delete(key);
    if (e) {
      // Retention trimmed the front; new windows closed at the end.
      let drop = 0;
      while (drop < e.cols.length && e.cols[drop].unixMs < b.first) drop++;
      if (drop > 0) e.cols = e.cols.slice(drop);
      if (b.last > e.last) {
        e.cols = e.cols.concat(this.store.readSeries(tier, e.last + 1, Infinity, series));
        e.last = b.last;
      }
      if (e.cols.length !== b.count || e.cols[0]?.unixMs !== b.first) e = undefined;
    }
    e ??= { last: b.last, cols: this.store.readSeries(tier, -Infinity, Infinity, series) };
    this.entries.set(key, e);
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    const cols = e.cols;
    const lo = lowerBound(cols, from);
    const hi = lowerBound(cols, to);
    return cols.slice(lo, hi);
  }
}

/** First index whose column starts at or after t. */
function lowerBound(cols: readonly SeriesColumn[], t: number): number {
  let lo = 0;
  let hi = cols.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cols[mid].unixMs < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface HistoryQueryOptions {
  ring: ColumnRing;
  store: HistoryStore;
  /** Decoded roll-up columns kept between queries (optional). */
  cache?: SeriesColumnCache;
  /** Per store tier: column width (0 for raw flush columns). */
  tierWidths: readonly number[];
  stepMs: number;
}

/** True when `req` may need stored columns: a from older than the ring's oldest column. */
export function reachesBeforeRing(ring: ColumnRing, req: MatrixRequest): boolean {
  const from = req.fromUnixMs;
  if (from === 0 || (req.toUnixMs !== 0 && from >= req.toUnixMs)) return false;
  return ring.length === 0 || from < ring.at(0).unixMs;
}

/**
 * The matrix for `req`. A window the ring holds entirely (and every window
 * with from = 0, the node's "whole history") is the ring's plain pivot; an
 * older `from` joins the store's tiers.
 */
export function historyMatrix(o: HistoryQueryOptions, req: MatrixRequest): HistoryMatrix {
  const { ring, store } = o;
  const ringFirst = ring.length > 0 ? ring.at(0).unixMs : null;
  const from = req.fromUnixMs;
  if (!reachesBeforeRing(ring, req)) return pivotRing(ring, req);
  const sources: SourceSpan[] = [
    { first: ringFirst, widthMs: 0 },
    ...o.tierWidths.map((w, i) => {
      const b = store.bounds(i);
      return b ? { first: b.first, last: b.last, widthMs: w } : { first: null, widthMs: w };
    }),
  ];
  const plan = planWindow(sources, from, req.toUnixMs).sort((a, b) => a.from - b.from);
  if (plan.length === 0 || (plan.length === 1 && plan[0].source === 0)) return pivotRing(ring, req);

  const k = seriesCounter(req.series);
  const ids = new JointIdentities(ring.identities, store);
  const cols: StoredColumn[] = [];
  const widths: number[] = [];
  let storeSeq = -1;
  for (const p of plan) {
    if (p.source === 0) {
      for (const c of windowColumns(ring, p.from, p.to === Infinity ? 0 : p.to)) {
        if (c.unixMs < p.from) continue;
        const n = c.buckets.length;
        cols.push({ ...c, counters: c.counters.subarray(k * n, (k + 1) * n) });
        widths.push(o.stepMs);
      }
      continue;
    }
    const tier = p.source - 1;
    const mapped = new Map<Uint32Array, Uint32Array>();
    const read =
      o.cache && o.tierWidths[tier] > 0
        ? o.cache.columns(tier, k, p.from, p.to)
        : store.readSeries(tier, p.from, p.to, k);
    // A roll-up is keyed by its window's start s and sums the flushes at s <= t < s + w; each
    // flush closes the step before it, so the roll-up covers [s - step, s + w - step). The
    // answer names it by that end, as a flush time names its step's end: the page draws
    // [t - width, t) for every column, and tiers meet without overlap.
    const shift = o.tierWidths[tier] > 0 ? -o.stepMs : 0;
    for (const c of read) {
      cols.push(
        toStored(c, storeSeq--, ids, mapped, shift === 0 ? c.unixMs : c.unixMs + c.widthMs + shift),
      );
      widths.push(c.widthMs);
    }
  }
  const result = pivotColumns(cols, ids, 0, rowBudget(req.rows), null);
  return { ...result, columnWidthMs: widths };
}

/** A stored column in the pivot's shape: keys mapped to joint indexes (once per shared key list). */
function toStored(
  c: SeriesColumn,
  seq: number,
  ids: JointIdentities,
  mapped: Map<Uint32Array, Uint32Array>,
  unixMs: number,
): StoredColumn {
  let buckets = mapped.get(c.keys);
  if (!buckets) {
    buckets = new Uint32Array(c.keys.length);
    for (let i = 0; i < buckets.length; i++) buckets[i] = ids.jointOf(c.keys[i]);
    mapped.set(c.keys, buckets);
  }
  return {
    seq,
    unixMs,
    buckets,
    counters: c.series,
    groups: c.groups,
    terms: c.terms,
    idle: c.idle,
    allActive: c.idle === null,
  };
}
