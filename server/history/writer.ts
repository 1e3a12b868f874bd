// Writes every flushed column to the store, off the flush: the flush hook only
// converts the column (bucket indexes -> store keys) and queues it; the write
// runs on the next turn of the event loop as one transaction with the roll-ups
// it closed. A failed write (full disk, I/O error) is logged and counted and
// the batch is retried with the next one (bounded); the live view never waits.
import type { BucketIdentities, StoredColumn } from '../sampler/column-store.ts';
import { sameMeta } from '../sampler/column-store.ts';
import type { BucketMeta } from '../sampler/types.ts';
import { Rollup } from './rollup.ts';
import type { FullColumn, HistoryStore, TierSpec, WriteBatch } from './types.ts';

/** Columns kept for a retry while writes fail; older ones are dropped (and counted). */
const MAX_PENDING = 120;
/** Columns per write transaction: a start-up backfill is written a chunk per event-loop turn. */
const DRAIN_CHUNK = 30;
/** Oldest columns deleted per retention chunk (one short transaction each). */
const RETENTION_CHUNK = 50;

/**
 * How often retention runs: every minute, sooner with a short finest horizon (a twentieth of
 * it, at least a second), so a tier never holds much more than its horizon.
 */
export function retentionEveryMs(tiers: readonly TierSpec[]): number {
  const shortest = Math.min(...tiers.map((t) => t.horizonMs));
  return Math.min(60_000, Math.max(1000, Math.floor(shortest / 20)));
}

export interface HistoryHealth {
  enabled: true;
  path: string;
  columnsWritten: number;
  failedWrites: number;
  droppedColumns: number;
  lastError: string | null;
  lastErrorAtMs: number | null;
  pendingColumns: number;
  lastWriteMs: number;
  maxWriteMs: number;
  retentionDeleted: number;
  /** Retention passes finished, when the last one ended, how long it took (wall, chunks and turns between). */
  retentionPasses: number;
  lastRetentionAtMs: number | null;
  lastRetentionMs: number;
  /** The longest one retention chunk held the event loop (a flush waits at most this for it). */
  maxRetentionChunkMs: number;
  sizeBytes: number;
  /** Decoded store blobs kept in memory between queries (bytes, and their bound). */
  decodedCacheBytes: number;
  decodedCacheMaxBytes: number;
  /** Per tier, finest first: its flags and what the store holds (refreshed by healthNow). */
  tiers: TierHealth[];
}

export interface TierHealth {
  resolutionMs: number;
  horizonMs: number;
  columns: number;
  firstUnixMs: number | null;
  lastUnixMs: number | null;
}

export class HistoryWriter {
  private readonly rollups: (Rollup | null)[];
  /** Tier 0 stores raw flush columns when its resolution is not coarser than the step. */
  readonly rawTier0: boolean;
  private keyOfRing = new Int32Array(0);
  private metaOfRing: (BucketMeta | undefined)[] = [];
  /** onKeyedColumn's bucket id -> store key and last meta written. */
  private readonly keyOfId = new Map<string, number>();
  private readonly metaOfId = new Map<string, BucketMeta>();
  private nextKey: number;
  private readonly unsaved = new Map<number, { bucketId: string; meta: BucketMeta }>();
  private readonly metaUpdates = new Map<number, BucketMeta>();
  private pending: { tier: number; column: FullColumn }[] = [];
  private drainScheduled = false;
  /** Newest raw column time stored or queued: older flushes (a backfill over stored time) are not written. */
  lastRawMs: number;
  private retentionTimer: ReturnType<typeof setInterval> | undefined;
  private retaining = false;
  private closed = false;
  readonly health: HistoryHealth;

  constructor(
    readonly store: HistoryStore,
    readonly tiers: readonly TierSpec[],
    readonly stepMs: number,
    private readonly log: (line: string) => void,
  ) {
    this.rawTier0 = tiers[0].resolutionMs <= stepMs;
    this.rollups = tiers.map((t, i) =>
      i === 0 && this.rawTier0 ? null : new Rollup(t.resolutionMs),
    );
    let max = -1;
    for (const k of store.bucketKeys().values()) max = Math.max(max, k);
    this.nextKey = max + 1;
    this.lastRawMs = (this.rawTier0 ? store.bounds(0)?.last : undefined) ?? -Infinity;
    this.health = {
      enabled: true,
      path: store.path,
      columnsWritten: 0,
      failedWrites: 0,
      droppedColumns: 0,
      lastError: null,
      lastErrorAtMs: null,
      pendingColumns: 0,
      lastWriteMs: 0,
      maxWriteMs: 0,
      retentionDeleted: 0,
      retentionPasses: 0,
      lastRetentionAtMs: null,
      lastRetentionMs: 0,
      maxRetentionChunkMs: 0,
      sizeBytes: store.sizeBytes(),
      decodedCacheBytes: 0,
      decodedCacheMaxBytes: store.decodedCache?.().maxBytes ?? 0,
      tiers: tiers.map((t) => ({
        resolutionMs: t.resolutionMs,
        horizonMs: t.horizonMs,
        columns: 0,
        firstUnixMs: null,
        lastUnixMs: null,
      })),
    };
    this.refreshTiers();
  }

