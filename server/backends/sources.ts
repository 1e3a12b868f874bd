// Where the answers come from when the server is not a gateway: the synthetic
// workload driving a live Sampler (with 24 h of backfill), or a recorded fixture,
// each with the simulated cluster. Every flush after start-up is counted so the
// local backend's answer cache expires with it.
import type { AdminBackend } from '../backend.ts';
import { SimulatedCluster } from '../cluster/simulated.ts';
import { readFixture } from '../fixture/replay.ts';
import type { ServerFlags } from '../flags.ts';
import { ManualClock, Sampler, systemClock } from '../sampler/index.ts';
import type { Clock } from '../sampler/types.ts';
import {
  createWorkload,
  type LiveHandle,
  type SamplerSink,
  type WorkloadApi,
} from '../workload/index.ts';
import { createLocalBackend } from './local.ts';

export interface DataSource {
  backend: AdminBackend;
  sampler: Sampler | null;
  cluster: SimulatedCluster | null;
  /** Harvests the open step (shutdown). */
  finalFlush(): void;
  stop(): void;
}

export function localSource(flags: ServerFlags): DataSource {
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
    return {
      // A replay never flushes: one generation forever.
      backend: createLocalBackend({ sampler, cluster, generation: () => 0 }),
      sampler,
      cluster,
      finalFlush: () => {},
      stop: () => {},
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
  if (flags.keyvizEnabled) {
    const s = new Sampler({ ...samplerOpts, clock, leaderTermOf: cluster.leaderTermOf });
    sampler = s;
    if (workload && clock instanceof ManualClock) {
      if (flags.backfillMs > 0) {
        workload.backfill(s, clock, {
          durationMs: flags.backfillMs,
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
  return {
    backend: createLocalBackend({ sampler, cluster, generation: () => generation }),
    sampler,
    cluster,
    finalFlush: () => {
      if (!s) return;
      // Bring traffic up to now, then harvest the open step as one last column.
      live?.tick();
      live?.stop();
      clearInterval(timer);
      if (clock instanceof ManualClock) clock.set(Math.max(clock.now(), Date.now()));
      flush(s);
    },
    stop: () => {
      live?.stop();
      workload?.stop();
      clearInterval(timer);
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
    observe: (id, key, op, len) => s.observe(id, key, op, len),
    flush: () => {
      s.flush();
      onFlush();
    },
    getRoute: (id) => s.getRoute(id),
  };
}

/** Requests per second over the newest column (aggregate_qps). */
function lastStepQps(sampler: Sampler | null, stepMs: number): number {
  const last = sampler?.latestTotals();
  return last ? (last.reads + last.writes) / (stepMs / 1000) : 0;
}
