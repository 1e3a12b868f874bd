// Flags of the node's later KeyViz features (contract §5.1), pulled out of argv
// before the server's own parser (like the gateway's). Integers follow the
// node: zero or negative -> the default, above the cap -> the cap; text that
// is not an integer is refused. The node's rolling-update environment variables
// are read too, under the command line. Ours: --keyvizHotKeysHistoryBytes, and
// hot keys default ON here (the node defaults them off).
import { FlagError } from '../flagValues.ts';
import {
  DEFAULT_HOT_KEYS_HISTORY_BYTES,
  DEFAULT_HOT_KEYS_MAX_KEY_LEN,
  DEFAULT_HOT_KEYS_PER_ROUTE,
  DEFAULT_HOT_KEYS_QUEUE_SIZE,
  DEFAULT_HOT_KEYS_SAMPLE_RATE,
  MAX_HOT_KEYS_MAX_KEY_LEN,
  MAX_HOT_KEYS_PER_ROUTE,
  MAX_HOT_KEYS_QUEUE_SIZE,
  MAX_HOT_KEYS_SAMPLE_RATE,
  normalizeOption,
  type HotKeyOptions,
} from '../sampler/hotkeys/options.ts';
import { DEFAULT_KEY_BUCKETS_PER_ROUTE, MAX_KEY_BUCKETS_PER_ROUTE } from '../sampler/subBuckets.ts';

export interface KeyvizExtFlags {
  hotKeys: HotKeyOptions;
  labelsEnabled: boolean;
  keyBucketsPerRoute: number;
}

export const DEFAULT_KEYVIZ_EXT_FLAGS: Readonly<KeyvizExtFlags> = {
  hotKeys: {
    enabled: true,
    perRoute: DEFAULT_HOT_KEYS_PER_ROUTE,
    sampleRate: DEFAULT_HOT_KEYS_SAMPLE_RATE,
    queueSize: DEFAULT_HOT_KEYS_QUEUE_SIZE,
    maxKeyLen: DEFAULT_HOT_KEYS_MAX_KEY_LEN,
    historyBytes: DEFAULT_HOT_KEYS_HISTORY_BYTES,
  },
  labelsEnabled: false,
  keyBucketsPerRoute: DEFAULT_KEY_BUCKETS_PER_ROUTE,
};

export const KEYVIZ_EXT_FLAGS_HELP = `Hot keys, sub-ranges and labels (node names; contract §5):
  --keyvizHotKeysEnabled[=false]       Top-K hot keys per route (default true here; off on a node)
  --keyvizHotKeysPerRoute N            sketch capacity m (default 64, max 256)
  --keyvizHotKeysSampleRate N          sample 1 in N writes (default 16, max 1024)
  --keyvizHotKeysQueueSize N           sample queue; full = dropped (default 8192, max 65536)
  --keyvizHotKeysMaxKeyLen N           longer keys are skipped (default 1024, max 4096)
  --keyvizHotKeysHistoryBytes SIZE     past windows' top keys kept (default 64MiB; 0 = latest only)
  --keyvizKeyBucketsPerRoute N         sub-range rows per route, route:<id>#<i> (1..256, default 1)
  --keyvizLabelsEnabled[=false]        a row and hot-key slot per adapter, route:<id>:<label> (default false)
  Environment (the node's rolling-update names; a flag given wins): KEYVIZ_LABELS_ENABLED,
  KEYVIZ_HOT_KEYS_ENABLED, KEYVIZ_HOT_KEYS_PER_ROUTE, KEYVIZ_HOT_KEYS_SAMPLE_RATE,
  KEYVIZ_HOT_KEYS_QUEUE_SIZE, KEYVIZ_HOT_KEYS_MAX_KEY_LEN`;

