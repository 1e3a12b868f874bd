// Space-Saving top-k sketch (Metwally et al.) over byte keys, as the node's
// space_saving.go: capacity m counters; a new key when full evicts the minimum
// counter and takes its count + 1. Every count overestimates the key's true
// count by at most the evicted minimum, so by at most N/m for N offers.
//
// Keys are held as latin1 strings (one char per byte): a cheap exact Map key.
// The minimum is found by a scan on eviction only (m <= 256, sampled stream).

export interface SketchEntry {
  /** The key's bytes as a latin1 string (one char per byte). */
  key: string;
  count: number;
}

export class SpaceSaving {
  private readonly counts = new Map<string, number>();
  /** Offers since the last reset (the N of the N/m bound). */
  n = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  get size(): number {
    return this.counts.size;
  }

  offer(key: string): void {
    this.n++;
    const c = this.counts.get(key);
    if (c !== undefined) {
      this.counts.set(key, c + 1);
      return;
    }
    if (this.counts.size < this.capacity) {
      this.counts.set(key, 1);
      return;
    }
    // Evict the minimum; ties go to the key inserted first (Map order), deterministic.
    let minKey = '';
    let min = Infinity;
    for (const [k, v] of this.counts) {
      if (v < min) {
        min = v;
        minKey = k;
      }
    }
    this.counts.delete(minKey);
    this.counts.set(key, min + 1);
  }

  /** Count of a key (0 when not held). */
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** A deep copy of the entries, count descending, ties by key bytes ascending. */
  entries(): SketchEntry[] {
    const out: SketchEntry[] = [];
    for (const [key, count] of this.counts) out.push({ key, count });
    return out.sort(byCountThenKey);
  }

  reset(): void {
    this.counts.clear();
    this.n = 0;
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
