// The route table: key ranges [start, end) kept sorted by start, never
// overlapping. RouteInfo objects are treated as immutable: a split or merge
// replaces them, so a caller's old reference keeps describing the old route.
import { compareBytes, compareEnds, isInteriorKey, bytesEqual } from './keys.ts';
import type { RouteInfo } from './types.ts';

function copyRoute(r: RouteInfo): RouteInfo {
  return {
    id: r.id,
    start: r.start.slice(),
    end: r.end.slice(),
    label: r.label,
    raftGroupId: r.raftGroupId,
  };
}

export class RouteRegistry {
  private readonly byId = new Map<number, RouteInfo>();
  /** Sorted by start key. */
  private readonly sorted: RouteInfo[] = [];

  get size(): number {
    return this.sorted.length;
  }

  get(id: number): RouteInfo | undefined {
    return this.byId.get(id);
  }

  /** All routes in key order (a live view; do not mutate). */
  list(): readonly RouteInfo[] {
    return this.sorted;
  }

  /** Adds a route; throws on a duplicate id, an empty range or an overlap. */
  add(route: RouteInfo): RouteInfo {
    if (!Number.isSafeInteger(route.id) || route.id < 0) {
      throw new RangeError(`route id must be a non-negative safe integer, got ${route.id}`);
    }
    if (this.byId.has(route.id)) throw new RangeError(`route ${route.id} already registered`);
    if (route.end.length > 0 && compareBytes(route.start, route.end) >= 0) {
      throw new RangeError(`route ${route.id}: start must be below end`);
    }
    const r = copyRoute(route);
    const at = this.insertionIndex(r.start);
    const prev = this.sorted[at - 1];
    const next = this.sorted[at];
    if (prev && compareEnds(prev.end, r.start) > 0) {
      throw new RangeError(`route ${r.id} overlaps route ${prev.id}`);
    }
    if (next && (r.end.length === 0 || compareBytes(r.end, next.start) > 0)) {
      throw new RangeError(`route ${r.id} overlaps route ${next.id}`);
    }
    this.sorted.splice(at, 0, r);
    this.byId.set(r.id, r);
    return r;
  }

  remove(id: number): RouteInfo | undefined {
    const r = this.byId.get(id);
    if (!r) return undefined;
    this.byId.delete(id);
    this.sorted.splice(this.indexOf(r), 1);
    return r;
  }

  /** Neighbours in key order (not necessarily touching). */
  neighbours(id: number): { left: RouteInfo | undefined; right: RouteInfo | undefined } {
    const r = this.byId.get(id);
    if (!r) return { left: undefined, right: undefined };
    const i = this.indexOf(r);
    return { left: this.sorted[i - 1], right: this.sorted[i + 1] };
  }

  /**
   * Splits route `id` at `key`: the left half [start, key) keeps the id, the
   * right half [key, end) becomes route `newId` (same label and group unless given).
   */
  split(
    id: number,
    key: Uint8Array,
    newId: number,
    right: { label?: string; raftGroupId?: number } = {},
  ): [RouteInfo, RouteInfo] {
    const old = this.byId.get(id);
    if (!old) throw new RangeError(`split: unknown route ${id}`);
    if (this.byId.has(newId)) throw new RangeError(`split: route ${newId} already registered`);
    if (!Number.isSafeInteger(newId) || newId < 0)
      throw new RangeError(`split: bad new id ${newId}`);
    if (!isInteriorKey(key, old.start, old.end)) {
      throw new RangeError(`split: key is not strictly inside route ${id}`);
    }
    const l: RouteInfo = { ...old, end: key.slice() };
    const r: RouteInfo = {
      id: newId,
      start: key.slice(),
      end: old.end,
      label: right.label ?? old.label,
      raftGroupId: right.raftGroupId ?? old.raftGroupId,
    };
    const i = this.indexOf(old);
    this.sorted.splice(i, 1, l, r);
    this.byId.set(id, l);
    this.byId.set(newId, r);
    return [l, r];
  }

  /** Merges two touching routes (left.end == right.start); the result keeps the left id. */
  merge(leftId: number, rightId: number): RouteInfo {
    const l = this.byId.get(leftId);
    const r = this.byId.get(rightId);
    if (!l || !r) throw new RangeError(`merge: unknown route ${l ? rightId : leftId}`);
    if (l.end.length === 0 || !bytesEqual(l.end, r.start)) {
      throw new RangeError(`merge: routes ${leftId} and ${rightId} are not adjacent`);
    }
    const m: RouteInfo = { ...l, end: r.end };
    const i = this.indexOf(l);
    this.sorted.splice(i, 2, m);
    this.byId.delete(rightId);
    this.byId.set(leftId, m);
    return m;
  }

  /** First index whose start is >= key. */
  private insertionIndex(key: Uint8Array): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.sorted[mid].start, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private indexOf(r: RouteInfo): number {
    const i = this.insertionIndex(r.start);
    if (this.sorted[i] !== r) throw new Error(`registry corrupt at route ${r.id}`);
    return i;
  }
}
