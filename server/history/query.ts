// GetKeyVizMatrix over memory and the store: the ring answers what it holds,
// the store's tiers the rest (plan.ts), and the node's pivot runs once over
// the joined columns so row budget and ranking cover the whole window.
import type { BucketIdentities, ColumnRing, StoredColumn } from '../sampler/column-store.ts';
import {
  pivotColumns,
  pivotColumnsSliced,
  pivotRing,
  pivotRingSliced,
  windowColumns,
  type IdentityView,
  type RingTail,
} from '../sampler/pivot.ts';
import { pivotBudget, seriesCounter } from '../sampler/request.ts';
import type { BucketMeta, MatrixRequest, MatrixResult } from '../sampler/types.ts';
import { planWindow, type PlannedRange, type SourceSpan } from './plan.ts';
import { unknownMeta, type HistoryStore, type SeriesColumn } from './types.ts';

export interface HistoryMatrix extends MatrixResult {
  /** Width of each column in ms; present when the answer holds stored columns. */
  columnWidthMs?: number[];
}

/** The ring's identities, extended by buckets only the store knows. */
class JointIdentities implements IdentityView {
  readonly ids: string[];
  private readonly index = new Map<string, number>();
  readonly ringSize: number;
  private readonly jointOfKey = new Map<number, number>();
  /**
   * Store keys resolved to each joint index, in resolution order (more than one: its meta
   * changed). Metas are looked up from these when asked (a few rows), not per key resolved.
   */
  private readonly keysOfJoint: (number[] | undefined)[] = [];
  /**
   * Joint indexes of a stored bucket list, by the list's identity: the store hands out one
   * object per stored list while it keeps it decoded, and a key's joint index never changes.
   */
  private readonly listOf = new WeakMap<Uint32Array, Uint32Array>();

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
    this.jointOfKey.set(key, j);
    const ks = this.keysOfJoint[j];
    if (ks) ks.push(key);
    else this.keysOfJoint[j] = [key];
    return j;
  }

  /** The joint index of every key of a stored bucket list (computed once per list object). */
  bucketsOf(keys: Uint32Array): Uint32Array {
    let buckets = this.listOf.get(keys);
    if (!buckets) {
      buckets = new Uint32Array(keys.length);
      for (let i = 0; i < buckets.length; i++) buckets[i] = this.jointOf(keys[i]);
      this.listOf.set(keys, buckets);
    }
    return buckets;
  }

  /** Store keys resolved to joint index `b` (empty: none). */
  keysOf(b: number): readonly number[] {
    return this.keysOfJoint[b] ?? [];
  }

  metaAt(b: number, seq: number): BucketMeta {
    if (seq >= 0 && b < this.ringSize) return this.ring.metaAt(b, seq);
    const ks = this.keysOfJoint[b];
    if (!ks) return this.ring.metaAt(b, Number.MAX_SAFE_INTEGER);
    return this.store.metaOf(ks[ks.length - 1]) ?? unknownMeta(this.ids[b]);
  }
}

/**
 * One query's view of the shared JointIdentities. A bucket the store holds under several keys
 * (its meta changed: a route that split keeps its id) takes the meta of the newest key this
 * query's columns use (keys grow with time), whatever earlier queries resolved.
 */
class QueryIdentities implements IdentityView {
  /** The stored bucket lists this query's columns use. */
  private readonly lists = new Set<Uint32Array>();
  /** Every key of those lists; built only when a bucket has several keys. */
  private usedKeys: Set<number> | null = null;

  constructor(
    private readonly joint: JointIdentities,
    private readonly ring: BucketIdentities,
    private readonly store: HistoryStore,
  ) {}

  get size(): number {
    return this.joint.size;
  }

  get ids(): readonly string[] {
    return this.joint.ids;
  }

  bucketsOf(keys: Uint32Array): Uint32Array {
    this.lists.add(keys);
    return this.joint.bucketsOf(keys);
  }

