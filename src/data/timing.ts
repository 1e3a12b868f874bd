// The one User Timing helper: DevTools' performance panel, the perf tests and the benches read
// these measures by name (keyviz:fetch, keyviz:decode, keyviz:render, ...).

/** Records `name` from `start` (a performance.now() value) to now. */
export function measureSince(name: string, start: number): void {
  try {
    performance.measure(name, { start, end: performance.now() });
  } catch {
    // User Timing may be disabled by an embedder; timing is diagnostic, never a failure.
  }
}
