// Incremental cluster state (docs/gateway.md, "Follow state"). The gateway follows
// every node's new columns, all four series, each call's `from` set past the newest
// column it holds of that node and series, and keeps the merged, aligned columns. A
// page request is then answered from that state at the cost of the cells in its
// window, not N full fetches and a full merge. Rules:
// - a column is merged once its aligned time is known (mergeMatrices over the nodes'
//   columns aligned to the step, every bucket kept), and merged again when a node's
//   column for the same aligned time arrives later: the last FRESH_COLUMNS aligned
//   columns keep each node's raw contribution for that; a column older than that
//   arriving late (a node back after an outage) re-fetches that range from every node
//   and merges it anew, so no contribution is counted twice or lost;
// - a node that restarts answers with a new ring: only columns newer than what the
//   state holds of it are asked for, so a restart never brings a column twice;
// - the state answers a request only when it covers it (warm, aligned view, window
//   not older than what it holds); otherwise the caller fans out as before.
import type { MatrixAnswer, MatrixRequest, MatrixRow, UpstreamStatus } from '../sampler/types.ts';
import type { BucketMeta } from '../sampler/types.ts';
import { compareBytes, compareEnds, compareStrings as compareIds } from '../sampler/keys.ts';
import { MAX_MATRIX_ROWS, rowBudget } from '../sampler/request.ts';
import { alignedTime, inferStepMs, mergeMatrices, type NodeAnswer } from './merge.ts';
import { KeyVizSeries } from '../../src/gen/admin_pb.ts';
import { yieldToLoop } from '../backends/yieldToLoop.ts';
import { unknownMeta, type HistoryStore, type SeriesColumn } from '../history/types.ts';
import { planWindow } from '../history/plan.ts';

/** The four series, in the order a round follows them. */
export const FOLLOWED_SERIES = [
  KeyVizSeries.KEYVIZ_SERIES_WRITES,
  KeyVizSeries.KEYVIZ_SERIES_READS,
  KeyVizSeries.KEYVIZ_SERIES_READ_BYTES,
  KeyVizSeries.KEYVIZ_SERIES_WRITE_BYTES,
] as const;

/** Aligned columns whose raw per-node contributions are kept for a cheap re-merge. */
export const FRESH_COLUMNS = 4;
/** Aligned columns merged per event-loop turn. */
const MERGE_CHUNK = 48;
/** Masks of contributing nodes are 32 bits wide. */
export const MAX_FOLLOWED_NODES = 32;

export type FetchOutcome =
  { ok: true; value: MatrixAnswer; latencyMs: number } | { ok: false; status: UpstreamStatus };

export interface FollowOptions {
  nodes: string[];
  /** One node's columns with from <= t < to (0 = open), every row it has (rows = 1024). */
  fetch: (node: number, series: number, fromMs: number, toMs: number) => Promise<FetchOutcome>;
  /** Merged columns older than the newest minus this are dropped; default 24 h. */
  keepMs?: number;
  /** Called with each aligned column once all four series hold it and it left the fresh span. */
  onSettled?: (col: SettledColumn) => void;
  /** Operator lines (the state turning warm). */
  log?: (line: string) => void;
  /**
   * Entries a column keeps per series once settled (handed to the history hook with every
   * entry it had): the follow calls may bring every bucket a node has (rows = 0, the node's
   * "no cap") for the store, while memory stays what 1,024 rows per node made it. Default
   * 1,024 x nodes.
   */
  keptEntriesPerColumn?: number;
}

/** One merged, aligned column of one series: an entry per bucket present in it. */
export interface MergedColumn {
  /** Aligned time (the step boundary at or after every contribution). */
  t: number;
  /** The nodes' flush time when they all had the same one, else NaN. */
  exactT: number;
  minRaw: number;
  maxRaw: number;
  /** Nodes that had a column here, with rows or idle (bit i = node i). */
  nodeMask: number;
  buckets: Int32Array;
  values: Float64Array;
  /** null when no contribution carried Raft group ids (older nodes). */
  groups: Float64Array | null;
  terms: Float64Array | null;
  /** Contributing nodes per entry (bit i = node i). */
  masks: Uint32Array;
  exact: Map<number, bigint> | null;
  conflicts: { entry: number; nodes: string[] }[] | null;
  /** Set for a stored roll-up column (gateway history): its width. */
  widthMs?: number;
  /** Set when put into a series: that series' change count then (answer cache keys). */
  stamp?: number;
}

/** What the state reads of the gateway's history store (a part of HistoryStore). */
export interface StoredTiers {
  store: Pick<HistoryStore, 'bounds' | 'span' | 'readSeries' | 'metaOf' | 'bucketIdOf'>;
  /** Per tier: its column width, 0 for tier 0 when it holds the raw aligned columns. */
  tierWidths: readonly number[];
}

/** What the history hook gets: one aligned column, all four series (KeyVizSeries order 1..4). */
export interface SettledColumn {
  t: number;
  stepMs: number;
  /** Indexed by KeyVizSeries - 1 (reads, writes, read bytes, write bytes). */
  series: MergedColumn[];
  bucketIdOf: (b: number) => string;
  metaOf: (b: number) => BucketMeta;
}

/** A stored column (gateway history), all four series. */
export interface RestoredColumn {
  t: number;
  metas: BucketMeta[];
  /** Series-major: reads, writes, read bytes, write bytes; metas.length each. */
  counters: Float64Array;
  groups: Float64Array;
  terms: Float64Array;
}

/** Stored columns read per store call when answering in slices (a few ms each). */
const STORED_CHUNK = 48;

/** A part of a window the store answers: one tier, from <= t < to. */
interface StoredRange {
  tier: number;
  from: number;
  to: number;
}

/** One node's answers of a round, in FOLLOWED_SERIES order. */
interface NodeAnswers {
  node: number;
  got: FetchOutcome[];
}

interface RawTimes {
  min: number;
  max: number;
  /** The one raw time, NaN when they differ. */
  one: number;
  mask: number;
}

interface RawContribution {
  node: number;
  answer: MatrixAnswer; // columns already aligned, all equal to the key's T
}

