// The workload driver: one catalogue, one scenario, one seed. A step's
// traffic is a pure function of (seed, scenario, catalogue state, time), so a
// backfill is reproducible; live traffic reuses the same patterns in slices.
import type { Clock, RouteInfo } from '../sampler/types.ts';
import { Catalogue } from './catalogue.ts';
import { Emitter } from './emitter.ts';
import { mutedGroups } from './outage.ts';
import type { SliceContext } from './patterns.ts';
import { Rng, deriveSeed, normalizeSeed } from './prng.ts';
import { getScenario, type Scenario, type ScenarioName } from './scenarios.ts';
import { applyToSink, type SamplerSink } from './sink.ts';
import { topologyStep } from './topology.ts';

export const DEFAULT_ROUTES = 2000;
export const DEFAULT_STEP_MS = 60_000;
export const DEFAULT_BACKFILL_MS = 24 * 3_600_000;
/** Traffic per route falls off as sqrt beyond this many routes, so 10k+ stays cheap. */
const REFERENCE_ROUTES = 2000;

/** A clock the driver can move (ManualClock). */
export interface SettableClock extends Clock {
  set(ms: number): void;
}

export interface WorkloadOptions {
  seed?: number;
  scenario?: ScenarioName;
  routes?: number;
  /** Adapter labels on routes (default true); false = every label empty. */
  labels?: boolean;
}

export interface BackfillOptions {
  durationMs?: number;
  stepMs?: number;
  /** The last flush lands here (default Date.now()). */
  now?: number;
}

export interface BackfillResult {
  steps: number;
  observed: number;
  splits: number;
  merges: number;
  firstFlushMs: number;
  lastFlushMs: number;
}

export interface LiveOptions {
  stepMs?: number;
  /** Traffic is generated every tickMs in slices (default 250 ms). */
  tickMs?: number;
  /** A ManualClock to keep in step with wall time (the sampler's clock after a backfill). */
  clock?: SettableClock;
  /**
   * Flush the sink at every step boundary (default true). Pass false when the
   * sampler flushes itself (Sampler.start()); splits and merges still happen.
   */
  flush?: boolean;
  /** Wall time source (tests). */
  now?: () => number;
}

export interface LiveHandle {
  stop(): void;
  /** Runs one tick now (tests, or a caller that drives time itself). */
  tick(): void;
}

type Observable = SamplerSink & { getRoute?(id: number): unknown };

export class Workload {
  readonly seed: number;
  readonly scenario: Scenario;
  readonly catalogue: Catalogue;
  private readonly gainBase: number;
  private load = new Float64Array(0);
  private readonly registered = new WeakSet<object>();
  private readonly live = new Set<LiveHandle>();
  private lastFlushMs: number | undefined;
  splits = 0;
  merges = 0;

  constructor(opts: WorkloadOptions = {}) {
    this.seed = normalizeSeed(opts.seed ?? 1);
    this.scenario = getScenario(opts.scenario ?? 'mix');
    this.catalogue = new Catalogue(
      deriveSeed(this.seed, 0xca7),
      opts.routes ?? DEFAULT_ROUTES,
      opts.labels ?? true,
    );
    const n = this.catalogue.initialCount;
    this.gainBase = n > REFERENCE_ROUTES ? Math.sqrt(REFERENCE_ROUTES / n) : 1;
  }

  routes(): RouteInfo[] {
    return this.catalogue.routeInfos();
  }

  raftGroups(): number[] {
    return this.catalogue.raftGroups();
  }

  /** Registers the catalogue with a sink once (skipping routes the sink already knows). */
  attach(sink: Observable): void {
    if (this.registered.has(sink)) return;
    this.registered.add(sink);
    for (const r of this.catalogue.routeInfos()) {
      if (sink.getRoute?.(r.id) === undefined) sink.registerRoute(r);
    }
  }

