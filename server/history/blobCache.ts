// Decoded store blobs kept between reads, by tier, kind and column time, least
// recently used out first, bounded in bytes. A blob at a time is written once
// and never changed; the store drops an entry when it deletes or writes its time.
import type { NarrowArray } from '../sampler/column-store.ts';

export class DecodedBlobs {
  private readonly map = new Map<string, NarrowArray>();
  private held = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.held;
  }

  get size(): number {
    return this.map.size;
  }

  get(tier: number, kind: number, t: number): NarrowArray | undefined {
    const key = `${tier}|${kind}|${t}`;
    const a = this.map.get(key);
    if (a) {
      this.map.delete(key); // most recently used last
      this.map.set(key, a);
    }
    return a;
  }

  put(tier: number, kind: number, t: number, a: NarrowArray): void {
    if (a.byteLength > this.maxBytes) return;
    this.drop(tier, kind, t);
    this.map.set(`${tier}|${kind}|${t}`, a);
    this.held += a.byteLength;
    for (const [k, old] of this.map) {
      if (this.held <= this.maxBytes) break;
      this.map.delete(k);
      this.held -= old.byteLength;
    }
  }

  drop(tier: number, kind: number, t: number): void {
    const key = `${tier}|${kind}|${t}`;
    const a = this.map.get(key);
    if (!a) return;
    this.map.delete(key);
    this.held -= a.byteLength;
  }

  /** Drops the tier's entries at times before `cut` (retention deleted them). */
  dropBefore(tier: number, cut: number): void {
    for (const [k, a] of [...this.map]) {
      const [ti, , t] = k.split('|').map(Number);
      if (ti === tier && t < cut) {
        this.map.delete(k);
        this.held -= a.byteLength;
      }
    }
  }
}
