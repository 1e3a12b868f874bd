// Synthetic workload for the keyviz sampler server.
//
// Usage (server/main.ts):
//   const wl = createWorkload({ seed: 42, scenario: 'mix', routes: 2000 });
//   const clock = new ManualClock(Date.now());
//   const sampler = new Sampler({ clock, stepMs, leaderTermOf: wl.leaderTermOf(clock) });
//   wl.backfill(sampler, clock, { durationMs: 24 * 3600_000, stepMs, now: Date.now() }); // registers routes
//   const live = wl.startLive(sampler, { stepMs, clock });   // flushes each step itself
//   ...; wl.stop();                                          // or live.stop()
// With a sampler that flushes itself (sampler.start()), pass { flush: false }.
// GetRaftGroups / GetClusterOverview: wl.raftGroupStates(Date.now()) (seeded leaders and terms).
// --help: SCENARIOS lists every scenario name with a one-line description.
// Same seed, scenario, routes and `now` => identical history (splits included).
import type { Clock, RouteInfo } from '../sampler/types.ts';
import {
  DEFAULT_BACKFILL_MS,
  DEFAULT_ROUTES,
  DEFAULT_STEP_MS,
  Workload,
  type BackfillOptions,
  type BackfillResult,
  type LiveHandle,
  type LiveOptions,
  type SettableClock,
  type WorkloadOptions,
} from './driver.ts';
import type { RaftGroupView } from './raft.ts';
import type { SamplerSink } from './sink.ts';

export { SCENARIOS, SCENARIO_NAMES, isScenarioName, type ScenarioName } from './scenarios.ts';
export { tilingError } from './catalogue.ts';
export { REGIONS } from './keyspace.ts';
export { NODE_IDS, type RaftGroupView } from './raft.ts';
export {
  DEFAULT_BACKFILL_MS,
  DEFAULT_ROUTES,
  DEFAULT_STEP_MS,
  Workload,
  type BackfillOptions,
  type BackfillResult,
  type LiveHandle,
  type LiveOptions,
  type SamplerSink,
  type SettableClock,
  type WorkloadOptions,
};

export interface WorkloadApi {
  /** Current routes in key order (they change as routes split and merge). */
  routes(): RouteInfo[];
  /** Raft group ids in use (1..G). */
  raftGroups(): number[];
  /** For SamplerOptions.leaderTermOf: the term of a group at the clock's time. */
  leaderTermOf(clock: Clock): (raftGroupId: number) => number;
  /** Every Raft group (leader node, term, indices) at time t. */
  raftGroupStates(t: number): RaftGroupView[];
  backfill(sink: SamplerSink, clock: SettableClock, opts?: BackfillOptions): BackfillResult;
  startLive(sink: SamplerSink, opts?: LiveOptions): LiveHandle;
  /** Stops every live driver. */
  stop(): void;
  /** Totals of topology changes so far. */
  stats(): { routes: number; splits: number; merges: number };
}

export function createWorkload(opts: WorkloadOptions = {}): WorkloadApi {
  const w = new Workload(opts);
  return {
    routes: () => w.routes(),
    raftGroups: () => w.raftGroups(),
    leaderTermOf: (clock) => (g) => w.leaderTerm(g, clock.now()),
    raftGroupStates: (t) => w.raftGroupStates(t),
    backfill: (sink, clock, o) => w.backfill(sink, clock, o),
    startLive: (sink, o) => w.startLive(sink, o),
    stop: () => w.stop(),
    stats: () => ({ routes: w.catalogue.size, splits: w.splits, merges: w.merges }),
  };
}
