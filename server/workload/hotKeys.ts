// Traffic that makes the hot-key features visible (issue 10): a few genuinely
// hot keys inside otherwise warm routes (Zipf over the route's own keys, one
// route served by several adapters), a hot sub-range (many distinct keys just
// after one of a route's keys: one sub-bucket lights up, no single key does),
// and, ten minutes every hour, writes on keys longer than the hot-key limit
// (counted `skipped`, which marks those windows degraded).
import { compareBytes } from '../sampler/keys.ts';
import { OP_WRITE as WRITE_OP, type Op } from '../sampler/types.ts';
import type { Catalogue, CatalogueRoute } from './catalogue.ts';
import { windowShare, type Pattern } from './patterns.ts';

const OP_WRITE: Op = WRITE_OP;
const HOUR = 3_600_000;
const MIN = 60_000;

export interface HotKeysPlan {
  /** Key-space positions (0..1) of the routes with hot keys. */
  spots: number[];
  /** Writes per step on a spot's hottest key; the k-th key gets top / k (Zipf, s = 1). */
  topWrites: number;
  keysPerSpot: number;
  /** Spot index whose keys arrive through several adapters. */
  multiAdapterSpot: number;
  /** Position of the route with a hot sub-range, and its writes per step. */
  subRangeAt: number;
  subRangeWrites: number;
  /** Position of the route receiving over-long keys, their length and writes per step. */
  longKeysAt: number;
  longKeyLength: number;
  longKeyWrites: number;
}

export const DEFAULT_HOT_KEYS_PLAN: HotKeysPlan = {
  spots: [0.12, 0.27, 0.52, 0.66, 0.83],
  topWrites: 160,
  keysPerSpot: 5,
  multiAdapterSpot: 2,
  subRangeAt: 0.58,
  subRangeWrites: 300,
  longKeysAt: 0.2,
  longKeyLength: 1500,
  longKeyWrites: 30,
};

/** Adapters that share the multi-adapter route, in the node's label order. */
export const MULTI_ADAPTER_LABELS = ['dynamo', 'redis', 's3', 'sqs', 'rawkv'];

/** `base` + `suffix` when it still lies inside the route, else null. */
function inside(r: CatalogueRoute, base: Uint8Array, suffix: Uint8Array): Uint8Array | null {
  const k = new Uint8Array(base.length + suffix.length);
  k.set(base);
  k.set(suffix, base.length);
  if (compareBytes(k, r.info.start) < 0) return null;
  if (r.info.end.length > 0 && compareBytes(k, r.info.end) >= 0) return null;
  return k;
}

function routeAt(cat: Catalogue, u: number): [number, CatalogueRoute] {
  const i = Math.min(cat.indexAt(u), cat.all().length - 1);
  return [i, cat.all()[i]];
}

/** Index of the route holding `key`, searched outwards from `near` (splits move bounds). */
function routeOf(cat: Catalogue, key: Uint8Array, near: number): number {
  const list = cat.all();
  let i = Math.min(near, list.length - 1);
  while (i > 0 && compareBytes(key, list[i].info.start) < 0) i--;
  while (
    i < list.length - 1 &&
    list[i].info.end.length > 0 &&
    compareBytes(key, list[i].info.end) >= 0
  )
    i++;
  return i;
}

/** A spot's hot keys: fixed at first use (route key + "#hot<k>"), so splits do not rename them. */
function spotKeys(cat: Catalogue, u: number, count: number): Uint8Array[] {
  const [, r] = routeAt(cat, u);
  const enc = new TextEncoder();
  const out: Uint8Array[] = [];
  for (let k = 0; k < count; k++)
    out.push(inside(r, r.keys[0], enc.encode(`#hot${k}`)) ?? r.keys[0]);
  return out;
}

export function hotKeys(plan: HotKeysPlan = DEFAULT_HOT_KEYS_PLAN): Pattern {
  // Per catalogue (one per workload): the spots' keys, chosen once.
  const keysOf = new WeakMap<Catalogue, Uint8Array[][]>();
  return (ctx, em) => {
    const { cat } = ctx;
    let spots = keysOf.get(cat);
    if (!spots)
      keysOf.set(cat, (spots = plan.spots.map((u) => spotKeys(cat, u, plan.keysPerSpot))));
    spots.forEach((keys, s) => {
      const near = cat.indexAt(plan.spots[s]);
      keys.forEach((key, k) => {
        const label =
          s === plan.multiAdapterSpot ? MULTI_ADAPTER_LABELS[k % MULTI_ADAPTER_LABELS.length] : '';
        const i = routeOf(cat, key, near);
        em.addKeys(i, OP_WRITE, plan.topWrites / (k + 1), 200, () => key, label);
      });
    });
    {
      // Distinct keys right after the route's first key: 2 random bytes appended.
      const [i, r] = routeAt(cat, plan.subRangeAt);
      const base = r.keys[0];
      let x = (ctx.t0 ^ 0x5bd1e995) | 1;
      const suffix = new Uint8Array(3);
      em.addKeys(i, OP_WRITE, plan.subRangeWrites, 150, () => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        suffix[0] = 0x2f; // '/'
        suffix[1] = x & 0xff;
        suffix[2] = (x >>> 8) & 0xff;
        return inside(r, base, suffix) ?? base;
      });
    }
    const share = windowShare(ctx.t0, ctx.t1, HOUR, 10 * MIN, 20 * MIN);
    if (share > 0) {
      const [i, r] = routeAt(cat, plan.longKeysAt);
      const long = inside(r, r.keys[0], new Uint8Array(plan.longKeyLength).fill(0x78));
      if (long) em.addKeys(i, OP_WRITE, plan.longKeyWrites * share, 64, () => long);
    }
  };
}

/** The "hot-key" scenario's key: where (a key-space position) and its writes per step. */
export const SINGLE_HOT_KEY = { at: 0.47, writes: 120 };

/**
 * One key taking nearly all of one route's writes: the key a "single hot key" diagnosis should
 * name (route key + "#hot0", as spotKeys picks it).
 */
export function singleHotKey(plan = SINGLE_HOT_KEY): Pattern {
  const keyOf = new WeakMap<Catalogue, Uint8Array>();
  return (ctx, em) => {
    const { cat } = ctx;
    let key = keyOf.get(cat);
    if (!key) keyOf.set(cat, (key = spotKeys(cat, plan.at, 1)[0]));
    const k = key;
    em.addKeys(routeOf(cat, k, cat.indexAt(plan.at)), OP_WRITE, plan.writes, 200, () => k);
  };
}