  /** The newest key of bucket `b` this query's columns use (undefined: none). */
  private newestKey(b: number): number | undefined {
    const ks = this.joint.keysOf(b);
    if (ks.length <= 1) return ks[0];
    if (!this.usedKeys) {
      this.usedKeys = new Set();
      for (const list of this.lists) for (const k of list) this.usedKeys.add(k);
    }
    let newest: number | undefined;
    for (const k of ks)
      if (this.usedKeys.has(k) && (newest === undefined || k > newest)) newest = k;
    return newest;
  }

  metaAt(b: number, seq: number): BucketMeta {
    if (seq >= 0 && b < this.joint.ringSize) return this.ring.metaAt(b, seq);
    const key = this.newestKey(b);
    const m = key === undefined ? undefined : this.store.metaOf(key);
    return m ?? this.joint.metaAt(b, seq);
  }
}

/**
 * One JointIdentities per (ring identities, store), reused while the ring has interned no new
 * bucket: ids are append-only on both sides, so a joint index stays valid until the ring grows
 * (its new ids would take indexes the store's buckets hold). Saves re-indexing every ring id and
 * re-resolving every stored key on each query.
 */
const joints = new WeakMap<BucketIdentities, { store: HistoryStore; joint: JointIdentities }>();

function jointIdentities(ring: BucketIdentities, store: HistoryStore): JointIdentities {
  const hit = joints.get(ring);
  if (hit && hit.store === store && hit.joint.ringSize === ring.size) return hit.joint;
  const joint = new JointIdentities(ring, store);
  joints.set(ring, { store, joint });
  return joint;
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

  /**
   * columns(), with what the store must read (all of a tier the first time, ~20-40 MB) read
   * in slices with `pause()` between them; a later call reads only the new windows.
   */
  async columnsSliced(
    tier: number,
    widthMs: number,
    series: number,
    from: number,
    to: number,
    pause: () => Promise<void>,
  ): Promise<SeriesColumn[]> {
    const b = this.store.bounds(tier);
    if (!b) return [];
    const key = `${tier}|${series}`;
    const e = this.entries.get(key);
    if (!e || e.last < b.last) {
      const start = e ? e.last + 1 : -Infinity;
      const fresh = await readSeriesSliced(
        this.store,
        tier,
        widthMs,
        start,
        b.last + 1,
        series,
        pause,
      );
      const now = this.entries.get(key);
      if (!e) {
        // Another call may have filled it meanwhile: keep the one reaching further.
        if (!now || now.last < b.last) this.entries.set(key, { last: b.last, cols: fresh });
      } else if (now === e && e.last < b.last) {
        e.cols = e.cols.concat(fresh);
        e.last = b.last;
      }
    }
    // Now a plain lookup (it re-reads only when retention or a writer moved the tier meanwhile).
    return this.columns(tier, series, from, to);
  }

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

/** Columns read per store call when reading in slices (~5 MB at 10,000 routes). */
const READ_CHUNK_COLUMNS = 48;

/**
 * The columns of `tier` with from <= unixMs < to, read READ_CHUNK_COLUMNS at a time with
 * `pause()` before each read. A chunk whose first column holds the same keys, groups or terms
 * as the previous chunk's last column reuses that array, so the pivot still sees one run
 * (it compares those arrays by identity).
 */
export async function readSeriesSliced(
  store: HistoryStore,
  tier: number,
  widthMs: number,
  from: number,
  to: number,
  series: number,
  pause: () => Promise<void>,
): Promise<SeriesColumn[]> {
  const b = store.bounds(tier);
  if (!b) return [];
  const lo = Math.max(from, b.first);
  const hi = Math.min(to, b.last + 1);
  const out: SeriesColumn[] = [];
  const span = READ_CHUNK_COLUMNS * widthMs;
  for (let a = lo; a < hi; a += span) {
    await pause();
    const part = store.readSeries(tier, a, Math.min(hi, a + span), series);
    const prev = out[out.length - 1];
    if (prev && part.length > 0) {
      // Within a chunk, columns already share one object per unchanged array: swap that object
      // for the previous chunk's when the contents match.
      const f = part[0];
      const keys = f.keys !== prev.keys && sameArray(f.keys, prev.keys) ? f.keys : null;
      const groups = f.groups !== prev.groups && sameArray(f.groups, prev.groups) ? f.groups : null;
      const terms = f.terms !== prev.terms && sameArray(f.terms, prev.terms) ? f.terms : null;
      for (const c of part) {
        if (keys && c.keys === keys) c.keys = prev.keys;
        if (groups && c.groups === groups) c.groups = prev.groups;
        if (terms && c.terms === terms) c.terms = prev.terms;
      }
    }
    for (const c of part) out.push(c);
  }
  return out;
}

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length || a.constructor !== b.constructor) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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

