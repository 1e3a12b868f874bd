// Answers of GetKeyVizMatrix between two flushes: the history only changes at
// a flush, so repeated requests (page polling, several tabs, many clients) share
// one pivot, and their encodings (answerMemo.ts) hang off that one answer. The
// gateway shares its follow-state answers through it too, with one generation and
// keys that carry the state's changes (ClusterFollower.answerKey).
//
// - Keyed by series counter, row budget and the window's column span (first and
//   last column sequence), so moving `from` inside a column is a hit; a new
//   flush generation empties the cache.
// - Single flight: callers asking while an answer is being computed wait for
//   that computation. A caller that goes away stops waiting at once. When the
//   last one has gone the computation goes on for the cache if fewer than
//   `maxOrphans` such computations run (so callers that keep cancelling still
//   see progress), else it is aborted (so they cannot pile up work).
// - Bounded: at most `maxBytes` of answers plus their memoised encodings
//   (least recently used dropped first) and at most `maxEntries` answers.
//   An answer dropped from the cache lives on only while a call still uses it.
// - Idle answers expire: one not asked for during `idleMs` (default 20 s) is
//   dropped with its encodings, so memory returns to its idle level soon after
//   a load stops instead of waiting for the next flush or request. The next
//   call after that computes it again (sliced, off the critical path).
import type { MatrixAnswer } from '../sampler/types.ts';
import { answerBytes } from './answerMemo.ts';

/**
 * 64 MiB: one full answer (1,024 x 1,440: 35 MB of pivot arrays, 4-5 MB binary, 10-21 MB JSON)
 * with its encodings, or many small ones. The history changes every step, so a larger cache
 * mostly holds answers nobody asks for again, at the process's memory (issue 16: 256 MiB made a
 * 1,000-route node 550 MB after 50 mixed queries).
 */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;
/** An answer unused this long is dropped (docs/server.md, "Memory"). */
export const DEFAULT_CACHE_IDLE_MS = 20_000;

interface Entry {
  answer: MatrixAnswer;
  /** performance.now() of the last hit or store. */
  used: number;
}

interface Flight {
  promise: Promise<MatrixAnswer>;
  waiters: number;
  ctl: AbortController;
  orphan: boolean;
}

export interface MatrixCacheOptions {
  maxBytes?: number;
  maxEntries?: number;
  /** Computations left running without a caller (default 2). */
  maxOrphans?: number;
  /** Drop an answer nobody asked for during this long (default DEFAULT_CACHE_IDLE_MS). */
  idleMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

export class MatrixCache {
  private gen = -1;
  private readonly entries = new Map<string, Entry>();
  private sweepTimer: NodeJS.Timeout | null = null;
  readonly idleMs: number;
  private readonly now: () => number;
  private readonly flights = new Map<string, Flight>();
  readonly maxBytes: number;
  readonly maxEntries: number;
  readonly maxOrphans: number;
  private orphans = 0;
  /** Computations started (tests and diagnostics: hits do not count). */
  computed = 0;
  /** Answers served from the cache or from a computation already running for the same key. */
  hits = 0;

  constructor(opts: MatrixCacheOptions = {}) {
    this.maxBytes = opts.maxBytes ?? DEFAULT_CACHE_BYTES;
    this.maxEntries = opts.maxEntries ?? 16;
    this.maxOrphans = opts.maxOrphans ?? 2;
    this.idleMs = opts.idleMs ?? DEFAULT_CACHE_IDLE_MS;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Same series counter, column span and row budget = same answer. */
  static key(counter: number, span: string, budget: number): string {
    return `${counter}|${span}|${budget}`;
  }

  /** Bytes held by cached answers and their encodings. */
  bytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += answerBytes(e.answer);
    return n;
  }

  get size(): number {
    return this.entries.size;
  }

