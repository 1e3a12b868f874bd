// Matrix-sized typed arrays handed back for reuse once nothing holds them any more, for the
// live append (liveAppend.ts). A live column rebuilds the row-major matrix (every row grows by
// one cell), and writing a freshly allocated 12 MB array costs a page fault per 4 kB: on the
// measured machine that was most of a column's main-thread time, against about a millisecond
// for the same copy into memory already touched. Reuse never breaks the matrix's immutability:
// an array's buffer is reused only after the array itself has been garbage collected (a
// WeakRef), so no matrix, raster or worker request still reads it. The rule this relies on: no
// code keeps a second view (subarray, `.buffer`) of a matrix array beyond the task that made it.

type Pooled = Float64Array | Uint8Array;

interface Entry {
  buffer: ArrayBuffer;
  ref: WeakRef<Pooled>;
}

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
  /** Arrays handed out by reuse / by allocation (tests and benches read them). */
  reused = 0;
  allocated = 0;

  constructor(opts: ArrayPoolOptions = {}) {
    this.collected = opts.collected ?? ((r) => r.deref() === undefined);
    this.spare = opts.spare ?? 6;
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
    if (a.byteLength > 0)
      this.entries.push({ buffer: a.buffer as ArrayBuffer, ref: new WeakRef(a) });
    return a;
  }

  /** A collected buffer of exactly `bytes`, removed from the pool; null when there is none. */
  private take(bytes: number): ArrayBuffer | null {
    let found: ArrayBuffer | null = null;
    let spare = 0;
    // Newest first: the spares kept are the most recent (the sizes a live session uses now).
    const kept: Entry[] = [];
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (!this.collected(e.ref)) kept.push(e);
      else if (found === null && e.buffer.byteLength === bytes) found = e.buffer;
      else if (spare < this.spare) (spare++, kept.push(e));
    }
    this.entries = kept.reverse();
    if (found) this.reused++;
    return found;
  }
}
