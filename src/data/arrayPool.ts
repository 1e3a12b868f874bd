// Matrix-sized typed arrays handed back for reuse, for the live append (liveAppend.ts). A live
// column rebuilds the row-major matrix (every row grows by one cell), and writing a freshly
// allocated 12 MB array costs a page fault per 4 kB: on the measured machine that was most of
// a column's main-thread time, against about a millisecond for the same copy into memory
// already touched. Reuse never changes a matrix anyone still reads. An array comes back when
//   - it was garbage collected (a WeakRef: nothing at all holds it), or
//   - the matrix it belongs to is RETIRE_AFTER generations old (a generation = one state update
//     of the live session: the page shows only the newest matrix; the previous ones are read
//     for their rows and columns while React moves on, never for their cells) and nobody
//     marked it held (arrayHold.ts: code that keeps an older matrix and reads its cells later,
//     such as hot-spot detection, which may run on a matrix several columns old).
// The rule this relies on: no code keeps a second view (subarray, `.buffer`) of a matrix array
// beyond the task that made it, and code that reads an older matrix's cells later holds it.

import { isHeld } from './arrayHold.ts';

type Pooled = Float64Array | Uint8Array;

interface Entry {
  buffer: ArrayBuffer;
  ref: WeakRef<Pooled>;
  generation: number;
}

/** Generations after which an array not held comes back (see the top of the file). */
export const RETIRE_AFTER = 3;

export interface ArrayPoolOptions {
  /**
   * Whether nothing holds the array any more: default, it was collected. Tests pass their own
   * (a collection cannot be forced in them).
   */
  collected?: (ref: WeakRef<Pooled>) => boolean;
  /**
   * Most collected buffers kept for reuse (the rest are let go); default 6, two matrices' values,
   * groups and terms: a major collection frees several matrices at once, and the spares carry
   * the next appends to the one after.
   */
  spare?: number;
}

export class ArrayPool {
  private entries: Entry[] = [];
  private readonly collected: (ref: WeakRef<Pooled>) => boolean;
  private readonly spare: number;
  private generation = 0;
  /** Arrays handed out by reuse / by allocation (tests and benches read them). */
  reused = 0;
  allocated = 0;

  constructor(opts: ArrayPoolOptions = {}) {
    this.collected = opts.collected ?? ((r) => r.deref() === undefined);
    this.spare = opts.spare ?? 6;
  }

  /** A new state update: arrays handed out RETIRE_AFTER updates ago may come back. */
  nextGeneration(): void {
    this.generation++;
  }

  /** A Float64Array of n elements; its contents are unspecified (a reused one holds old data). */
  f64(n: number): Float64Array {
    const b = this.take(n * Float64Array.BYTES_PER_ELEMENT);
    return this.watch(b ? new Float64Array(b, 0, n) : (this.allocated++, new Float64Array(n)));
  }

  /** A Uint8Array of n elements; contents unspecified, as f64. */
  u8(n: number): Uint8Array {
    const b = this.take(n);
    return this.watch(b ? new Uint8Array(b, 0, n) : (this.allocated++, new Uint8Array(n)));
  }

  private watch<T extends Pooled>(a: T): T {
    if (a.byteLength > 0) {
      const buffer = a.buffer as ArrayBuffer;
      this.entries.push({ buffer, ref: new WeakRef(a), generation: this.generation });
    }
    return a;
  }

  /** Whether an entry's array may be overwritten now. */
  private free(e: Entry): boolean {
    if (this.collected(e.ref)) return true;
    const a = e.ref.deref();
    return !!a && !isHeld(a) && e.generation <= this.generation - RETIRE_AFTER;
  }

  /** A free buffer of exactly `bytes`, removed from the pool; null when there is none. */
  private take(bytes: number): ArrayBuffer | null {
    let found: ArrayBuffer | null = null;
    let spare = 0;
    // Newest first: the spares kept are the most recent (the sizes a live session uses now).
    const kept: Entry[] = [];
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      const free = this.free(e);
      if (free && found === null && e.buffer.byteLength === bytes) found = e.buffer;
      else if (!free || spare++ < this.spare) kept.push(e);
    }
    this.entries = kept.reverse();
    if (found) this.reused++;
    return found;
  }
}
