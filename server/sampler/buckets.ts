// Bucket slots: where each route's counters live. A slot is one row of the
// heatmap: either a single route ("route:<id>") or a virtual aggregate
// ("virtual:<id>") that folds routes beyond maxTrackedRoutes.
//
// Folding rule: a route that does not fit joins the virtual bucket of a key-order
// neighbour (left first, then right), so aggregates cover adjacent key space;
// with no virtual neighbour it opens a new virtual bucket, up to
// maxVirtualBuckets, after which it joins the virtual bucket starting closest
// below it (the first one if none starts below). A virtual bucket's range is the
// span of its members. Routes never move between slots while alive (moving would
// break a row's continuity); a freed tracked slot goes to the next new route.
//
// Continuity rule for topology changes within a step (no count is ever lost):
// - counts belong to the slot the route id mapped to when observed;
// - split: the left half keeps the id and its slot, so counts from before the
//   split stay in that row; the new right route starts at zero;
// - merge: the survivor keeps the left id; the absorbed route's open-step counts
//   move into the survivor's slot when it had a slot of its own, and stay in its
//   virtual bucket (which cannot be divided) when it was folded;
// - remove: a slot whose last route left is "retiring": the next flush still
//   harvests it under its last identity, then the slot is freed.
import type { BucketIdentities } from './column-store.ts';
import { compareBytes, compareEnds, compareStrings } from './keys.ts';
import type { RouteRegistry } from './registry.ts';
import type { BucketMeta, RouteInfo } from './types.ts';
import {
  packSubRanges,
  subBucketOfPacked,
  subBucketRange,
  subRangeLayout,
  type SubRangeLayout,
} from './subBuckets.ts';
import { ADAPTER_LABELS } from './labels.ts';

/** Dense route-id index limit: ids below this use a typed array, others a Map. */
const DENSE_ID_LIMIT = 1 << 22;
/** Virtual ids count down from 2^64 - 1. */
export const FIRST_VIRTUAL_ID = (1n << 64n) - 1n;

export interface Slot {
  index: number;
  bucketId: string;
  /** Interned identity in the history ring. */
  bucket: number;
  /** Route id for a single-route slot; -1 for a virtual one. */
  routeId: number;
  /** Member route ids in join order (virtual only). */
  members: Set<number> | null;
  start: Uint8Array;
  end: Uint8Array;
  label: string;
  /** Raft group of the row; 0 when a virtual bucket's members disagree. */
  groupId: number;
  /** Cached meta; null when it must be rebuilt. */
  meta: BucketMeta | null;
  /** The meta last recorded into the history (skips re-recording unchanged meta). */
  recordedMeta: BucketMeta | null;
  live: boolean;
}

/** BucketTable.order for the flush, one typed array per field (index = position in order). */
export interface FlushOrder {
  slot: Int32Array;
  bucket: Uint32Array;
  group: Float64Array;
  /** 1 once the flush has checked the slot's meta since this view was built. */
  metaChecked: Uint8Array;
}

export interface BucketLimits {
  maxTrackedRoutes: number;
  maxMemberRoutesPerSlot: number;
  maxVirtualBuckets: number;
  /** --keyvizKeyBucketsPerRoute (default 1: no sub-range rows). */
  keyBucketsPerRoute?: number;
  /** --keyvizLabelsEnabled: one row per adapter label (default false). */
  labelsEnabled?: boolean;
}

/**
 * A tracked route divided into sub-range and/or label rows (contract §5.4, §5.6).
 * Child slots are ordinary slots (own counters, bucket id, range) that no route
 * id maps to; they are created on first use and retired with the route's range.
 */
interface Subdivision {
  layout: SubRangeLayout;
  /**
   * Where the layout packed for observe (packSubRanges) lies in the table's
   * slab: [off, off + len). Its trailing entries, from slab[off + 2], map
   * (label index * count + sub-bucket) -> child slot index, -1 = not yet created.
   */
  off: number;
  len: number;
  route: RouteInfo;
}

