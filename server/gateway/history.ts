// Gateway history (docs/gateway.md, "History"): the follow state's settled columns,
// all four series, written to the same store the sampler uses (server/history), so a
// gateway keeps its tiers (default 28 days) in front of nodes that keep 24 hours, and
// a restarted gateway holds again what it had learned. Only the store's narrow
// interface and its writer are used here.
import type { HistoryFlags } from '../history/flags.ts';
import { openSqliteStore } from '../history/sqliteStore.ts';
import { unknownMeta, type HistoryStore } from '../history/types.ts';
import { HistoryWriter, retentionEveryMs, type HistoryHealth } from '../history/writer.ts';
import type { BucketMeta } from '../sampler/types.ts';
import type { ClusterFollower, RestoredColumn, SettledColumn } from './follow.ts';

export interface GatewayHistory {
  /** Reads the last `keepMs` of stored columns into the follow state; returns how many. */
  restoreInto(follower: ClusterFollower, now: number, keepMs: number): number;
  /** The follow state's hook. */
  onSettled(col: SettledColumn): void;
  health(): HistoryHealth | null;
  close(): void;
}

/** Settled column -> one entry per bucket present in any series, counters series-major. */
export function fullColumnOf(col: SettledColumn): {
  entries: { bucketId: string; meta: BucketMeta }[];
  counters: Float64Array;
  groups: Float64Array;
  terms: Float64Array;
} {
  const slot = new Map<number, number>();
  for (const s of col.series) for (const b of s.buckets) if (!slot.has(b)) slot.set(b, slot.size);
  const n = slot.size;
  const counters = new Float64Array(4 * n);
  const groups = new Float64Array(n);
  const terms = new Float64Array(n);
  const idFrom = new Uint8Array(n); // 0: none yet, 1: a non-writes series, 2: writes
  col.series.forEach((s, k) => {
    for (let e = 0; e < s.buckets.length; e++) {
      const i = slot.get(s.buckets[e])!;
      counters[k * n + i] = s.values[e];
      // The writes series' identity (the leader's) wins; else the first series that has one.
      const rank = k === 1 ? 2 : 1;
      if (s.groups && s.terms && idFrom[i] < rank && s.groups[e] !== 0) {
        groups[i] = s.groups[e];
        terms[i] = s.terms[e];
        idFrom[i] = rank;
      }
    }
  });
  const entries = [...slot.keys()].map((b) => ({
    bucketId: col.bucketIdOf(b),
    meta: col.metaOf(b),
  }));
  return { entries, counters, groups, terms };
}

export function openGatewayHistory(
  flags: HistoryFlags,
  log: (line: string) => void,
  store: HistoryStore = openSqliteStore(flags.dir),
): GatewayHistory {
  let writer: HistoryWriter | null = null;
  let follower: ClusterFollower | null = null;
  const writerFor = (stepMs: number): HistoryWriter => {
    if (!writer) {
      const w = new HistoryWriter(store, flags.tiers, stepMs, log);
      writer = w;
      w.startRetention(retentionEveryMs(flags.tiers));
      // Windows older than the follow state: from the tiers (tier 0 raw when not coarser than the step).
      follower?.attachStore({
        store,
        tierWidths: flags.tiers.map((_, i) => (i === 0 && w.rawTier0 ? 0 : w.widthOf(i))),
      });
    }
    return writer;
  };
  return {
    restoreInto(f, now, keepMs) {
      follower = f;
      const b = store.bounds(0);
      if (!b) return 0;
      const stored = store.readFull(0, Math.min(now, b.last) - keepMs, Infinity);
      if (stored.length === 0) return 0;
      const stepMs = stored[stored.length - 1].widthMs;
      const cols: RestoredColumn[] = stored.map((c) => {
        const n = c.keys.length;
        const metas = Array.from(c.keys, (k) => {
          const id = store.bucketIdOf(k) ?? `unknown:${k}`;
          return store.metaOf(k) ?? unknownMeta(id);
        });
        const counters = Float64Array.from(c.counters);
        if (counters.length !== 4 * n) throw new Error('history: a stored column is malformed');
        return {
          t: c.unixMs,
          metas,
          counters,
          groups: Float64Array.from(c.groups),
          terms: Float64Array.from(c.terms),
        };
      });
      f.restore(cols, stepMs);
      writerFor(stepMs);
      return cols.length;
    },
    onSettled(col) {
      writerFor(col.stepMs).onKeyedColumn({ unixMs: col.t, ...fullColumnOf(col) });
    },
    health() {
      return writer?.healthNow() ?? null;
    },
    close() {
      if (writer) writer.close();
      else store.close();
    },
  };
}
