// "Single hot key" (issue 15): a hot spot whose range's hot keys say one key takes most of the
// sampled requests. The node samples one request in `sample_rate` and reports each key's count
// scaled back up (count = sketch count x rate), so rate x sampled_n estimates the requests the
// sketch saw; a key with at least half of them dominates. Pure.
import type { HotKey, HotKeyCounts } from '../hotKeys.ts';

/** Share of the sampled requests from which one key "dominates" the range. */
export const SINGLE_KEY_SHARE = 0.5;
/** Fewer samples than this say nothing (one sample would make any key "dominant"). */
export const SINGLE_KEY_MIN_SAMPLES = 16n;

export interface DominantKey {
  key: HotKey;
  /** The key's count over rate x sampled_n, 0..1 (capped at 1: counts are estimates). */
  share: number;
}

export function dominantKey(h: HotKeyCounts, minShare = SINGLE_KEY_SHARE): DominantKey | null {
  const top = h.keys[0];
  if (!top || h.sampledN < SINGLE_KEY_MIN_SAMPLES || h.sampleRate <= 0) return null;
  const seen = BigInt(h.sampleRate) * h.sampledN;
  // Per ten thousand, in bigint: counts are uint64 and may exceed 2^53.
  const perTenK = Number((top.count * 10_000n) / seen);
  const share = Math.min(1, perTenK / 10_000);
  return share >= minShare ? { key: top, share } : null;
}