/** Label -> slot index (0 = legacy), for the node's five labels. */
const LABEL_INDEX = new Map<string, number>(ADAPTER_LABELS.map((l, i) => [l, i + 1]));

function bySlotKey(a: Slot, b: Slot): number {
  return compareBytes(a.start, b.start) || compareStrings(a.bucketId, b.bucketId);
}

export class BucketTable {
  /** 4 counters per slot: reads, writes, read bytes, write bytes. */
  counters = new Float64Array(4 * 64);
  /** Route id -> slot index (-1 = unknown) for ids below DENSE_ID_LIMIT. */
  dense = new Int32Array(1024).fill(-1);
  /** Route id -> slot index for large ids. */
  readonly sparse = new Map<number, number>();
  readonly slots: (Slot | undefined)[] = [];
  /** Live and retiring slots in (start, bucketId) order: the flush order. */
  readonly order: Slot[] = [];
  /** The flush's view of `order` as typed arrays (flushOrder()); null = rebuild. */
  private flushView: FlushOrder | null = null;
  private readonly free: number[] = [];
  private readonly retiring: Slot[] = [];
  private readonly virtuals: Slot[] = [];
  private tracked = 0;
  private nextVirtualId = FIRST_VIRTUAL_ID;
  /** Per slot index: the route's subdivision, or null (also for every child and virtual slot). */
  readonly subdivisions: (Subdivision | null)[] = [];
  /**
   * Per slot index: the offset of its subdivision's packed layout in `slab`,
   * -1 = none. Observe reads these two typed arrays and no object: with
   * thousands of routes each object on the way is a cache miss.
   */
  subOff = new Int32Array(64).fill(-1);
  /** Every subdivision's packed layout and child slots, back to back (see reserve()). */
  slab = new Int32Array(1024);
  private slabTop = 0;
  private slabLive = 0;
  private readonly subdivide: boolean;
  private readonly labelsOn: boolean;

  constructor(
    private readonly limits: BucketLimits,
    private readonly routes: RouteRegistry,
    private readonly identities: BucketIdentities,
  ) {
    this.subdivide = (limits.keyBucketsPerRoute ?? 1) > 1 || limits.labelsEnabled === true;
    this.labelsOn = limits.labelsEnabled === true;
  }

  /** True when routes may have sub-range or label rows (observe then asks childOf). */
  get subdivides(): boolean {
    return this.subdivide;
  }

  /**
   * The slot that counts a request on `key` through adapter `label`, for a
   * route slot with a subdivision: the route's own slot for legacy traffic on
   * an undivided route, else its child row (created on first use). `off` is
   * subOff[slot] (>= 0).
   */
  childOf(slot: number, off: number, key: Uint8Array, label: string): number {
    const li = this.labelsOn && label !== '' ? (LABEL_INDEX.get(label) ?? 0) : 0;
    const d = this.slab;
    const n = d[off];
    if (li === 0 && n === 1) return slot;
    const bi = subBucketOfPacked(d, off, key);
    const ci = off + d[off + 2] + li * n + bi;
    const c = d[ci];
    if (c >= 0) return c;
    const child = this.newChild(this.subdivisions[slot]!, li, bi);
    // newChild never divides, so the slab has not moved.
    this.slab[ci] = child;
    return child;
  }

  private newChild(sub: Subdivision, li: number, bi: number): number {
    const r = sub.route;
    const label = li === 0 ? '' : ADAPTER_LABELS[li - 1];
    const n = sub.layout.count;
    const bucketId = `route:${r.id}${label ? `:${label}` : ''}${n > 1 ? `#${bi}` : ''}`;
    const { lo, hi } = subBucketRange(r.start, r.end, sub.layout, bi);
    const info: RouteInfo = {
      id: r.id,
      start: lo,
      end: hi,
      label: label || r.label,
      raftGroupId: r.raftGroupId,
    };
    const back = this.retiring.findIndex((x) => x.bucketId === bucketId);
    if (back >= 0) {
      // Retired by a range change within this step: revive it (one bucket per column).
      const s = this.retiring.splice(back, 1)[0];
      s.live = true;
      this.reposition(s, () => {
        s.start = info.start;
        s.end = info.end;
        s.label = info.label;
        s.groupId = info.raftGroupId;
      });
      return s.index;
    }
    const s = this.newSlot(bucketId, r.id, null, info);
    return s.index;
  }

