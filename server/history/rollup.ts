// Roll-ups: finer columns summed into one column per aligned window of a
// coarser tier (window start = floor(t / width) * width, UTC epoch aligned).
// Counters add up; Raft group and leader term keep the last value seen, and
// `changed` marks an entry whose group or term changed inside the window.
// Idle entries (all four counters zero) do not make an entry of the roll-up.
import { narrowCopy } from './codec.ts';
import type { FullColumn } from './types.ts';

export function windowStart(t: number, widthMs: number): number {
  return Math.floor(t / widthMs) * widthMs;
}

export class Rollup {
  private start: number | null = null;
  private readonly slot = new Map<number, number>();
  private keys: number[] = [];
  private sums: number[] = [];
  private groups: number[] = [];
  private terms: number[] = [];
  private changed: boolean[] = [];

  constructor(readonly widthMs: number) {
    if (!(widthMs >= 1)) throw new RangeError('roll-up width must be at least 1 ms');
  }

  /** Start of the open window, or null before the first column. */
  get openStart(): number | null {
    return this.start;
  }

  /**
   * Adds one finer column. Returns the window it closes (when `col` starts a
   * later window), else null. Columns must come oldest first.
   */
  add(col: FullColumn): FullColumn | null {
    const w = windowStart(col.unixMs, this.widthMs);
    let closed: FullColumn | null = null;
    if (this.start !== null && w > this.start) closed = this.close();
    else if (this.start !== null && w < this.start) return null; // older than the open window: already rolled
    this.start = w;
    const n = col.keys.length;
    const idle = col.idle;
    let p = 0;
    for (let i = 0; i < n; i++) {
      if (idle && p < idle.length && idle[p] === i) {
        p++;
        continue;
      }
      const key = col.keys[i];
      let s = this.slot.get(key);
      const g = col.groups[i];
      const t = col.terms[i];
      if (s === undefined) {
        s = this.keys.length;
        this.slot.set(key, s);
        this.keys.push(key);
        this.sums.push(0, 0, 0, 0);
        this.groups.push(g);
        this.terms.push(t);
        this.changed.push(col.changed ? col.changed[i] === 1 : false);
      } else {
        if (this.groups[s] !== g || this.terms[s] !== t || (col.changed && col.changed[i] === 1)) {
          this.changed[s] = true;
        }
        this.groups[s] = g;
        this.terms[s] = t;
      }
      for (let k = 0; k < 4; k++) this.sums[4 * s + k] += col.counters[k * n + i];
    }
    return closed;
  }

  /** The open window as a column (entries in key order), and a fresh empty window. */
  close(): FullColumn | null {
    if (this.start === null) return null;
    const m = this.keys.length;
    const order = Array.from({ length: m }, (_, i) => i).sort(
      (a, b) => this.keys[a] - this.keys[b],
    );
    const keys = new Uint32Array(m);
    const counters = new Float64Array(4 * m);
    const groups = new Float64Array(m);
    const terms = new Float64Array(m);
    let anyChanged = false;
    const changed = new Uint8Array(m);
    order.forEach((s, i) => {
      keys[i] = this.keys[s];
      for (let k = 0; k < 4; k++) counters[k * m + i] = this.sums[4 * s + k];
      groups[i] = this.groups[s];
      terms[i] = this.terms[s];
      if (this.changed[s]) {
        changed[i] = 1;
        anyChanged = true;
      }
    });
    const col: FullColumn = {
      unixMs: this.start,
      widthMs: this.widthMs,
      keys,
      counters: narrowCopy(counters),
      groups: narrowCopy(groups),
      terms: narrowCopy(terms),
      idle: null,
      changed: anyChanged ? changed : null,
    };
    this.start = null;
    this.slot.clear();
    this.keys = [];
    this.sums = [];
    this.groups = [];
    this.terms = [];
    this.changed = [];
    return col;
  }
}
