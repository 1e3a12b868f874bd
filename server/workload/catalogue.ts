// The route catalogue: routes tiling the whole key space in sorted byte order,
// each with a label, a Raft group, a few real keys inside it (what the driver
// observes) and a position [u0, u1) on a unit "key-space coordinate". Traffic
// patterns are densities over u, so a split or merge keeps the heatmap
// continuous: children share their parent's traffic in proportion to width.
import { compareBytes } from '../sampler/keys.ts';
import type { RouteInfo } from '../sampler/types.ts';
import { REGIONS, type RegionName } from './keyspace.ts';
import { Rng } from './prng.ts';

/** Sample keys per route at creation: up to log2(4) = 2 levels of splits each keep a key. */
const KEYS_PER_ROUTE = 4;
const ZIPF_EXPONENT = 1.1;

export interface CatalogueRoute {
  info: RouteInfo;
  region: number;
  u0: number;
  u1: number;
  /** Real keys inside [start, end), sorted; never empty. */
  keys: Uint8Array[];
  /** Background weight per unit u (integrates to ~1 over [0, 1)). */
  bgDensity: number;
  /** Zipf weight per unit u (integrates to 1 over [0, 1)). */
  zipfDensity: number;
}

/** Struct-of-arrays copy for the per-route loops: no pointer chasing per route. */
export interface DenseView {
  u0: Float64Array;
  u1: Float64Array;
  bg: Float64Array;
  zipf: Float64Array;
}

export interface SplitEvent {
  kind: 'split';
  id: number;
  key: Uint8Array;
  newId: number;
}

export interface MergeEvent {
  kind: 'merge';
  leftId: number;
  rightId: number;
}

export type TopologyEvent = SplitEvent | MergeEvent;

// Factories with one fixed property order: every route object shares one
// hidden class, which keeps the per-route loops monomorphic after splits.
function makeInfo(
  id: number,
  start: Uint8Array,
  end: Uint8Array,
  label: string,
  raftGroupId: number,
): RouteInfo {
  return { id, start, end, label, raftGroupId };
}

function makeRoute(
  info: RouteInfo,
  region: number,
  u0: number,
  u1: number,
  keys: Uint8Array[],
  bg: number,
  zipf: number,
): CatalogueRoute {
  return { info, region, u0, u1, keys, bgDensity: bg, zipfDensity: zipf };
}

/** Raft groups for a catalogue of n routes: 16..64, about one per 64 routes. */
export function groupCountFor(n: number): number {
  return Math.max(16, Math.min(64, Math.round(n / 64)));
}

/** Route counts per region (largest remainder); small catalogues may leave regions empty. */
function allocate(n: number): number[] {
  const total = REGIONS.reduce((s, r) => s + r.weight, 0);
  const exact = REGIONS.map((r) => (n * r.weight) / total);
  const counts = exact.map(Math.floor);
  let left = n - counts.reduce((s, c) => s + c, 0);
  const order = exact
    .map((e, i) => [e - Math.floor(e), i])
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) counts[order[k][1]]++;
  return counts;
}

/** `count` distinct keys of one region, sorted. */
function regionKeys(region: number, count: number, rng: Rng): Uint8Array[] {
  const gen = REGIONS[region];
  let keys: Uint8Array[] = [];
  // Draw a few extra, sort, drop duplicates; repeat in the rare case too few survive.
  for (let round = 0; keys.length < count && round < 20; round++) {
    const want = count - keys.length;
    for (let i = 0; i < want + (want >> 4) + 4; i++) keys.push(gen.key(rng));
    keys.sort(compareBytes);
    const sorted = keys;
    keys = sorted.filter((k, i) => i === 0 || compareBytes(k, sorted[i - 1]) !== 0);
  }
  if (keys.length < count) throw new Error(`region ${gen.name}: could not make ${count} keys`);
  // Keep exactly `count`, spread evenly over the sorted draws.
  return Array.from({ length: count }, (_, j) => keys[Math.floor((j * keys.length) / count)]);
}

