// The page's client with the explore window applied: every matrix request carries the window
// the time range / zoom asks for (read at call time, so the poller's auto refresh follows it),
// and an opened record file answers instead of the server. Each answer remembers the window it
// was fetched for, which decides when a zoom needs a refetch (fetchWindowFor's `loaded`).

import type { AdminClient, MatrixRequest } from '../../api/client.ts';
import type { Matrix } from '../../data/matrix.ts';
import type { FetchWindow } from '../../data/view/index.ts';
import type { RecordFile } from '../../data/view/recordFile.ts';

/** A request window and whether a zoom (rather than the time range) asked for it. */
export interface Loaded {
  window: FetchWindow;
  zoomed: boolean;
  /** An opened record file answered, not the server. */
  record?: true;
}

export interface WindowSource {
  /** The window to ask for now ([from, to) flush times, 0 = open). */
  window(): Loaded;
  /** A record file being shown instead of the server, or null. */
  record(): RecordFile | null;
}

const loaded = new WeakMap<Matrix, Loaded>();

/** The window a matrix was fetched for; null for a matrix this client did not fetch. */
export function loadedOf(m: Matrix): Loaded | null {
  return loaded.get(m) ?? null;
}

/** An appended (live) matrix keeps the window its base was fetched for. */
export function carryLoaded(from: Matrix, to: Matrix): void {
  const l = loaded.get(from);
  if (l && from !== to) loaded.set(to, l);
}

export function windowedClient(inner: AdminClient, src: WindowSource): AdminClient {
  return {
    async getMatrix(req: MatrixRequest, signal?: AbortSignal): Promise<Matrix> {
      const l = src.window();
      const q = { ...req, fromMs: l.window.fromMs, toMs: l.window.toMs };
      const rec = src.record();
      // A record file pivots in the page (no server); same window and row budget rules.
      // A record file's reader was loaded to open it (a chunk of its own).
      const m = rec
        ? (await import('../../data/view/recordFile.ts')).recordToMatrix(rec, q)
        : await inner.getMatrix(q, signal);
      loaded.set(m, rec ? { ...l, record: true } : l);
      return m;
    },
    getOverview: (signal) => inner.getOverview(signal),
    ...(inner.liveStream ? { liveStream: inner.liveStream } : {}),
  };
}