  /** Start of a step: splits and merges chosen from the previous step's load. */
  private stepBoundary(sink: SamplerSink, t: number): void {
    const rng = new Rng(deriveSeed(this.seed, t, 0x7090));
    const events = topologyStep(this.catalogue, this.scenario.topology, rng, this.load);
    for (const ev of events) {
      applyToSink(sink, this.catalogue, ev);
      if (ev.kind === 'split') this.splits++;
      else this.merges++;
    }
    if (this.load.length !== this.catalogue.size) this.load = new Float64Array(this.catalogue.size);
    else this.load.fill(0);
  }

  /** Generates the traffic of [t0, t1); returns the number of observations. */
  private slice(sink: SamplerSink, t0: number, t1: number, stepMs: number): number {
    const rng = new Rng(deriveSeed(this.seed, t0, t1));
    const muted = mutedGroups(
      this.seed,
      this.scenario.outage,
      this.catalogue.groups,
      (t0 + t1) / 2,
    );
    const em = new Emitter(
      sink,
      this.catalogue.all(),
      rng,
      (this.gainBase * (t1 - t0)) / stepMs,
      this.load,
      muted,
    );
    const ctx: SliceContext = { cat: this.catalogue, seed: this.seed, t0, t1, stepMs };
    for (const p of this.scenario.patterns) p(ctx, em);
    return em.observed;
  }

  /**
   * Fills the sampler's history: the clock goes back `durationMs`, then each
   * step's traffic is generated and flushed; the last flush lands on `now`.
   */
  backfill(sink: Observable, clock: SettableClock, opts: BackfillOptions = {}): BackfillResult {
    const stepMs = opts.stepMs ?? DEFAULT_STEP_MS;
    const now = opts.now ?? Date.now();
    const steps = Math.floor((opts.durationMs ?? DEFAULT_BACKFILL_MS) / stepMs);
    this.attach(sink);
    const s0 = this.splits;
    const m0 = this.merges;
    const start = now - steps * stepMs;
    let observed = 0;
    clock.set(start);
    for (let s = 0; s < steps; s++) {
      const t0 = start + s * stepMs;
      this.stepBoundary(sink, t0);
      observed += this.slice(sink, t0, t0 + stepMs, stepMs);
      clock.set(t0 + stepMs);
      sink.flush();
    }
    this.lastFlushMs = steps > 0 ? now : this.lastFlushMs;
    return {
      steps,
      observed,
      splits: this.splits - s0,
      merges: this.merges - m0,
      firstFlushMs: steps > 0 ? start + stepMs : now,
      lastFlushMs: now,
    };
  }

  /** Keeps traffic flowing in real time; timers are unref'd. */
  startLive(sink: Observable, opts: LiveOptions = {}): LiveHandle {
    const stepMs = opts.stepMs ?? DEFAULT_STEP_MS;
    const wall = opts.now ?? (() => Date.now());
    const flush = opts.flush ?? true;
    this.attach(sink);
    let last = wall();
    // Continue the backfill's rhythm when there was one.
    let next = (this.lastFlushMs ?? last) + stepMs;
    while (next <= last) next += stepMs;
    const tick = (): void => {
      const t = wall();
      if (t <= last) return;
      let from = last;
      // After a long stall (a suspended process), resume within the history window.
      const maxCatchUp = DEFAULT_BACKFILL_MS;
      if (t - next > maxCatchUp) {
        const skip = Math.floor((t - next - maxCatchUp) / stepMs) + 1;
        next += skip * stepMs;
        from = next - stepMs;
      }
      while (t >= next) {
        opts.clock?.set(next);
        this.slice(sink, from, next, stepMs);
        if (flush) sink.flush();
        this.lastFlushMs = next;
        this.stepBoundary(sink, next);
        from = next;
        next += stepMs;
      }
      if (t > from) this.slice(sink, from, t, stepMs);
      opts.clock?.set(t);
      last = t;
    };
    const timer = setInterval(tick, opts.tickMs ?? 250);
    timer.unref?.();
    const handle: LiveHandle = {
      stop: () => {
        clearInterval(timer);
        this.live.delete(handle);
      },
      tick,
    };
    this.live.add(handle);
    return handle;
  }

  /** Stops every live driver of this workload. */
  stop(): void {
    for (const h of [...this.live]) h.stop();
  }
}
