// The server-side sampler (contract.md §3): per-route counters on the hot path,
// a flush every step into a compact history ring, and the GetKeyVizMatrix pivot.
//
// Pieces: registry.ts (routes tiling the key space), buckets.ts (which row a
// route counts into, virtual folding, and the no-lost-count rule for split,
// merge and remove), column-store.ts (the compact ring), pivot.ts (the matrix),
// column-view.ts (plain Column[] in and out: snapshot, fixtures, buildMatrix).
// Not thread-safe and not re-entrant; everything runs on the event loop.
import { BucketTable } from './buckets.ts';
import { systemClock } from './clock.ts';
import {
  ColumnRing,
  type BucketIdentities,
  type ColumnDraft,
  type StoredColumn,
} from './column-store.ts';
import { appendColumns, ringToColumns } from './column-view.ts';
import { pivotRing, pivotRingSliced, windowSpan } from './pivot.ts';
import { RouteRegistry } from './registry.ts';
import { HotKeyTracker } from './hotkeys/tracker.ts';
import { resolveHotKeyOptions, type HotKeyConfig } from './hotkeys/options.ts';
import { queryHotKeys, type HotKeysOutcome, type HotKeysQuery } from './hotkeys/query.ts';
import { DEFAULT_KEY_BUCKETS_PER_ROUTE } from './subBuckets.ts';
import { routeDetailFromRing, type RouteDetailResult } from './routeDetail.ts';
import type {
  BucketMeta,
  CellCounters,
  Column,
  MatrixRequest,
  MatrixResult,
  Op,
  OP_READ,
  RouteInfo,
  SamplerOptions,
  SamplerTuning,
} from './types.ts';

/** OP_READ as a local literal: keeps the hot path free of module-binding loads. */
const READ: typeof OP_READ = 0;

/** Removed routes whose bounds are kept for hot-key queries on past windows. */
const RETIRED_ROUTES_KEPT = 4096;

export const DEFAULT_SAMPLER_OPTIONS: Readonly<SamplerOptions & Required<SamplerTuning>> = {
  stepMs: 60_000,
  historyColumns: 1440,
  maxTrackedRoutes: 10_000,
  maxMemberRoutesPerSlot: 256,
  maxVirtualBuckets: 64,
  clock: systemClock,
};

export type SamplerConfig = Partial<SamplerOptions> &
  SamplerTuning & {
    /** Hot keys (contract §5.5); omitted or enabled: false = off. */
    hotKeys?: HotKeyConfig;
    /** --keyvizKeyBucketsPerRoute (1..256): sub-range rows and hot-key sub_bucket drill-down. */
    keyBucketsPerRoute?: number;
    /** --keyvizLabelsEnabled: requests' adapter labels get their own rows and hot-key slots. */
    labelsEnabled?: boolean;
    /** Called after every flush with the new column (the history store writes it). */
    onColumn?: (col: StoredColumn, identities: BucketIdentities) => void;
  };

/** A split or merge as it happened (StreamEvents' RouteTransition). */
export interface RouteTransitionInfo {
  kind: 'split' | 'merge';
  /** Split: the route that kept the left half. Merge: the surviving route. */
  parentRouteId: number;
  /** Split: every resulting route. Merge: the routes folded into the parent, itself first. */
  childRouteIds: number[];
  /** The whole range the transition covers, and the key it happened at. */
  start: Uint8Array;
  end: Uint8Array;
  boundary: Uint8Array;
  unixMs: number;
}

/** Told after each flush and each split or merge (the live event stream). */
export interface SamplerObserver {
  flushed?(unixMs: number): void;
  transition?(t: RouteTransitionInfo): void;
}

export class Sampler {
  readonly options: Readonly<SamplerOptions & Required<SamplerTuning>>;
  private readonly routes = new RouteRegistry();
  private readonly ring: ColumnRing;
  private readonly table: BucketTable;
  private dropped = 0;
  private readonly onColumn: SamplerConfig['onColumn'];
  /** null = hot keys off. */
  private readonly hot: HotKeyTracker | null;
  private readonly labelsEnabled: boolean;
  readonly keyBucketsPerRoute: number;
  /** m, applied even when hot keys are off (the node reports it for `top`). */
  readonly hotKeyCapacity: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly observers = new Set<SamplerObserver>();
  /**
   * Bounds of routes removed or merged away, newest last: their past hot-key
   * windows stay answerable (a column of the matrix can name a route that
   * merged since). Bounded; the oldest are forgotten first.
   */
  private readonly retired = new Map<number, RouteInfo>();
  // Flush scratch, grown on demand and reused across flushes.
  private sBuckets = new Uint32Array(0);
  private sReads = new Float64Array(0);
  private sWrites = new Float64Array(0);
  private sReadBytes = new Float64Array(0);
  private sWriteBytes = new Float64Array(0);
  private sGroups = new Float64Array(0);
  private sTerms = new Float64Array(0);

