// How a failure of the JSON source is explained, without the JSON source's module in the first
// paint of a Connect page: source.ts registers jsonSource.ts's classifier when it loads that
// module (lazily), and only that module makes the errors it classifies.
import type { LoadFailure } from './client.ts';

type Classify = (e: unknown) => { kind: LoadFailure; code: string; message: string };

let classifier: Classify | null = null;

export function setJsonClassifier(f: Classify): void {
  classifier = f;
}

/** The JSON source's classifier for one of its own errors (a JsonApiError), else null. */
export function jsonClassifierFor(e: unknown): Classify | null {
  return e instanceof Error && e.name === 'JsonApiError' ? classifier : null;
}
