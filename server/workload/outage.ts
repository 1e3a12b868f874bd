// Simulated failures: during an outage window a few Raft groups serve
// nothing, so their routes go dark across the key space at once.
import { Rng, deriveSeed } from './prng.ts';
import type { OutagePolicy } from './scenarios.ts';

/** Groups (ids 1..groupCount) dark at time t, or null when none are. */
export function mutedGroups(
  seed: number,
  policy: OutagePolicy | undefined,
  groupCount: number,
  t: number,
): Set<number> | null {
  if (!policy || policy.groups <= 0) return null;
  const k = Math.floor((t - policy.offsetMs) / policy.everyMs);
  if (t - policy.offsetMs - k * policy.everyMs >= policy.forMs) return null;
  const rng = new Rng(deriveSeed(seed, k, 0x0da7));
  const out = new Set<number>();
  const want = Math.min(policy.groups, groupCount);
  while (out.size < want) out.add(1 + rng.int(groupCount));
  return out;
}