  /** (Re)divides a tracked route's slot; its old child rows retire (harvested at the next flush). */
  private divide(si: number, r: RouteInfo | null): void {
    const old = this.subdivisions[si];
    if (old) {
      const d = this.slab;
      for (let i = old.off + d[old.off + 2]; i < old.off + old.len; i++) {
        if (d[i] >= 0) this.retire(this.slots[d[i]]!);
      }
      this.slabLive -= old.len;
    }
    this.subdivisions[si] = null;
    this.subOff[si] = -1;
    if (!this.subdivide || r === null) return;
    const layout = subRangeLayout(r.start, r.end, this.limits.keyBucketsPerRoute ?? 1);
    const labels = this.labelsOn ? ADAPTER_LABELS.length + 1 : 1;
    const packed = packSubRanges(r.start, layout, labels * layout.count);
    packed.fill(-1, packed[2]);
    const off = this.reserve(packed.length);
    this.slab.set(packed, off);
    this.subdivisions[si] = { layout, off, len: packed.length, route: r };
    this.subOff[si] = off;
  }

  /**
   * `len` entries at the slab's top. A full slab is rebuilt with the live
   * layouts only (regions of re-divided routes are garbage until then), at
   * least twice their size, so rebuilds stay amortised O(1) per entry.
   */
  private reserve(len: number): number {
    if (this.slabTop + len > this.slab.length) {
      const size = Math.max(1024, 2 * (this.slabLive + len));
      const slab = new Int32Array(size);
      let top = 0;
      for (let si = 0; si < this.subdivisions.length; si++) {
        const sub = this.subdivisions[si];
        if (!sub) continue;
        slab.set(this.slab.subarray(sub.off, sub.off + sub.len), top);
        sub.off = top;
        this.subOff[si] = top;
        top += sub.len;
      }
      this.slab = slab;
      this.slabTop = top;
    }
    const off = this.slabTop;
    this.slabTop += len;
    this.slabLive += len;
    return off;
  }

  get trackedCount(): number {
    return this.tracked;
  }

  get virtualCount(): number {
    return this.virtuals.length;
  }

  slotOfRoute(routeId: number): number {
    // `>>> 0 ===` admits integers in [0, 2^32) without a float modulo (hot keys ask per sample).
    if (routeId >>> 0 === routeId && routeId < this.dense.length) return this.dense[routeId];
    return this.sparse.get(routeId) ?? -1;
  }

  /** Gives a newly registered route a slot (its own, or a virtual one). */
  addRoute(r: RouteInfo): void {
    const bucketId = `route:${r.id}`;
    const back = this.retiring.findIndex((s) => s.bucketId === bucketId);
    if (back >= 0 && this.tracked < this.limits.maxTrackedRoutes) {
      // Removed and re-added within one step: revive the slot so one column
      // never holds the same bucket twice.
      const s = this.retiring.splice(back, 1)[0];
      s.live = true;
      this.tracked++;
      this.mapRoute(r.id, s.index);
      this.updateRoute(r);
      return;
    }
    if (this.tracked < this.limits.maxTrackedRoutes) {
      const s = this.newSlot(bucketId, r.id, null, r);
      this.tracked++;
      this.mapRoute(r.id, s.index);
      this.divide(s.index, r);
      return;
    }
    const v = this.virtualFor(r);
    this.mapRoute(r.id, v.index);
    this.reposition(v, () => {
      v.members!.add(r.id);
      if (compareBytes(r.start, v.start) < 0) v.start = r.start;
      if (compareEnds(r.end, v.end) > 0) v.end = r.end;
      if (v.label !== r.label) v.label = '';
      if (v.groupId !== r.raftGroupId) v.groupId = 0;
    });
  }

