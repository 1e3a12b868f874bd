// Splits and merges between steps. Load-based splitting picks the busiest
// route of the last step (what a real cluster does); merges join cold
// neighbours of one region. The route count stays within ±10% of the start.
import type { Catalogue, TopologyEvent } from './catalogue.ts';
import type { Rng } from './prng.ts';
import type { TopologyPolicy } from './scenarios.ts';

/** A route must carry this many times the mean load to count as hot. */
const HOT_FACTOR = 8;
const TRIES = 8;

function pickSplit(cat: Catalogue, policy: TopologyPolicy, rng: Rng, load: Float64Array): number {
  if (!policy.loadBased) {
    for (let k = 0; k < TRIES; k++) {
      const i = rng.int(cat.size);
      if (cat.canSplit(i)) return i;
    }
    return -1;
  }
  let total = 0;
  let best = -1;
  for (let i = 0; i < load.length && i < cat.size; i++) {
    total += load[i];
    if (cat.canSplit(i) && (best < 0 || load[i] > load[best])) best = i;
  }
  const mean = total / Math.max(1, cat.size);
  return best >= 0 && load[best] > HOT_FACTOR * mean && load[best] >= 10 ? best : -1;
}

function pickMerge(cat: Catalogue, rng: Rng, load: Float64Array): number {
  let total = 0;
  for (let i = 0; i < load.length; i++) total += load[i];
  const mean = total / Math.max(1, cat.size);
  for (let k = 0; k < TRIES; k++) {
    const i = rng.int(cat.size - 1);
    const cold = (load[i] ?? 0) + (load[i + 1] ?? 0) <= mean;
    if (cat.canMerge(i) && cold) return i;
  }
  return -1;
}

/** Decides this step's splits and merges, applies them to `cat` and returns them in order. */
export function topologyStep(
  cat: Catalogue,
  policy: TopologyPolicy,
  rng: Rng,
  load: Float64Array,
): TopologyEvent[] {
  const events: TopologyEvent[] = [];
  const n0 = cat.initialCount;
  // Draw both coins first so the random stream does not depend on the outcome.
  const wantSplit = rng.float() < policy.splitChance;
  const wantMerge = rng.float() < policy.mergeChance;
  if (wantSplit && cat.size < Math.ceil(n0 * 1.1) + 1) {
    const i = pickSplit(cat, policy, rng, load);
    const ev = i >= 0 ? cat.split(i) : null;
    if (ev) events.push(ev);
  }
  if (wantMerge && cat.size > Math.floor(n0 * 0.9) && cat.size > 1) {
    // Indices after a split are shifted by one; loads are only a hint, so that is fine.
    const i = pickMerge(cat, rng, load);
    const ev = i >= 0 ? cat.merge(i) : null;
    if (ev) events.push(ev);
  }
  return events;
}
