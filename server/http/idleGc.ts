// A full garbage collection once the server has gone quiet after heavy answers.
//
// V8 collects when a program allocates. A server that has just sent thousands of
// matrices and then goes quiet allocates almost nothing, so their garbage stays: in the
// load bench the RSS was 278 MB 30 s after the load against 171 MB before it (heap
// 168 MB used), and a collection forced then took a process from 326 to 141 MB. So when
// no matrix call has started for a whole interval and the heap has grown well past what
// the last collection left, the server collects once (tens of ms, while nobody waits).
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface IdleGcStats {
  /** Collections run since start. */
  runs: number;
  /** How long the last one held the loop (ms). */
  lastMs: number;
  /** Heap it freed (MB, last run). */
  lastFreedMb: number;
}

export interface IdleGcOptions {
  /** Heavy calls started since start (Admission.granted): unchanged for an interval = quiet. */
  busyCount: () => number;
  /** How often to look (default 10 s: the heap is collected 10-20 s after the last call). */
  intervalMs?: number;
  /** Collect only above this heap (bytes), and above 1.5x what the last collection left. */
  minHeapBytes?: number;
}

/** Node's gc(): exposed at run time, without a command-line flag. Null where it cannot be. */
function exposedGc(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

export function startIdleGc(opts: IdleGcOptions): { stats: IdleGcStats; stop: () => void } {
  const stats: IdleGcStats = { runs: 0, lastMs: 0, lastFreedMb: 0 };
  const gc = exposedGc();
  if (!gc) return { stats, stop: () => {} };
  const minHeap = opts.minHeapBytes ?? 64 * 1048576;
  let lastBusy = opts.busyCount();
  // The heap alone: process.memoryUsage() would read the RSS from /proc every tick for nothing.
  const heapUsed = () => getHeapStatistics().used_heap_size;
  let baseline = heapUsed();
  const timer = setInterval(() => {
    const busy = opts.busyCount();
    if (busy !== lastBusy) {
      lastBusy = busy;
      return;
    }
    const used = heapUsed();
    if (used < minHeap || used < 1.5 * baseline) return;
    const t0 = performance.now();
    gc();
    stats.lastMs = Math.round(performance.now() - t0);
    baseline = heapUsed();
    stats.lastFreedMb = Math.round((used - baseline) / 1048576);
    stats.runs++;
  }, opts.intervalMs ?? 10_000);
  timer.unref();
  return { stats, stop: () => clearInterval(timer) };
}