type IntSpec = { def: number; cap: number; set: (f: KeyvizExtFlags, n: number) => void };
const INTS: Record<string, IntSpec> = {
  keyvizHotKeysPerRoute: {
    def: DEFAULT_HOT_KEYS_PER_ROUTE,
    cap: MAX_HOT_KEYS_PER_ROUTE,
    set: (f, n) => (f.hotKeys.perRoute = n),
  },
  keyvizHotKeysSampleRate: {
    def: DEFAULT_HOT_KEYS_SAMPLE_RATE,
    cap: MAX_HOT_KEYS_SAMPLE_RATE,
    set: (f, n) => (f.hotKeys.sampleRate = n),
  },
  keyvizHotKeysQueueSize: {
    def: DEFAULT_HOT_KEYS_QUEUE_SIZE,
    cap: MAX_HOT_KEYS_QUEUE_SIZE,
    set: (f, n) => (f.hotKeys.queueSize = n),
  },
  keyvizHotKeysMaxKeyLen: {
    def: DEFAULT_HOT_KEYS_MAX_KEY_LEN,
    cap: MAX_HOT_KEYS_MAX_KEY_LEN,
    set: (f, n) => (f.hotKeys.maxKeyLen = n),
  },
  keyvizKeyBucketsPerRoute: {
    def: DEFAULT_KEY_BUCKETS_PER_ROUTE,
    cap: MAX_KEY_BUCKETS_PER_ROUTE,
    set: (f, n) => (f.keyBucketsPerRoute = n),
  },
};
const BOOLS: Record<string, (f: KeyvizExtFlags, v: boolean) => void> = {
  keyvizHotKeysEnabled: (f, v) => (f.hotKeys.enabled = v),
  keyvizLabelsEnabled: (f, v) => (f.labelsEnabled = v),
};
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** "67108864", "64MiB", "512KiB", "1GiB". */
export function parseByteSize(flag: string, text: string): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new FlagError(`--${flag}: "${text}" is not a size (e.g. 67108864, 64MiB, 512KiB)`);
  }
  return Number(m[1]) * unit;
}

function parseNodeInt(label: string, text: string, def: number, cap: number): number {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new FlagError(`${label}: "${text}" is not an integer`);
  return normalizeOption(Number(text), def, cap);
}

// Go's strconv.ParseBool, which the node's flag package (and so its deploy script's
// --flag=$VALUE) uses.
const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

function parseBool(label: string, text: string): boolean {
  if (TRUE.includes(text)) return true;
  if (FALSE.includes(text)) return false;
  throw new FlagError(`${label}: "${text}" is not true or false`);
}

/**
 * The node's rolling-update environment variables (contract §5.1), each the same as its
 * flag. The node's deploy script turns them into those flags; here the server reads
 * them itself, under the command line: a flag given wins, then the variable, then the
 * default. An empty variable is unset.
 */
export const KEYVIZ_EXT_ENV: Readonly<Record<string, string>> = {
  KEYVIZ_LABELS_ENABLED: 'keyvizLabelsEnabled',
  KEYVIZ_HOT_KEYS_ENABLED: 'keyvizHotKeysEnabled',
  KEYVIZ_HOT_KEYS_PER_ROUTE: 'keyvizHotKeysPerRoute',
  KEYVIZ_HOT_KEYS_SAMPLE_RATE: 'keyvizHotKeysSampleRate',
  KEYVIZ_HOT_KEYS_QUEUE_SIZE: 'keyvizHotKeysQueueSize',
  KEYVIZ_HOT_KEYS_MAX_KEY_LEN: 'keyvizHotKeysMaxKeyLen',
};

export type Env = Readonly<Record<string, string | undefined>>;

/** One value of a flag of ours (from the command line or its variable) into `f`. */
function setValue(f: KeyvizExtFlags, name: string, v: string, label: string): void {
  if (Object.hasOwn(BOOLS, name)) BOOLS[name](f, parseBool(label, v));
  else if (name === 'keyvizHotKeysHistoryBytes') f.hotKeys.historyBytes = parseByteSize(name, v);
  else INTS[name].set(f, parseNodeInt(label, v, INTS[name].def, INTS[name].cap));
}

/**
 * Pulls these flags out of argv; the rest goes on to the server's parser. `env` (the
 * process's, from main.ts) gives the node's variables, which the command line overrides.
 */
export function takeKeyvizExtFlags(
  argv: readonly string[],
  env: Env = {},
): {
  values: KeyvizExtFlags;
  rest: string[];
} {
  const f: KeyvizExtFlags = {
    ...DEFAULT_KEYVIZ_EXT_FLAGS,
    hotKeys: { ...DEFAULT_KEYVIZ_EXT_FLAGS.hotKeys },
  };
  for (const [variable, name] of Object.entries(KEYVIZ_EXT_ENV)) {
    const v = env[variable];
    if (v !== undefined && v.trim() !== '') setValue(f, name, v.trim(), `${variable} (--${name})`);
  }
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--?([A-Za-z]+)(?:=(.*))?$/s.exec(arg);
    const name = m?.[1] ?? '';
    const inline = m?.[2];
    if (Object.hasOwn(BOOLS, name)) {
      setValue(f, name, inline ?? 'true', `--${name}`);
    } else if (Object.hasOwn(INTS, name) || name === 'keyvizHotKeysHistoryBytes') {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new FlagError(`--${name} needs a value`);
      setValue(f, name, v, `--${name}`);
    } else {
      rest.push(arg);
    }
  }
  return { values: f, rest };
}
