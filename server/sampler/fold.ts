// The whole-key-space fold (extension fold_key_space, 1027; docs/page.md "The whole key
// space"). The node's row budget keeps the busiest buckets and drops the rest, so the rows
// leave breaks in the key space. Folding (TiDB's and Google's approach) keeps the busiest
// buckets whole and merges every dropped bucket into one row per stretch of key space between
// them, so the rows tile the key space from the low end to the unbounded tail and every
// count of the window is in exactly one row.
//
// Pure: inputs are never mutated; the hot rows of the result are the input rows themselves.
// Used by the local backend (over an unbudgeted pivot) and the gateway (over merged rows).
import { addSaturating, EXACT_FROM, exactCell } from '../wire/exact.ts';
import { compareBytes, compareEnds, compareStrings } from './keys.ts';
import type { BucketMeta, MatrixResult, MatrixRow } from './types.ts';

/** Bucket ids of folded rows start with this (not the node's grammar: no bucket page). */
export const FOLD_ID_PREFIX = 'fold:';
/** Member route ids listed per folded row, as the node caps an aggregate's. */
export const FOLD_MAX_ROUTE_IDS = 256;

const EMPTY = new Uint8Array(0);

/** One output row of a plan: an input row kept whole, or a stretch of folded members. */
export type FoldSlot =
  | { kind: 'hot'; row: number }
  | { kind: 'fold'; start: Uint8Array; end: Uint8Array; members: number[] };

interface Ordered {
  /** Input indexes in key order (start ascending, ties bucket_id). */
  byKey: number[];
  /** Rank of each input (0 = busiest: total desc, ties bucket_id asc, the node's ranking). */
  rank: Int32Array;
}

function order(metas: readonly BucketMeta[], totals: ArrayLike<number>): Ordered {
  const idx = metas.map((_, i) => i);
  const byRank = idx
    .slice()
    .sort((a, b) => totals[b] - totals[a] || compareStrings(metas[a].bucketId, metas[b].bucketId));
  const rank = new Int32Array(metas.length);
  byRank.forEach((r, pos) => (rank[r] = pos));
  const byKey = idx.sort(
    (a, b) =>
      compareBytes(metas[a].start, metas[b].start) ||
      compareStrings(metas[a].bucketId, metas[b].bucketId),
  );
  return { byKey, rank };
}

/**
 * The slots when the `h` busiest inputs stay whole: hot rows in key order, and before, between
 * and after them one folded slot per non-empty stretch of key space they leave uncovered. A
 * dropped input joins the stretch that opens after it in key order (or the one before, where a
 * hot row starts right where the previous one ended: ranges can overlap across a split or a
 * virtual bucket), so no input is lost or counted twice.
 */
function slotsFor(metas: readonly BucketMeta[], o: Ordered, h: number): FoldSlot[] {
  const slots: FoldSlot[] = [];
  let lastFold: (FoldSlot & { kind: 'fold' }) | null = null;
  let covered: Uint8Array | null = null; // key space below this is covered (EMPTY = all of it)
  let pending: number[] = [];
  for (const i of o.byKey) {
    if (o.rank[i] >= h) {
      pending.push(i);
      continue;
    }
    const m = metas[i];
    const gap =
      covered === null
        ? m.start.length > 0
        : covered.length > 0 && compareBytes(covered, m.start) < 0;
    if (gap) {
      lastFold = { kind: 'fold', start: covered ?? EMPTY, end: m.start, members: pending };
      slots.push(lastFold);
      pending = [];
    } else if (lastFold && pending.length > 0) {
      lastFold.members.push(...pending);
      pending = [];
    }
    slots.push({ kind: 'hot', row: i });
    if (covered === null || compareEnds(m.end, covered) > 0) covered = m.end;
  }
  if (covered === null || covered.length > 0) {
    lastFold = { kind: 'fold', start: covered ?? EMPTY, end: EMPTY, members: pending };
    slots.push(lastFold);
    pending = [];
  }
  if (pending.length > 0) {
    if (lastFold) lastFold.members.push(...pending);
    else slots.push(leftovers(metas, pending)); // hot rows tile everything and overlap these
  }
  return slots;
}

/** One more folded row spanning inputs no stretch could take. */
function leftovers(metas: readonly BucketMeta[], members: number[]): FoldSlot {
  let start = metas[members[0]].start;
  let end = metas[members[0]].end;
  for (const i of members) {
    if (compareBytes(metas[i].start, start) < 0) start = metas[i].start;
    if (compareEnds(metas[i].end, end) > 0) end = metas[i].end;
  }
  return { kind: 'fold', start, end, members };
}

/**
 * Which rows to keep whole and how to fold the rest into at most `budget` rows: the most hot
 * rows (the node's ranking) for which hot rows plus folded stretches fit. Adding a hot row
 * adds at most two rows (itself and a split stretch), so the count grows with `h` and a binary
 * search finds the largest `h`; the plan is checked to fit whatever the ranges.
 */
export function planFold(
  metas: readonly BucketMeta[],
  totals: ArrayLike<number>,
  budget: number,
): FoldSlot[] {
  if (metas.length === 0) return [];
  const o = order(metas, totals);
  let lo = 0;
  let hi = Math.min(metas.length, Math.max(0, budget));
  let best = slotsFor(metas, o, 0);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const s = slotsFor(metas, o, mid);
    if (s.length <= budget) {
      lo = mid;
      best = s;
    } else hi = mid - 1;
  }
  return best;
}