  constructor(opts: SamplerConfig = {}) {
    const { hotKeys, keyBucketsPerRoute, labelsEnabled, onColumn, ...base } = opts;
    const o = { ...DEFAULT_SAMPLER_OPTIONS };
    this.onColumn = onColumn;
    for (const [k, v] of Object.entries(base)) if (v !== undefined) Object.assign(o, { [k]: v });
    for (const k of ['stepMs', 'historyColumns', 'maxVirtualBuckets'] as const) {
      if (!(o[k] >= 1)) throw new RangeError(`${k} must be at least 1`);
    }
    if (!(o.maxTrackedRoutes >= 0)) throw new RangeError('maxTrackedRoutes must be >= 0');
    this.options = o;
    this.ring = new ColumnRing(o.historyColumns);
    this.table = new BucketTable(
      { ...o, keyBucketsPerRoute, labelsEnabled },
      this.routes,
      this.ring.identities,
    );
    this.hot =
      hotKeys && hotKeys.enabled !== false
        ? new HotKeyTracker(hotKeys, (id) => this.isTrackedRoute(id), o.stepMs)
        : null;
    this.hotKeyCapacity = resolveHotKeyOptions(hotKeys).perRoute;
    this.labelsEnabled = labelsEnabled ?? false;
    this.keyBucketsPerRoute = Math.max(
      DEFAULT_KEY_BUCKETS_PER_ROUTE,
      Math.min(256, Math.floor(keyBucketsPerRoute ?? 1) || 1),
    );
  }

  /** A sampler whose history is `columns` (record/replay); it has no routes. */
  static fromColumns(columns: readonly Column[], opts: SamplerConfig = {}): Sampler {
    const s = new Sampler(opts);
    s.loadColumns(columns);
    return s;
  }

  /** Replaces the history with `columns` (oldest first; the last historyColumns are kept). */
  loadColumns(columns: readonly Column[]): void {
    this.ring.clear();
    appendColumns(this.ring, columns.slice(Math.max(0, columns.length - this.ring.capacity)));
  }

  // --- routes ---

  registerRoute(route: RouteInfo): RouteInfo {
    const r = this.routes.add(route);
    this.table.addRoute(r);
    return r;
  }

  removeRoute(id: number): boolean {
    const r = this.routes.remove(id);
    if (!r) return false;
    this.table.removeRoute(r);
    this.retire(r);
    return true;
  }

  private retire(r: RouteInfo): void {
    this.retired.delete(r.id);
    this.retired.set(r.id, r);
    if (this.retired.size > RETIRED_ROUTES_KEPT) {
      this.retired.delete(this.retired.keys().next().value as number);
    }
  }

  /** Left half keeps `id`, right half [key, end) is route `newId`. See buckets.ts for counts. */
  splitRoute(
    id: number,
    key: Uint8Array,
    newId: number,
    right: { label?: string; raftGroupId?: number } = {},
  ): [RouteInfo, RouteInfo] {
    const [l, r] = this.routes.split(id, key, newId, right);
    this.table.updateRoute(l);
    this.table.addRoute(r);
    this.tell({
      kind: 'split',
      parentRouteId: id,
      childRouteIds: [id, newId],
      start: l.start,
      end: r.end,
      boundary: r.start,
      unixMs: this.options.clock.now(),
    });
    return [l, r];
  }

  /** Merges touching routes; the result keeps `leftId`. See buckets.ts for counts. */
  mergeRoutes(leftId: number, rightId: number): RouteInfo {
    const absorbed = this.routes.get(rightId);
    const m = this.routes.merge(leftId, rightId);
    this.table.absorb(m, absorbed!);
    this.retire(absorbed!);
    this.tell({
      kind: 'merge',
      parentRouteId: leftId,
      childRouteIds: [leftId, rightId],
      start: m.start,
      end: m.end,
      boundary: absorbed!.start,
      unixMs: this.options.clock.now(),
    });
    return m;
  }

  /** Adds an observer of flushes and route transitions; returns its removal. */
  addObserver(o: SamplerObserver): () => void {
    this.observers.add(o);
    return () => this.observers.delete(o);
  }

  private tell(t: RouteTransitionInfo): void {
    for (const o of this.observers) o.transition?.(t);
  }

  getRoute(id: number): RouteInfo | undefined {
    return this.routes.get(id);
  }

  /** Routes in key order. */
  listRoutes(): readonly RouteInfo[] {
    return this.routes.list();
  }

  // --- hot path ---

