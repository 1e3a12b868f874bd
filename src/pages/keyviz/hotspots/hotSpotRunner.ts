// Where hot-spot detection runs: in a Web Worker (the page's main thread only copies the cells
// out), or, when no worker can start (a Content-Security-Policy whose worker-src leaves out the
// page's origin, a browser without module workers), on the main thread in slices of a few
// milliseconds between frames. Both run detect.ts, so both find the same list.
import type { DetectInput } from '../../../data/hotspots/detect.ts';
import { mainThreadSlices } from '../../../data/steps.ts';
import type { HotSpot } from '../../../data/hotspots/types.ts';
import type { DetectReply, DetectRequest } from '../../../data/hotspots/detect.worker.ts';

export type DetectEngine = 'worker' | 'main';

export interface HotSpotRunner {
  /** Detection over `input`; rejects with an AbortError when `signal` fires first. */
  detect(
    input: DetectInput,
    signal: AbortSignal,
  ): Promise<{ spots: HotSpot[]; engine: DetectEngine }>;
  dispose(): void;
}

/** Makes the worker; may throw (CSP, no module workers). Injected by tests. */
export type WorkerFactory = () => Worker;

export const defaultWorker: WorkerFactory = () =>
  new Worker(new URL('../../../data/hotspots/detect.worker.ts', import.meta.url), {
    type: 'module',
    name: 'keyviz-hotspots',
  });

interface Pending {
  input: DetectInput;
  resolve: (r: { spots: HotSpot[]; engine: DetectEngine }) => void;
  reject: (e: Error) => void;
  signal: AbortSignal;
}

function aborted(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
}

/** Main-thread detection in slices; yields to the event loop between them. */
export async function detectSliced(input: DetectInput, signal: AbortSignal): Promise<HotSpot[]> {
  // The detector is loaded only where it runs here: the worker has its own copy, and the
  // heatmap's first paint carries neither.
  const { detectSliced: runSliced } = await import('../../../data/hotspots/sliced.ts');
  return runSliced(input, mainThreadSlices(signal));
}

export function createHotSpotRunner(makeWorker: WorkerFactory = defaultWorker): HotSpotRunner {
  let worker: Worker | null = null;
  /** The worker failed to start or died: everything runs on the main thread from now on. */
  let broken = false;
  let nextId = 1;
  const inFlight = new Map<number, Pending>();
  /** The id the worker is busy with (its answer may be unwanted by now), or 0. */
  let busy = 0;
  /** The newest request waiting for the worker: older waiting ones are superseded. */
  let waiting: Pending | null = null;

  const onMain = (p: Pending): void => {
    detectSliced(p.input, p.signal).then(
      (spots) => p.resolve({ spots, engine: 'main' }),
      (e: unknown) => p.reject(e as Error),
    );
  };

  const fail = (): void => {
    broken = true;
    worker?.terminate();
    worker = null;
    // Whatever the worker held is run again where it can run.
    const held = [...inFlight.values(), ...(waiting ? [waiting] : [])];
    inFlight.clear();
    waiting = null;
    busy = 0;
    for (const p of held) if (!p.signal.aborted) onMain(p);
  };

  // One request at a time: a live page brings a matrix per flush, and a worker given each one
  // would fall behind by the ones nobody waits for any more.
  const post = (w: Worker, p: Pending): void => {
    const id = nextId++;
    busy = id;
    inFlight.set(id, p);
    const { rowCount, colCount, values, columns } = p.input;
    const req: DetectRequest = { id, input: { rowCount, colCount, values, columns } };
    w.postMessage(req);
  };
  const pump = (): void => {
    if (busy || !worker || !waiting) return;
    const p = waiting;
    waiting = null;
    if (p.signal.aborted) p.reject(aborted(p.signal));
    else post(worker, p);
  };

  const start = (): Worker | null => {
    if (worker || broken) return worker;
    try {
      const w = makeWorker();
      // A script the policy refuses (or that fails to load) surfaces here, not as a throw.
      w.addEventListener('error', (e) => {
        e.preventDefault();
        fail();
      });
      w.addEventListener('messageerror', fail);
      w.addEventListener('message', (e: MessageEvent<DetectReply>) => {
        if (e.data.id === busy) busy = 0;
        const r = e.data;
        const p = inFlight.get(r.id);
        inFlight.delete(r.id);
        if (p) {
          if ('error' in r) p.reject(new Error(r.error));
          else p.resolve({ spots: r.spots, engine: 'worker' });
        }
        pump();
      });
      worker = w;
    } catch {
      broken = true;
    }
    return worker;
  };

  return {
    detect(input, signal) {
      return new Promise((resolve, reject) => {
        if (signal.aborted) return reject(aborted(signal));
        const p: Pending = { input, resolve, reject, signal };
        const w = start();
        if (!w) return onMain(p);
        // The worker cannot be interrupted: an aborted request's answer is just dropped.
        signal.addEventListener('abort', () => {
          for (const [id, q] of inFlight) if (q === p) inFlight.delete(id);
          if (waiting === p) waiting = null;
          reject(aborted(signal));
        });
        waiting?.reject(new DOMException('superseded', 'AbortError'));
        waiting = p;
        pump();
      });
    },
    dispose() {
      worker?.terminate();
      worker = null;
      inFlight.clear();
      waiting = null;
      busy = 0;
    },
  };
}