  get(
    key: string,
    generation: number,
    compute: (signal: AbortSignal) => Promise<MatrixAnswer>,
    signal: AbortSignal,
  ): Promise<MatrixAnswer> {
    if (generation !== this.gen) {
      this.entries.clear();
      // Running computations finish for their waiters but are not stored.
      this.flights.clear();
      this.gen = generation;
    }
    this.trim();
    const hit = this.entries.get(key);
    if (hit) {
      // Refresh its place: the map's order is the eviction order.
      this.entries.delete(key);
      hit.used = this.now();
      this.entries.set(key, hit);
      this.hits++;
      return Promise.resolve(hit.answer);
    }
    let f = this.flights.get(key);
    if (f) this.hits++;
    else {
      const ctl = new AbortController();
      const gen = generation;
      this.computed++;
      const flight: Flight = { promise: compute(ctl.signal), waiters: 0, ctl, orphan: false };
      f = flight;
      this.flights.set(key, flight);
      const settled = () => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
        if (flight.orphan) this.orphans--;
        flight.orphan = false;
      };
      flight.promise.then((a) => {
        settled();
        if (gen !== this.gen || ctl.signal.aborted) return;
        this.entries.set(key, { answer: a, used: this.now() });
        this.trim();
        this.scheduleSweep();
      }, settled);
    }
    return this.wait(key, f, signal);
  }

  /** One caller's wait on a flight; leaving early releases its share. */
  private wait(key: string, f: Flight, signal: AbortSignal): Promise<MatrixAnswer> {
    if (signal.aborted) {
      this.leave(key, f, 0);
      return Promise.reject(signal.reason as Error);
    }
    f.waiters++;
    return new Promise<MatrixAnswer>((resolve, reject) => {
      let left = false;
      const onAbort = () => {
        left = true;
        this.leave(key, f, 1);
        reject(signal.reason as Error);
      };
      // Removed again when the flight settles: no listener piles up on a long-lived signal.
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        signal.removeEventListener('abort', onAbort);
        if (!left) f.waiters--;
        return !left;
      };
      f.promise.then(
        (a) => {
          if (settle()) resolve(a);
        },
        (e: unknown) => {
          if (settle()) reject(e as Error);
        },
      );
    });
  }

  private leave(key: string, f: Flight, share: number): void {
    f.waiters -= share;
    if (f.waiters > 0 || f.orphan) return;
    if (this.orphans < this.maxOrphans && this.flights.get(key) === f) {
      // Finish it for the cache; a new caller joins it.
      f.orphan = true;
      this.orphans++;
      return;
    }
    // Nobody waits any more: stop computing and forget it.
    f.ctl.abort(new Error('no caller left'));
    if (this.flights.get(key) === f) this.flights.delete(key);
  }

  private trim(): void {
    while (this.entries.size > this.maxEntries) this.dropOldest();
    let total = this.bytes();
    while (total > this.maxBytes && this.entries.size > 0) {
      total -= this.dropOldest();
    }
  }

  private dropOldest(): number {
    const k = this.entries.keys().next().value as string;
    const e = this.entries.get(k)!;
    this.entries.delete(k);
    return answerBytes(e.answer);
  }

  /** Drops answers idle for idleMs or more; returns how many went. */
  sweep(): number {
    const cutoff = this.now() - this.idleMs;
    let n = 0;
    // Least recently used first: stop at the first one still in use.
    for (const [k, e] of this.entries) {
      if (e.used > cutoff) break;
      this.entries.delete(k);
      n++;
    }
    return n;
  }

  /** One unref'd timer while answers are held: it never keeps the process alive. */
  private scheduleSweep(): void {
    if (this.sweepTimer || this.idleMs <= 0 || !Number.isFinite(this.idleMs)) return;
    const tick = () => {
      this.sweepTimer = null;
      this.sweep();
      if (this.entries.size > 0) this.scheduleSweep();
    };
    // Every half idle time: an answer goes between idleMs and 1.5 x idleMs after its last use.
    this.sweepTimer = setTimeout(tick, this.idleMs / 2);
    this.sweepTimer.unref();
  }
}
