// The history store on SQLite (better-sqlite3), chosen by measurement over
// DuckDB (docs/history.md). One file, write-ahead log, one transaction per
// batch: a kill -9 loses at most the batch being written.
//
// Tables: keyviz_meta (format marker), buckets (key, bucket id, latest meta as
// JSON), columns (tier, start, width, entries), blobs (tier, start, kind, type,
// bytes). Bucket lists, groups and terms repeat from column to column: a blob
// of those kinds is written only when it differs from the tier's previous
// column, and a reader takes the newest one at or before the column.
import { existsSync, mkdirSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BucketMeta } from '../sampler/types.ts';
import { DecodedBlobs } from './blobCache.ts';
import { fromBlob, sameArray, toBlob, typeOf, type AnyArray } from './codec.ts';
import type { FullColumn, HistoryStore, SeriesColumn, TierBounds, WriteBatch } from './types.ts';
import type { NarrowArray } from '../sampler/column-store.ts';

export const HISTORY_FILE = 'keyviz-history.sqlite';
const FORMAT = 'keyviz-history';
const VERSION = '1';

/** Blob kinds. */
export const K_KEYS = 0;
const K_SERIES = 1; // 1..4: reads, writes, read bytes, write bytes
export const K_GROUPS = 5;
export const K_TERMS = 6;
const K_IDLE = 7;
const K_CHANGED = 8;
/** Kinds written only when they differ from the previous column of the tier. */
const SHARED_KINDS = [K_KEYS, K_GROUPS, K_TERMS];
/** Bytes of decoded bucket lists, groups and terms kept (a few hundred lists at 10,000 routes). */
const SHARED_CACHE_BYTES = 8 << 20;
/**
 * Bytes of decoded series of the finest tier kept: about 13 hours of one series at 10,000
 * routes (20 kB a column). Roll-up tiers are kept decoded by the query's SeriesColumnCache.
 */
export const SERIES_CACHE_BYTES = 16 << 20;
/**
 * Bytes of the file SQLite may read through a memory map instead of read() calls: a 20 kB
 * series blob spans six pages, each a system call without it (docs/history.md, "Reading").
 */
const MMAP_BYTES = 1 << 30;

/** A history file that is not ours or cannot be read: start-up stops, the file is left alone. */
export class HistoryFileError extends Error {
  override name = 'HistoryFileError';
}

interface MetaJson {
  s: string;
  e: string;
  l: string;
  a: boolean;
  r: string[];
  c: number;
}

function metaToJson(m: BucketMeta): string {
  const j: MetaJson = {
    s: Buffer.from(m.start).toString('base64'),
    e: Buffer.from(m.end).toString('base64'),
    l: m.label,
    a: m.aggregate,
    r: m.routeIds,
    c: m.routeCount,
  };
  return JSON.stringify(j);
}

function metaFromJson(bucketId: string, text: string): BucketMeta {
  const j = JSON.parse(text) as MetaJson;
  return {
    bucketId,
    start: new Uint8Array(Buffer.from(j.s, 'base64')),
    end: new Uint8Array(Buffer.from(j.e, 'base64')),
    label: j.l,
    aggregate: j.a,
    routeIds: j.r,
    routeCount: j.c,
  };
}

interface BlobRow {
  t: number;
  kind: number;
  ty: number;
  data: Buffer;
}

/**
 * Test-only hook, inert unless KEYVIZ_TEST_STALL_HISTORY_WRITE=N is set: the Nth write that
 * carries columns prints `KEYVIZ_TEST_STALLED_IN_WRITE [{"tier":..,"t":..},...]` on stderr and
 * then blocks inside its transaction, after its inserts and before the commit, so
 * tests/integration/history.crash.test.ts can kill -9 the process exactly mid-flush.
 */
export const STALL_WRITE_ENV = 'KEYVIZ_TEST_STALL_HISTORY_WRITE';
export const STALLED_MARKER = 'KEYVIZ_TEST_STALLED_IN_WRITE';
const STALL_MS = 120_000;

