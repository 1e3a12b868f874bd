// Long computations of the data path as resumable steps: each pass is a generator that yields
// every few rows, so the same code runs straight through (runSteps: a worker, tests, the bench)
// or in slices of the main thread between frames (runSliced). Hot-spot detection where no worker
// can start; the time events and the Raft columns they read, after every load.

/** The row passes yield once per this many rows (a mask: 16 rows, well under 1 ms each). */
export const ROWS_PER_STEP_MASK = 15;
/** Longest slice of the main thread a sliced run takes (ms): well under a 50 ms long task. */
export const MAIN_SLICE_MS = 8;

/** Column passes over every group or row yield once per this many columns (64). */
export const COLS_PER_STEP_MASK = 63;

/** Runs a stepped computation to its end, synchronously. */
export function runSteps<T>(g: Generator<void, T, void>): T {
  let r = g.next();
  while (!r.done) r = g.next();
  return r.value;
}

export interface SliceOptions {
  /** Longest slice (ms) before handing the thread back. */
  budgetMs: number;
  /** Runs `fn` later (a macrotask: the page can paint and handle input in between). */
  schedule: (fn: () => void) => void;
  now: () => number;
  signal?: AbortSignal;
  /** Called with each slice's duration (ms), for the tests and timings. */
  onSlice?: (ms: number) => void;
}

/**
 * Runs a stepped computation in slices of at most about `budgetMs` each (a slice ends at the
 * first step boundary past the budget). Rejects with the signal's reason when aborted.
 */
export function runSliced<T>(g: Generator<void, T, void>, o: SliceOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const slice = (): void => {
      if (o.signal?.aborted) {
        reject(o.signal.reason as Error);
        return;
      }
      const t0 = o.now();
      try {
        for (;;) {
          const r = g.next();
          if (r.done) {
            o.onSlice?.(o.now() - t0);
            resolve(r.value);
            return;
          }
          if (o.now() - t0 >= o.budgetMs) break;
        }
      } catch (e) {
        reject(e as Error);
        return;
      }
      o.onSlice?.(o.now() - t0);
      o.schedule(slice);
    };
    o.schedule(slice);
  });
}

/** The page's slicing: MAIN_SLICE_MS slices, each next one a macrotask later (paint and input between). */
export function mainThreadSlices(signal?: AbortSignal): SliceOptions {
  return {
    budgetMs: MAIN_SLICE_MS,
    schedule: (fn) => setTimeout(fn, 0),
    now: () => performance.now(),
    ...(signal && { signal }),
  };
}