  /** Health with the tiers' extents and the file size read now (a few indexed reads). */
  healthNow(): HistoryHealth {
    if (!this.closed) {
      this.refreshTiers();
      this.health.sizeBytes = this.store.sizeBytes();
      this.health.decodedCacheBytes = this.store.decodedCache?.().bytes ?? 0;
    }
    return this.health;
  }

  private refreshTiers(): void {
    try {
      this.health.tiers.forEach((t, i) => {
        const b = this.store.bounds(i);
        t.columns = b?.count ?? 0;
        t.firstUnixMs = b?.first ?? null;
        t.lastUnixMs = b?.last ?? null;
      });
    } catch {
      // A store that cannot be read now keeps the last figures; write failures are counted apart.
    }
  }

  /** Width written for a tier's columns. */
  widthOf(tier: number): number {
    return tier === 0 && this.rawTier0 ? this.stepMs : this.tiers[tier].resolutionMs;
  }

  /** The sampler's flush hook. */
  onColumn = (col: StoredColumn, ids: BucketIdentities): void => {
    if (this.closed || col.unixMs <= this.lastRawMs) return;
    this.lastRawMs = col.unixMs;
    this.addRaw(this.convert(col, ids));
    this.scheduleDrain();
  };

  /**
   * A column not from a local ring (the gateway's merged cluster column): bucket ids
   * and metas given per entry, counters series-major (reads, writes, read bytes,
   * write bytes). Same queue, roll-ups and "never over stored time" rule as onColumn.
   */
  onKeyedColumn(col: {
    unixMs: number;
    entries: readonly { bucketId: string; meta: BucketMeta }[];
    counters: Float64Array;
    groups: Float64Array;
    terms: Float64Array;
  }): void {
    if (this.closed || col.unixMs <= this.lastRawMs) return;
    this.lastRawMs = col.unixMs;
    const known = this.store.bucketKeys();
    const keys = new Uint32Array(col.entries.length);
    col.entries.forEach(({ bucketId, meta }, i) => {
      let key = this.keyOfId.get(bucketId) ?? known.get(bucketId) ?? -1;
      if (key < 0) {
        key = this.nextKey++;
        this.unsaved.set(key, { bucketId, meta });
      } else {
        const was =
          this.unsaved.get(key)?.meta ?? this.metaOfId.get(bucketId) ?? this.store.metaOf(key);
        if (!was || !sameMeta(was, meta)) {
          if (this.unsaved.has(key)) this.unsaved.get(key)!.meta = meta;
          else this.metaUpdates.set(key, meta);
        }
      }
      this.keyOfId.set(bucketId, key);
      this.metaOfId.set(bucketId, meta);
      keys[i] = key;
    });
    this.addRaw({
      unixMs: col.unixMs,
      widthMs: this.stepMs,
      keys,
      counters: col.counters,
      groups: col.groups,
      terms: col.terms,
      idle: null,
      changed: null,
    });
    this.scheduleDrain();
  }

  /**
   * Feeds a raw column already in the store (start-up recovery) to the
   * roll-ups of `tiers` only, so windows a crash left open are completed.
   */
  recover(col: FullColumn, tiers: ReadonlySet<number>): void {
    this.rollups.forEach((r, i) => {
      if (!r || !tiers.has(i)) return;
      const closed = r.add(col);
      if (closed) this.pending.push({ tier: i, column: closed });
    });
  }

  private addRaw(col: FullColumn): void {
    if (this.rawTier0) this.pending.push({ tier: 0, column: col });
    this.rollups.forEach((r, i) => {
      const closed = r?.add(col);
      if (closed) this.pending.push({ tier: i, column: closed });
    });
  }