export class Catalogue {
  readonly groups: number;
  /** Routes at creation: the unit of "one ordinary route" for rates. */
  readonly initialCount: number;
  private list: CatalogueRoute[] = [];
  private denseCache: DenseView | null = null;
  private nextId = 1;
  private readonly regionSpans = new Map<RegionName, [number, number]>();

  /** `labels: false` leaves every label empty (a node that reports none). */
  constructor(seed: number, routes: number, labels = true) {
    const n = Math.max(1, Math.floor(routes));
    this.initialCount = n;
    this.groups = groupCountFor(n);
    const rng = new Rng(seed);
    const counts = allocate(n);
    let index = 0;
    for (let ri = 0; ri < REGIONS.length; ri++) {
      const k = counts[ri];
      const u0 = index / n;
      this.regionSpans.set(REGIONS[ri].name, [u0, (index + k) / n]);
      if (k === 0) continue;
      const keys = regionKeys(ri, k * KEYS_PER_ROUTE, rng);
      for (let j = 0; j < k; j++) {
        const own = keys.slice(j * KEYS_PER_ROUTE, (j + 1) * KEYS_PER_ROUTE);
        // A region's first route starts at its prefix; the very first at the empty key.
        const start = index === 0 ? new Uint8Array(0) : j === 0 ? REGIONS[ri].prefix : own[0];
        const info = makeInfo(
          this.nextId++,
          start,
          new Uint8Array(0),
          labels ? REGIONS[ri].label : '',
          1 + rng.int(this.groups),
        );
        this.list.push(makeRoute(info, ri, index / n, (index + 1) / n, own, 0, 0));
        index++;
      }
    }
    for (let i = 0; i + 1 < this.list.length; i++)
      this.list[i].info.end = this.list[i + 1].info.start;
    this.assignDensities(rng);
  }

