// The 1-in-R sampling roll. The node rolls splitmix64 on every write; here a
// splitmix-style 32-bit generator (integer ops, no BigInt) draws the gap to the
// next admitted write instead: each write is still admitted independently with
// probability 1/R (a geometric gap is exactly the waiting time of those
// Bernoulli trials), but a write that is not admitted costs one decrement
// rather than a hash and a modulo (observe's hot path). Seedable so tests are
// deterministic.

export class SampleRoll {
  private state: number;
  private rate = 0;
  /** ln(1 - 1/rate): the geometric draw's divisor. */
  private logQ = 0;
  /** Writes until (and including) the next admitted one. */
  private left = 0;

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

  /** True about once in `rate` calls (always for rate 1), independently per call. */
  admit(rate: number): boolean {
    if (rate !== this.rate) this.setRate(rate);
    if (--this.left > 0) return false;
    this.left = this.gap();
    return true;
  }

  private setRate(rate: number): void {
    this.rate = rate;
    this.logQ = rate > 1 ? Math.log1p(-1 / rate) : 0;
    this.left = this.gap();
  }

  /** A geometric draw on 1, 2, ...: P(k) = (1 - p)^(k - 1) p with p = 1/rate. */
  private gap(): number {
    if (this.logQ === 0) return 1;
    // u in (0, 1]: the longest gap (u = 2^-32) is cut at probability 2^-32.
    const u = (this.next() + 1) / 4294967296;
    return 1 + Math.floor(Math.log(u) / this.logQ);
  }
}
