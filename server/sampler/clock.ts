// Clocks for the sampler. Tests and backfill drive a ManualClock so flush times
// are deterministic; the running server uses systemClock (wall time, not aligned).
import type { Clock } from './types.ts';

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private ms: number;

  constructor(startMs = 0) {
    this.ms = startMs;
  }

  now(): number {
    return this.ms;
  }

  advance(ms: number): number {
    this.ms += ms;
    return this.ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }
}