/** Up to 64 hex digits of a key (ids stay short; keys can be kilobytes). */
function hexPrefix(k: Uint8Array): string {
  let s = '';
  for (let i = 0; i < Math.min(k.length, 32); i++) s += k[i].toString(16).padStart(2, '0');
  return s;
}

/** The folded row's identity: the stretch, its members' routes, `folded` = member count. */
function foldedMeta(
  slot: FoldSlot & { kind: 'fold' },
  metaOf: (i: number) => BucketMeta,
): BucketMeta {
  const routeIds: string[] = [];
  let routeCount = 0;
  let label: string | null = null;
  for (const i of slot.members) {
    const m = metaOf(i);
    routeCount += m.routeCount;
    for (const id of m.routeIds) if (routeIds.length < FOLD_MAX_ROUTE_IDS) routeIds.push(id);
    label = label === null || label === m.label ? m.label : '';
  }
  // Unique within an answer: members are disjoint, and stretches without any start at distinct keys.
  const id =
    slot.members.length > 0
      ? `${metaOf(slot.members[0]).bucketId}+${slot.members.length}`
      : `idle@${hexPrefix(slot.start)}`;
  return {
    bucketId: FOLD_ID_PREFIX + id,
    start: slot.start,
    end: slot.end,
    label: label ?? '',
    aggregate: true,
    routeIds,
    routeCount,
    foldedBuckets: slot.members.length,
  };
}

/**
 * A folded row's cells: the members' sums, exact. A double sum of integers is exact while
 * below 2^53; a cell at or above it (or with a member's exact value) is summed again in bigint,
 * saturating at 2^64-1 as every sum here. Group and term are unknown (0): members span groups.
 */
export function foldCells(
  rows: readonly MatrixRow[],
  members: readonly number[],
  C: number,
): { values: Float64Array; exactValues?: Map<number, bigint> } {
  const values = new Float64Array(C);
  const exactCols = new Set<number>();
  for (const i of members) {
    const r = rows[i];
    if (r.exactValues) for (const j of r.exactValues.keys()) exactCols.add(j);
    const v = r.values;
    for (let j = 0; j < C; j++) values[j] += v[j];
  }
  let exactValues: Map<number, bigint> | undefined;
  for (let j = 0; j < C; j++) {
    if (values[j] < EXACT_FROM && !exactCols.has(j)) continue;
    let s = 0n;
    for (const i of members) s = addSaturating(s, exactCell(rows[i], j));
    values[j] = Number(s);
    if (s >= BigInt(EXACT_FROM)) (exactValues ??= new Map()).set(j, s);
  }
  return exactValues ? { values, exactValues } : { values };
}

/** The folded result for a plan over `full`'s rows (hot rows are `full`'s own objects). */
export function applyFold(full: MatrixResult, plan: readonly FoldSlot[]): MatrixResult {
  const rows = plan.map((s) => foldSlotRow(full, s));
  return { ...full, rows, keySpaceFolded: true };
}

function foldSlotRow(full: MatrixResult, s: FoldSlot): MatrixRow {
  if (s.kind === 'hot') return full.rows[s.row];
  const C = full.columnUnixMs.length;
  const zeros = new Float64Array(C); // folded rows have no one group or term: 0 = unknown
  return {
    meta: foldedMeta(s, (i) => full.rows[i].meta),
    ...foldCells(full.rows, s.members, C),
    raftGroupIds: zeros,
    leaderTerms: zeros,
  };
}

/** Row sums of the chosen series (the ranking's totals). */
export function rowTotals(rows: readonly MatrixRow[]): Float64Array {
  const t = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    let s = 0;
    for (let j = 0; j < r.values.length; j++) s += r.values[j];
    t[i] = s;
  });
  return t;
}

/** `full` (every bucket with traffic, any order) folded into at most `budget` rows. */
export function foldMatrix(full: MatrixResult, budget: number): MatrixResult {
  const plan = planFold(
    full.rows.map((r) => r.meta),
    rowTotals(full.rows),
    budget,
  );
  return applyFold(full, plan);
}

/** Cells summed per slice of foldMatrixSliced: about the pivot's own slices. */
const FOLD_CELLS_PER_SLICE = 1 << 16;

/**
 * foldMatrix with `pause()` between slices of about FOLD_CELLS_PER_SLICE summed cells, so a
 * large window never holds the event loop for long. Same answer as foldMatrix.
 */
export async function foldMatrixSliced(
  full: MatrixResult,
  budget: number,
  pause: () => Promise<void>,
): Promise<MatrixResult> {
  const metas = full.rows.map((r) => r.meta);
  const plan = planFold(metas, rowTotals(full.rows), budget);
  const C = Math.max(1, full.columnUnixMs.length);
  const rows: MatrixRow[] = [];
  let cells = 0;
  for (const s of plan) {
    const n = s.kind === 'hot' ? 0 : s.members.length * C;
    if (cells + n > FOLD_CELLS_PER_SLICE && cells > 0) {
      await pause();
      cells = 0;
    }
    rows.push(foldSlotRow(full, s));
    cells += n;
  }
  return { ...full, rows, keySpaceFolded: true };
}
