// The event loop's delay as /healthz/detail reports it: Node's histogram
// (perf_hooks.monitorEventLoopDelay, 10 ms resolution) read and reset every 10 s, so
// an operator sees the last whole window (p50, p99, max) and the worst max since
// start: "is one request's work holding the loop?" answered from the running process.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopDelayWindow {
  windowMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LoopDelayHealth {
  /** The last complete window, or null before the first one ends. */
  last: LoopDelayWindow | null;
  /** The largest delay of any complete window since start. */
  worstMaxMs: number;
}

export const LOOP_WINDOW_MS = 10_000;

const ms = (ns: number) => Math.round(ns / 1e4) / 100;

/** A window's figures from a histogram (nanoseconds in, milliseconds out, 2 decimals). */
export function windowOf(
  h: Pick<IntervalHistogram, 'percentile' | 'max' | 'count'>,
  windowMs: number,
): LoopDelayWindow | null {
  if (h.count === 0) return null;
  return { windowMs, p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) };
}

/** Starts measuring; `read()` gives the figures, `stop()` ends it. */
export function watchLoopDelay(windowMs = LOOP_WINDOW_MS): {
  read: () => LoopDelayHealth;
  stop: () => void;
} {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  let last: LoopDelayWindow | null = null;
  let worstMaxMs = 0;
  const timer = setInterval(() => {
    last = windowOf(h, windowMs);
    if (last) worstMaxMs = Math.max(worstMaxMs, last.maxMs);
    h.reset();
  }, windowMs);
  timer.unref();
  return {
    read: () => ({ last, worstMaxMs }),
    stop: () => {
      clearInterval(timer);
      h.disable();
    },
  };
}
