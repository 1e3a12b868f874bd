// The 1-in-R sampling roll: a splitmix-style generator (the node rolls
// splitmix64 lock-free; one event loop needs no atomics, and 32-bit state keeps
// it to integer ops without BigInt). Seedable so tests are deterministic.

export class SampleRoll {
  private state: number;

  constructor(seed = 0x2545f491) {
    this.state = seed | 0;
  }

  /** The next 32-bit unsigned value. */
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** True about once in `rate` calls (always for rate 1). */
  admit(rate: number): boolean {
    return this.next() % rate === 0;
  }
}
