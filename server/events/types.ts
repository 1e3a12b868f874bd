// What the live event stream carries, independent of protocol: the RPC handler
// turns items into StreamEventsEvent messages, the JSON API into server-sent events.
import type { RouteTransitionInfo } from '../sampler/sampler.ts';
import type { MatrixResult } from '../sampler/types.ts';

export type { RouteTransitionInfo };

export type LiveItem =
  /** One freshly flushed column of one series: `result` has exactly one column. */
  | { kind: 'column'; unixMs: number; series: number; result: MatrixResult; node?: string }
  | { kind: 'transition'; transition: RouteTransitionInfo; node?: string }
  /** Gateway: an upstream's stream state (failed and re-dialling, back, or polling). */
  | { kind: 'node'; node: string; ok: boolean; code: string; error: string }
  /** Keep-alive while nothing happens (proxies drop idle streams). */
  | { kind: 'heartbeat'; unixMs: number };

export interface StreamRequest {
  /** KeyVizSeries values; empty = all four. */
  series: readonly number[];
  /** Row budget per column (0 = 1024). */
  rows: number;
}

/** Counters for leak checks (tests, /healthz/streams). */
export interface StreamStats {
  /** Streams open now. */
  open: number;
  /** Streams ever opened / closed / dropped for falling behind. */
  opened: number;
  closed: number;
  droppedSlow: number;
  /** 1 while the shared heartbeat timer runs (only while a stream is open). */
  timers: number;
}
