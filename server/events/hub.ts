// The live event hub of one sampler: observes its flushes and route transitions
// and fans them out to open streams, each with its own bounded queue. Columns are
// pivoted once per (series, row budget) per flush, however many streams want them.
import { Code, ConnectError } from '@connectrpc/connect';
import { KeyVizSeries } from '../../src/gen/admin_pb.ts';
import { rowBudget } from '../sampler/request.ts';
import type { SamplerObserver } from '../sampler/sampler.ts';
import type { MatrixResult, MatrixRequest } from '../sampler/types.ts';
import { BoundedQueue } from './queue.ts';
import type { LiveItem, StreamRequest, StreamStats } from './types.ts';

export const ALL_SERIES: readonly number[] = [
  KeyVizSeries.KEYVIZ_SERIES_READS,
  KeyVizSeries.KEYVIZ_SERIES_WRITES,
  KeyVizSeries.KEYVIZ_SERIES_READ_BYTES,
  KeyVizSeries.KEYVIZ_SERIES_WRITE_BYTES,
];

/** Items a stream may have unread before it is dropped (16 flushes of all four series). */
export const DEFAULT_QUEUE_LIMIT = 64;
export const DEFAULT_HEARTBEAT_MS = 15_000;

export interface EventSource {
  addObserver(o: SamplerObserver): () => void;
  matrix(req: MatrixRequest): MatrixResult;
}

export interface HubOptions {
  queueLimit?: number;
  heartbeatMs?: number;
  now?: () => number;
}

interface Stream {
  queue: BoundedQueue<LiveItem>;
  series: readonly number[];
  rows: number;
}

/** Series as asked: unknown values mean writes (the node's rule), duplicates once. */
export function normaliseSeries(series: readonly number[]): number[] {
  if (series.length === 0) return [...ALL_SERIES];
  const out: number[] = [];
  for (const s of series) {
    const v = ALL_SERIES.includes(s) ? s : KeyVizSeries.KEYVIZ_SERIES_WRITES;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** Keeps only the last column of a pivot (two flushes at one instant share a time). */
export function lastColumnOnly(r: MatrixResult): MatrixResult {
  const n = r.columnUnixMs.length;
  if (n <= 1) return r;
  return {
    columnUnixMs: [r.columnUnixMs[n - 1]],
    rows: r.rows.map((row) => ({
      meta: row.meta,
      values: row.values.slice(n - 1),
      raftGroupIds: row.raftGroupIds.slice(n - 1),
      leaderTerms: row.leaderTerms.slice(n - 1),
    })),
  };
}

export class EventHub {
  private readonly streams = new Set<Stream>();
  private readonly unobserve: () => void;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private readonly limit: number;
  private readonly heartbeatMs: number;
  private readonly now: () => number;
  private counts = { opened: 0, closed: 0, droppedSlow: 0 };
  private shut = false;

  constructor(
    private readonly source: EventSource,
    opts: HubOptions = {},
  ) {
    this.limit = opts.queueLimit ?? DEFAULT_QUEUE_LIMIT;
    this.heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.now = opts.now ?? Date.now;
    this.unobserve = source.addObserver({
      flushed: (t) => this.onFlush(t),
      transition: (transition) => this.broadcast({ kind: 'transition', transition }),
    });
  }

  /**
   * Items until `signal` aborts, the hub closes, or the stream falls behind
   * (ResourceExhausted). Throws at once when the hub is shut.
   */
  stream(req: StreamRequest, signal: AbortSignal): AsyncGenerator<LiveItem> {
    if (this.shut) throw new ConnectError('server shutting down', Code.Unavailable);
    return this.run(req, signal);
  }

  private async *run(req: StreamRequest, signal: AbortSignal): AsyncGenerator<LiveItem> {
    const limit = this.limit;
    const s: Stream = {
      series: normaliseSeries(req.series),
      rows: rowBudget(req.rows),
      queue: new BoundedQueue<LiveItem>(limit, () => {
        this.counts.droppedSlow++;
        return new ConnectError(
          `stream fell behind: more than ${limit} events unread; reconnect and fetch the gap with GetKeyVizMatrix`,
          Code.ResourceExhausted,
        );
      }),
    };
    this.streams.add(s);
    this.counts.opened++;
    this.syncTimer();
    // The client's leaving releases the stream, not only this generator's end: a
    // transport whose write to a gone client never settles (connect-node over a
    // reset HTTP/2 stream or a closed HTTP/1.1 socket) never pulls again, leaving
    // the generator suspended at its yield for good.
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      signal.removeEventListener('abort', release);
      // A late pull after an abort rejects with its reason, as before.
      s.queue.close(signal.aborted ? signal.reason : undefined);
      this.streams.delete(s);
      this.counts.closed++;
      this.syncTimer();
    };
    signal.addEventListener('abort', release, { once: true });
    if (signal.aborted) release();
    try {
      for (;;) {
        const item = await s.queue.next(signal);
        if (item === undefined) return;
        yield item;
      }
    } finally {
      release();
    }
  }

  stats(): StreamStats {
    return { open: this.streams.size, ...this.counts, timers: this.heartbeat ? 1 : 0 };
  }

  /** Ends every stream cleanly and stops observing (shutdown). */
  close(): void {
    this.shut = true;
    this.unobserve();
    for (const s of this.streams) s.queue.close();
    this.syncTimer(true);
  }

  private onFlush(unixMs: number): void {
    if (this.streams.size === 0) return;
    const memo = new Map<string, MatrixResult>();
    const column = (series: number, rows: number): MatrixResult => {
      const k = `${series}/${rows}`;
      let r = memo.get(k);
      if (!r) {
        r = lastColumnOnly(this.source.matrix({ series, fromUnixMs: unixMs, toUnixMs: 0, rows }));
        memo.set(k, r);
      }
      return r;
    };
    for (const s of this.streams) {
      for (const series of s.series) {
        if (!s.queue.push({ kind: 'column', unixMs, series, result: column(series, s.rows) })) {
          break;
        }
      }
    }
  }

  private broadcast(item: LiveItem): void {
    for (const s of this.streams) s.queue.push(item);
  }

  private syncTimer(stop = false): void {
    const want = !stop && this.streams.size > 0;
    if (want && !this.heartbeat) {
      this.heartbeat = setInterval(
        () => this.broadcast({ kind: 'heartbeat', unixMs: this.now() }),
        this.heartbeatMs,
      );
      this.heartbeat.unref?.();
    } else if (!want && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }
}
