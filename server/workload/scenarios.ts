// Named scenarios: which patterns run where, and how often routes split and
// merge. Rates are requests per ordinary route per step (see patterns.ts).
import {
  band,
  batch,
  dailyHours,
  movingHotspot,
  scans,
  sequential,
  spread,
  type Pattern,
} from './patterns.ts';
import { hotKeys, singleHotKey } from './hotKeys.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

export interface TopologyPolicy {
  /** Chance per step of one split / one merge. */
  splitChance: number;
  mergeChance: number;
  /** Split the busiest route (load-based) rather than a random one. */
  loadBased: boolean;
}

/** A recurring failure: a few Raft groups lose their leader and serve nothing for a while. */
export interface OutagePolicy {
  everyMs: number;
  forMs: number;
  /** Start of the first window within each period (UTC-aligned). */
  offsetMs: number;
  /** How many groups go dark each time (chosen from the seed and the occurrence). */
  groups: number;
}

export interface Scenario {
  name: ScenarioName;
  description: string;
  patterns: Pattern[];
  topology: TopologyPolicy;
  outage?: OutagePolicy;
}

export type ScenarioName =
  | 'mix'
  | 'zipf'
  | 'hot-range'
  | 'sequential'
  | 'batch'
  | 'scan'
  | 'moving-hotspot'
  | 'split-merge'
  | 'hot-key'
  | 'idle';

const OCCASIONAL: TopologyPolicy = { splitChance: 0.02, mergeChance: 0.02, loadBased: true };
const NEVER: TopologyPolicy = { splitChance: 0, mergeChance: 0, loadBased: false };

/** Low, even background so a pattern stands out against a healthy spread. */
const quiet = spread(
  'all',
  { reads: 0.3, writes: 0.2, readLen: 512, writeLen: 256 },
  { diurnal: true },
);

/** Sequential scenario period: the head crosses the key space this often. */
export const SEQUENTIAL_PERIOD_MS = 8 * HOUR;
/** Batch scenario: a job every 2 h for 10 min, on the even UTC hours. */
export const BATCH_EVERY_MS = 2 * HOUR;
export const BATCH_FOR_MS = 10 * MIN;
/** Mix: two Raft groups fail daily at 05:00 UTC for 20 minutes. */
export const MIX_OUTAGE: OutagePolicy = {
  everyMs: 24 * HOUR,
  forMs: 20 * MIN,
  offsetMs: 5 * HOUR,
  groups: 2,
};
/** Hot-range scenario: the band's place in the key space. */
export const HOT_RANGE = { from: 0.42, to: 0.44 };

