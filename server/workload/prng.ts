// A small seeded PRNG (splitmix32) so every workload run is reproducible from
// --seed. Math.random is never used: determinism is a tested property.

/** Finalizer of MurmurHash3 / splitmix: a good 32-bit avalanche mix. */
export function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Derives an independent 32-bit stream seed from a seed and any number of integers. */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = mix32(seed ^ 0x5bd1e995);
  for (const p of parts) {
    // Split each part into two 32-bit halves so step indices beyond 2^32 still mix in.
    const lo = p >>> 0;
    const hi = Math.floor(p / 0x1_0000_0000) >>> 0;
    h = mix32(h ^ lo) + 0x9e3779b9;
    h = mix32(h ^ hi);
  }
  return h >>> 0;
}

/** Turns a user seed (any finite number, possibly above 2^32) into 32 bits. */
export function normalizeSeed(seed: number): number {
  if (!Number.isFinite(seed)) return 0;
  const s = Math.trunc(Math.abs(seed));
  return deriveSeed(s >>> 0, Math.floor(s / 0x1_0000_0000), seed < 0 ? 1 : 0);
}

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Next uniform uint32. */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return mix32(this.state);
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.next() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Integer with expectation `rate` (stochastic rounding; rate >= 0). */
  count(rate: number): number {
    const whole = Math.floor(rate);
    return this.float() < rate - whole ? whole + 1 : whole;
  }
}
