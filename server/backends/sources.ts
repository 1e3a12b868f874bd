// Where the answers come from when the server is not a gateway: the synthetic
// workload driving a live Sampler (with 24 h of backfill), or a recorded fixture,
// each with the simulated cluster. Every flush after start-up is counted so the
// local backend's answer cache expires with it.
import type { AdminBackend } from '../backend.ts';
import { SimulatedCluster } from '../cluster/simulated.ts';
import { readFixture } from '../fixture/replay.ts';
import type { ServerFlags } from '../flags.ts';
import { ManualClock, Sampler, systemClock } from '../sampler/index.ts';
import type { Clock, MatrixRequest } from '../sampler/types.ts';
import {
  createWorkload,
  type LiveHandle,
  type SamplerSink,
  type WorkloadApi,
} from '../workload/index.ts';
import { EventHub } from '../events/hub.ts';
import type { StreamStats } from '../events/types.ts';
import { createLocalBackend } from './local.ts';
import { openHistory, type HistoryHandle } from '../history/index.ts';

export interface DataSource {
  backend: AdminBackend;
  sampler: Sampler | null;
  cluster: SimulatedCluster | null;
  /** Live stream counters (leak checks); null without streams. */
  streamStats: (() => StreamStats) | null;
  /** Harvests the open step (shutdown). */
  finalFlush(): void;
  /** The on-disk history (null with --history=off, a fixture or a gateway). */
  history?: HistoryHandle | null;
  stop(): void;
}

