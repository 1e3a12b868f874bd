// Simulated Raft groups: leader elections at seeded, irregular times, so the
// heatmap's per-column leader terms change now and then (a failover is one of
// the "sudden changes" operators look for). Pure functions of (seed, group, t).
import { Rng, deriveSeed } from './prng.ts';

const HOUR = 3_600_000;
/** Terms count from here, so they stay small (real long-lived clusters: thousands). */
const TERM_ORIGIN_MS = Date.UTC(2026, 0, 1);
/** Simulated cluster members; a group's leader is one of them. */
export const NODE_IDS = ['n1', 'n2', 'n3'] as const;

export interface RaftGroupView {
  raftGroupId: number;
  leaderNodeId: string;
  leaderTerm: number;
  commitIndex: number;
  appliedIndex: number;
  lastContactUnixMs: number;
}

interface GroupRhythm {
  periodMs: number;
  baseTerm: number;
  /** Log entries per second. */
  rate: number;
}

function rhythm(seed: number, group: number): GroupRhythm {
  const r = new Rng(deriveSeed(seed, group, 0x4af7));
  // Each group holds an election every 3-12 h on average.
  return { periodMs: (3 + 9 * r.float()) * HOUR, baseTerm: 1 + r.int(40), rate: 5 + r.int(200) };
}

/** When election k of a group happens: k periods in, plus up to half a period of jitter. */
function electionAt(seed: number, group: number, g: GroupRhythm, k: number): number {
  const j = new Rng(deriveSeed(seed, group, k, 0xe1ec)).float();
  return TERM_ORIGIN_MS + k * g.periodMs + j * 0.5 * g.periodMs;
}

/** Number of elections of a group at or before t (never negative). */
function electionsBy(seed: number, group: number, g: GroupRhythm, t: number): number {
  if (t < TERM_ORIGIN_MS) return 0;
  const k = Math.floor((t - TERM_ORIGIN_MS) / g.periodMs);
  // Elections 0..k-1 happened (each is within its own period); election k may have.
  return t >= electionAt(seed, group, g, k) ? k + 1 : k;
}

/** Leader term of a Raft group at time t (>= 1; 0 for group 0, "unknown"). */
export function leaderTermAt(seed: number, group: number, t: number): number {
  if (group <= 0) return 0;
  const g = rhythm(seed, group);
  return g.baseTerm + electionsBy(seed, group, g, t);
}

/** The leader node of a group at time t. */
export function leaderNodeAt(seed: number, group: number, t: number): string {
  const term = leaderTermAt(seed, group, t);
  return NODE_IDS[new Rng(deriveSeed(seed, group, term, 0x1ead)).int(NODE_IDS.length)];
}

/** What GetRaftGroups would report for a group at time t. */
export function raftGroupAt(seed: number, group: number, t: number): RaftGroupView {
  const g = rhythm(seed, group);
  const commit = Math.max(0, Math.floor(((t - TERM_ORIGIN_MS) / 1000) * g.rate));
  return {
    raftGroupId: group,
    leaderNodeId: leaderNodeAt(seed, group, t),
    leaderTerm: leaderTermAt(seed, group, t),
    commitIndex: commit,
    appliedIndex: Math.max(0, commit - (group % 3)),
    lastContactUnixMs: t - (group % 7) * 10,
  };
}
