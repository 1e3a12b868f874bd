// Sliding-window limiter: at most `limit` events per `windowMs` per key (remote address).
// Memory stays bounded: idle keys are dropped whenever the map is swept.

export interface RateLimiter {
  /** Records an attempt; returns 0 when allowed, else the ms until one is allowed again. */
  take(key: string): number;
}

export function createRateLimiter(limit: number, windowMs: number, now: () => number): RateLimiter {
  const hits = new Map<string, number[]>();
  let lastSweep = now();

  const sweep = (t: number): void => {
    for (const [k, times] of hits) {
      if (times[times.length - 1] <= t - windowMs) hits.delete(k);
    }
    lastSweep = t;
  };

  return {
    take(key) {
      const t = now();
      if (t - lastSweep >= windowMs) sweep(t);
      const times = (hits.get(key) ?? []).filter((x) => x > t - windowMs);
      if (times.length >= limit) {
        hits.set(key, times);
        return Math.max(1, times[0] + windowMs - t);
      }
      times.push(t);
      hits.set(key, times);
      return 0;
    },
  };
}