class SeriesState {
  columns: MergedColumn[] = [];
  /** aligned T -> raw contributions (only the fresh span). */
  raw = new Map<number, RawContribution[]>();
  /** Per node: newest raw column time held (-Infinity: none yet). */
  held: number[];
  /** Requests with from below this may need columns the state dropped (0: nothing dropped). */
  coveredFrom = 0;
  /** Every node answered at least once (or is known down after trying). */
  warm = false;
  trackedBuckets: number[];
  /** Bumped whenever a column is put or dropped (the follower's version). */
  changes = 0;
  constructor(n: number) {
    this.held = new Array<number>(n).fill(-Infinity);
    this.trackedBuckets = new Array<number>(n).fill(0);
  }
  indexOf(t: number): number {
    let lo = 0;
    let hi = this.columns.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.columns[mid].t < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  get(t: number): MergedColumn | undefined {
    const i = this.indexOf(t);
    return this.columns[i]?.t === t ? this.columns[i] : undefined;
  }
  put(col: MergedColumn): void {
    // A column object is put once (a re-merge or trim puts a new one): its stamp says which.
    col.stamp = ++this.changes;
    const i = this.indexOf(col.t);
    if (this.columns[i]?.t === col.t) this.columns[i] = col;
    else this.columns.splice(i, 0, col);
  }
  newest(): number {
    return this.columns.length > 0 ? this.columns[this.columns.length - 1].t : -Infinity;
  }
}

/** Bucket ids shared by the four series; meta widened like mergeMeta. */
class Registry {
  ids: string[] = [];
  metas: BucketMeta[] = [];
  /** Metas widened in place so far (answers hold them: answer cache keys). */
  widened = 0;
  private index = new Map<string, number>();
  intern(meta: BucketMeta): number {
    const id = meta.bucketId;
    let b = this.index.get(id);
    if (b === undefined) {
      b = this.ids.length;
      this.index.set(id, b);
      this.ids.push(id);
      this.metas.push({ ...meta, routeIds: [...meta.routeIds] });
      return b;
    }
    const m = this.metas[b];
    if (m === meta) return b;
    let changed = false;
    if (compareBytes(meta.start, m.start) < 0) {
      m.start = meta.start;
      changed = true;
    }
    if (compareEnds(meta.end, m.end) > 0) {
      m.end = meta.end;
      changed = true;
    }
    if (meta.routeCount > m.routeCount) {
      m.routeCount = meta.routeCount;
      changed = true;
    }
    if (meta.aggregate && !m.aggregate) {
      m.aggregate = true;
      changed = true;
    }
    if (changed) this.widened++;
    return b;
  }
}

const idle = (node: string): UpstreamStatus => ({
  node,
  ok: false,
  error: 'unavailable: not asked yet',
  code: 'unavailable',
  latencyMs: 0,
});

export class ClusterFollower {
  private readonly series = new Map<number, SeriesState>();
  private readonly registry = new Registry();
  readonly statuses: UpstreamStatus[];
  stepMs = 0;
  /** Grows to the longest ring a node showed at its first answer (a node may keep more than 24 h). */
  keepMs: number;
  private settledThrough = -Infinity;
  private running: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Live listeners: each aligned column of a series once, when every node up has passed it. */
  private readonly live = new Set<(series: number, t: number) => void>();
  private readonly liveThrough = new Map<number, number>();
  /** Changes other than columns (statuses, tracked counts, warmth, the store attached). */
  private changes = 0;
  /** Counters for /healthz detail and tests. */
  readonly stats = {
    rounds: 0,
    repairs: 0,
    answered: 0,
    fellBack: 0,
    restored: 0,
    /** Wall time of the last round and the longest one (a stalled node costs one deadline). */
    lastRoundMs: 0,
    maxRoundMs: 0,
  };

  constructor(private readonly o: FollowOptions) {
    if (o.nodes.length > MAX_FOLLOWED_NODES) {
      throw new Error(`the follow state takes at most ${MAX_FOLLOWED_NODES} nodes`);
    }
    for (const s of FOLLOWED_SERIES) this.series.set(s, new SeriesState(o.nodes.length));
    this.statuses = o.nodes.map(idle);
    this.keepMs = o.keepMs ?? 24 * 3600_000;
  }

