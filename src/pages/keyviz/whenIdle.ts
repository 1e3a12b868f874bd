// Work that waits for an idle moment after a paint: requestIdleCallback with a deadline, or a
// plain timeout in browsers without it (Safari). One place for the hover warm-up and hot-spot
// detection.

/** Runs `fn` when the page is idle, at most `timeoutMs` later (`fallbackMs` where no idle callback exists); returns its cancel. */
export function whenIdle(fn: () => void, timeoutMs: number, fallbackMs: number): () => void {
  // Typed as optional: the DOM library declares it, Safari does not have it.
  const w = window as { requestIdleCallback?: Window['requestIdleCallback'] };
  if (w.requestIdleCallback) {
    const h = window.requestIdleCallback(() => fn(), { timeout: timeoutMs });
    return () => window.cancelIdleCallback(h);
  }
  const h = setTimeout(fn, fallbackMs);
  return () => clearTimeout(h);
}
