// Deadlines a client sends are clamped before connect-node sees them: a value
// beyond what setTimeout holds (2^31-1 ms, about 24.8 days) would otherwise
// fire at once with a TimeoutOverflowWarning. Clamped deadlines are still far
// longer than any call takes.
import type { IncomingHttpHeaders } from 'node:http';

/** 596 h = 2,145,600,000 ms, the largest whole-hour grpc-timeout below 2^31 ms. */
export const MAX_GRPC_TIMEOUT = '596H';
export const MAX_TIMEOUT_MS = 596 * 3_600_000;

const GRPC_UNIT_MS: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000001,
};

/** Rewrites over-long grpc-timeout and connect-timeout-ms headers in place. */
export function clampTimeoutHeaders(h: IncomingHttpHeaders): void {
  const g = h['grpc-timeout'];
  if (typeof g === 'string') {
    const m = /^(\d{1,8})([HMSmun])$/.exec(g);
    if (m && Number(m[1]) * GRPC_UNIT_MS[m[2]] > MAX_TIMEOUT_MS)
      h['grpc-timeout'] = MAX_GRPC_TIMEOUT;
  }
  const c = h['connect-timeout-ms'];
  if (typeof c === 'string' && /^\d{1,10}$/.test(c) && Number(c) > MAX_TIMEOUT_MS) {
    h['connect-timeout-ms'] = String(MAX_TIMEOUT_MS);
  }
}
