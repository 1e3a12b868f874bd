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

export function openSqliteStore(dir: string): SqliteStore {
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
    return new SqliteStore(db, path, fresh, stallHookFromEnv());
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
  private readonly metas = new Map<number, BucketMeta>();
  /** Per tier: the shared-kind arrays of the last column written (dedup). */
  private readonly lastShared = new Map<number, (AnyArray | null)[]>();
  private readonly stmts: ReturnType<SqliteStore['prepare']>;

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
    fresh: boolean,
    /** The test-only stall (stallHookFromEnv); null in every real run. */
    private readonly inWrite: ((batch: WriteBatch) => void) | null = null,
  ) {
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
      blobBefore: db.prepare(
        'SELECT t, kind, ty, data FROM blobs WHERE tier = ? AND kind = ? AND t < ? ORDER BY t DESC LIMIT 1',
      ),
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
    let m = this.metas.get(key);
    if (!m && this.ids[key] !== undefined) {
      m = metaFromJson(this.ids[key], this.metaText[key]);
      this.metas.set(key, m);
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
      this.metas.delete(b.key);
    }
    for (const u of batch.metaUpdates) {
      this.metaText[u.key] = metaToJson(u.meta);
      this.metas.delete(u.key);
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
      if (!sameArray(last[i], a)) s.addBlob.run(tier, c.unixMs, kind, typeOf(a), toBlob(a));
      next.push(a);
    });
    this.lastShared.set(tier, next);
    for (let k = 0; k < 4; k++) {
      const v = c.counters.subarray(k * n, (k + 1) * n);
      s.addBlob.run(tier, c.unixMs, K_SERIES + k, typeOf(v), toBlob(v));
    }
    if (c.idle && c.idle.length > 0) {
      s.addBlob.run(tier, c.unixMs, K_IDLE, typeOf(c.idle), toBlob(c.idle));
    }
    if (c.changed) s.addBlob.run(tier, c.unixMs, K_CHANGED, typeOf(c.changed), toBlob(c.changed));
  }

  /** Blobs of one kind for the given columns: a map from column time to the array in force. */
  private kindAt(
    tier: number,
    kind: number,
    from: number,
    to: number,
    carry: boolean,
  ): { times: number[]; arrays: NarrowArray[] } {
    const s = this.stmts;
    const times: number[] = [];
    const arrays: NarrowArray[] = [];
    if (carry) {
      const prev = s.blobBefore.get(tier, kind, from) as BlobRow | undefined;
      if (prev) {
        times.push(prev.t);
        arrays.push(fromBlob(prev.ty, prev.data));
      }
    }
    for (const r of s.blobsIn.iterate(tier, kind, from, to) as Iterable<BlobRow>) {
      times.push(r.t);
      arrays.push(fromBlob(r.ty, r.data));
    }
    return { times, arrays };
  }

  private columnsIn(tier: number, from: number, to: number) {
    return this.stmts.columnsIn.all(tier, from, to) as { t: number; w: number; n: number }[];
  }

  private assemble<T>(
    tier: number,
    from: number,
    to: number,
    seriesKinds: number[],
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
    const sharedKinds = SHARED_KINDS.map((k) => this.kindAt(tier, k, lo, hi, true));
    const seriesKindsData = seriesKinds.map((k) => this.kindAt(tier, k, lo, hi, false));
    const idle = this.kindAt(tier, K_IDLE, lo, hi, false);
    const changed = this.kindAt(tier, K_CHANGED, lo, hi, false);
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
    return this.assemble(tier, from, to, [K_SERIES + series], (c, shared, s, idle, changed) => {
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
    return this.assemble(tier, from, to, kinds, (c, shared, s, idle, changed) => {
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
    const r = this.stmts.bounds.get(tier) as { first: number | null; last: number; count: number };
    return r.first === null ? null : { first: r.first, last: r.last, count: r.count };
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
    this.db.transaction(() => {
      // The first column kept must hold its shared blobs itself before older rows go.
      const keep = s.firstFrom.get(tier, cut) as { t: number } | undefined;
      if (keep) {
        for (const kind of SHARED_KINDS) {
          if (!s.blobAt.get(tier, kind, keep.t)) s.copyBlob.run(keep.t, tier, kind, keep.t);
        }
      }
      s.delColumns.run(tier, cut);
      for (let kind = 0; kind <= K_CHANGED; kind++) s.delBlobs.run(tier, kind, cut);
    })();
    return old.length;
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