  /**
   * Counts one request. Unknown route ids are dropped (see droppedObservations).
   * `label` is the adapter that served it (hot-key slots with labels enabled).
   */
  observe(routeId: number, key: Uint8Array, op: Op, valueLength: number, label = ''): void {
    const t = this.table;
    const dense = t.dense;
    // `>>> 0 ===` admits only integers in [0, 2^32): the typed-array fast path.
    let slot =
      routeId >>> 0 === routeId && routeId < dense.length
        ? dense[routeId]
        : (t.sparse.get(routeId) ?? -1);
    if (slot < 0) {
      this.dropped++;
      return;
    }
    if (t.subdivides) {
      // Sub-range and label rows: the route's child row counts it.
      const off = t.subOff[slot];
      if (off >= 0) slot = t.childOf(slot, off, key, label);
    }
    const c = t.counters;
    const o = slot << 2;
    if (op === READ) {
      c[o] += 1;
      c[o + 2] += key.length;
    } else {
      c[o + 1] += 1;
      c[o + 3] += key.length + valueLength;
      const h = this.hot;
      if (h !== null) h.observe(routeId, this.labelsEnabled ? label : '', key);
    }
  }

  /** Observations dropped because their route was unknown. */
  get droppedObservations(): number {
    return this.dropped;
  }

  // --- flushing ---

  /** Harvests the open step into a new column at clock.now() (always appends, even idle). */
  flush(): void {
    const t = this.table;
    const order = t.order;
    const cap = order.length;
    if (this.sBuckets.length < cap) {
      this.sBuckets = new Uint32Array(cap);
      this.sReads = new Float64Array(cap);
      this.sWrites = new Float64Array(cap);
      this.sReadBytes = new Float64Array(cap);
      this.sWriteBytes = new Float64Array(cap);
      this.sGroups = new Float64Array(cap);
      this.sTerms = new Float64Array(cap);
    }
    const { sBuckets, sReads, sWrites, sReadBytes, sWriteBytes, sGroups, sTerms } = this;
    const c = t.counters;
    const termOf = this.options.leaderTermOf;
    const ids = this.ring.identities;
    const seq = this.ring.upcomingSeq;
    // Terms are asked once per group per flush: routes far outnumber groups.
    const terms = new Map<number, number>();
    let lastGroup = -1;
    let lastTerm = 0;
    // Mostly-active steps store every slot (idle ones with zero counters; the
    // ring lists them as idle): consecutive columns then share one bucket list
    // and usually one group and one term array, which costs less memory than
    // per-cell bucket indexes and lets the pivot reuse work across columns.
    // Sparse steps store active slots only.
    const view = t.flushOrder();
    const slotOf = view.slot;
    const { bucket: bucketOf, group: groupOf, metaChecked } = view;
    let active = 0;
    for (let i = 0; i < cap; i++) {
      const o = slotOf[i] << 2;
      if (c[o] !== 0 || c[o + 1] !== 0 || c[o + 2] !== 0 || c[o + 3] !== 0) active++;
    }
    const storeIdle = active * 4 >= cap * 3;
    let n = 0;
    for (let i = 0; i < cap; i++) {
      // Slot objects are not touched here (FlushOrder): a large table's slots are mostly idle.
      const o = slotOf[i] << 2;
      const r = c[o];
      const w = c[o + 1];
      const rb = c[o + 2];
      const wb = c[o + 3];
      if (r === 0 && w === 0 && rb === 0 && wb === 0 && !storeIdle) continue;
      c[o] = c[o + 1] = c[o + 2] = c[o + 3] = 0;
      sReads[n] = r;
      sWrites[n] = w;
      sReadBytes[n] = rb;
      sWriteBytes[n] = wb;
      sBuckets[n] = bucketOf[i];
      const g = groupOf[i];
      sGroups[n] = g;
      if (g !== lastGroup) {
        lastGroup = g;
        lastTerm = 0;
        if (termOf && g !== 0) {
          const known = terms.get(g);
          lastTerm = known ?? termOf(g);
          if (known === undefined) terms.set(g, lastTerm);
        }
      }
      sTerms[n] = lastTerm;
      if (metaChecked[i] === 0) {
        metaChecked[i] = 1;
        const s = order[i];
        if (s.meta === null || s.meta !== s.recordedMeta) {
          s.recordedMeta = t.metaOf(s);
          ids.recordMeta(s.bucket, seq, s.recordedMeta);
        }
      }
      n++;
    }
    const at = this.options.clock.now();
    const col = this.ring.append({
      unixMs: at,
      n,
      buckets: sBuckets,
      reads: sReads,
      writes: sWrites,
      readBytes: sReadBytes,
      writeBytes: sWriteBytes,
      groups: sGroups,
      terms: sTerms,
    });
    t.releaseRetired();
    this.hot?.publish(this.options.clock.now());
    if (this.observers.size > 0) {
      for (const o of this.observers) o.flushed?.(at);
    }
    this.onColumn?.(col, this.ring.identities);
  }