  /** Smooth background weights (an "even" spread that is not flat) and a Zipf permutation. */
  private assignDensities(rng: Rng): void {
    const n = this.list.length;
    const phases = [rng.float(), rng.float(), rng.float()].map((p) => p * 2 * Math.PI);
    const ranks = Array.from({ length: n }, (_, i) => i + 1);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [ranks[i], ranks[j]] = [ranks[j], ranks[i]];
    }
    let bgSum = 0;
    let zSum = 0;
    const bg = new Float64Array(n);
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = (i + 0.5) / n;
      const smooth =
        1 +
        0.25 * Math.sin(2 * Math.PI * 3 * u + phases[0]) +
        0.15 * Math.sin(2 * Math.PI * 11 * u + phases[1]);
      bg[i] = smooth * (0.7 + 0.6 * rng.float());
      z[i] = 1 / Math.pow(ranks[i], ZIPF_EXPONENT);
      bgSum += bg[i];
      zSum += z[i];
    }
    for (let i = 0; i < n; i++) {
      const r = this.list[i];
      const w = r.u1 - r.u0;
      r.bgDensity = bg[i] / bgSum / w;
      r.zipfDensity = z[i] / zSum / w;
    }
  }

  /** The routes' positions and densities as flat arrays (rebuilt after a split or merge). */
  dense(): DenseView {
    if (this.denseCache) return this.denseCache;
    const n = this.list.length;
    const d: DenseView = {
      u0: new Float64Array(n),
      u1: new Float64Array(n),
      bg: new Float64Array(n),
      zipf: new Float64Array(n),
    };
    for (let i = 0; i < n; i++) {
      const r = this.list[i];
      d.u0[i] = r.u0;
      d.u1[i] = r.u1;
      d.bg[i] = r.bgDensity;
      d.zipf[i] = r.zipfDensity;
    }
    return (this.denseCache = d);
  }

  get size(): number {
    return this.list.length;
  }

  /** Routes in key order (a live view; do not mutate). */
  all(): readonly CatalogueRoute[] {
    return this.list;
  }

  /** Copies of the routes' RouteInfo, in key order. */
  routeInfos(): RouteInfo[] {
    return this.list.map((r) => ({
      ...r.info,
      start: r.info.start.slice(),
      end: r.info.end.slice(),
    }));
  }

  raftGroups(): number[] {
    return Array.from({ length: this.groups }, (_, i) => i + 1);
  }

  /** [u0, u1) of a region (empty when the catalogue was too small to give it routes). */
  regionSpan(name: RegionName): [number, number] {
    return this.regionSpans.get(name) ?? [0, 0];
  }

  /** Index of the route whose [u0, u1) holds u (clamped). */
  indexAt(u: number): number {
    let lo = 0;
    let hi = this.list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.list[mid].u0 <= u) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  canSplit(index: number): boolean {
    const r = this.list[index];
    return r !== undefined && r.keys.length >= 2;
  }

  /** Splits route `index` at its middle sample key; the left keeps the id. */
  split(index: number): SplitEvent | null {
    if (!this.canSplit(index)) return null;
    const r = this.list[index];
    const j = r.keys.length >> 1;
    const key = r.keys[j];
    const uMid = r.u0 + ((r.u1 - r.u0) * j) / r.keys.length;
    const i0 = r.info;
    const right = makeRoute(
      makeInfo(this.nextId++, key, i0.end, i0.label, i0.raftGroupId),
      r.region,
      uMid,
      r.u1,
      r.keys.slice(j),
      r.bgDensity,
      r.zipfDensity,
    );
    r.info = makeInfo(i0.id, i0.start, key, i0.label, i0.raftGroupId);
    r.u1 = uMid;
    r.keys = r.keys.slice(0, j);
    this.list.splice(index + 1, 0, right);
    this.denseCache = null;
    return { kind: 'split', id: r.info.id, key, newId: right.info.id };
  }

  /** Routes `index` and `index + 1` may merge: same region, so adapters stay apart. */
  canMerge(index: number): boolean {
    const l = this.list[index];
    const r = this.list[index + 1];
    return l !== undefined && r !== undefined && l.region === r.region;
  }

  /** Merges route `index` with its right neighbour; the result keeps the left id. */
  merge(index: number): MergeEvent | null {
    if (!this.canMerge(index)) return null;
    const l = this.list[index];
    const r = this.list[index + 1];
    const wl = l.u1 - l.u0;
    const wr = r.u1 - r.u0;
    // Keep both halves' traffic: the merged density is the width-weighted mean.
    l.bgDensity = (l.bgDensity * wl + r.bgDensity * wr) / (wl + wr);
    l.zipfDensity = (l.zipfDensity * wl + r.zipfDensity * wr) / (wl + wr);
    l.info = makeInfo(l.info.id, l.info.start, r.info.end, l.info.label, l.info.raftGroupId);
    l.u1 = r.u1;
    l.keys = l.keys.concat(r.keys);
    this.list.splice(index + 1, 1);
    this.denseCache = null;
    return { kind: 'merge', leftId: l.info.id, rightId: r.info.id };
  }
}

/**
 * Why a list of routes fails to tile the key space in sorted order, or null.
 * Pure, so tests can check the catalogue and the sampler's own route list.
 */
export function tilingError(routes: readonly RouteInfo[]): string | null {
  if (routes.length === 0) return 'no routes';
  if (routes[0].start.length !== 0) return 'first route does not start at the empty key';
  if (routes[routes.length - 1].end.length !== 0) return 'last route does not end unbounded';
  for (let i = 0; i < routes.length; i++) {
    const r = routes[i];
    if (r.end.length > 0 && compareBytes(r.start, r.end) >= 0) return `route ${r.id}: start >= end`;
    if (i + 1 < routes.length && compareBytes(r.end, routes[i + 1].start) !== 0) {
      return `gap or overlap between routes ${r.id} and ${routes[i + 1].id}`;
    }
  }
  const ids = new Set(routes.map((r) => r.id));
  if (ids.size !== routes.length) return 'duplicate route ids';
  return null;
}
