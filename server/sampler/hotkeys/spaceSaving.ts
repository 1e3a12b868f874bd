// Space-Saving top-k sketch (Metwally et al.) over byte keys, as the node's
// space_saving.go: capacity m counters; a new key when full evicts the minimum
// counter and takes its count + 1. Every count overestimates the key's true
// count by at most the evicted minimum, so by at most N/m for N offers.
//
// Keys are held as latin1 strings (one char per byte). The sketch is laid out
// for the hot-key drain, where each sample lands in one of thousands of
// sketches that is not in the CPU cache (memory latency, not arithmetic, is a
// sample's cost): one Float64Array holds every counter's (count, hash) pair and
// an open-addressing index by a 30-bit hash of the key's bytes, so a key the
// sketch holds is found and counted touching the index, its pair and its
// string, and offerBytes() builds no string for it. Eviction scans the m counts
// for the minimum (first on ties): O(m) over contiguous memory, and only for a
// key not held, where a heap would cost O(log m) scattered moves on every hit.
// Storage grows with the keys held (8, 16, ... up to m counters): most
// (route, label) sketches see a handful of keys a window, and a full-size
// table for each (~2.2 KiB at m = 64) spreads the drain's samples over far more
// memory than they need (labels on: tens of thousands of sketches).

export interface SketchEntry {
  /** The key's bytes as a latin1 string (one char per byte). */
  key: string;
  count: number;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** Small integers (Smis) on every V8 build, exact in a double. */
const HASH_MASK = 0x3fffffff;

/** FNV-1a over bytes [off, end) of `b`, to 30 bits. */
export function hashBytes(b: Uint8Array, off: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = off; i < end; i++) h = Math.imul(h ^ b[i], FNV_PRIME);
  return h & HASH_MASK;
}

/** The same hash over a latin1 string's chars (= the key's bytes). */
function hashKey(k: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k.charCodeAt(i), FNV_PRIME);
  return h & HASH_MASK;
}

function sameBytes(k: string, b: Uint8Array, off: number, len: number): boolean {
  if (k.length !== len) return false;
  for (let i = 0; i < len; i++) if (k.charCodeAt(i) !== b[off + i]) return false;
  return true;
}

/** Counters a new sketch has room for before it grows. */
const INITIAL_ROOM = 8;

export class SpaceSaving {
  /** Offers since the last reset (the N of the N/m bound). */
  n = 0;
  private held = 0;
  /** Counters there is room for (<= capacity); grows as keys arrive. */
  private room: number;
  private keys: string[];
  /**
   * [2e] count and [2e + 1] hash of counter e (e < room); from 2 * room, the
   * index: a power-of-two table (load <= 1/2, linear probing) of e + 1, 0 = empty.
   */
  private t: Float64Array;
  private mask: number;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
    this.room = Math.min(capacity, INITIAL_ROOM);
    this.mask = indexSize(this.room) - 1;
    this.t = new Float64Array(2 * this.room + this.mask + 1);
    this.keys = new Array<string>(this.room).fill('');
  }

  /** Room for twice the counters (up to capacity): pairs copied, index rebuilt. */
  private grow(): void {
    const room = Math.min(this.capacity, 2 * this.room);
    const size = indexSize(room);
    const t = new Float64Array(2 * room + size);
    t.set(this.t.subarray(0, 2 * this.held));
    const mask = size - 1;
    for (let e = 0; e < this.held; e++) {
      let i = t[2 * e + 1] & mask;
      while (t[2 * room + i] !== 0) i = (i + 1) & mask;
      t[2 * room + i] = e + 1;
    }
    const keys = new Array<string>(room).fill('');
    for (let e = 0; e < this.held; e++) keys[e] = this.keys[e];
    this.t = t;
    this.keys = keys;
    this.mask = mask;
    this.room = room;
  }

  get size(): number {
    return this.held;
  }

  offer(key: string): void {
    const hash = hashKey(key);
    const t = this.t;
    const base = 2 * this.room;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const v = t[base + i];
      if (v === 0) break;
      const e = v - 1;
      if (t[2 * e + 1] === hash && this.keys[e] === key) {
        this.n++;
        t[2 * e]++;
        return;
      }
    }
    this.admit(key, hash);
  }

  /** offer() of the key held as bytes [off, off + len) of `b` (a string is built only if new). */
  offerBytes(b: Uint8Array, off: number, len: number): void {
    const hash = hashBytes(b, off, off + len);
    const t = this.t;
    const base = 2 * this.room;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const v = t[base + i];
      if (v === 0) break;
      const e = v - 1;
      if (t[2 * e + 1] === hash && sameBytes(this.keys[e], b, off, len)) {
        this.n++;
        t[2 * e]++;
        return;
      }
    }
    this.admit(latin1(b, off, len), hash);
  }

  /** A key not held: a new counter, or the minimum's counter with min + 1. */
  private admit(key: string, hash: number): void {
    this.n++;
    let e = this.held;
    if (e < this.capacity && e === this.room) this.grow();
    const t = this.t;
    if (e < this.capacity) {
      this.held = e + 1;
      t[2 * e] = 1;
    } else {
      e = 0;
      let min = t[0];
      for (let j = 1; j < this.capacity; j++) {
        if (t[2 * j] < min) {
          min = t[2 * j];
          e = j;
        }
      }
      this.unindex(e);
      t[2 * e] = min + 1;
    }
    t[2 * e + 1] = hash;
    this.keys[e] = key;
    const base = 2 * this.room;
    let i = hash & this.mask;
    while (t[base + i] !== 0) i = (i + 1) & this.mask;
    t[base + i] = e + 1;
  }

  /** Removes counter e from the index (backward-shift deletion keeps probes short and exact). */
  private unindex(e: number): void {
    const t = this.t;
    const base = 2 * this.room;
    const mask = this.mask;
    let i = t[2 * e + 1] & mask;
    while (t[base + i] !== e + 1) i = (i + 1) & mask;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const v = t[base + j];
      if (v === 0) break;
      const home = t[2 * (v - 1) + 1] & mask;
      // The entry at j may move back to the hole at i unless its home lies in (i, j].
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      t[base + i] = v;
      i = j;
    }
    t[base + i] = 0;
  }

  /** Count of a key (0 when not held). */
  count(key: string): number {
    const hash = hashKey(key);
    const t = this.t;
    const base = 2 * this.room;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const v = t[base + i];
      if (v === 0) return 0;
      if (t[2 * (v - 1) + 1] === hash && this.keys[v - 1] === key) return t[2 * (v - 1)];
    }
  }

  /** A deep copy of the entries, count descending, ties by key bytes ascending. */
  entries(): SketchEntry[] {
    const out: SketchEntry[] = [];
    for (let e = 0; e < this.held; e++) out.push({ key: this.keys[e], count: this.t[2 * e] });
    return out.sort(byCountThenKey);
  }

  /** Forgets every key; the room grown so far is kept (a busy route stays busy). */
  reset(): void {
    this.t.fill(0);
    this.keys.fill('');
    this.held = 0;
    this.n = 0;
  }
}

/** The index's size for `room` counters: a power of two >= 2 * room (load <= 1/2). */
function indexSize(room: number): number {
  let size = 4;
  while (size < 2 * room) size *= 2;
  return size;
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

/** Bytes [off, off + len) -> latin1 string (V8 builds strings under 13 chars flat). */
function latin1(b: Uint8Array, off: number, len: number): string {
  if (len > 12) return bytesToKey(b.subarray(off, off + len));
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(b[off + i]);
  return s;
}

/** latin1 string -> bytes. */
export function keyToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
