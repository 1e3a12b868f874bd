// Flags of admission control and the matrix cache (docs/server.md, "Under load").
// Kept apart from server/flags.ts, which spreads them into its tables.
import { FlagError } from '../flagValues.ts';
import { DEFAULT_CACHE_BYTES, DEFAULT_CACHE_IDLE_MS } from '../backends/matrixCache.ts';
import { DEFAULT_ADMISSION } from './admission.ts';

export interface LoadFlags {
  /** Heavy answers (GetKeyVizMatrix, the JSON matrix) computed or sent at once. */
  matrixMaxInFlight: number;
  /** Heavy calls waiting for a slot; beyond that: an immediate refusal. */
  matrixMaxQueued: number;
  /** Bound of the matrix cache (answers and their encodings), MiB. */
  matrixCacheMB: number;
  /** A cached answer unused this long is dropped with its encodings (0 = never), seconds. */
  matrixCacheIdleSeconds: number;
}

export const DEFAULT_LOAD_FLAGS: Readonly<LoadFlags> = {
  matrixMaxInFlight: DEFAULT_ADMISSION.maxInFlight,
  matrixMaxQueued: DEFAULT_ADMISSION.maxQueued,
  matrixCacheMB: DEFAULT_CACHE_BYTES / (1024 * 1024),
  matrixCacheIdleSeconds: DEFAULT_CACHE_IDLE_MS / 1000,
};

function int(name: string, v: string | undefined, min: number, max: number): number {
  if (v === undefined || !/^\d+$/.test(v.trim())) {
    throw new FlagError(`--${name}: "${v ?? ''}" is not a non-negative integer`);
  }
  const n = Number(v);
  if (n < min || n > max) throw new FlagError(`--${name}: ${n} is outside ${min}..${max}`);
  return n;
}

type Spec = {
  arg: string;
  help: string;
  set: (f: LoadFlags, v: string | undefined, n: string) => void;
};

export const LOAD_FLAG_SPECS: Record<string, Spec> = {
  matrixMaxInFlight: {
    arg: 'N',
    help: `matrix answers computed or sent at once, all protocols (default ${DEFAULT_ADMISSION.maxInFlight})`,
    set: (f, v, n) => (f.matrixMaxInFlight = int(n, v, 1, 4096)),
  },
  matrixMaxQueued: {
    arg: 'N',
    help: `matrix calls waiting beyond those; more are refused at once (default ${DEFAULT_ADMISSION.maxQueued})`,
    set: (f, v, n) => (f.matrixMaxQueued = int(n, v, 0, 65536)),
  },
  matrixCacheMB: {
    arg: 'MIB',
    help: `memory bound of cached matrix answers and encodings (default ${DEFAULT_LOAD_FLAGS.matrixCacheMB})`,
    set: (f, v, n) => (f.matrixCacheMB = int(n, v, 0, 1 << 20)),
  },
  matrixCacheIdleSeconds: {
    arg: 'S',
    help: `drop a cached matrix answer unused this long, 0 = keep until the next flush (default ${DEFAULT_LOAD_FLAGS.matrixCacheIdleSeconds})`,
    set: (f, v, n) => (f.matrixCacheIdleSeconds = int(n, v, 0, 86_400)),
  },
};
