// A synthetic history store written straight into the tiers (no sampler, no
// workload): for tests and benches that need weeks of history at thousands of
// routes in seconds. `npm run history:synth -- --historyDir DIR` (scripts/historySynth.ts).
// Traffic per route: a steady base, a daily wave and a hot band that drifts
// across the key space, scaled by the column width so tiers agree on rates.
import { Rng } from '../workload/prng.ts';
import type { BucketMeta } from '../sampler/types.ts';
import { narrowCopy } from './codec.ts';
import type { FullColumn, HistoryStore, TierSpec } from './types.ts';
import { windowStart } from './rollup.ts';

export interface SynthOptions {
  routes: number;
  /** The newest column starts before this. */
  now: number;
  stepMs: number;
  tiers: readonly TierSpec[];
  seed?: number;
}

const pad = (i: number) => i.toString().padStart(8, '0');

export function synthMeta(i: number, routes: number): BucketMeta {
  const enc = new TextEncoder();
  return {
    bucketId: `route:${i + 1}`,
    start: i === 0 ? new Uint8Array(0) : enc.encode(`k/${pad(i)}`),
    end: i === routes - 1 ? new Uint8Array(0) : enc.encode(`k/${pad(i + 1)}`),
    label: '',
    aggregate: false,
    routeIds: [String(i + 1)],
    routeCount: 1,
  };
}

function column(
  t: number,
  widthMs: number,
  stepMs: number,
  keys: Uint32Array,
  groups: Uint8Array,
  terms: Uint8Array,
  base: Float64Array,
): FullColumn {
  const n = keys.length;
  const steps = widthMs / stepMs;
  const day = 86_400_000;
  const wave = 1 + 0.5 * Math.sin((2 * Math.PI * (t % day)) / day);
  const hot = Math.floor(((t / 3_600_000) % 48) * (n / 48));
  const counters = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    const boost = Math.abs(i - hot) < n / 100 ? 8 : 1;
    const w = Math.round(base[i] * wave * boost * steps);
    const r = Math.round(w * 1.5);
    counters[i] = r;
    counters[n + i] = w;
    counters[2 * n + i] = r * 24;
    counters[3 * n + i] = w * 180;
  }
  return {
    unixMs: t,
    widthMs,
    keys,
    counters: narrowCopy(counters),
    groups,
    terms,
    idle: null,
    changed: null,
  };
}

/** Writes every tier's columns over its horizon; returns the number of columns written. */
export function synthesizeStore(store: HistoryStore, o: SynthOptions): number {
  const n = o.routes;
  const rng = new Rng(o.seed ?? 1);
  const base = new Float64Array(n);
  for (let i = 0; i < n; i++) base[i] = 1 + rng.int(20);
  const keys = new Uint32Array(n);
  const groups = new Uint8Array(n);
  const terms = new Uint8Array(n).fill(3);
  for (let i = 0; i < n; i++) {
    keys[i] = i;
    groups[i] = 1 + (i % 64);
  }
  const newBuckets = Array.from({ length: n }, (_, i) => ({
    key: i,
    bucketId: `route:${i + 1}`,
    meta: synthMeta(i, n),
  }));
  store.write({ newBuckets, metaUpdates: [], columns: [] });
  let written = 0;
  o.tiers.forEach((tier, ti) => {
    const raw = ti === 0 && tier.resolutionMs <= o.stepMs;
    const w = raw ? o.stepMs : tier.resolutionMs;
    const end = raw ? o.now - o.stepMs : windowStart(o.now, w) - w;
    const first = raw
      ? end - Math.floor(tier.horizonMs / w - 1) * w
      : windowStart(o.now - tier.horizonMs, w) + w;
    let batch: { tier: number; column: FullColumn }[] = [];
    for (let t = first; t <= end; t += w) {
      batch.push({ tier: ti, column: column(t, w, o.stepMs, keys, groups, terms, base) });
      if (batch.length >= 30) {
        store.write({ newBuckets: [], metaUpdates: [], columns: batch });
        written += batch.length;
        batch = [];
      }
    }
    store.write({ newBuckets: [], metaUpdates: [], columns: batch });
    written += batch.length;
  });
  return written;
}
