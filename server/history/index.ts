// The history feature in one handle for the server's wiring: open the store,
// restore the ring and the roll-ups a crash left open, write every flush, run
// retention, answer windows beyond the ring (docs/history.md).
import type { Sampler } from '../sampler/index.ts';
import type { BucketMeta, Column, MatrixRequest } from '../sampler/types.ts';
import { exportColumns } from './exchange.ts';
import type { HistoryFlags } from './flags.ts';
import { yieldToLoop } from '../backends/yieldToLoop.ts';
import { seriesCounter } from '../sampler/request.ts';
import { KeyVizSeries } from '../../src/gen/admin_pb.ts';
import {
  historyMatrix,
  historyMatrixSliced,
  SeriesColumnCache,
  storedSpanKey,
  type HistoryMatrix,
} from './query.ts';
import { openSqliteStore } from './sqliteStore.ts';
import { unknownMeta, type HistoryStore } from './types.ts';
import { HistoryWriter, retentionEveryMs, type HistoryHealth } from './writer.ts';

export { HistoryFileError } from './sqliteStore.ts';
export type { HistoryHealth } from './writer.ts';

export interface HistoryHandle {
  readonly store: HistoryStore;
  readonly writer: HistoryWriter;
  /** Newest raw column stored (or -Infinity): a start-up backfill starts after it. */
  readonly lastStoredMs: number;
  /** Fills the sampler's ring from the store and completes open roll-ups; call once, before any flush. */
  restore(sampler: Sampler, now: number): number;
  matrix(sampler: Sampler, req: MatrixRequest): HistoryMatrix;
  /** The same answer in slices, awaiting `pause()` between them (the server's path). */
  matrixSliced(
    sampler: Sampler,
    req: MatrixRequest,
    pause: () => Promise<void>,
  ): Promise<HistoryMatrix>;
  /**
   * Reads the roll-up tiers of one series (a counter index; default writes, the page's default) into the query
   * cache in slices, so the first long window after start-up answers as fast as later ones.
   */
  prewarm(series?: number, pause?: () => Promise<void>): Promise<void>;
  /**
   * The ring's window as the store holds it, in the record file's shape (exportColumns, as
   * `npm run history:export` writes it): what --record writes with history on. Writes what
   * the writer has queued first. Instead, why not, when the store keeps no raw tier, is closed,
   * or cannot take the queued columns now.
   */
  recordColumns(sampler: Sampler): { columns: Column[] } | { unavailable: string };
  /** Part of the answer cache's key: "" for a window the ring answers, else the stored columns it selects. */
  cacheSpan(sampler: Sampler, req: MatrixRequest): string;
  health(): HistoryHealth;
  close(): void;
}

export function openHistory(
  flags: HistoryFlags,
  stepMs: number,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  store: HistoryStore = openSqliteStore(flags.dir),
): HistoryHandle {
  const writer = new HistoryWriter(store, flags.tiers, stepMs, log);
  const lastStoredMs = writer.lastRawMs;
  const tierWidths = flags.tiers.map((_, i) =>
    i === 0 && writer.rawTier0 ? 0 : writer.widthOf(i),
  );
  let restored = false;
  let closed = false;
  const cache = new SeriesColumnCache(store);
  return {
    store,
    writer,
    lastStoredMs,
    restore(sampler, now) {
      if (restored) throw new Error('history restored twice');
      restored = true;
      if (!writer.rawTier0) return 0;
      const ringFrom = now - sampler.options.historyColumns * stepMs;
      // Roll-up windows after each tier's last stored column were open at the last stop.
      const recoverFrom = flags.tiers.map((t, i) => {
        if (i === 0) return Infinity;
        const b = store.bounds(i);
        return b ? b.last + t.resolutionMs : -Infinity;
      });
      const from = Math.min(ringFrom, ...recoverFrom);
      const cols = store.readFull(0, from, Infinity);
      const ids = sampler.columnRing.identities;
      // Bucket lists repeat from column to column: intern each distinct list once.
      const mapped = new Map<Uint32Array, Uint32Array>();
      const recorded = new Set<number>();
      let n = 0;
      for (const c of cols) {
        const tiers = new Set<number>();
        recoverFrom.forEach((r, i) => c.unixMs >= r && tiers.add(i));
        if (tiers.size > 0) writer.recover(c, tiers);
        if (c.unixMs < ringFrom) continue;
        const len = c.keys.length;
        let buckets = mapped.get(c.keys);
        const metas: [number, BucketMeta][] = [];
        if (!buckets) {
          buckets = new Uint32Array(len);
          for (let i = 0; i < len; i++) {
            const key = c.keys[i];
            const b = ids.intern(store.bucketIdOf(key) ?? `unknown:${key}`);
            buckets[i] = b;
            if (!recorded.has(b)) {
              recorded.add(b);
              metas.push([b, store.metaOf(key) ?? unknownMeta(`unknown:${key}`)]);
            }
          }
          mapped.set(c.keys, buckets);
        }
        const counters =
          c.counters instanceof Float64Array ? c.counters : Float64Array.from(c.counters);
        sampler.restoreColumn(
          {
            unixMs: c.unixMs,
            n: len,
            buckets,
            reads: counters.subarray(0, len),
            writes: counters.subarray(len, 2 * len),
            readBytes: counters.subarray(2 * len, 3 * len),
            writeBytes: counters.subarray(3 * len, 4 * len),
            groups: Float64Array.from(c.groups),
            terms: Float64Array.from(c.terms),
          },
          metas,
        );
        n++;
      }
      writer.scheduleDrain();
      writer.startRetention(retentionEveryMs(flags.tiers));
      return n;
    },
    matrix(sampler, req) {
      return historyMatrix({ ring: sampler.columnRing, store, tierWidths, stepMs, cache }, req);
    },
    matrixSliced(sampler, req, pause) {
      return historyMatrixSliced(
        { ring: sampler.columnRing, store, tierWidths, stepMs, cache },
        req,
        pause,
      );
    },
    async prewarm(
      series = seriesCounter(KeyVizSeries.KEYVIZ_SERIES_WRITES),
      pause = () => yieldToLoop(),
    ) {
      try {
        for (let t = 0; t < tierWidths.length && !closed; t++) {
          if (tierWidths[t] > 0) {
            await cache.columnsSliced(t, tierWidths[t], series, -Infinity, Infinity, async () => {
              await pause();
              if (closed) throw new Error('history closed');
            });
          }
        }
      } catch (e) {
        // Closing the server mid-way ends it quietly; anything else is the caller's to log.
        if (!closed) throw e;
      }
    },
    recordColumns(sampler) {
      if (!writer.rawTier0) return { unavailable: 'the store keeps no raw tier' };
      if (closed) return { unavailable: 'the history store is closed' };
      if (!writer.flushQueued()) {
        const err = writer.health.lastError ?? 'unknown error';
        return { unavailable: `history writes are failing (${err})` };
      }
      const ring = sampler.columnRing;
      if (ring.length === 0) return { columns: [] };
      return { columns: exportColumns(store, 0, ring.at(0).unixMs, Infinity, stepMs) };
    },
    cacheSpan(sampler, req) {
      return storedSpanKey({ ring: sampler.columnRing, store, tierWidths, stepMs }, req);
    },
    health() {
      return writer.healthNow();
    },
    close() {
      closed = true;
      writer.close();
    },
  };
}
