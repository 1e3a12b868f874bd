// One view's loads: at most one request in flight (a new load aborts the older one), an
// optional polling interval, exponential back-off after failures, and no polling while the tab
// is hidden. DOM-free: timers and visibility are injected, so it is testable without a browser.

export type LoadOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface PollerDeps<T> {
  load: (signal: AbortSignal) => Promise<T>;
  onOutcome: (o: LoadOutcome<T>) => void;
  onBusy: (busy: boolean) => void;
  isHidden: () => boolean;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  now: () => number;
}

/** Longest wait between polls after repeated failures. */
export const MAX_BACKOFF_MS = 5 * 60_000;

/** Delay before the next poll: the interval, doubled per consecutive failure, capped. */
export function pollDelayMs(intervalMs: number, failures: number): number {
  if (failures <= 0) return intervalMs;
  return Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** Math.min(failures, 16));
}

export class Poller<T> {
  private controller: AbortController | null = null;
  private timer: unknown = null;
  private intervalMs = 0;
  private failures = 0;
  /** When the next poll is due (ms, deps.now clock); null when none is scheduled. */
  private dueAt: number | null = null;
  private disposed = false;

  constructor(private deps: PollerDeps<T>) {}

  /** Consecutive failed loads (0 after a success). */
  get failureCount(): number {
    return this.failures;
  }

  /** The time the next poll is due, or null. */
  get nextDueAt(): number | null {
    return this.dueAt;
  }

  /** Replaces what a load fetches (e.g. a new series) and loads at once. */
  setLoad(load: (signal: AbortSignal) => Promise<T>): void {
    this.deps.load = load;
    this.loadNow();
  }

  /** 0 = no polling. Changing it reschedules without an extra load. */
  setInterval(ms: number): void {
    this.intervalMs = ms > 0 ? ms : 0;
    if (!this.controller) this.schedule();
  }

  /** Loads now, aborting any load in flight (the Refresh button, a new view). */
  loadNow(): void {
    if (this.disposed) return;
    this.cancelTimer();
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.deps.onBusy(true);
    this.deps.load(controller.signal).then(
      (value) => this.settle(controller, { ok: true, value }),
      (error: unknown) => this.settle(controller, { ok: false, error }),
    );
  }

  /** Call on visibilitychange: hidden stops the clock, visible catches up if a poll was due. */
  visibilityChanged(): void {
    if (this.disposed) return;
    if (this.deps.isHidden()) {
      this.cancelTimer(true);
      return;
    }
    if (this.intervalMs > 0 && !this.controller && this.timer === null) {
      const due = this.dueAt ?? this.deps.now();
      if (due <= this.deps.now()) this.loadNow();
      else this.arm(due - this.deps.now());
    }
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
    this.controller?.abort();
    this.controller = null;
  }

  private settle(controller: AbortController, o: LoadOutcome<T>): void {
    // A superseded (aborted) load reports nothing: only the newest load's answer counts.
    if (this.disposed || controller !== this.controller) return;
    this.controller = null;
    this.failures = o.ok ? 0 : this.failures + 1;
    this.schedule(); // first, so onOutcome can read nextDueAt
    this.deps.onBusy(false);
    this.deps.onOutcome(o);
  }

  private schedule(): void {
    this.cancelTimer();
    if (this.intervalMs <= 0 || this.disposed) return;
    const delay = pollDelayMs(this.intervalMs, this.failures);
    this.dueAt = this.deps.now() + delay;
    if (!this.deps.isHidden()) this.arm(delay);
  }

  private arm(ms: number): void {
    this.timer = this.deps.setTimer(() => {
      this.timer = null;
      this.loadNow();
    }, ms);
  }

  /** keepDue: remember when the poll was due (tab hidden) so returning can catch up. */
  private cancelTimer(keepDue = false): void {
    if (this.timer !== null) this.deps.clearTimer(this.timer);
    this.timer = null;
    if (!keepDue) this.dueAt = null;
  }
}
