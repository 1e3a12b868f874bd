// The whole-key-space fold of a merged cluster view (fold_key_space, 1027): the same fold as
// one node's (server/sampler/fold.ts) over the merged rows, every bucket the nodes sent kept
// until the fold budgets them. Pure. Per-row extras follow their rows: a folded row's
// contributing nodes are its members' (union), and a member's conflicting cells become the
// folded row's (the folded cell includes the value two nodes disagreed on).
import { applyFold, planFold, rowTotals } from '../sampler/fold.ts';
import type { CellConflictInfo, MatrixAnswer } from '../sampler/types.ts';

export function foldMergedAnswer(all: MatrixAnswer, budget: number): MatrixAnswer {
  const plan = planFold(
    all.rows.map((r) => r.meta),
    rowTotals(all.rows),
    budget,
  );
  const folded = applyFold(all, plan);
  // Input row -> output row.
  const outOf = new Int32Array(all.rows.length).fill(-1);
  plan.forEach((s, out) => {
    if (s.kind === 'hot') outOf[s.row] = out;
    else for (const i of s.members) outOf[i] = out;
  });
  const contributingNodes = all.contributingNodes
    ? plan.map((s) => {
        const c = all.contributingNodes!;
        if (s.kind === 'hot') return c[s.row] ?? [];
        return [...new Set(s.members.flatMap((i) => c[i] ?? []))].sort();
      })
    : undefined;
  // One conflict per (row, column): a folded row may gather several members' conflicts.
  const byCell = new Map<string, CellConflictInfo>();
  for (const c of all.conflicts) {
    const row = outOf[c.row];
    if (row < 0) continue;
    const key = `${row}:${c.column}`;
    const had = byCell.get(key);
    if (had) had.nodes = [...new Set([...had.nodes, ...c.nodes])].sort();
    else byCell.set(key, { row, column: c.column, nodes: [...c.nodes] });
  }
  return {
    ...all,
    ...folded,
    nodes: all.nodes,
    conflicts: [...byCell.values()],
    ...(contributingNodes ? { contributingNodes } : {}),
  };
}
