// Hot-key options with the node's names, defaults and caps (contract §5.1):
// zero or negative falls back to the default, above the cap clamps.

export const DEFAULT_HOT_KEYS_PER_ROUTE = 64;
export const MAX_HOT_KEYS_PER_ROUTE = 256;
export const DEFAULT_HOT_KEYS_SAMPLE_RATE = 16;
export const MAX_HOT_KEYS_SAMPLE_RATE = 1024;
export const DEFAULT_HOT_KEYS_QUEUE_SIZE = 8192;
export const MAX_HOT_KEYS_QUEUE_SIZE = 65536;
export const DEFAULT_HOT_KEYS_MAX_KEY_LEN = 1024;
export const MAX_HOT_KEYS_MAX_KEY_LEN = 4096;
/** Ours: memory budget for past windows' top keys (64 MiB). */
export const DEFAULT_HOT_KEYS_HISTORY_BYTES = 64 * 1024 * 1024;

export interface HotKeyOptions {
  enabled: boolean;
  /** Sketch capacity m. */
  perRoute: number;
  /** 1-in-R sampling of writes. */
  sampleRate: number;
  queueSize: number;
  maxKeyLen: number;
  /** Past windows' budget in (estimated) bytes; 0 keeps only the latest window. */
  historyBytes: number;
  /** Seed of the sampling roll (tests). */
  seed?: number;
}

export type HotKeyConfig = Partial<HotKeyOptions>;

/** The node's rule: <= 0 (or not a number) -> default; above the cap -> cap. */
export function normalizeOption(v: number | undefined, def: number, cap: number): number {
  if (v === undefined || !Number.isFinite(v) || v <= 0) return def;
  return Math.min(Math.floor(v), cap) || def;
}

export function resolveHotKeyOptions(c: HotKeyConfig = {}): HotKeyOptions {
  return {
    enabled: c.enabled ?? true,
    perRoute: normalizeOption(c.perRoute, DEFAULT_HOT_KEYS_PER_ROUTE, MAX_HOT_KEYS_PER_ROUTE),
    sampleRate: normalizeOption(
      c.sampleRate,
      DEFAULT_HOT_KEYS_SAMPLE_RATE,
      MAX_HOT_KEYS_SAMPLE_RATE,
    ),
    queueSize: normalizeOption(c.queueSize, DEFAULT_HOT_KEYS_QUEUE_SIZE, MAX_HOT_KEYS_QUEUE_SIZE),
    maxKeyLen: normalizeOption(c.maxKeyLen, DEFAULT_HOT_KEYS_MAX_KEY_LEN, MAX_HOT_KEYS_MAX_KEY_LEN),
    historyBytes:
      c.historyBytes === undefined || !(c.historyBytes >= 0)
        ? DEFAULT_HOT_KEYS_HISTORY_BYTES
        : Math.floor(c.historyBytes),
    ...(c.seed !== undefined ? { seed: c.seed } : {}),
  };
}
