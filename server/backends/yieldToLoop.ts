// The pause between two slices of heavy work: lets the event loop run I/O and
// timers (setImmediate runs after the poll phase), then stops the work with the
// signal's reason if its caller has gone.
export function yieldToLoop(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      if (signal?.aborted) reject(signal.reason as Error);
      else resolve();
    });
  });
}

/**
 * `p`, or the signal's reason as soon as it aborts; the abort listener is
 * removed when `p` settles (no listener piles up on a long-lived signal).
 */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}
