// Leader, split/merge and gap events over the heatmap: one chunk fetched as the heatmap mounts
// (the first paint draws the cells without waiting for it; issue 17's bundle).
import { raftSteps } from '../../api/decodeMatrix.ts';
import type { Matrix } from '../../data/matrix.ts';
import { mainThreadSlices, runSliced } from '../../data/steps.ts';
import { timeEventsSteps, type ReportedTransition, type TimeEvent } from '../../data/timeEvents.ts';

export { eventsOnto, timeEvents } from '../../data/timeEvents.ts';
export { EventLines, EventMarkers } from './EventLayer.tsx';

/**
 * The matrix's time events, computed between frames: the Raft columns' decode and the leader
 * changes read two matrix-sized arrays (one 60-200 ms task on a 1024 x 1440 answer at once).
 * Rejects with the signal's reason when aborted (a newer matrix took over).
 */
export function timeEventsSliced(
  m: Matrix,
  reported: readonly ReportedTransition[],
  loadedToMs: number,
  signal: AbortSignal,
): Promise<TimeEvent[]> {
  function* all(): Generator<void, TimeEvent[], void> {
    yield* raftSteps(m);
    return yield* timeEventsSteps(m, reported, loadedToMs);
  }
  return runSliced(all(), mainThreadSlices(signal));
}
