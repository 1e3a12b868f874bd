// Turns per-route request rates into observe calls. Rates are expectations;
// stochastic rounding keeps totals right while most cells stay cheap.
import type { Op } from '../sampler/types.ts';
import type { CatalogueRoute } from './catalogue.ts';
import type { Rng } from './prng.ts';
import type { SamplerSink } from './sink.ts';

export class Emitter {
  observed = 0;

  constructor(
    private readonly sink: SamplerSink,
    /** The catalogue's routes in key order; rates are given by index into it. */
    private readonly routes: readonly CatalogueRoute[],
    private readonly rng: Rng,
    /** Multiplier on every rate: route-count scaling times the slice's share of a step. */
    private readonly gain: number,
    /** Observations per route index in the current step (drives load-based splits). */
    private readonly load: Float64Array,
    /** Raft groups whose routes serve nothing in this slice (a simulated outage). */
    private readonly muted: ReadonlySet<number> | null = null,
  ) {}

  /** `rate` requests (expected) on route `index`, each with a value of about `valueLen` bytes. */
  add(index: number, op: Op, rate: number, valueLen: number): void {
    // Kept tiny so it inlines into the per-route loops; most calls end here with n = 0.
    const f = rate * this.gain;
    let n = Math.floor(f);
    if (this.rng.float() < f - n) n++; // stochastic rounding
    // The route object is only touched when something is emitted (rare per route).
    if (n > 0) this.burst(index, op, n, valueLen);
  }

  /**
   * `rate` requests (expected) on route `index`, request j on `keyOf(j)`,
   * served by adapter `label` (hot keys, sub-ranges, long keys: hotKeys.ts).
   */
  addKeys(
    index: number,
    op: Op,
    rate: number,
    valueLen: number,
    keyOf: (j: number) => Uint8Array,
    label = '',
  ): void {
    const f = rate * this.gain;
    let n = Math.floor(f);
    if (this.rng.float() < f - n) n++;
    if (n === 0) return;
    const route = this.routes[index];
    if (this.muted !== null && this.muted.has(route.info.raftGroupId)) return;
    if (index < this.load.length) this.load[index] += n;
    this.observed += n;
    for (let j = 0; j < n; j++) this.sink.observe(route.info.id, keyOf(j), op, valueLen, label);
  }

  private burst(index: number, op: Op, n: number, valueLen: number): void {
    const route = this.routes[index];
    if (this.muted !== null && this.muted.has(route.info.raftGroupId)) return;
    if (index < this.load.length) this.load[index] += n;
    this.observed += n;
    const keys = route.keys;
    const id = route.info.id;
    const sink = this.sink;
    // One draw seeds a local xorshift for the per-request details (cheap, still seeded).
    let x = this.rng.next() | 1;
    let k = (x >>> 0) % keys.length;
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      // Value sizes spread over [0.5, 1.5) of the mean: byte series are not just counts.
      const v = valueLen === 0 ? 0 : Math.round(valueLen * (0.5 + (x >>> 0) / 0x1_0000_0000));
      sink.observe(id, keys[k], op, v);
      if (++k === keys.length) k = 0;
    }
  }
}