export function localSource(flags: ServerFlags, log?: (line: string) => void): DataSource {
  const nodeId = flags.nodeId ?? 'node-1';
  const samplerOpts = {
    stepMs: flags.keyvizStepMs,
    historyColumns: flags.keyvizHistoryColumns,
    maxTrackedRoutes: flags.keyvizMaxTrackedRoutes,
    maxMemberRoutesPerSlot: flags.keyvizMaxMemberRoutesPerSlot,
    hotKeys: flags.keyvizExt.hotKeys,
    labelsEnabled: flags.keyvizExt.labelsEnabled,
    keyBucketsPerRoute: flags.keyvizExt.keyBucketsPerRoute,
  };
  const capabilities = { keyviz: flags.keyvizEnabled };

  if (flags.fixture) {
    const fx = readFixture(flags.fixture);
    // Replay keeps the terms as recorded: the last term seen per group.
    const terms = new Map<number, number>();
    for (const c of fx.columns)
      for (const r of c.rows) if (r.raftGroupId > 0) terms.set(r.raftGroupId, r.leaderTerm);
    const lastT = fx.columns.at(-1)?.unixMs ?? fx.recordedAtUnixMs;
    const clock: Clock = { now: () => lastT };
    const sampler = flags.keyvizEnabled
      ? Sampler.fromColumns(fx.columns, {
          ...samplerOpts,
          stepMs: fx.stepMs,
          historyColumns: Math.max(1, fx.columns.length),
          clock,
        })
      : null;
    const cluster = new SimulatedCluster({
      nodeId,
      grpcAddress: flags.grpcListen,
      groups: [...terms.keys()],
      seed: flags.seed,
      clock: systemClock,
      fixedTerms: terms,
      capabilities,
    });
    const events = sampler ? new EventHub(sampler) : undefined;
    return {
      // A replay never flushes: one generation forever.
      backend: createLocalBackend({
        sampler,
        cluster,
        generation: () => 0,
        cache: matrixCacheOf(flags),
        events,
      }),
      sampler,
      cluster,
      streamStats: events ? () => events.stats() : null,
      finalFlush: () => {},
      stop: () => events?.close(),
    };
  }

  // The workload moves a ManualClock: through 24 h of backfill, then in step with wall time.
  const clock = flags.workload ? new ManualClock(Date.now()) : systemClock;
  let workload: WorkloadApi | null = null;
  let live: LiveHandle | null = null;
  if (flags.workload) {
    workload = createWorkload({ seed: flags.seed, scenario: flags.scenario, routes: flags.routes });
  }
  let sampler: Sampler | null = null;
  const cluster = new SimulatedCluster({
    nodeId,
    grpcAddress: flags.grpcListen,
    groups: workload?.raftGroups() ?? [1, 2, 3],
    seed: flags.seed,
    clock,
    capabilities,
    qps: () => lastStepQps(sampler, flags.keyvizStepMs),
  });
  // Every flush after start-up goes through `flush` so cached answers expire with it.
  let generation = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const flush = (s: Sampler) => {
    s.flush();
    generation++;
  };
  let history: HistoryHandle | null = null;
  if (flags.keyvizEnabled) {
    history = flags.history.enabled ? openHistory(flags.history, flags.keyvizStepMs, log) : null;
    const s = new Sampler({
      ...samplerOpts,
      clock,
      leaderTermOf: cluster.leaderTermOf,
      onColumn: history?.writer.onColumn,
    });
    sampler = s;
    history?.restore(s, Date.now());
    // The first long window then answers from decoded roll-ups; read in slices meanwhile.
    history?.prewarm().catch((e: unknown) => {
      const line = `history: prewarm failed: ${String(e)}`;
      if (log) log(line);
      else process.stderr.write(`${line}\n`);
    });
    // The backfill fills only time the store does not hold.
    const backfillMs = Math.min(
      flags.backfillMs,
      Date.now() - (history?.lastStoredMs ?? -Infinity),
    );
    if (workload && clock instanceof ManualClock) {
      if (backfillMs > 0) {
        workload.backfill(s, clock, {
          durationMs: backfillMs,
          stepMs: flags.keyvizStepMs,
          now: Date.now(),
        });
      }
      live = workload.startLive(
        countingSink(s, () => generation++),
        {
          stepMs: flags.keyvizStepMs,
          clock,
        },
      );
    } else {
      timer = setInterval(() => flush(s), flags.keyvizStepMs);
      timer.unref();
    }
  }
  const s = sampler;
  const h = history;
  // Created after the backfill: the hub sees live flushes and transitions only.
  const events = s ? new EventHub(s) : undefined;
  return {
    backend: createLocalBackend({
      sampler,
      cluster,
      generation: () => generation,
      ...(h && s
        ? {
            matrix: (req: MatrixRequest, pause: () => Promise<void>) =>
              h.matrixSliced(s, req, pause),
            matrixSpan: (req: MatrixRequest) => h.cacheSpan(s, req),
          }
        : {}),
      cache: matrixCacheOf(flags),
      events,
    }),
    sampler,
    cluster,
    history,
    streamStats: events ? () => events.stats() : null,
    finalFlush: () => {
      if (!s) return;
      // Bring traffic up to now, then harvest the open step as one last column.
      live?.tick();
      live?.stop();
      clearInterval(timer);
      if (clock instanceof ManualClock) clock.set(Math.max(clock.now(), Date.now()));
      flush(s);
      // Its column is written now; the store stays open for --record until stop().
      h?.writer.flushQueued();
    },
    stop: () => {
      live?.stop();
      workload?.stop();
      clearInterval(timer);
      events?.close();
      h?.close();
    },
  };
}

/** The sampler as the workload sees it, counting flushes. */
function countingSink(
  s: Sampler,
  onFlush: () => void,
): SamplerSink & { getRoute(id: number): unknown } {
  return {
    registerRoute: (r) => s.registerRoute(r),
    removeRoute: (id) => s.removeRoute(id),
    splitRoute: (id, key, newId) => s.splitRoute(id, key, newId),
    mergeRoutes: (l, r) => s.mergeRoutes(l, r),
    observe: (id, key, op, len, label) => s.observe(id, key, op, len, label),
    flush: () => {
      s.flush();
      onFlush();
    },
    getRoute: (id) => s.getRoute(id),
  };
}

/** The matrix cache's bound from --matrixCacheMB, its idle time from --matrixCacheIdleSeconds. */
export function matrixCacheOf(flags: ServerFlags): { maxBytes: number; idleMs: number } {
  return {
    maxBytes: flags.matrixCacheMB * 1024 * 1024,
    // 0 = no idle expiry (answers live until the next flush or the bounds).
    idleMs: flags.matrixCacheIdleSeconds > 0 ? flags.matrixCacheIdleSeconds * 1000 : Infinity,
  };
}

/** Requests per second over the newest column (aggregate_qps). */
function lastStepQps(sampler: Sampler | null, stepMs: number): number {
  const last = sampler?.latestTotals();
  return last ? (last.reads + last.writes) / (stepMs / 1000) : 0;
}