  /** Ring column -> store column: bucket indexes become store keys (new buckets get keys now). */
  private convert(col: StoredColumn, ids: BucketIdentities): FullColumn {
    if (this.keyOfRing.length < ids.size) {
      const k = new Int32Array(Math.max(ids.size, 2 * this.keyOfRing.length, 64)).fill(-1);
      k.set(this.keyOfRing);
      this.keyOfRing = k;
    }
    const known = this.store.bucketKeys();
    const n = col.buckets.length;
    const keys = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const b = col.buckets[i];
      let key = this.keyOfRing[b];
      const meta = ids.metaAt(b, col.seq);
      if (key < 0) {
        const id = ids.ids[b];
        key = known.get(id) ?? -1;
        if (key < 0) {
          key = this.nextKey++;
          this.unsaved.set(key, { bucketId: id, meta });
        } else if (!sameMeta(this.store.metaOf(key)!, meta)) {
          this.metaUpdates.set(key, meta);
        }
        this.keyOfRing[b] = key;
        this.metaOfRing[b] = meta;
      } else if (this.metaOfRing[b] !== meta) {
        this.metaOfRing[b] = meta;
        if (this.unsaved.has(key)) this.unsaved.get(key)!.meta = meta;
        else this.metaUpdates.set(key, meta);
      }
      keys[i] = key;
    }
    return {
      unixMs: col.unixMs,
      widthMs: this.stepMs,
      keys,
      counters: col.counters,
      groups: col.groups,
      terms: col.terms,
      idle: col.idle,
      changed: null,
    };
  }

  scheduleDrain(): void {
    if (this.drainScheduled || this.closed) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  /** Writes everything queued as one transaction; false when the write failed. */
  drain(): boolean {
    if (this.pending.length === 0 && this.unsaved.size === 0 && this.metaUpdates.size === 0) {
      return true;
    }
    const columns = this.pending.slice(0, DRAIN_CHUNK);
    const batch: WriteBatch = {
      newBuckets: [...this.unsaved].map(([key, v]) => ({ key, ...v })),
      metaUpdates: [...this.metaUpdates].map(([key, meta]) => ({ key, meta })),
      columns,
    };
    const t0 = performance.now();
    try {
      this.store.write(batch);
    } catch (e) {
      const h = this.health;
      h.failedWrites++;
      h.lastError = (e as Error).message;
      h.lastErrorAtMs = Date.now();
      if (this.pending.length > MAX_PENDING) {
        const drop = this.pending.length - MAX_PENDING;
        h.droppedColumns += drop;
        this.pending = this.pending.slice(drop);
      }
      h.pendingColumns = this.pending.length;
      this.log(
        `keyviz: HISTORY WRITE FAILED (${h.failedWrites} so far, ${this.pending.length} columns ` +
          `waiting): ${h.lastError}`,
      );
      return false;
    }
    const ms = performance.now() - t0;
    const h = this.health;
    h.columnsWritten += columns.length;
    h.lastWriteMs = ms;
    h.maxWriteMs = Math.max(h.maxWriteMs, ms);
    this.unsaved.clear();
    this.metaUpdates.clear();
    this.pending = this.pending.slice(columns.length);
    h.pendingColumns = this.pending.length;
    if (this.pending.length > 0) this.scheduleDrain();
    return true;
  }

  /** Deletes columns past each tier's horizon, a chunk per event-loop turn. */
  retain(now: number): Promise<number> {
    if (this.retaining) return Promise.resolve(0);
    this.retaining = true;
    let total = 0;
    const started = performance.now();
    return new Promise((resolve) => {
      let tier = 0;
      const step = () => {
        const h = this.health;
        if (this.closed || tier >= this.tiers.length) {
          this.retaining = false;
          h.retentionDeleted += total;
          h.retentionPasses++;
          h.lastRetentionAtMs = Date.now();
          h.lastRetentionMs = performance.now() - started;
          h.sizeBytes = this.closed ? h.sizeBytes : this.store.sizeBytes();
          resolve(total);
          return;
        }
        let n = 0;
        const t0 = performance.now();
        try {
          n = this.store.deleteBefore(tier, now - this.tiers[tier].horizonMs, RETENTION_CHUNK);
        } catch (e) {
          this.log(`keyviz: history retention failed: ${(e as Error).message}`);
        }
        h.maxRetentionChunkMs = Math.max(h.maxRetentionChunkMs, performance.now() - t0);
        total += n;
        if (n < RETENTION_CHUNK) tier++;
        setImmediate(step);
      };
      step();
    });
  }

  /** Runs retention now and every `everyMs` (the timer does not keep the process alive). */
  startRetention(everyMs: number, now: () => number = Date.now): void {
    void this.retain(now());
    this.retentionTimer = setInterval(() => void this.retain(now()), everyMs);
    this.retentionTimer.unref();
  }

  /** Writes everything queued now (one transaction per chunk); false when a write failed. */
  flushQueued(): boolean {
    if (this.closed) return false;
    while (this.pending.length > 0) if (!this.drain()) return false;
    return this.drain(); // buckets or metas without columns
  }

  /** Writes what is queued and closes the store. Open roll-up windows are rebuilt from tier 0 at the next start. */
  close(): void {
    if (this.closed) return;
    clearInterval(this.retentionTimer);
    while (this.pending.length > 0 && this.drain());
    this.drain(); // buckets or metas without columns
    this.closed = true;
    this.store.close();
  }
}