  /**
   * Appends a column restored from the history store at start-up (not passed
   * to onColumn: it is stored already). `draft.buckets` are indexes from
   * columnRing.identities.intern(); `metas` are recorded as of this column.
   */
  restoreColumn(draft: ColumnDraft, metas: readonly [number, BucketMeta][]): void {
    const ids = this.ring.identities;
    const seq = this.ring.upcomingSeq;
    for (const [b, meta] of metas) ids.recordMeta(b, seq, meta);
    this.ring.append(draft);
  }

  /** The compact history (read-only use: the history store joins it with older tiers). */
  get columnRing(): ColumnRing {
    return this.ring;
  }

  /** Flushes every stepMs until stop(); the timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.flush(), this.options.stepMs);
    this.timer.unref?.();
  }

  /**
   * Stops the timer and harvests the open step with one last flush. A sampler
   * that was never started (e.g. a replayed fixture) is left untouched.
   */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  // --- reading ---

  /** Number of columns held. */
  get columnCount(): number {
    return this.ring.length;
  }

  /** Columns with flush time in [fromMs, toMs); 0 = unbounded; inverted = none. */
  snapshot(fromMs = 0, toMs = 0): Column[] {
    return ringToColumns(this.ring, fromMs, toMs);
  }

  /** The newest column only (cheap; snapshot() of a full history builds millions of objects). */
  latestColumn(): Column | undefined {
    const newest = this.ring.newest();
    return newest ? ringToColumns(this.ring, newest.unixMs, 0).at(-1) : undefined;
  }

  /** Counter sums of the newest column (e.g. aggregate QPS), without building rows. */
  latestTotals(): (CellCounters & { unixMs: number }) | undefined {
    const col = this.ring.newest();
    if (!col) return undefined;
    const n = col.buckets.length;
    const sum = [0, 0, 0, 0];
    for (let k = 0; k < 4; k++) for (let i = 0; i < n; i++) sum[k] += col.counters[k * n + i];
    return {
      unixMs: col.unixMs,
      reads: sum[0],
      writes: sum[1],
      readBytes: sum[2],
      writeBytes: sum[3],
    };
  }

  /** GetKeyVizMatrix over the history, straight from the compact ring. */
  matrix(req: MatrixRequest): MatrixResult {
    return pivotRing(this.ring, req);
  }

  /** The same matrix computed in slices, awaiting `pause()` between them (see pivotRingSliced). */
  matrixSliced(req: MatrixRequest, pause: () => Promise<void>): Promise<MatrixResult> {
    return pivotRingSliced(this.ring, req, pause);
  }

  /** Which columns a window covers: equal spans give equal matrices (cache keys). */
  windowSpan(fromMs: number, toMs: number): string {
    return windowSpan(this.ring, fromMs, toMs);
  }

  /** True when the route exists and has its own row (not folded into a virtual bucket). */
  isTrackedRoute(id: number): boolean {
    const si = this.table.slotOfRoute(id);
    return si >= 0 && this.table.slots[si]?.members === null;
  }

  /** Hot keys are on (--keyvizHotKeysEnabled). */
  get hotKeysEnabled(): boolean {
    return this.hot !== null;
  }

  /** The hot-key tracker (null = off): options, history, counters. */
  get hotKeyTracker(): HotKeyTracker | null {
    return this.hot;
  }

  /** A hot-key answer; null when hot keys are off. */
  hotKeys(q: HotKeysQuery): HotKeysOutcome | null {
    if (!this.hot) return null;
    const gone = this.routes.get(q.routeId) === undefined;
    return queryHotKeys(
      {
        history: this.hot.history,
        route: this.isTrackedRoute(q.routeId)
          ? this.routes.get(q.routeId)
          : gone
            ? this.retired.get(q.routeId)
            : undefined,
        retired: gone,
        stepMs: this.options.stepMs,
        keyBucketsPerRoute: this.keyBucketsPerRoute,
        capacity: this.hotKeyCapacity,
      },
      q,
    );
  }

  /** One bucket over [fromMs, toMs) with all four series (GetRouteDetail); null = unknown there. */
  routeDetail(bucketId: string, fromMs = 0, toMs = 0): RouteDetailResult | null {
    return routeDetailFromRing(this.ring, bucketId, fromMs, toMs);
  }

  /** Diagnostics: tracked routes, virtual buckets, dropped observations. */
  stats(): { routes: number; tracked: number; virtual: number; dropped: number; columns: number } {
    return {
      routes: this.routes.size,
      tracked: this.table.trackedCount,
      virtual: this.table.virtualCount,
      dropped: this.dropped,
      columns: this.ring.length,
    };
  }
}
