// The cluster page's table model (pure): lag, staleness, flags and sorting.
import type { GroupView } from '../../api/consoleClient.ts';

/** Applied this far behind commit marks a group as lagging. */
export const LAG_ENTRIES = 1000n;
/** No contact with the leader for this long marks a group as lagging. */
export const STALE_CONTACT_MS = 10_000;

export type SortKey = 'group' | 'leader' | 'term' | 'lag' | 'contact';
export const SORT_KEYS: readonly SortKey[] = ['group', 'leader', 'term', 'lag', 'contact'];

export interface GroupRow extends GroupView {
  lag: bigint | null;
  ageMs: number | null;
  leaderless: boolean;
  lagging: boolean;
}

export function groupRows(groups: readonly GroupView[], nowMs: number): GroupRow[] {
  return groups.map((g) => {
    const lag =
      g.commit !== null && g.applied !== null ? BigInt(g.commit) - BigInt(g.applied) : null;
    const ageMs = g.lastContactMs !== null ? Math.max(0, nowMs - g.lastContactMs) : null;
    return {
      ...g,
      lag,
      ageMs,
      leaderless: g.leader === '',
      lagging:
        (lag !== null && lag >= LAG_ENTRIES) || (ageMs !== null && ageMs >= STALE_CONTACT_MS),
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