  /** Poll every `everyMs` (a round never overlaps the previous one). */
  start(everyMs: number): void {
    const tick = () => {
      if (this.closed) return;
      void this.round().finally(() => {
        if (!this.closed) this.timer = setTimeout(tick, everyMs);
      });
    };
    tick();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * Changes whenever the state changes in a way an answer could show: a column merged,
   * re-merged, trimmed or dropped, a node's health (ok, code, message: not its latency), a
   * tracked-bucket count, a series turning warm, the store attached (/healthz/detail, tests).
   */
  get version(): number {
    let v = this.changes;
    for (const st of this.series.values()) v += st.changes;
    return v;
  }

  /** One round: every series, every node, new columns only. Concurrent calls share one round. */
  round(): Promise<void> {
    this.running ??= (async () => {
      const started = performance.now();
      try {
        await this.followAll();
        if (this.closed) return;
        this.stats.rounds++;
        this.stats.lastRoundMs = Math.round(performance.now() - started);
        this.stats.maxRoundMs = Math.max(this.stats.maxRoundMs, this.stats.lastRoundMs);
        this.settle();
        if (this.stats.rounds === 1 || !this.warmLogged) this.logWarm();
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /**
   * Every node's four series at once, so a stalled node costs a round one deadline, not
   * four in turn. A node already followed is merged as soon as its four answers are in
   * (one node at a time), so a slow node never holds the others' new columns. Nodes asked
   * for their whole ring (a first call) are merged together once every node has answered
   * or failed: merged one by one, the second would find the first's old columns settled
   * and take its own as late parts (a re-fetch of every node).
   */
  private async followAll(): Promise<void> {
    const n = this.o.nodes.length;
    const bySeries: FetchOutcome[][] = FOLLOWED_SERIES.map(() => new Array<FetchOutcome>(n));
    const warmUps: NodeAnswers[] = [];
    let chain: Promise<void> = Promise.resolve();
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const froms = FOLLOWED_SERIES.map((s) => {
          const held = this.series.get(s)!.held[i];
          return held === -Infinity ? 0 : held + 1;
        });
        const got = await Promise.all(
          FOLLOWED_SERIES.map((s, k) => this.o.fetch(i, s, froms[k], 0)),
        );
        got.forEach((o, k) => (bySeries[k][i] = o));
        this.noteStatus(i, got);
        if (froms.includes(0)) {
          warmUps.push({ node: i, got });
          return;
        }
        chain = chain.then(() => this.ingestNodes([{ node: i, got }]));
        await chain;
      }),
    );
    if (this.closed) return;
    if (warmUps.length > 0) await this.ingestNodes(warmUps.sort((a, b) => a.node - b.node));
    if (this.stepMs === 0) return;
    FOLLOWED_SERIES.forEach((s, k) => {
      const st = this.series.get(s)!;
      if (!st.warm && bySeries[k].some((o) => o.ok)) {
        st.warm = true;
        this.changes++;
      }
      this.emitLive(s, st, bySeries[k]);
    });
  }

  /** A node's status after a round: its first failed series, else ok (slowest latency). */
  private noteStatus(i: number, got: readonly FetchOutcome[]): void {
    const was = this.statuses[i];
    const failed = got.find((o) => !o.ok);
    if (failed && !failed.ok) {
      this.statuses[i] = failed.status;
    } else {
      let latencyMs = 0;
      for (const o of got) if (o.ok) latencyMs = Math.max(latencyMs, o.latencyMs);
      this.statuses[i] = { node: this.o.nodes[i], ok: true, error: '', code: '', latencyMs };
    }
    const now = this.statuses[i];
    if (now.ok !== was.ok || now.code !== was.code || now.error !== was.error) this.changes++;
  }

  /** Merge these nodes' answers (all four series each) into the state. */
  private async ingestNodes(list: readonly NodeAnswers[]): Promise<void> {
    for (let k = 0; k < FOLLOWED_SERIES.length; k++) {
      if (this.closed) return;
      const series = FOLLOWED_SERIES[k];
      const st = this.series.get(series)!;
      const fresh: { node: number; answer: MatrixAnswer }[] = [];
      for (const { node, got } of list) {
        const o = got[k];
        if (!o.ok) continue;
        // The node answers t >= from; a node's clock never makes us take a column twice.
        const cols = o.value.columnUnixMs;
        // An empty answer (no new column) says nothing of what the node tracks: the count of
        // its last column stays (else it flips to 0 and back at every step, and every answer
        // showing it with it).
        const tracked = o.value.trackedBuckets ?? o.value.rows.length;
        if (cols.length > 0 && st.trackedBuckets[node] !== tracked) {
          st.trackedBuckets[node] = tracked;
          this.changes++;
        }
        if (cols.length > 0 && cols[0] > st.held[node]) fresh.push({ node, answer: o.value });
      }
      if (this.stepMs === 0) {
        this.stepMs = inferStepMs(fresh.map((f) => ({ node: '', answer: f.answer })));
        // Step unknown (every node has at most one column yet): take nothing, ask again.
        if (this.stepMs === 0) continue;
      }
      await this.ingest(series, st, fresh);
    }
  }

  /** Merge new columns of one series into the state. */
  private async ingest(
    series: number,
    st: SeriesState,
    fresh: { node: number; answer: MatrixAnswer }[],
  ): Promise<void> {
    if (fresh.length === 0) return;
    const step = this.stepMs;
    let newest = st.newest();
    for (const f of fresh) {
      const c = f.answer.columnUnixMs;
      newest = Math.max(newest, alignedTime(c[c.length - 1], step));
    }
    const freshFrom = newest - (FRESH_COLUMNS - 1) * step;
    for (const f of fresh) {
      const c = f.answer.columnUnixMs;
      this.keepMs = Math.max(this.keepMs, c[c.length - 1] - c[0] + step);
    }
    // Aligned times a late column touches that the state merged and no longer holds raw.
    let lateLo = Infinity;
    let lateHi = -Infinity;
    const affected = new Set<number>();
    const sources: NodeAnswer[] = [];
    const alignedOf: number[][] = [];
    for (const f of fresh) {
      const a = withAligned(f.answer, step);
      alignedOf.push(a.columnUnixMs);
      for (const T of a.columnUnixMs) {
        if (T < freshFrom && st.get(T)) {
          lateLo = Math.min(lateLo, T);
          lateHi = Math.max(lateHi, T);
        } else affected.add(T);
      }
      sources.push({ node: this.o.nodes[f.node], answer: a });
    }
    // The raw parts earlier rounds brought to the affected fresh columns.
    for (const T of affected) {
      for (const r of st.raw.get(T) ?? [])
        sources.push({ node: this.o.nodes[r.node], answer: r.answer });
    }
    fresh.forEach((f, i) => {
      this.keepRaw(st, f.node, f.answer, alignedOf[i], freshFrom);
      st.held[f.node] = f.answer.columnUnixMs[f.answer.columnUnixMs.length - 1];
    });
    this.dropOldRaw(st, freshFrom);
    // Late columns are merged by the repair, from a fresh fetch of every node; here only
    // the affected ones are taken, so no late part counts twice.
    await this.mergeInto(series, st, sources, (T) => affected.has(T));
    if (lateLo <= lateHi) await this.repair(series, lateLo, lateHi);
    this.evict(st);
  }

  private keepRaw(
    st: SeriesState,
    node: number,
    answer: MatrixAnswer,
    aligned: number[],
    freshFrom: number,
  ): void {
    const byT = new Map<number, number[]>();
    aligned.forEach((T, j) => {
      if (T >= freshFrom) byT.set(T, [...(byT.get(T) ?? []), j]);
    });
    for (const [T, js] of byT) {
      const slice = sliceColumns(answer, js, T);
      const list = st.raw.get(T) ?? [];
      list.push({ node, answer: slice });
      st.raw.set(T, list);
    }
  }

  private dropOldRaw(st: SeriesState, freshFrom: number): void {
    for (const T of st.raw.keys()) if (T < freshFrom) st.raw.delete(T);
  }

  /**
   * Merge `sources` and put the columns `keep` accepts into the state, MERGE_CHUNK
   * aligned columns per event-loop turn (a warm-up merges a full day of every node).
   */
  private async mergeInto(
    series: number,
    st: SeriesState,
    sources: NodeAnswer[],
    keep: (T: number) => boolean,
  ): Promise<void> {
    if (sources.length === 0) return;
    // Upstream order, as the fan-out merges them: identities prefer the earlier node.
    const order = new Map(this.o.nodes.map((n, i) => [n, i]));
    sources = [...sources].sort((a, b) => (order.get(a.node) ?? 0) - (order.get(b.node) ?? 0));
    const times = [...new Set(sources.flatMap((s) => s.answer.columnUnixMs))]
      .filter(keep)
      .sort((a, b) => a - b);
    for (let i = 0; i < times.length; i += MERGE_CHUNK) {
      if (i > 0) await yieldToLoop();
      if (this.closed) return;
      const lo = times[i];
      const hi = times[Math.min(i + MERGE_CHUNK, times.length) - 1];
      this.mergeChunk(series, st, sources, lo, hi + 1, keep);
    }
  }

  private mergeChunk(
    series: number,
    st: SeriesState,
    sources: NodeAnswer[],
    from: number,
    to: number,
    keep: (T: number) => boolean,
  ): void {
    // Raw (unaligned) times per aligned column, for exactT / minRaw / maxRaw.
    const nodeBit = new Map(this.o.nodes.map((n, i) => [n, 1 << i]));
    const rawTimes = new Map<number, RawTimes>();
    for (const s of sources) {
      const orig = (s.answer as MatrixAnswer & { rawUnixMs?: number[] }).rawUnixMs;
      const bit = nodeBit.get(s.node) ?? 0;
      s.answer.columnUnixMs.forEach((T, j) => {
        if (T < from || T >= to) return;
        const t = orig ? orig[j] : T;
        const r = rawTimes.get(T);
        if (!r) rawTimes.set(T, { min: t, max: t, one: t, mask: bit });
        else {
          r.min = Math.min(r.min, t);
          r.max = Math.max(r.max, t);
          if (r.one !== t) r.one = NaN;
          r.mask |= bit;
        }
      });
    }
    const merged = mergeMatrices(
      sources,
      { series, fromUnixMs: from, toUnixMs: to, rows: 0, exactColumns: true },
      Infinity,
    );
    const rowBuckets = merged.rows.map((r) => this.registry.intern(r.meta));
    const rowMasks = (merged.contributingNodes ?? []).map((list) =>
      list.reduce((m, n) => m | (nodeBit.get(n) ?? 0), 0),
    );
    const conflictsAt = new Map<number, { row: number; nodes: string[] }[]>();
    for (const c of merged.conflicts) {
      const l = conflictsAt.get(c.column) ?? [];
      l.push({ row: c.row, nodes: c.nodes });
      conflictsAt.set(c.column, l);
    }
    merged.columnUnixMs.forEach((T, c) => {
      if (!keep(T)) return;
      const raw = rawTimes.get(T) ?? { min: T, max: T, one: T, mask: 0 };
      st.put(columnOf(merged.rows, c, T, raw, rowBuckets, rowMasks, conflictsAt.get(c) ?? null));
    });
  }

  /** Re-merge aligned columns [lo, hi] of one series from every node's answer now. */
  private async repair(series: number, lo: number, hi: number): Promise<void> {
    this.stats.repairs++;
    const st = this.series.get(series)!;
    const step = this.stepMs;
    const from = lo - step + 1;
    const to = hi + 1;
    const outcomes = await Promise.all(
      this.o.nodes.map((_, i) => this.o.fetch(i, series, from, to)),
    );
    const sources: NodeAnswer[] = [];
    outcomes.forEach((o, i) => {
      if (!o.ok || o.value.columnUnixMs.length === 0) return;
      sources.push({
        node: this.o.nodes[i],
        answer: withAligned(o.value, step),
      });
    });
    // A node that failed now keeps its part out until the next repair: better a column
    // short of one node (its status says so) than one counted twice.
    await this.mergeInto(series, st, sources, (T) => T >= lo && T <= hi);
  }

  private evict(st: SeriesState): void {
    const limit = st.newest() - this.keepMs;
    let k = 0;
    while (k < st.columns.length && st.columns[k].t <= limit) k++;
    if (k > 0) {
      st.coveredFrom = Math.max(st.coveredFrom, st.columns[k - 1].maxRaw + 1);
      st.columns.splice(0, k);
      st.changes++;
    }
  }

  /** Columns every series holds and that left the fresh span go to the history hook, once. */
  private settle(): void {
    const hook = this.o.onSettled;
    if (this.stepMs === 0) return;
    const keep = this.o.keptEntriesPerColumn ?? MAX_MATRIX_ROWS * this.o.nodes.length;
    const states = [1, 2, 3, 4].map((s) => this.series.get(s)!);
    const newest = Math.min(...states.map((s) => s.newest()));
    const upTo = newest - (FRESH_COLUMNS - 1) * this.stepMs;
    const first = states[1];
    for (let i = first.indexOf(this.settledThrough + 1); i < first.columns.length; i++) {
      const t = first.columns[i].t;
      if (t >= upTo) break;
      const cols = states.map((s) => s.get(t));
      if (hook && cols.every((c) => c !== undefined)) {
        hook({
          t,
          stepMs: this.stepMs,
          series: cols as MergedColumn[],
          bucketIdOf: (b) => this.registry.ids[b],
          metaOf: (b) => this.registry.metas[b],
        });
      }
      states.forEach((s, k) => {
        const c = cols[k];
        if (c && c.buckets.length > keep) s.put(trimColumn(c, keep, this.registry.ids));
      });
      this.settledThrough = t;
    }
  }

  /**
   * Columns from the gateway's history store (restart): held as merged columns, and
   * every node is then asked only for columns after them, so nothing counts twice.
   * Call before start().
   */
  restore(cols: readonly RestoredColumn[], stepMs: number): void {
    if (cols.length === 0) return;
    this.stepMs = stepMs;
    let last = -Infinity;
    for (const c of cols) {
      const n = c.metas.length;
      const buckets = Int32Array.from(c.metas, (m) => this.registry.intern(m));
      FOLLOWED_SERIES.forEach((series) => {
        const k = series - 1; // KeyVizSeries 1..4 = counters reads, writes, read bytes, write bytes
        this.series.get(series)!.put({
          t: c.t,
          exactT: NaN,
          minRaw: c.t - stepMs + 1,
          maxRaw: c.t,
          nodeMask: 0,
          buckets,
          values: c.counters.slice(k * n, (k + 1) * n),
          groups: c.groups,
          terms: c.terms,
          masks: new Uint32Array(n),
          exact: null,
          conflicts: null,
        });
      });
      last = Math.max(last, c.t);
    }
    for (const st of this.series.values()) {
      st.held.fill(last);
      st.warm = true;
      this.evict(st);
    }
    this.settledThrough = last;
  }

  /**
   * Live: call `fn(series, t)` for each new aligned column once the nodes that answered
   * this round have all passed it (a node down does not hold the others back; its part,
   * when it comes, is in the next full answer). Returns the unsubscribe.
   */
  subscribe(fn: (series: number, t: number) => void): () => void {
    this.live.add(fn);
    return () => this.live.delete(fn);
  }

  private emitLive(series: number, st: SeriesState, outcomes: FetchOutcome[]): void {
    if (this.stepMs === 0 || st.columns.length === 0) return;
    let through = Infinity;
    outcomes.forEach((o, i) => {
      if (o.ok) through = Math.min(through, alignedTime(st.held[i], this.stepMs));
    });
    if (!Number.isFinite(through)) return;
    const from = this.liveThrough.get(series);
    this.liveThrough.set(series, Math.max(from ?? -Infinity, through));
    // The first round only marks where live starts: the history is the client's full answer.
    if (from === undefined || this.live.size === 0) return;
    for (let i = st.indexOf(from + 1); i < st.columns.length; i++) {
      const t = st.columns[i].t;
      if (t > through) break;
      for (const fn of this.live) fn(series, t);
    }
  }

  /** One aligned column as a live column: the row budget and order of a full answer. */
  liveColumn(series: number, t: number, rows: number): MatrixAnswer | null {
    const st = this.series.get(series);
    const col = st?.get(t);
    if (!st || !col) return null;
    return assemble(
      [col],
      this.registry,
      { series, fromUnixMs: 0, toUnixMs: 0, rows },
      this.stepMs,
      this.statuses,
      st.trackedBuckets,
    );
  }

  private warmLogged = false;
  private readonly startedAt = performance.now();
  private logWarm(): void {
    if (this.warmLogged || ![...this.series.values()].every((s) => s.warm)) return;
    this.warmLogged = true;
    const cols = this.series.get(KeyVizSeries.KEYVIZ_SERIES_WRITES)!.columns.length;
    const ok = this.statuses.filter((s) => s.ok).length;
    this.o.log?.(
      `gateway: follow state warm in ${Math.round(performance.now() - this.startedAt)} ms: ` +
        `${cols} aligned columns (step ${this.stepMs} ms), ${this.registry.ids.length} buckets, ` +
        `${ok} of ${this.o.nodes.length} nodes answering`,
    );
  }

  private stored: StoredTiers | null = null;
  private readonly storedKey = new Map<number, number>();
  /** Windows older than the state are answered from the gateway's history store. */
  attachStore(t: StoredTiers): void {
    this.stored = t;
    this.changes++;
  }

  /**
   * The store's ranges for the part of [from, to) before `stateFirst`, oldest first, joined
   * across tiers like the sampler's history (server/history/plan.ts).
   */
  private storedPlan(from: number, to: number, stateFirst: number): StoredRange[] {
    const t = this.stored;
    if (!t) return [];
    const { store, tierWidths } = t;
    const sources = [
      { first: Number.isFinite(stateFirst) ? stateFirst : null, widthMs: 0 },
      ...tierWidths.map((w, i) => {
        const b = store.bounds(i);
        return b ? { first: b.first, last: b.last, widthMs: w } : { first: null, widthMs: w };
      }),
    ];
    return planWindow(sources, from, to)
      .filter((p) => p.source > 0)
      .sort((a, b) => a.from - b.from)
      .map((p) => ({ tier: p.source - 1, from: p.from, to: p.to }));
  }

  /** Stored columns of `plan` in one piece (answer()). */
  private storedColumns(series: number, plan: readonly StoredRange[]): MergedColumn[] {
    const t = this.stored;
    if (!t) return [];
    const out: MergedColumn[] = [];
    for (const p of plan) {
      for (const c of t.store.readSeries(p.tier, p.from, p.to, series - 1)) {
        out.push(this.fromStored(p.tier, c));
      }
    }
    return out;
  }

  /** storedColumns() read STORED_CHUNK columns at a time, `pause()` before each read. */
  private async storedColumnsSliced(
    series: number,
    plan: readonly StoredRange[],
    pause: () => Promise<void>,
  ): Promise<MergedColumn[]> {
    const t = this.stored;
    if (!t) return [];
    const out: MergedColumn[] = [];
    for (const p of plan) {
      const w = t.tierWidths[p.tier] > 0 ? t.tierWidths[p.tier] : Math.max(this.stepMs, 1);
      // Only what the tier holds (a range may be open at either end).
      const bounds = t.store.bounds(p.tier);
      if (!bounds) continue;
      let a = Math.max(p.from, bounds.first);
      const end = Math.min(p.to, bounds.last + 1);
      while (a < end) {
        await pause();
        const b = Math.min(end, a + STORED_CHUNK * w);
        for (const c of t.store.readSeries(p.tier, a, b, series - 1)) {
          out.push(this.fromStored(p.tier, c));
        }
        a = b;
      }
    }
    return out;
  }

  /** One stored column as a merged column over the state's bucket registry. */
  private fromStored(tier: number, c: SeriesColumn): MergedColumn {
    const { store, tierWidths } = this.stored!;
    const n = c.keys.length;
    const buckets = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const key = c.keys[i];
      let b = this.storedKey.get(key);
      if (b === undefined) {
        const meta = store.metaOf(key) ?? unknownMeta(store.bucketIdOf(key) ?? `unknown:${key}`);
        b = this.registry.intern(meta);
        this.storedKey.set(key, b);
      }
      buckets[i] = b;
    }
    const raw = tierWidths[tier] === 0;
    return {
      t: c.unixMs,
      exactT: NaN,
      minRaw: raw ? c.unixMs - this.stepMs + 1 : c.unixMs,
      maxRaw: raw ? c.unixMs : c.unixMs + c.widthMs - 1,
      nodeMask: 0,
      buckets,
      values: Float64Array.from(c.series),
      groups: Float64Array.from(c.groups),
      terms: Float64Array.from(c.terms),
      masks: new Uint32Array(n),
      exact: null,
      conflicts: null,
      ...(raw ? {} : { widthMs: c.widthMs }),
    };
  }

  /**
   * The oldest time a node still keeps, as far as the state can tell: its newest column
   * less the longest ring a node showed (default 24 h). -Infinity before any column.
   */
  nodeMemoryFrom(): number {
    const st = this.series.get(KeyVizSeries.KEYVIZ_SERIES_WRITES)!;
    let newest = -Infinity;
    for (const h of st.held) newest = Math.max(newest, h);
    return newest - this.keepMs;
  }

  /**
   * True when the state or the store holds a column of `req`'s series with
   * from <= t < before: the gateway has something a node's answer lacks there.
   */
  holdsBefore(req: MatrixRequest, before: number): boolean {
    const from = req.fromUnixMs;
    if (!(before > from)) return false;
    const st = this.series.get(seriesOf(req))!;
    const i = st.indexOf(from);
    if (i < st.columns.length && st.columns[i].minRaw < before) return true;
    const t = this.stored;
    if (!t) return false;
    return t.tierWidths.some((_, k) => {
      const b = t.store.bounds(k);
      return b !== null && b.first < before && b.last + (t.tierWidths[k] || this.stepMs) > from;
    });
  }

  /**
   * A gap inside a node's answer the gateway can fill: the first pair of consecutive node
   * columns (raw times, oldest first) more than a step apart with a column of `req`'s series
   * held between them, in the state or the store's raw tier (a node that lost columns it had
   * flushed: a kill -9 before its own write, a failing disk, a restart without its history).
   * Only the first `maxGaps` gaps are looked up.
   */
  holdsInGap(req: MatrixRequest, nodeTimes: ArrayLike<number | bigint>, maxGaps = 8): boolean {
    const step = this.stepMs;
    if (step <= 0 || nodeTimes.length < 2) return false;
    const st = this.series.get(seriesOf(req))!;
    const raw = this.stored !== null && this.stored.tierWidths[0] === 0 ? this.stored : null;
    let looked = 0;
    let prev = alignedTime(Number(nodeTimes[0]), step);
    for (let j = 1; j < nodeTimes.length && looked < maxGaps; j++) {
      const next = alignedTime(Number(nodeTimes[j]), step);
      if (next - prev > step) {
        looked++;
        // Aligned times strictly between the two node columns.
        const c = st.columns[st.indexOf(prev + 1)];
        if (c && c.t < next) return true;
        const held = raw?.store.span(0, prev + 1, next);
        if (held && held.count > 0) return true;
      }
      prev = next;
    }
    return false;
  }

  /** Columns the state holds of a series (tests, health). */
  columnsOf(series: number): readonly MergedColumn[] {
    return this.series.get(series)?.columns ?? [];
  }

  /**
   * The answer from the state, or null when the state does not cover `req` (the
   * caller fans out). Whole aligned columns: a column is in the window when any
   * node's flush in it is (the fan-out would show part of it).
   */
  answer(req: MatrixRequest): MatrixAnswer | null {
    const w = this.windowOf(req);
    if (!w) return null;
    const cols = [...this.storedColumns(w.series, w.stored), ...w.cols];
    return assemble(cols, this.registry, req, this.stepMs, this.statuses, w.tracked);
  }

  /**
   * answer() in slices with `pause()` between them (the server's path: the loop stays free):
   * the store read and the assembly (the caller encodes in slices too).
   */
  async answerSliced(req: MatrixRequest, pause: () => Promise<void>): Promise<MatrixAnswer | null> {
    const w = this.windowOf(req);
    if (!w) return null;
    const stored =
      w.stored.length > 0 ? await this.storedColumnsSliced(w.series, w.stored, pause) : [];
    const cols = stored.length > 0 ? [...stored, ...w.cols] : w.cols;
    return assembleSliced(cols, this.registry, req, this.stepMs, this.statuses, w.tracked, pause);
  }

  /**
   * The answer cache's key for `req` (null when the state does not cover it: the caller fans
   * out, uncached): the series, the row budget and the columns the window selects (the
   * state's first, last, count and newest stamp; per stored range the store's span), so any
   * from/to selecting the same columns gives the same key, and whatever else the answer
   * shows: node health (not latency), tracked counts, metas widened. Any change the answer
   * would show is a new key; a change outside the window (a new column after a closed
   * window) is not, so such answers stay cached.
   */
  answerKey(req: MatrixRequest): string | null {
    const w = this.selectWindow(req);
    if (!w) return null;
    const c = w.cols;
    // The newest stamp among the window's columns: a column re-merged or trimmed in place of
    // an older one is a new object with a newer stamp than any other of its series.
    let stamp = 0;
    for (const col of c) stamp = Math.max(stamp, col.stamp ?? 0);
    const state = c.length === 0 ? '' : `${c[0].t}-${c[c.length - 1].t}-${c.length}-${stamp}`;
    const store = this.stored?.store;
    const stored = w.stored.map((p) => {
      const s = store?.span(p.tier, p.from, p.to);
      return `${p.tier}:${s ? `${s.first}-${s.last}-${s.count}` : '-'}`;
    });
    // Node health as answers show it (latency aside), tracked counts, widened metas.
    const health = this.statuses.map((s) => (s.ok ? '+' : `${s.code}:${s.error}`)).join('|');
    return [
      w.series,
      rowBudget(req.rows),
      this.stepMs,
      state,
      stored.join(','),
      // The answer shows the largest of the nodes' counts (or its own count, if larger).
      Math.max(0, ...w.tracked),
      this.registry.widened,
      health,
    ].join('/');
  }

  /** The columns answering `req`, or null when the state does not cover it (counted). */
  private windowOf(req: MatrixRequest): Window | null {
    const w = this.selectWindow(req);
    if (w) this.stats.answered++;
    else this.stats.fellBack++;
    return w;
  }

  private selectWindow(req: MatrixRequest): Window | null {
    const series = seriesOf(req);
    const st = this.series.get(series)!;
    const from = req.fromUnixMs;
    const to = req.toUnixMs;
    const stateFirst = st.columns.length > 0 ? st.columns[0].minRaw : Infinity;
    const older = this.stored !== null && from !== 0 && from < stateFirst;
    if (
      req.exactColumns ||
      // The state keeps each node's budgeted rows only: a fold needs every bucket they send.
      req.foldKeySpace ||
      !st.warm ||
      this.stepMs === 0 ||
      (from !== 0 && from < st.coveredFrom - this.stepMs && !older)
    ) {
      return null;
    }
    const stored = older ? this.storedPlan(from, to, stateFirst) : [];
    const cols: MergedColumn[] = [];
    if (!(to !== 0 && from >= to)) {
      // Whole columns: one is in the window when any of its nodes' flushes is, so
      // moving `from` or `to` inside a column changes nothing.
      for (let i = st.indexOf(from === 0 ? -Infinity : from); i < st.columns.length; i++) {
        const c = st.columns[i];
        if (to !== 0 && c.minRaw >= to) break;
        if (c.maxRaw >= from) cols.push(c);
      }
    }
    return { series, stored, cols, tracked: [...st.trackedBuckets] };
  }
}

/** The columns answering a request. */
interface Window {
  series: number;
  /** The store's part (before the state's columns), to read. */
  stored: StoredRange[];
  /** The state's columns in the window. */
  cols: MergedColumn[];
  tracked: number[];
}

/** The followed series a request reads (unknown values read writes, as the node does). */
function seriesOf(req: MatrixRequest): number {
  return FOLLOWED_SERIES.includes(req.series as (typeof FOLLOWED_SERIES)[number])
    ? req.series
    : KeyVizSeries.KEYVIZ_SERIES_WRITES;
}

function withAligned(a: MatrixAnswer, step: number): MatrixAnswer {
  return {
    ...a,
    columnUnixMs: a.columnUnixMs.map((t) => alignedTime(t, step)),
    rawUnixMs: a.columnUnixMs,
    nodes: [],
    conflicts: [],
  } as MatrixAnswer;
}

/**
 * Columns `js` of one node answer (aligned time T), rows present there: a non-zero
 * value, or a Raft group (a node that sends ids sends them for every bucket it holds).
 */
function sliceColumns(a: MatrixAnswer, js: number[], T: number): MatrixAnswer {
  const rows: MatrixRow[] = [];
  for (const r of a.rows) {
    const ids = r.raftGroupIds.length === r.values.length && r.values.length > 0;
    if (!js.some((j) => r.values[j] !== 0 || (ids && r.raftGroupIds[j] !== 0))) continue;
    const row: MatrixRow = {
      meta: r.meta,
      values: Float64Array.from(js, (j) => r.values[j]),
      raftGroupIds: ids ? Float64Array.from(js, (j) => r.raftGroupIds[j]) : new Float64Array(0),
      leaderTerms: ids ? Float64Array.from(js, (j) => r.leaderTerms[j]) : new Float64Array(0),
    };
    if (r.exactValues) {
      const ex = new Map<number, bigint>();
      js.forEach((j, k) => {
        const x = r.exactValues?.get(j);
        if (x !== undefined) ex.set(k, x);
      });
      if (ex.size > 0) row.exactValues = ex;
    }
    rows.push(row);
  }
  return {
    columnUnixMs: js.map(() => T),
    rawUnixMs: js.map((j) => a.columnUnixMs[j]),
    rows,
    nodes: [],
    conflicts: [],
  } as MatrixAnswer;
}

/** Column c of a merge: the rows present there (non-zero, or with a Raft group). */
function columnOf(
  rows: MatrixRow[],
  c: number,
  T: number,
  raw: RawTimes,
  rowBuckets: number[],
  rowMasks: number[],
  conflicts: { row: number; nodes: string[] }[] | null,
): MergedColumn {
  const pick: number[] = [];
  let ids = false;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const g = row.raftGroupIds.length > 0 ? row.raftGroupIds[c] : 0;
    if (row.raftGroupIds.length > 0) ids = true;
    if (row.values[c] !== 0 || g !== 0) pick.push(r);
  }
  const n = pick.length;
  const col: MergedColumn = {
    t: T,
    exactT: raw.one,
    minRaw: raw.min,
    maxRaw: raw.max,
    nodeMask: raw.mask,
    buckets: new Int32Array(n),
    values: new Float64Array(n),
    groups: ids ? new Float64Array(n) : null,
    terms: ids ? new Float64Array(n) : null,
    masks: new Uint32Array(n),
    exact: null,
    conflicts: null,
  };
  const entryOfRow = new Map<number, number>();
  pick.forEach((r, k) => {
    const row = rows[r];
    entryOfRow.set(r, k);
    col.buckets[k] = rowBuckets[r];
    col.values[k] = row.values[c];
    if (col.groups && col.terms && row.raftGroupIds.length > 0) {
      col.groups[k] = row.raftGroupIds[c];
      col.terms[k] = row.leaderTerms[c];
    }
    col.masks[k] = rowMasks[r] ?? 0;
    const x = row.exactValues?.get(c);
    if (x !== undefined) (col.exact ??= new Map()).set(k, x);
  });
  if (conflicts) {
    for (const cf of conflicts) {
      const k = entryOfRow.get(cf.row);
      if (k !== undefined) (col.conflicts ??= []).push({ entry: k, nodes: cf.nodes });
    }
  }
  return col;
}

/**
 * The column with its `keep` largest entries (ties by bucket id, the node's rank rule),
 * in their order; exact values and conflicts follow their entries.
 */
export function trimColumn(col: MergedColumn, keep: number, ids: readonly string[]): MergedColumn {
  const n = col.buckets.length;
  if (n <= keep) return col;
  const order = Array.from({ length: n }, (_, k) => k);
  order.sort(
    (a, b) => col.values[b] - col.values[a] || compareIds(ids[col.buckets[a]], ids[col.buckets[b]]),
  );
  const kept = order.slice(0, keep).sort((a, b) => a - b);
  const newIndex = new Map(kept.map((k, i) => [k, i]));
  const pick = <A extends Float64Array | Int32Array | Uint32Array>(src: A, out: A): A => {
    kept.forEach((k, i) => (out[i] = src[k]));
    return out;
  };
  let exact: Map<number, bigint> | null = null;
  for (const [k, x] of col.exact ?? []) {
    const i = newIndex.get(k);
    if (i !== undefined) (exact ??= new Map()).set(i, x);
  }
  let conflicts: MergedColumn['conflicts'] = null;
  for (const cf of col.conflicts ?? []) {
    const i = newIndex.get(cf.entry);
    if (i !== undefined) (conflicts ??= []).push({ entry: i, nodes: cf.nodes });
  }
  return {
    ...col,
    buckets: pick(col.buckets, new Int32Array(keep)),
    values: pick(col.values, new Float64Array(keep)),
    groups: col.groups ? pick(col.groups, new Float64Array(keep)) : null,
    terms: col.terms ? pick(col.terms, new Float64Array(keep)) : null,
    masks: pick(col.masks, new Uint32Array(keep)),
    exact,
    conflicts,
  };
}

function sumColumn(
  buckets: Int32Array,
  values: Float64Array,
  entryMasks: Uint32Array,
  totals: Float64Array,
  seen: Uint8Array,
  masks: Uint32Array,
): void {
  for (let k = 0; k < buckets.length; k++) {
    const b = buckets[k];
    totals[b] += values[k];
    seen[b] = 1;
    masks[b] |= entryMasks[k];
  }
}

/** out[row * w + j] = src[k] for each entry k whose bucket has a row. */
function fillColumn(
  buckets: Int32Array,
  src: Float64Array,
  rowOf: Int32Array,
  out: Float64Array,
  w: number,
  j: number,
): void {
  for (let k = 0; k < buckets.length; k++) {
    const r = rowOf[buckets[k]];
    if (r >= 0) out[r * w + j] = src[k];
  }
}

/**
 * The answer over `cols`: rows ranked by the window's sum (the node's pivot rule),
 * the budget kept, ordered by start key; cost: one pass over the window's entries.
 */
export function assemble(
  cols: readonly MergedColumn[],
  registry: { ids: string[]; metas: BucketMeta[] },
  req: MatrixRequest,
  stepMs: number,
  statuses: readonly UpstreamStatus[],
  trackedBuckets: readonly number[],
): MatrixAnswer {
  const steps = assembleSteps(cols, registry, req, stepMs, statuses, trackedBuckets);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * assemble() with `pause()` awaited between slices of about SLICE_ENTRIES entries, so a
 * big answer (a day of every bucket: millions of cells) never holds the event loop in one
 * block. The columns and registry entries it reads are never changed in place (the state
 * replaces a column object), so the state may move on meanwhile.
 */
export async function assembleSliced(
  cols: readonly MergedColumn[],
  registry: { ids: string[]; metas: BucketMeta[] },
  req: MatrixRequest,
  stepMs: number,
  statuses: readonly UpstreamStatus[],
  trackedBuckets: readonly number[],
  pause: () => Promise<void>,
): Promise<MatrixAnswer> {
  const steps = assembleSteps(cols, registry, req, stepMs, statuses, trackedBuckets);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await pause();
  }
}

/** Entries (one bucket in one column) handled between two pauses: a few ms. */
const SLICE_ENTRIES = 150_000;

function* assembleSteps(
  cols: readonly MergedColumn[],
  registry: { ids: string[]; metas: BucketMeta[] },
  req: MatrixRequest,
  stepMs: number,
  statuses: readonly UpstreamStatus[],
  trackedBuckets: readonly number[],
): Generator<void, MatrixAnswer, void> {
  // Statuses as they are now, not after the pauses.
  statuses = statuses.map((x) => ({ ...x }));
  let work = 0;
  const nb = registry.ids.length;
  const totals = new Float64Array(nb);
  const seen = new Uint8Array(nb);
  const masks = new Uint32Array(nb);
  let ids = false;
  for (const c of cols) {
    if (c.groups) ids = true;
    sumColumn(c.buckets, c.values, c.masks, totals, seen, masks);
    work += c.buckets.length;
    if (work >= SLICE_ENTRIES) {
      work = 0;
      yield;
    }
  }
  let picked: number[] = [];
  for (let b = 0; b < nb; b++) if (seen[b] === 1) picked.push(b);
  const tracked = picked.length;
  const budget = rowBudget(req.rows);
  if (picked.length > budget) {
    picked.sort((a, b) => totals[b] - totals[a] || compareIds(registry.ids[a], registry.ids[b]));
    picked = picked.slice(0, budget);
  }
  picked.sort(
    (a, b) =>
      compareBytes(registry.metas[a].start, registry.metas[b].start) ||
      compareIds(registry.ids[a], registry.ids[b]),
  );
  const rowOf = new Int32Array(nb).fill(-1);
  picked.forEach((b, r) => (rowOf[b] = r));
  const w = cols.length;
  const nr = picked.length;
  // Row arrays carved from flat buffers, filled column by column in small loops: a full
  // answer is millions of cells, and per-cell object access measurably dominated it.
  const vals = new Float64Array(nr * w);
  const gids = ids ? new Float64Array(nr * w) : null;
  const tids = ids ? new Float64Array(nr * w) : null;
  const rows: MatrixRow[] = picked.map((b, r) => ({
    meta: registry.metas[b],
    values: vals.subarray(r * w, (r + 1) * w),
    raftGroupIds: gids ? gids.subarray(r * w, (r + 1) * w) : new Float64Array(0),
    leaderTerms: tids ? tids.subarray(r * w, (r + 1) * w) : new Float64Array(0),
  }));
  const conflicts: MatrixAnswer['conflicts'] = [];
  yield;
  for (let j = 0; j < cols.length; j++) {
    const c = cols[j];
    work += c.buckets.length * (gids ? 3 : 1);
    if (work >= SLICE_ENTRIES) {
      work = 0;
      yield;
    }
    fillColumn(c.buckets, c.values, rowOf, vals, w, j);
    if (gids && tids && c.groups && c.terms) {
      fillColumn(c.buckets, c.groups, rowOf, gids, w, j);
      fillColumn(c.buckets, c.terms, rowOf, tids, w, j);
    }
    if (c.exact) {
      for (const [k, x] of c.exact) {
        const r = rowOf[c.buckets[k]];
        if (r >= 0) (rows[r].exactValues ??= new Map()).set(j, x);
      }
    }
    for (const cf of c.conflicts ?? []) {
      const r = rowOf[c.buckets[cf.entry]];
      if (r >= 0) conflicts.push({ row: r, column: j, nodes: cf.nodes });
    }
  }
  conflicts.sort((a, b) => a.row - b.row || a.column - b.column);
  // The fan-out's rule (merge.ts): exact times unless the union has more columns than
  // one node has, i.e. the nodes' times differ.
  let most = 0;
  for (let i = 0; i < statuses.length; i++) {
    let n = 0;
    for (const c of cols) if ((c.nodeMask & (1 << i)) !== 0) n++;
    most = Math.max(most, n);
  }
  const exact = cols.every((c) => !Number.isNaN(c.exactT)) && cols.length <= most;
  const names = statuses.map((s) => s.node);
  const widths = cols.some((c) => c.widthMs !== undefined)
    ? cols.map((c) => c.widthMs ?? stepMs)
    : null;
  return {
    ...(widths ? { columnWidthMs: widths } : {}),
    columnUnixMs: cols.map((c) => (exact ? c.exactT : c.t)),
    rows,
    nodes: statuses.map((s) => ({ ...s })),
    conflicts,
    contributingNodes: picked.map((b) => names.filter((_, i) => (masks[b] & (1 << i)) !== 0)),
    ...(exact ? {} : { alignedStepMs: stepMs }),
    trackedBuckets: Math.max(tracked, ...trackedBuckets),
  };
}
