// What the page says about a failed load. Builds on the client's classifyError and separates
// "keyviz is switched off on the node" from "a proxy/network could not reach the node": both
// can arrive as Unavailable, but only the node's own answer carries its message.

import { classifyError, type LoadFailure } from '../api/client.ts';
import { classifyJsonError, JsonApiError } from '../api/jsonSource.ts';

export interface LoadError {
  kind: LoadFailure;
  /** Code name, e.g. "Unavailable". */
  code: string;
  message: string;
}

const NETWORK = /failed to fetch|networkerror|network error|load failed|ECONNREFUSED|^HTTP 5\d\d/i;

export function describeLoadError(e: unknown): LoadError {
  // The JSON source's errors carry an HTTP status; a proxy's bare 5xx means "not reached".
  if (e instanceof JsonApiError) {
    const j = classifyJsonError(e);
    return j.kind === 'other' && /^http_5\d\d$/.test(j.code) ? { ...j, kind: 'unreachable' } : j;
  }
  const c = classifyError(e);
  if (c.kind === 'disabled' && NETWORK.test(c.message)) return { ...c, kind: 'unreachable' };
  return c;
}