  /** Forgets a route already taken out of the registry. */
  removeRoute(r: RouteInfo): void {
    const si = this.slotOfRoute(r.id);
    if (si < 0) return;
    this.unmapRoute(r.id);
    const s = this.slots[si]!;
    if (s.members) {
      s.members.delete(r.id);
      if (s.members.size === 0) this.retire(s);
      else this.reposition(s, () => this.recomputeVirtual(s));
    } else {
      this.tracked--;
      this.divide(si, null);
      this.retire(s);
    }
  }

  /** The route's range, label or group changed (split's left half, merge survivor). */
  updateRoute(r: RouteInfo): void {
    const si = this.slotOfRoute(r.id);
    if (si < 0) return;
    const s = this.slots[si]!;
    this.reposition(s, () => {
      if (s.members) this.recomputeVirtual(s);
      else {
        s.start = r.start;
        s.end = r.end;
        s.label = r.label;
        s.groupId = r.raftGroupId;
      }
    });
    if (!s.members) this.divide(si, r);
  }

  /** Merge bookkeeping: `absorbed` is gone from the registry, `survivor` is updated there. */
  absorb(survivor: RouteInfo, absorbed: RouteInfo): void {
    const into = this.slotOfRoute(survivor.id);
    const from = this.slotOfRoute(absorbed.id);
    const fromSlot = this.slots[from];
    if (fromSlot && !fromSlot.members && into >= 0) {
      // Its own slot: carry the open step's counts over, nothing left to harvest.
      const c = this.counters;
      for (let k = 0; k < 4; k++) {
        c[4 * into + k] += c[4 * from + k];
        c[4 * from + k] = 0;
      }
    }
    this.removeRoute(absorbed);
    this.updateRoute(survivor);
  }

  /** The slot's meta, rebuilt if its identity changed since last asked. */
  metaOf(s: Slot): BucketMeta {
    if (s.meta) return s.meta;
    let routeIds: string[];
    let routeCount: number;
    if (s.members) {
      routeIds = [];
      for (const id of s.members) {
        if (routeIds.length >= this.limits.maxMemberRoutesPerSlot) break;
        routeIds.push(String(id));
      }
      routeCount = s.members.size;
    } else {
      routeIds = [String(s.routeId)];
      routeCount = 1;
    }
    s.meta = {
      bucketId: s.bucketId,
      start: s.start,
      end: s.end,
      label: s.label,
      aggregate: s.members !== null,
      routeIds,
      routeCount,
    };
    return s.meta;
  }

  /** Frees slots whose last route left, once a flush has harvested them. */
  releaseRetired(): void {
    for (const s of this.retiring) {
      this.orderRemove(s);
      const o = 4 * s.index;
      this.counters.fill(0, o, o + 4);
      this.slots[s.index] = undefined;
      this.free.push(s.index);
    }
    this.retiring.length = 0;
  }

  private retire(s: Slot): void {
    s.live = false;
    if (s.members) this.virtuals.splice(this.virtuals.indexOf(s), 1);
    this.retiring.push(s);
  }

  private virtualFor(r: RouteInfo): Slot {
    const { left, right } = this.routes.neighbours(r.id);
    for (const n of [left, right]) {
      const s = n ? this.slots[this.slotOfRoute(n.id)] : undefined;
      if (s && s.members && s.live) return s;
    }
    if (this.virtuals.length < this.limits.maxVirtualBuckets) {
      const id = this.nextVirtualId--;
      const v = this.newSlot(`virtual:${id}`, -1, new Set<number>(), r);
      this.virtuals.push(v);
      return v;
    }
    let below: Slot | undefined;
    let lowest = this.virtuals[0];
    for (const v of this.virtuals) {
      if (compareBytes(v.start, lowest.start) < 0) lowest = v;
      if (
        compareBytes(v.start, r.start) <= 0 &&
        (!below || compareBytes(v.start, below.start) > 0)
      ) {
        below = v;
      }
    }
    return below ?? lowest;
  }

