// Space-Saving top-k sketch (Metwally et al.) over byte keys, as the node's
// space_saving.go: capacity m counters; a new key when full evicts the minimum
// counter and takes its count + 1. Every count overestimates the key's true
// count by at most the evicted minimum, so by at most N/m for N offers.
//
// Keys are held as latin1 strings (one char per byte): a cheap exact Map key.
// The minimum sits at the top of a min-heap of the m counters (O(log m) per offer).

export interface SketchEntry {
  /** The key's bytes as a latin1 string (one char per byte). */
  key: string;
  count: number;
}

interface Counter {
  key: string;
  count: number;
  /** Position in the min-heap. */
  at: number;
}

export class SpaceSaving {
  private readonly byKey = new Map<string, Counter>();
  /** Min-heap on count: the eviction victim is heap[0], found in O(1), fixed in O(log m). */
  private readonly heap: Counter[] = [];
  /** Offers since the last reset (the N of the N/m bound). */
  n = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  get size(): number {
    return this.heap.length;
  }

  offer(key: string): void {
    this.n++;
    const c = this.byKey.get(key);
    if (c !== undefined) {
      c.count++;
      this.down(c.at);
      return;
    }
    const h = this.heap;
    if (h.length < this.capacity) {
      const e: Counter = { key, count: 1, at: h.length };
      h.push(e);
      this.byKey.set(key, e);
      this.up(e.at);
      return;
    }
    // Evict the minimum: the newcomer takes its counter with min + 1.
    const victim = h[0];
    this.byKey.delete(victim.key);
    victim.key = key;
    victim.count++;
    this.byKey.set(key, victim);
    this.down(0);
  }

  /** Count of a key (0 when not held). */
  count(key: string): number {
    return this.byKey.get(key)?.count ?? 0;
  }

  /** A deep copy of the entries, count descending, ties by key bytes ascending. */
  entries(): SketchEntry[] {
    return this.heap.map((c) => ({ key: c.key, count: c.count })).sort(byCountThenKey);
  }

  reset(): void {
    this.byKey.clear();
    this.heap.length = 0;
    this.n = 0;
  }

  private up(i: number): void {
    const h = this.heap;
    const e = h[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].count <= e.count) break;
      h[i] = h[p];
      h[i].at = i;
      i = p;
    }
    h[i] = e;
    e.at = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const e = h[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && h[r].count < h[l].count ? r : l;
      if (h[m].count >= e.count) break;
      h[i] = h[m];
      h[i].at = i;
      i = m;
    }
    h[i] = e;
    e.at = i;
  }
}

/** Count descending, then key ascending (latin1 string order = byte order). */
export function byCountThenKey(a: SketchEntry, b: SketchEntry): number {
  return b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Bytes -> latin1 string (one char per byte). */
export function bytesToKey(b: Uint8Array): string {
  let s = '';
  // Chunked: String.fromCharCode's argument count is limited.
  for (let i = 0; i < b.length; i += 4096) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  }
  return s;
}

/** latin1 string -> bytes. */
export function keyToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