const DEFS: Record<ScenarioName, Omit<Scenario, 'name'>> = {
  mix: {
    description:
      'every pattern at once: even diurnal spread, hot redis band, sequential rawkv inserts, ' +
      '2-hourly s3 batch uploads, dynamo hot spot, s3 scans, CJK workload switching on daily, ' +
      'a daily 20-minute outage of two Raft groups, hot keys inside a few routes',
    patterns: [
      spread('all', { reads: 0.25, writes: 0.15, readLen: 512, writeLen: 256 }, { diurnal: true }),
      // A cache-like hot range: far more reads than writes.
      band(
        { region: 'redis', from: 0.3, to: 0.34 },
        { reads: 20, writes: 4, readLen: 96, writeLen: 128 },
      ),
      sequential('rawkv', {
        periodMs: 4 * HOUR,
        writes: 300,
        writeLen: 300,
        headRoutes: 2,
        tailReads: 1.5,
        tailShare: 0.1,
      }),
      // Big uploads: a vertical band that dominates write bytes far more than writes.
      batch('s3', { writes: 2, writeLen: 512 * 1024 }, { everyMs: 2 * HOUR, forMs: 10 * MIN }),
      // Listings over long keys: structure in reads and read bytes.
      scans('s3', {
        slotMs: 20 * MIN,
        perSlot: 2,
        minRoutes: 10,
        maxRoutes: 60,
        reads: 8,
        readLen: 4096,
      }),
      movingHotspot(
        'dynamo',
        { reads: 15, writes: 10, readLen: 900, writeLen: 1200 },
        {
          cycleMs: 6 * HOUR,
          from: 0.15,
          to: 0.7,
          sigmaRoutes: 8,
        },
      ),
      spread('sqs', { reads: 0.6, writes: 0.6, readLen: 1024, writeLen: 1024 }),
      spread({ region: 'all', from: 0.7, to: 1 }, { reads: 0.1, readLen: 300 }, { zipf: true }),
      // A sudden change: a new workload switches on at 16:00 UTC and off at 22:00.
      band('cjk', { writes: 4, reads: 2, writeLen: 2048, readLen: 2048 }, dailyHours(16, 22)),
      // Last, so the patterns above draw the same random numbers as before.
      hotKeys(),
    ],
    topology: OCCASIONAL,
    outage: MIX_OUTAGE,
  },
  zipf: {
    description: 'Zipf-distributed traffic: a few routes take most requests, a long tail the rest',
    patterns: [
      spread('all', { reads: 0.8, writes: 0.5, readLen: 512, writeLen: 400 }, { zipf: true }),
    ],
    topology: OCCASIONAL,
  },
  'hot-range': {
    description: 'a bright horizontal band: one narrow key range takes most of the traffic',
    patterns: [
      quiet,
      band({ region: 'all', ...HOT_RANGE }, { reads: 15, writes: 20, readLen: 256, writeLen: 512 }),
    ],
    topology: OCCASIONAL,
  },
  sequential: {
    description: 'sequential inserts: a write head sweeps the key space every 8 h (a diagonal)',
    patterns: [
      quiet,
      sequential('all', {
        periodMs: SEQUENTIAL_PERIOD_MS,
        writes: 600,
        writeLen: 300,
        headRoutes: 2,
        tailReads: 0.5,
        tailShare: 0.05,
      }),
    ],
    topology: OCCASIONAL,
  },
  batch: {
    description:
      'periodic batch jobs: every 2 h for 10 min the whole key space lights up (vertical bands)',
    patterns: [
      quiet,
      batch(
        'all',
        { writes: 6, reads: 2, writeLen: 16 * 1024, readLen: 1024 },
        { everyMs: BATCH_EVERY_MS, forMs: BATCH_FOR_MS },
      ),
    ],
    topology: OCCASIONAL,
  },
  scan: {
    description: 'read-heavy range scans: contiguous runs of routes read for a few minutes each',
    patterns: [
      spread('all', { reads: 0.3, writes: 0.1, readLen: 512, writeLen: 256 }, { diurnal: true }),
      scans('all', {
        slotMs: 15 * MIN,
        perSlot: 4,
        minRoutes: 20,
        maxRoutes: 120,
        reads: 10,
        readLen: 8192,
      }),
    ],
    topology: OCCASIONAL,
  },
  'moving-hotspot': {
    description: 'a hot spot appears, drifts across the key space for hours, then vanishes',
    patterns: [
      quiet,
      movingHotspot(
        'all',
        { reads: 30, writes: 20, readLen: 512, writeLen: 512 },
        {
          cycleMs: 6 * HOUR,
          from: 1 / 6,
          to: 4 / 6,
          sigmaRoutes: 10,
        },
      ),
    ],
    topology: OCCASIONAL,
  },
  'split-merge': {
    description: 'steady traffic while routes split and merge every few minutes',
    patterns: [
      spread('all', { reads: 0.4, writes: 0.3, readLen: 512, writeLen: 256 }, { diurnal: true }),
      spread('all', { reads: 0.3, writes: 0.3, readLen: 512, writeLen: 256 }, { zipf: true }),
    ],
    topology: { splitChance: 0.35, mergeChance: 0.35, loadBased: false },
  },
  'hot-key': {
    description:
      'a single hot key: one key takes nearly all the writes of its route, on a quiet background',
    patterns: [quiet, singleHotKey()],
    // No splits: the key's route stays one row (a load-based split would chase the key).
    topology: NEVER,
  },
  idle: {
    description: 'no traffic at all (empty columns keep coming)',
    patterns: [],
    topology: NEVER,
  },
};

export const SCENARIO_NAMES = Object.keys(DEFS) as ScenarioName[];

/** Names and one-line descriptions, for --help. */
export const SCENARIOS: readonly { name: ScenarioName; description: string }[] = SCENARIO_NAMES.map(
  (name) => ({
    name,
    description: DEFS[name].description,
  }),
);

export function isScenarioName(s: string): s is ScenarioName {
  return Object.hasOwn(DEFS, s);
}

export function getScenario(name: ScenarioName): Scenario {
  return { name, ...DEFS[name] };
}
