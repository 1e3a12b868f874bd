// Where the plot's pooling pass runs for a large answer: in a Web Worker (the main thread copies
// the cells out, about a memcpy, and gets the pooled raster and codes back moved, not copied),
// so a 1024 x 1440 answer never costs the main thread the 30-60 ms of pooling. When no worker
// can start (a Content-Security-Policy whose worker-src or script-src leaves out the page's
// origin, the constructor throws, the script fails to load) or the worker dies, `pool` answers
// null and the painter pools on the main thread as before: same pure functions (poolJob.ts),
// same pixels.
import type { PooledLayer, PoolReply, PoolRequest } from './poolJob.ts';

/** Cells below this pool on the main thread in a few ms: a round trip would only add latency. */
export const WORKER_MIN_CELLS = 1 << 17;

export interface PoolRunner {
  /**
   * Pools in the worker; null when there is none (then pool on the main thread). Rejects when
   * the worker fails meanwhile (the runner has then switched to null answers for good), or with
   * an AbortError when a newer request replaced this one before the worker was free.
   */
  pool(req: Omit<PoolRequest, 'id'>): Promise<PooledLayer> | null;
  /** 'worker' until a worker failed to start or died, then 'main'. */
  engine(): 'worker' | 'main';
  /** Starts the worker now (fetching and compiling its script) so the first job does not wait. */
  warm(): void;
  dispose(): void;
}

/** Makes the worker; may throw (CSP, no module workers). Injected by tests. */
export type WorkerFactory = () => Worker;

export const defaultPoolWorker: WorkerFactory = () =>
  new Worker(new URL('./pool.worker.ts', import.meta.url), {
    type: 'module',
    name: 'keyviz-pool',
  });

interface Pending {
  req: Omit<PoolRequest, 'id'>;
  resolve: (l: PooledLayer) => void;
  reject: (e: Error) => void;
}

export function createPoolRunner(makeWorker: WorkerFactory = defaultPoolWorker): PoolRunner {
  let worker: Worker | null = null;
  let broken = false;
  let nextId = 1;
  const inFlight = new Map<number, Pending>();
  /** The id the worker is busy with, or 0. */
  let busy = 0;
  /** The newest request waiting for the worker: an older waiting one is superseded. */
  let waiting: Pending | null = null;

  // Any failure, a job's error included, sends everything to the main thread for good: there the
  // same steps run in the open (an error would surface as on the page before the worker).
  const fail = (why: string): void => {
    broken = true;
    worker?.terminate();
    worker = null;
    const held = [...inFlight.values(), ...(waiting ? [waiting] : [])];
    inFlight.clear();
    waiting = null;
    busy = 0;
    for (const p of held) p.reject(new Error(`pool worker failed: ${why}`));
  };

  // One job at a time: live columns and quick view changes bring a job each, and a worker given
  // every one would fall behind by the ones nobody waits for any more.
  const pump = (): void => {
    if (busy || !worker || !waiting) return;
    const p = waiting;
    waiting = null;
    const id = nextId++;
    busy = id;
    inFlight.set(id, p);
    // The cells are copied (the page keeps its matrix for hover, export and live appends).
    const msg: PoolRequest = { id, ...p.req };
    worker.postMessage(msg);
  };

  const start = (): Worker | null => {
    if (worker || broken) return worker;
    try {
      const w = makeWorker();
      // A script the policy refuses (or that fails to load) surfaces here, not as a throw.
      w.addEventListener('error', (e) => {
        e.preventDefault();
        fail(e.message || 'error event');
      });
      w.addEventListener('messageerror', () => fail('messageerror'));
      w.addEventListener('message', (e: MessageEvent<PoolReply>) => {
        const r = e.data;
        if ('error' in r) return fail(r.error);
        if (r.id === busy) busy = 0;
        const p = inFlight.get(r.id);
        inFlight.delete(r.id);
        p?.resolve({ pooled: r.pooled, codes: r.codes });
        pump();
      });
      worker = w;
    } catch {
      broken = true;
    }
    return worker;
  };

  return {
    pool(req) {
      const w = start();
      if (!w) return null;
      return new Promise<PooledLayer>((resolve, reject) => {
        waiting?.reject(new DOMException('superseded', 'AbortError'));
        waiting = { req, resolve, reject };
        pump();
      });
    },
    engine: () => (broken ? 'main' : 'worker'),
    warm() {
      start();
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

let shared: PoolRunner | null = null;
/** The page's one pool worker, started on the first large answer. */
export function sharedPoolRunner(): PoolRunner {
  return (shared ??= createPoolRunner());
}
