// Synthetic workload for the keyviz sampler server.
//
// Usage (server/app.ts wires it to --seed, --scenario, --routes, --backfill):
//   const wl = createWorkload({ seed: 42, scenario: 'mix', routes: 2000 });
//   const clock = new ManualClock(Date.now());
//   const sampler = new Sampler({ clock, stepMs });
//   wl.backfill(sampler, clock, { durationMs: 24 * 3600_000, stepMs, now: Date.now() }); // registers routes
//   const live = wl.startLive(sampler, { stepMs, clock });   // flushes each step itself
//   ...; wl.stop();                                          // or live.stop()
// With a sampler that flushes itself (sampler.start()), pass { flush: false }.
// --help: SCENARIOS lists every scenario name with a one-line description.
// Same seed, scenario, routes and `now` => identical history (splits included).
import type { RouteInfo } from '../sampler/types.ts';
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
import type { SamplerSink } from './sink.ts';

export { SCENARIOS, SCENARIO_NAMES, isScenarioName, type ScenarioName } from './scenarios.ts';
export { tilingError } from './catalogue.ts';
export { REGIONS } from './keyspace.ts';
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
    backfill: (sink, clock, o) => w.backfill(sink, clock, o),
    startLive: (sink, o) => w.startLive(sink, o),
    stop: () => w.stop(),
    stats: () => ({ routes: w.catalogue.size, splits: w.splits, merges: w.merges }),
  };
}
