// The cluster page's table model (pure): lag, staleness, flags and sorting.
import type { GroupView } from '../../api/consoleClient.ts';

/** Applied this far behind commit marks a group as lagging. */
export const LAG_ENTRIES = 1000n;
/** No contact with the leader for this long marks a group as lagging. */
export const STALE_CONTACT_MS = 10_000;

export type SortKey = 'group' | 'leader' | 'term' | 'lag' | 'contact';
export const SORT_KEYS: readonly SortKey[] = ['group', 'leader', 'term', 'lag', 'contact'];

export interface ReplicaRow {
  node: string;
  lag: bigint;
  ageMs: number | null;
  lagging: boolean;
}

export interface GroupRow extends GroupView {
  /** The worst commit - applied over the replicas behind a gateway, else the node's. */
  lag: bigint | null;
  /** Behind a gateway: the node with the worst lag (null when one node answered). */
  lagNode: string | null;
  ageMs: number | null;
  leaderless: boolean;
  lagging: boolean;
  /** Each node's replica (behind a gateway), in upstream order. */
  replicaRows: ReplicaRow[];
}

const isLagging = (lag: bigint | null, ageMs: number | null): boolean =>
  (lag !== null && lag >= LAG_ENTRIES) || (ageMs !== null && ageMs >= STALE_CONTACT_MS);

export function groupRows(groups: readonly GroupView[], nowMs: number): GroupRow[] {
  const age = (ms: number | null) => (ms !== null ? Math.max(0, nowMs - ms) : null);
  return groups.map((g) => {
    const replicaRows = g.replicas.map((r) => {
      const lag = BigInt(r.commit) - BigInt(r.applied);
      const ageMs = age(r.lastContactMs);
      return { node: r.node, lag, ageMs, lagging: isLagging(lag, ageMs) };
    });
    let lag = g.commit !== null && g.applied !== null ? BigInt(g.commit) - BigInt(g.applied) : null;
    let lagNode: string | null = null;
    let ageMs = age(g.lastContactMs);
    // Behind a gateway a group is as healthy as its worst replica: a follower far behind on
    // one node is what an operator looks for, and the newest-term entry alone hides it.
    for (const r of replicaRows) {
      if (lag === null || lagNode === null || r.lag > lag) {
        lag = r.lag;
        lagNode = r.node;
      }
      if (r.ageMs !== null && (ageMs === null || r.ageMs > ageMs)) ageMs = r.ageMs;
    }
    return {
      ...g,
      lag,
      lagNode,
      ageMs,
      leaderless: g.leader === '',
      lagging: isLagging(lag, ageMs),
      replicaRows,
    };
  });
}

const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

export function sortRows(rows: readonly GroupRow[], key: SortKey, desc: boolean): GroupRow[] {
  const cmp = (a: GroupRow, b: GroupRow): number => {
    switch (key) {
      case 'leader':
        return a.leader.localeCompare(b.leader);
      case 'term':
        return cmpBig(BigInt(a.term), BigInt(b.term));
      case 'lag':
        return cmpBig(a.lag ?? -1n, b.lag ?? -1n);
      case 'contact':
        return (a.ageMs ?? -1) - (b.ageMs ?? -1);
      default:
        return 0;
    }
  };
  const byId = (a: GroupRow, b: GroupRow) => cmpBig(BigInt(a.id), BigInt(b.id));
  return [...rows].sort((a, b) => {
    const c = cmp(a, b);
    return (desc ? -c : c) || (key === 'group' && desc ? -byId(a, b) : byId(a, b));
  });
}