function stallHookFromEnv(): ((batch: WriteBatch) => void) | null {
  const n = Number(process.env[STALL_WRITE_ENV] ?? '');
  if (!Number.isInteger(n) || n < 1) return null;
  let seen = 0;
  return (batch) => {
    if (batch.columns.length === 0 || ++seen !== n) return;
    const cols = batch.columns.map((c) => ({ tier: c.tier, t: c.column.unixMs }));
    // writeSync: the line must be out before the thread blocks.
    writeSync(2, `${STALLED_MARKER} ${JSON.stringify(cols)}\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, STALL_MS);
  };
}

export interface SqliteStoreOptions {
  /** Bytes of decoded tier-0 series kept between reads (0: none). */
  seriesCacheBytes?: number;
}

export function openSqliteStore(dir: string, opts: SqliteStoreOptions = {}): SqliteStore {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, HISTORY_FILE);
  const fresh = !existsSync(path) || statSync(path).size === 0;
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: !fresh });
  } catch (e) {
    throw new HistoryFileError(`cannot open history file ${path}: ${(e as Error).message}`);
  }
  try {
    return new SqliteStore(db, path, fresh, stallHookFromEnv(), opts.seriesCacheBytes);
  } catch (e) {
    db.close();
    if (e instanceof HistoryFileError) throw e;
    throw new HistoryFileError(
      `${path} is not a readable keyviz history file (${(e as Error).message}); ` +
        'it was left untouched: move it away or pass another --historyDir',
    );
  }
}

export class SqliteStore implements HistoryStore {
  private readonly keys = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly metaText: string[] = [];
  /** Parsed metas by key (parsed on first use, dropped when a write changes one). */
  private readonly metas: (BucketMeta | undefined)[] = [];
  /** Per tier: bounds() as last read; dropped by every write or delete touching the tier. */
  private readonly boundsOf = new Map<number, TierBounds | null>();
  /** Per tier: the shared-kind arrays of the last column written (dedup). */
  private readonly lastShared = new Map<number, (AnyArray | null)[]>();
  private readonly stmts: ReturnType<SqliteStore['prepare']>;
  /**
   * Decoded bucket lists, groups and terms: a column read twice gets the same bucket-list
   * object, so a query's key-to-bucket mapping is reused (query.ts JointIdentities.bucketsOf).
   */
  private readonly shared = new DecodedBlobs(SHARED_CACHE_BYTES);
  /** Decoded series of tier 0 (readSeries): a window read again costs no read and no copy. */
  readonly seriesCache: DecodedBlobs;

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
    fresh: boolean,
    /** The test-only stall (stallHookFromEnv); null in every real run. */
    private readonly inWrite: ((batch: WriteBatch) => void) | null = null,
    seriesCacheBytes = SERIES_CACHE_BYTES,
  ) {
    this.seriesCache = new DecodedBlobs(seriesCacheBytes);
    if (fresh) {
      db.pragma('journal_mode = WAL');
      db.exec(`
        CREATE TABLE keyviz_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE buckets(key INTEGER PRIMARY KEY, bucket_id TEXT NOT NULL UNIQUE, meta TEXT NOT NULL);
        CREATE TABLE columns(tier INTEGER NOT NULL, t INTEGER NOT NULL, width_ms INTEGER NOT NULL,
          n INTEGER NOT NULL, PRIMARY KEY(tier, t)) WITHOUT ROWID;
        CREATE TABLE blobs(tier INTEGER NOT NULL, t INTEGER NOT NULL, kind INTEGER NOT NULL,
          ty INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(tier, kind, t)) WITHOUT ROWID;
      `);
      db.prepare('INSERT INTO keyviz_meta VALUES (?, ?), (?, ?)').run(
        'format',
        FORMAT,
        'version',
        VERSION,
      );
    } else {
      // Reading the schema is what fails on a file that is not SQLite at all.
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
        name: string;
      }[];
      const names = new Set(tables.map((t) => t.name));
      if (!names.has('keyviz_meta')) {
        throw new HistoryFileError(
          `${path} is an SQLite file but not a keyviz history file (no keyviz_meta table); ` +
            'it was left untouched: move it away or pass another --historyDir',
        );
      }
      const rows = db.prepare('SELECT key, value FROM keyviz_meta').all() as {
        key: string;
        value: string;
      }[];
      const m = new Map(rows.map((r) => [r.key, r.value]));
      if (m.get('format') !== FORMAT || m.get('version') !== VERSION) {
        throw new HistoryFileError(
          `${path} has format ${m.get('format')} version ${m.get('version')}, ` +
            `this server reads ${FORMAT} version ${VERSION}; it was left untouched`,
        );
      }
      const check = db.pragma('quick_check(1)', { simple: true });
      if (check !== 'ok') throw new HistoryFileError(`${path} is damaged: ${String(check)}`);
      db.pragma('journal_mode = WAL');
    }
    // NORMAL in WAL mode: a committed batch survives a process crash (kill -9);
    // a power cut may lose the last few batches, never the file.
    db.pragma('synchronous = NORMAL');
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
    this.stmts = this.prepare();
    for (const r of db.prepare('SELECT key, bucket_id, meta FROM buckets').iterate() as Iterable<{
      key: number;
      bucket_id: string;
      meta: string;
    }>) {
      this.keys.set(r.bucket_id, r.key);
      this.ids[r.key] = r.bucket_id;
      this.metaText[r.key] = r.meta;
    }
  }

  private prepare() {
    const db = this.db;
    return {
      addBucket: db.prepare('INSERT INTO buckets(key, bucket_id, meta) VALUES (?, ?, ?)'),
      setMeta: db.prepare('UPDATE buckets SET meta = ? WHERE key = ?'),
      addColumn: db.prepare(
        'INSERT OR IGNORE INTO columns(tier, t, width_ms, n) VALUES (?, ?, ?, ?)',
      ),
      addBlob: db.prepare('INSERT INTO blobs(tier, t, kind, ty, data) VALUES (?, ?, ?, ?, ?)'),
      columnsIn: db.prepare(
        'SELECT t, width_ms AS w, n FROM columns WHERE tier = ? AND t >= ? AND t < ? ORDER BY t',
      ),
      blobsIn: db.prepare(
        'SELECT t, kind, ty, data FROM blobs WHERE tier = ? AND kind = ? AND t >= ? AND t < ? ORDER BY t',
      ),
      timeBefore: db.prepare(
        'SELECT t FROM blobs WHERE tier = ? AND kind = ? AND t < ? ORDER BY t DESC LIMIT 1',
      ),
      timesIn: db.prepare(
        'SELECT t FROM blobs WHERE tier = ? AND kind = ? AND t >= ? AND t < ? ORDER BY t',
      ),
      blobOf: db.prepare('SELECT ty, data FROM blobs WHERE tier = ? AND kind = ? AND t = ?'),
      bounds: db.prepare(
        'SELECT min(t) AS first, max(t) AS last, count(*) AS count FROM columns WHERE tier = ?',
      ),
      span: db.prepare(
        'SELECT min(t) AS first, max(t) AS last, count(*) AS count FROM columns WHERE tier = ? AND t >= ? AND t < ?',
      ),
      oldest: db.prepare('SELECT t FROM columns WHERE tier = ? AND t < ? ORDER BY t LIMIT ?'),
      firstFrom: db.prepare('SELECT t FROM columns WHERE tier = ? AND t >= ? ORDER BY t LIMIT 1'),
      blobAt: db.prepare('SELECT 1 FROM blobs WHERE tier = ? AND kind = ? AND t = ?'),
      copyBlob: db.prepare(
        'INSERT INTO blobs(tier, t, kind, ty, data) SELECT tier, ?, kind, ty, data FROM blobs ' +
          'WHERE tier = ? AND kind = ? AND t < ? ORDER BY t DESC LIMIT 1',
      ),
      delColumns: db.prepare('DELETE FROM columns WHERE tier = ? AND t < ?'),
      delBlobs: db.prepare('DELETE FROM blobs WHERE tier = ? AND kind = ? AND t < ?'),
    };
  }

  bucketKeys(): ReadonlyMap<string, number> {
    return this.keys;
  }

  bucketIdOf(key: number): string | undefined {
    return this.ids[key];
  }

  metaOf(key: number): BucketMeta | undefined {
    let m = this.metas[key];
    if (!m && this.ids[key] !== undefined) {
      m = metaFromJson(this.ids[key], this.metaText[key]);
      this.metas[key] = m;
    }
    return m;
  }

  write(batch: WriteBatch): void {
    const s = this.stmts;
    const run = this.db.transaction(() => {
      for (const b of batch.newBuckets) {
        if (this.ids[b.key] === b.bucketId) continue; // saved by an earlier batch
        s.addBucket.run(b.key, b.bucketId, metaToJson(b.meta));
      }
      for (const u of batch.metaUpdates) s.setMeta.run(metaToJson(u.meta), u.key);
      for (const { tier, column: c } of batch.columns) this.writeColumn(tier, c);
      this.inWrite?.(batch);
    });
    const before = new Map(this.lastShared);
    for (const c of batch.columns) this.boundsOf.delete(c.tier);
    try {
      run();
    } catch (e) {
      // The transaction rolled back: forget what it would have shared.
      this.lastShared.clear();
      for (const [k, v] of before) this.lastShared.set(k, v);
      throw e;
    }
    for (const b of batch.newBuckets) {
      this.keys.set(b.bucketId, b.key);
      this.ids[b.key] = b.bucketId;
      this.metaText[b.key] = metaToJson(b.meta);
      this.metas[b.key] = undefined;
    }
    for (const u of batch.metaUpdates) {
      this.metaText[u.key] = metaToJson(u.meta);
      this.metas[u.key] = undefined;
    }
  }

  private writeColumn(tier: number, c: FullColumn): void {
    const s = this.stmts;
    const n = c.keys.length;
    const r = s.addColumn.run(tier, c.unixMs, c.widthMs, n);
    if (r.changes === 0) return; // held already: stored history is never overwritten
    const last = this.lastShared.get(tier) ?? [null, null, null];
    const shared: AnyArray[] = [c.keys, c.groups, c.terms];
    const next: (AnyArray | null)[] = [];
    SHARED_KINDS.forEach((kind, i) => {
      const a = shared[i];
      if (!sameArray(last[i], a)) {
        s.addBlob.run(tier, c.unixMs, kind, typeOf(a), toBlob(a));
        this.shared.drop(tier, kind, c.unixMs);
      }
      next.push(a);
    });
    this.lastShared.set(tier, next);
    for (let k = 0; k < 4; k++) {
      const v = c.counters.subarray(k * n, (k + 1) * n);
      s.addBlob.run(tier, c.unixMs, K_SERIES + k, typeOf(v), toBlob(v));
      this.seriesCache.drop(tier, K_SERIES + k, c.unixMs);
    }
    if (c.idle && c.idle.length > 0) {
      s.addBlob.run(tier, c.unixMs, K_IDLE, typeOf(c.idle), toBlob(c.idle));
    }
    if (c.changed) s.addBlob.run(tier, c.unixMs, K_CHANGED, typeOf(c.changed), toBlob(c.changed));
  }

  /** Blobs of one kind starting in [from, to): their times and arrays. */
  private kindIn(
    tier: number,
    kind: number,
    from: number,
    to: number,
  ): { times: number[]; arrays: NarrowArray[] } {
    const times: number[] = [];
    const arrays: NarrowArray[] = [];
    for (const r of this.stmts.blobsIn.iterate(tier, kind, from, to) as Iterable<BlobRow>) {
      times.push(r.t);
      arrays.push(fromBlob(r.ty, r.data));
    }
    return { times, arrays };
  }

  /**
   * A shared kind's blobs in force over [from, to): the newest before `from` and those inside,
   * from the decoded cache where it holds them (only their times are read then).
   */
  private sharedIn(
    tier: number,
    kind: number,
    from: number,
    to: number,
  ): { times: number[]; arrays: NarrowArray[] } {
    const s = this.stmts;
    const times: number[] = [];
    const prev = s.timeBefore.pluck().get(tier, kind, from) as number | undefined;
    if (prev !== undefined) times.push(prev);
    for (const t of s.timesIn.pluck().iterate(tier, kind, from, to) as Iterable<number>) {
      times.push(t);
    }
    const arrays = times.map((t) => this.sharedAt(tier, kind, t));
    return { times, arrays };
  }

  private sharedAt(tier: number, kind: number, t: number): NarrowArray {
    let a = this.shared.get(tier, kind, t);
    if (!a) {
      const r = this.stmts.blobOf.get(tier, kind, t) as { ty: number; data: Buffer };
      a = fromBlob(r.ty, r.data);
      this.shared.put(tier, kind, t, a);
    }
    return a;
  }

  /**
   * A series kind's blobs for the columns at `times` (all of [from, to)), from the decoded cache
   * where it holds them; the rest is read in one range and kept.
   */
  private seriesAt(
    tier: number,
    kind: number,
    times: readonly number[],
  ): { times: number[]; arrays: NarrowArray[] } {
    const cache = this.seriesCache;
    const found: (NarrowArray | undefined)[] = times.map((t) => cache.get(tier, kind, t));
    let lo = -1;
    let hi = -1;
    found.forEach((a, i) => {
      if (a) return;
      if (lo < 0) lo = i;
      hi = i;
    });
    if (lo >= 0) {
      let i = lo;
      const rows = this.stmts.blobsIn.iterate(tier, kind, times[lo], times[hi] + 1);
      for (const r of rows as Iterable<BlobRow>) {
        while (i <= hi && times[i] < r.t) i++;
        if (times[i] !== r.t || found[i]) continue;
        const a = fromBlob(r.ty, r.data);
        found[i] = a;
        cache.put(tier, kind, r.t, a);
      }
    }
    const out: { times: number[]; arrays: NarrowArray[] } = { times: [], arrays: [] };
    found.forEach((a, i) => {
      if (!a) return;
      out.times.push(times[i]);
      out.arrays.push(a);
    });
    return out;
  }

  private columnsIn(tier: number, from: number, to: number) {
    return this.stmts.columnsIn.all(tier, from, to) as { t: number; w: number; n: number }[];
  }

  private assemble<T>(
    tier: number,
    from: number,
    to: number,
    seriesKinds: number[],
    /** Series through the decoded cache. */
    cached: boolean,
    build: (
      c: { t: number; w: number; n: number },
      shared: NarrowArray[],
      series: (NarrowArray | undefined)[],
      idle: Uint32Array | null,
      changed: Uint8Array | null,
    ) => T,
  ): T[] {
    const lo = Number.isFinite(from) ? from : Number.MIN_SAFE_INTEGER;
    const hi = Number.isFinite(to) ? to : Number.MAX_SAFE_INTEGER;
    const cols = this.columnsIn(tier, lo, hi);
    if (cols.length === 0) return [];
    const sharedKinds = SHARED_KINDS.map((k) => this.sharedIn(tier, k, lo, hi));
    const times = cached ? cols.map((c) => c.t) : [];
    const seriesKindsData = seriesKinds.map((k) =>
      cached ? this.seriesAt(tier, k, times) : this.kindIn(tier, k, lo, hi),
    );
    const idle = this.kindIn(tier, K_IDLE, lo, hi);
    const changed = this.kindIn(tier, K_CHANGED, lo, hi);
    const ptr = sharedKinds.map(() => 0);
    const sptr = seriesKinds.map(() => 0);
    let ip = 0;
    let cp = 0;
    const out: T[] = [];
    for (const c of cols) {
      const shared = sharedKinds.map((d, i) => {
        while (ptr[i] + 1 < d.times.length && d.times[ptr[i] + 1] <= c.t) ptr[i]++;
        if (d.times[ptr[i]] === undefined || d.times[ptr[i]] > c.t) {
          throw new HistoryFileError(`${this.path}: column ${tier}/${c.t} lacks kind ${i}`);
        }
        return d.arrays[ptr[i]];
      });
      const series = seriesKindsData.map((d, i) => {
        while (sptr[i] < d.times.length && d.times[sptr[i]] < c.t) sptr[i]++;
        return d.times[sptr[i]] === c.t ? d.arrays[sptr[i]] : undefined;
      });
      while (ip < idle.times.length && idle.times[ip] < c.t) ip++;
      while (cp < changed.times.length && changed.times[cp] < c.t) cp++;
      const id = idle.times[ip] === c.t ? (idle.arrays[ip] as Uint32Array) : null;
      const ch = changed.times[cp] === c.t ? (changed.arrays[cp] as Uint8Array) : null;
      out.push(build(c, shared, series, id, ch));
    }
    return out;
  }

  readSeries(tier: number, from: number, to: number, series: number): SeriesColumn[] {
    const cached = tier === 0 && this.seriesCache.maxBytes > 0;
    const kinds = [K_SERIES + series];
    return this.assemble(tier, from, to, kinds, cached, (c, shared, s, idle, changed) => {
      const n = c.n;
      const keys = shared[0] as Uint32Array;
      if (keys.length !== n || (s[0] && s[0].length !== n)) {
        throw new HistoryFileError(`${this.path}: column ${tier}/${c.t} has inconsistent lengths`);
      }
      return {
        unixMs: c.t,
        widthMs: c.w,
        keys,
        series: s[0] ?? new Uint8Array(n),
        groups: shared[1],
        terms: shared[2],
        idle,
        changed,
      };
    });
  }

  readFull(tier: number, from: number, to: number): FullColumn[] {
    const kinds = [0, 1, 2, 3].map((k) => K_SERIES + k);
    return this.assemble(tier, from, to, kinds, false, (c, shared, s, idle, changed) => {
      const n = c.n;
      // The widest of the four series' types holds all four exactly.
      const widest = s.reduce<NarrowArray | undefined>(
        (a, b) => (b && (!a || b.BYTES_PER_ELEMENT > a.BYTES_PER_ELEMENT) ? b : a),
        undefined,
      );
      const Ctor = (widest?.constructor ?? Uint8Array) as new (n: number) => NarrowArray;
      const counters = new Ctor(4 * n);
      s.forEach((a, k) => a && counters.set(a, k * n));
      return {
        unixMs: c.t,
        widthMs: c.w,
        keys: shared[0] as Uint32Array,
        counters,
        groups: shared[1],
        terms: shared[2],
        idle,
        changed,
      };
    });
  }

  bounds(tier: number): TierBounds | null {
    const known = this.boundsOf.get(tier);
    if (known !== undefined) return known && { ...known };
    const r = this.stmts.bounds.get(tier) as { first: number | null; last: number; count: number };
    const b = r.first === null ? null : { first: r.first, last: r.last, count: r.count };
    this.boundsOf.set(tier, b);
    return b && { ...b };
  }

  span(tier: number, from: number, to: number): TierBounds | null {
    const lo = Number.isFinite(from) ? from : Number.MIN_SAFE_INTEGER;
    const hi = Number.isFinite(to) ? to : Number.MAX_SAFE_INTEGER;
    const r = this.stmts.span.get(tier, lo, hi) as {
      first: number | null;
      last: number;
      count: number;
    };
    return r.first === null ? null : { first: r.first, last: r.last, count: r.count };
  }

  deleteBefore(tier: number, t: number, limit: number): number {
    const s = this.stmts;
    const old = s.oldest.all(tier, t, limit) as { t: number }[];
    if (old.length === 0) return 0;
    const cut = old[old.length - 1].t + 1;
    this.boundsOf.delete(tier);
    this.db.transaction(() => {
      // The first column kept must hold its shared blobs itself before older rows go.
      const keep = s.firstFrom.get(tier, cut) as { t: number } | undefined;
      if (keep) {
        for (const kind of SHARED_KINDS) {
          if (!s.blobAt.get(tier, kind, keep.t)) {
            s.copyBlob.run(keep.t, tier, kind, keep.t);
            this.shared.drop(tier, kind, keep.t);
          }
        }
      }
      s.delColumns.run(tier, cut);
      for (let kind = 0; kind <= K_CHANGED; kind++) s.delBlobs.run(tier, kind, cut);
    })();
    this.shared.dropBefore(tier, cut);
    this.seriesCache.dropBefore(tier, cut);
    return old.length;
  }

  decodedCache(): { bytes: number; maxBytes: number } {
    return {
      bytes: this.shared.bytes + this.seriesCache.bytes,
      maxBytes: this.shared.maxBytes + this.seriesCache.maxBytes,
    };
  }

  sizeBytes(): number {
    let n = 0;
    for (const f of [this.path, `${this.path}-wal`]) {
      try {
        n += statSync(f).size;
      } catch {
        // no write-ahead log right now
      }
    }
    return n;
  }

  close(): void {
    this.db.close();
  }
}
