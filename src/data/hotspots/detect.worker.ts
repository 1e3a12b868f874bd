// Hot-spot detection off the main thread: the page posts the cells (a structured-clone copy),
// the worker answers the ranked list. Same code as the main thread's fallback (detect.ts).
import { detectHotSpots, type DetectInput } from './detect.ts';
import type { HotSpot } from './types.ts';

export interface DetectRequest {
  id: number;
  input: DetectInput;
  limit?: number;
}

export type DetectReply = { id: number; spots: HotSpot[] } | { id: number; error: string };

interface WorkerScope {
  onmessage: ((e: MessageEvent<DetectRequest>) => void) | null;
  postMessage(reply: DetectReply): void;
}

const scope = self as unknown as WorkerScope;
scope.onmessage = (e) => {
  const { id, input, limit } = e.data;
  try {
    scope.postMessage({ id, spots: detectHotSpots(input, limit ? { limit } : {}) });
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