/** The sources answering `req`, oldest first; null when the ring's own pivot answers it. */
function planOf(o: HistoryQueryOptions, req: MatrixRequest): PlannedRange[] | null {
  const { ring, store } = o;
  if (!reachesBeforeRing(ring, req)) return null;
  const ringFirst = ring.length > 0 ? ring.at(0).unixMs : null;
  const sources: SourceSpan[] = [
    { first: ringFirst, widthMs: 0 },
    ...o.tierWidths.map((w, i) => {
      const b = store.bounds(i);
      return b ? { first: b.first, last: b.last, widthMs: w } : { first: null, widthMs: w };
    }),
  ];
  const plan = planWindow(sources, req.fromUnixMs, req.toUnixMs).sort((a, b) => a.from - b.from);
  if (plan.length === 0 || (plan.length === 1 && plan[0].source === 0)) return null;
  return plan;
}

/**
 * The answer cache's key for what `req` reads of the store: per planned store range, the
 * first, last and count of the columns it selects ("" when the ring alone answers). Any
 * from/to selecting the same columns gives the same key (moving `from` by 1 ms inside a
 * column is a hit); a retention trim or a new roll-up changes it. The ring's part is keyed
 * by the caller (its column span).
 */
export function storedSpanKey(o: HistoryQueryOptions, req: MatrixRequest): string {
  const plan = planOf(o, req);
  if (!plan) return '';
  const parts: string[] = [];
  for (const p of plan) {
    if (p.source === 0) continue;
    const s = o.store.span(p.source - 1, p.from, p.to);
    parts.push(`${p.source}:${s ? `${s.first}-${s.last}-${s.count}` : '-'}`);
  }
  return `store:${parts.join(',')}`;
}

interface Joined {
  cols: StoredColumn[];
  widths: number[];
  ids: QueryIdentities;
  /** Set when the columns end with the whole ring: its running totals stand for pass 1 there. */
  ringTail?: RingTail;
}

/**
 * The planned ranges as one oldest-first column list in the pivot's shape: the ring's columns
 * as they are now, the store's from `reads` (one list per planned range; null for the ring).
 */
function joinSources(
  o: HistoryQueryOptions,
  plan: readonly PlannedRange[],
  reads: readonly (SeriesColumn[] | null)[],
  k: number,
): Joined {
  const ids = new QueryIdentities(
    jointIdentities(o.ring.identities, o.store),
    o.ring.identities,
    o.store,
  );
  const cols: StoredColumn[] = [];
  const widths: number[] = [];
  let storeSeq = -1;
  let ringTail: RingTail | undefined;
  plan.forEach((p, pi) => {
    if (p.source === 0) {
      const from = cols.length;
      const skipped: StoredColumn[] = [];
      for (const c of windowColumns(o.ring, p.from, p.to === Infinity ? 0 : p.to)) {
        if (c.unixMs < p.from) continue;
        const n = c.buckets.length;
        cols.push({ ...c, counters: c.counters.subarray(k * n, (k + 1) * n) });
        widths.push(o.stepMs);
      }
      const r = o.ring;
      const taken = cols.length - from;
      // The window's part of the ring is its newest columns (all but a few the coarser tier
      // took over): the running totals, less those few, stand for pass 1 over it.
      if (
        pi === plan.length - 1 &&
        taken > 0 &&
        r.at(r.length - 1).seq === cols[cols.length - 1].seq
      ) {
        for (let i = 0; i < r.length - taken; i++) skipped.push(r.at(i));
        if (skipped.length < taken) {
          ringTail = {
            from,
            k,
            totals: { sums: r.totals, active: r.activeColumns, lastSeq: r.lastActiveSeq },
            skipped,
          };
        }
      }
      return;
    }
    const tier = p.source - 1;
    // A roll-up is keyed by its window's start s and sums the flushes at s <= t < s + w; each
    // flush closes the step before it, so the roll-up covers [s - step, s + w - step). The
    // answer names it by that end, as a flush time names its step's end: the page draws
    // [t - width, t) for every column, and tiers meet without overlap.
    const shift = o.tierWidths[tier] > 0 ? -o.stepMs : 0;
    for (const c of reads[pi] ?? []) {
      const t = shift === 0 ? c.unixMs : c.unixMs + c.widthMs + shift;
      cols.push(toStored(c, storeSeq--, ids, t));
      widths.push(c.widthMs);
    }
  });
  return { cols, widths, ids, ringTail };
}