  private recomputeVirtual(s: Slot): void {
    let first = true;
    for (const id of s.members!) {
      const r = this.routes.get(id);
      if (!r) continue;
      if (first) {
        s.start = r.start;
        s.end = r.end;
        s.label = r.label;
        s.groupId = r.raftGroupId;
        first = false;
        continue;
      }
      if (compareBytes(r.start, s.start) < 0) s.start = r.start;
      if (compareEnds(r.end, s.end) > 0) s.end = r.end;
      if (s.label !== r.label) s.label = '';
      if (s.groupId !== r.raftGroupId) s.groupId = 0;
    }
  }

  private newSlot(
    bucketId: string,
    routeId: number,
    members: Set<number> | null,
    r: RouteInfo,
  ): Slot {
    const index = this.free.length > 0 ? this.free.pop()! : this.slots.length;
    if (4 * (index + 1) > this.counters.length) {
      const grown = new Float64Array(Math.max(4 * (index + 1), 2 * this.counters.length));
      grown.set(this.counters);
      this.counters = grown;
    }
    const s: Slot = {
      index,
      bucketId,
      bucket: this.identities.intern(bucketId),
      routeId,
      members,
      start: r.start,
      end: r.end,
      label: r.label,
      groupId: r.raftGroupId,
      meta: null,
      recordedMeta: null,
      live: true,
    };
    this.slots[index] = s;
    if (index >= this.subOff.length) {
      const grown = new Int32Array(Math.max(index + 1, 2 * this.subOff.length)).fill(-1);
      grown.set(this.subOff);
      this.subOff = grown;
    }
    this.subdivisions[index] = null;
    this.subOff[index] = -1;
    this.orderInsert(s);
    return s;
  }

  private mapRoute(id: number, slot: number): void {
    if (id < DENSE_ID_LIMIT) {
      if (id >= this.dense.length) {
        let len = this.dense.length;
        while (len <= id) len *= 2;
        const grown = new Int32Array(Math.min(len, DENSE_ID_LIMIT)).fill(-1);
        grown.set(this.dense);
        this.dense = grown;
      }
      this.dense[id] = slot;
    } else {
      this.sparse.set(id, slot);
    }
  }

  private unmapRoute(id: number): void {
    if (id < this.dense.length) this.dense[id] = -1;
    else this.sparse.delete(id);
  }

  /** Applies a change that may move the slot's start key, keeping `order` sorted. */
  private reposition(s: Slot, change: () => void): void {
    this.orderRemove(s);
    change();
    s.meta = null;
    this.orderInsert(s);
  }

  /**
   * `order` as typed arrays, rebuilt after `order` changes: the flush scans every slot's
   * counters each step, and most slots of a large table are idle in a step, so it reads slot
   * index, bucket and group from here and touches a slot object only to record its meta.
   * Every change of a slot's range, label, group or members goes through orderRemove and
   * orderInsert (reposition), so a rebuilt view holds the current groups, and a meta checked
   * once since the last rebuild cannot have changed.
   */
  flushOrder(): FlushOrder {
    if (this.flushView === null) {
      const n = this.order.length;
      const v: FlushOrder = {
        slot: new Int32Array(n),
        bucket: new Uint32Array(n),
        group: new Float64Array(n),
        metaChecked: new Uint8Array(n),
      };
      for (let i = 0; i < n; i++) {
        const s = this.order[i];
        v.slot[i] = s.index;
        v.bucket[i] = s.bucket;
        v.group[i] = s.groupId;
      }
      this.flushView = v;
    }
    return this.flushView;
  }

  private orderInsert(s: Slot): void {
    this.flushView = null;
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bySlotKey(this.order[mid], s) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.order.splice(lo, 0, s);
  }

  private orderRemove(s: Slot): void {
    this.flushView = null;
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bySlotKey(this.order[mid], s) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (this.order[lo] !== s) throw new Error(`bucket order corrupt at ${s.bucketId}`);
    this.order.splice(lo, 1);
  }
}
