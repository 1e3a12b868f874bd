// The page's "Live" refresh: follows StreamEvents and hands each new column to
// the feed. On a dropped stream it reconnects with exponential back-off and fills
// the gap with one windowed GetKeyVizMatrix (from the newest column held + 1);
// where the server has no stream (a real node today) it polls that same windowed
// request instead. DOM-free: timers are injected, so it is testable without a browser.
import type { LiveEvent, LiveStream } from '../../api/liveEvents.ts';
import { LiveUnimplemented } from '../../api/liveUnimplemented.ts';
import { matrixColumns, type LiveColumn } from '../../data/liveAppend.ts';
import type { Matrix, Series } from '../../data/matrix.ts';

export type LiveState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'reconnecting'; atMs: number; error: string }
  | { kind: 'polling'; reason: string };

export type TransitionEvent = Extract<LiveEvent, { kind: 'transition' }>;

export interface LiveFollowerDeps {
  /** Undefined: the client has no stream at all (poll). */
  stream: LiveStream | undefined;
  /** GetKeyVizMatrix of the view's series from `fromMs` (open end). */
  fetchFrom(fromMs: number, signal: AbortSignal): Promise<Matrix>;
  /** Flush time of the newest column held (0 when none). */
  newest(): number;
  onColumns(cols: LiveColumn[]): void;
  onTransition(t: TransitionEvent): void;
  onState(s: LiveState): void;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(h: unknown): void;
  now(): number;
  /** Polling interval where there is no stream; default 5 s. */
  pollMs?: number;
}

const noop = (): void => {};

export const RETRY_MIN_MS = 1000;
export const RETRY_MAX_MS = 30_000;

/** Back-off before reconnect attempt n (1-based): 1 s, 2 s, 4 s ... 30 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.max(0, Math.min(attempt - 1, 15)));
}

export class LiveFollower {
  private ac: AbortController | null = null;
  private timer: unknown = null;
  private attempt = 0;
  private stopped = true;

  constructor(
    private readonly deps: LiveFollowerDeps,
    private readonly series: Series,
    private readonly rows: number,
  ) {}

  start(): void {
    this.stopped = false;
    if (!this.deps.stream) return this.poll('this source has no event stream');
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.ac?.abort();
    this.ac = null;
    if (this.timer !== null) this.deps.clearTimer(this.timer);
    this.timer = null;
  }

  private later(fn: () => void, ms: number): void {
    if (this.timer !== null) this.deps.clearTimer(this.timer);
    this.timer = this.deps.setTimer(() => {
      this.timer = null;
      if (!this.stopped) fn();
    }, ms);
  }

  private connect(): void {
    const ac = new AbortController();
    this.ac = ac;
    if (this.attempt === 0) this.deps.onState({ kind: 'connecting' });
    void this.follow(ac).catch((e: unknown) => {
      // Stopped, or replaced by a newer connection: nothing to retry. A connection this
      // follower aborted itself (its gap fetch failed) is retried like any other failure.
      if (this.stopped || this.ac !== ac) return;
      if (e instanceof LiveUnimplemented) return this.poll('the server has no event stream');
      this.attempt++;
      const delay = retryDelayMs(this.attempt);
      const message = e instanceof Error ? e.message : String(e);
      this.deps.onState({ kind: 'reconnecting', atMs: this.deps.now() + delay, error: message });
      this.later(() => this.connect(), delay);
    });
  }

  /** One stream: columns wait while the gap is fetched, then flow straight through. */
  private async follow(ac: AbortController): Promise<void> {
    const held: LiveColumn[] = [];
    let gapDone = false;
    let gapError: unknown = null;
    const gap = this.deps.fetchFrom(this.deps.newest() + 1, ac.signal).then((m) => {
      if (ac.signal.aborted) return;
      this.deps.onColumns([...matrixColumns(m), ...held]);
      held.length = 0;
      gapDone = true;
    });
    // A failed gap fetch fails the connection (and so is retried), under its own error.
    gap.catch((e: unknown) => {
      gapError = e;
      ac.abort();
    });
    try {
      const it = this.deps.stream!({ series: [this.series], rows: this.rows }, ac.signal);
      for await (const e of it) {
        if (e.kind === 'open') {
          // Live only once the gap is filled too: a stream alone leaves a hole on screen.
          if (gapDone) this.deps.onState({ kind: 'live' });
          else void gap.then(() => !ac.signal.aborted && this.deps.onState({ kind: 'live' }), noop);
        } else if (e.kind === 'column') {
          if (e.series !== this.series) continue;
          if (gapDone) {
            this.attempt = 0;
            this.deps.onColumns([e.column]);
          } else held.push(e.column);
        } else if (e.kind === 'transition') {
          this.deps.onTransition(e);
        }
      }
    } catch (e) {
      throw gapError ?? e;
    }
    await gap;
    // The server ended the stream (e.g. it shut down): reconnect like after a failure.
    throw new Error('stream ended');
  }

  private poll(reason: string): void {
    this.deps.onState({ kind: 'polling', reason });
    const tick = () => {
      const ac = new AbortController();
      this.ac = ac;
      this.deps
        .fetchFrom(this.deps.newest() + 1, ac.signal)
        .then(
          (m) => {
            if (!ac.signal.aborted) this.deps.onColumns(matrixColumns(m));
          },
          () => {},
        )
        .finally(() => {
          if (!this.stopped) this.later(tick, this.deps.pollMs ?? 5000);
        });
    };
    this.later(tick, this.deps.pollMs ?? 5000);
  }
}