/**
 * The matrix for `req`. A window the ring holds entirely (and every window
 * with from = 0, the node's "whole history") is the ring's plain pivot; an
 * older `from` joins the store's tiers.
 */
export function historyMatrix(o: HistoryQueryOptions, req: MatrixRequest): HistoryMatrix {
  const plan = planOf(o, req);
  if (!plan) return pivotRing(o.ring, req);
  const k = seriesCounter(req.series);
  const reads = plan.map((p) => {
    if (p.source === 0) return null;
    const tier = p.source - 1;
    return o.cache && o.tierWidths[tier] > 0
      ? o.cache.columns(tier, k, p.from, p.to)
      : o.store.readSeries(tier, p.from, p.to, k);
  });
  const j = joinSources(o, plan, reads, k);
  const result = pivotColumns(j.cols, j.ids, 0, pivotBudget(req), null);
  return { ...result, columnWidthMs: j.widths };
}

/**
 * historyMatrix without holding the event loop: store reads, the join and the pivot run in
 * slices with `pause()` before each (as the ring's own pivot does, pivotRingSliced). The
 * answer is the same as historyMatrix's for the same store and ring. `pause` may throw (a
 * cancelled call) to stop the work.
 */
export async function historyMatrixSliced(
  o: HistoryQueryOptions,
  req: MatrixRequest,
  pause: () => Promise<void>,
): Promise<HistoryMatrix> {
  const plan = planOf(o, req);
  if (!plan) return pivotRingSliced(o.ring, req, pause);
  const k = seriesCounter(req.series);
  const reads: (SeriesColumn[] | null)[] = [];
  for (const p of plan) {
    if (p.source === 0) {
      reads.push(null);
      continue;
    }
    const tier = p.source - 1;
    const w = o.tierWidths[tier] > 0 ? o.tierWidths[tier] : o.stepMs;
    reads.push(
      o.cache && o.tierWidths[tier] > 0
        ? await o.cache.columnsSliced(tier, w, k, p.from, p.to, pause)
        : await readSeriesSliced(o.store, tier, w, p.from, p.to, k, pause),
    );
  }
  await pause();
  const j = joinSources(o, plan, reads, k);
  // No pause between the join and the pivot's start: the ring's totals must match its columns.
  const result = await pivotColumnsSliced(
    j.cols,
    j.ids,
    0,
    pivotBudget(req),
    pause,
    undefined,
    j.ringTail,
  );
  return { ...result, columnWidthMs: j.widths };
}

/** A stored column in the pivot's shape: keys mapped to joint indexes (once per shared key list). */
function toStored(
  c: SeriesColumn,
  seq: number,
  ids: QueryIdentities,
  unixMs: number,
): StoredColumn {
  return {
    seq,
    unixMs,
    buckets: ids.bucketsOf(c.keys),
    counters: c.series,
    groups: c.groups,
    terms: c.terms,
    idle: c.idle,
    allActive: c.idle === null,
  };
}
