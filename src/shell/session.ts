// What the sign-in form says when the JSON API refuses a sign-in. Pure.

import { JsonApiError } from '../api/jsonSource.ts';

export function signInErrorText(e: unknown): string {
  if (!(e instanceof JsonApiError)) return `Sign-in failed: ${String(e)}`;
  if (e.status === 401) return 'Wrong access key or secret key.';
  if (e.status === 429) {
    const wait = e.retryAfterSec !== null ? ` in ${e.retryAfterSec} s` : ' in a minute';
    return `Too many sign-in attempts from this address: try again${wait}.`;
  }
  if (e.status === 0) return 'No answer from the node: is it running?';
  return `Sign-in failed (${e.code}${e.message && e.message !== e.code ? `: ${e.message}` : ''}).`;
}
