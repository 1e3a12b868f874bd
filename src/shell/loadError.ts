// What the page says about a failed load: the classifier of the source that failed.

import { classifyError, type LoadFailure } from '../api/client.ts';
import { jsonClassifierFor } from '../api/jsonErrors.ts';

export interface LoadError {
  kind: LoadFailure;
  /** Code name, e.g. "Unavailable". */
  code: string;
  message: string;
}

export function describeLoadError(e: unknown): LoadError {
  return (jsonClassifierFor(e) ?? classifyError)(e);
}
