// Live columns into the page's Matrix: one new column appended without
// re-downloading anything. Pure: the old matrix is never mutated (React state and
// memoised rasters compare by identity), the new one shares row metadata objects
// with the old where a row is unchanged.
import type { ArrayPool } from './arrayPool.ts';
import type { Matrix, RowMeta } from './matrix.ts';
import { setAppendOrigin } from './matrixOrigin.ts';
import { compareKeys } from './view/keyOrder.ts';

/** One row of a freshly flushed column (a StreamEvents KeyVizColumn row). */
export interface LiveRow {
  meta: RowMeta;
  value: number;
  /** The exact digits when the value is at or above 2^53 (a double cannot hold them). */
  exact?: string;
  /** 0 = unknown (older node). */
  raftGroupId: number;
  leaderTerm: number;
}

export interface LiveColumn {
  unixMs: number;
  rows: LiveRow[];
}

export interface AppendOptions {
  /**
   * A sliding window: columns older than newest - windowMs are dropped (keeps
   * the view's length). null = keep every column up to maxColumns.
   */
  windowMs: number | null;
  /** Most columns kept (the node's default history, 1440). */
  maxColumns: number;
  /**
   * The row budget (see capRows), applied before copying so a live column copies the kept
   * rows once; absent or <= 0 = no cap. Same result as capRows on the appended matrix.
   */
  maxRows?: number;
  /**
   * Where the new matrix's arrays come from: a live session reuses the arrays of its older
   * matrices (see arrayPool.ts for when); absent = fresh arrays.
   */
  pool?: ArrayPool;
}

export const DEFAULT_MAX_COLUMNS = 1440;

/** Row order of the node: start key ascending (empty first), ties by bucket id. */
function rowOrder(a: RowMeta, b: RowMeta): number {
  return (
    compareKeys(a.start, b.start) ||
    (a.bucketId < b.bucketId ? -1 : a.bucketId > b.bucketId ? 1 : 0)
  );
}

/**
 * `m` with `col` appended. A column not newer than the newest held is ignored
 * (the same `m` comes back): duplicates after a reconnect cost nothing. Rows seen
 * for the first time are inserted in start-key order; rows absent from the
 * column get 0 there.
 */
export function appendColumn(m: Matrix, col: LiveColumn, opts: AppendOptions): Matrix {
  const oldCols = m.colCount;
  if (oldCols > 0 && col.unixMs <= m.columns[oldCols - 1]) return m;

  // Columns kept from the old matrix: the oldest dropped for the window and the cap.
  let first = 0;
  if (opts.windowMs !== null) {
    const cutoff = col.unixMs - opts.windowMs;
    while (first < oldCols && m.columns[first] < cutoff) first++;
  }
  first = Math.max(first, oldCols + 1 - Math.max(1, opts.maxColumns));
  const kept = oldCols - first;
  const colCount = kept + 1;

  // Row union: the old rows (indices kept), then new ones merged in by key order.
  const byId = new Map<string, number>();
  m.rows.forEach((r, i) => byId.set(r.bucketId, i));
  const fresh: LiveRow[] = [];
  const hit = new Map<number, LiveRow>();
  for (const r of col.rows) {
    const i = byId.get(r.meta.bucketId);
    if (i === undefined) fresh.push(r);
    else hit.set(i, r);
  }
  fresh.sort((a, b) => rowOrder(a.meta, b.meta));
  // order[k] = old row index (>= 0) or -(fresh index + 1).
  const order: number[] = [];
  let f = 0;
  for (let i = 0; i < m.rowCount; i++) {
    while (f < fresh.length && rowOrder(fresh[f].meta, m.rows[i]) < 0) order.push(-(f++ + 1));
    order.push(i);
  }
  while (f < fresh.length) order.push(-(f++ + 1));

  // Each row's total over the columns it will hold, before anything is copied: a row the
  // budget drops is never copied (a live column on a full budget adds and drops rows often).
  const totals = new Float64Array(order.length);
  const lives: (LiveRow | undefined)[] = new Array<LiveRow | undefined>(order.length);
  for (let k = 0; k < order.length; k++) {
    const src = order[k];
    const live = src >= 0 ? hit.get(src) : fresh[-src - 1];
    lives[k] = live;
    totals[k] =
      src >= 0
        ? slidTotal(m.values, src * oldCols, first, kept, m.rows[src].total, live?.value ?? 0)
        : (live?.value ?? 0);
  }
  const picked = pickRows(order, totals, lives, m.rows, opts.maxRows ?? 0);

  const rowCount = picked.length;
  // Every cell of these is written below: a pooled array holds an older matrix's cells.
  const size = rowCount * colCount;
  const f64 = (n: number) => (opts.pool ? opts.pool.f64(n) : new Float64Array(n));
  const values = f64(size);
  const wantRaft =
    m.raftGroupIds !== null || col.rows.some((r) => r.raftGroupId !== 0 || r.leaderTerm !== 0);
  const groups = wantRaft ? f64(size) : null;
  const terms = wantRaft ? f64(size) : null;
  const conflicts = m.conflicts ? (opts.pool ? opts.pool.u8(size) : new Uint8Array(size)) : null;
  const rows: RowMeta[] = new Array<RowMeta>(rowCount);
  // Old cells' exact digits by (source row, column): remapped to the new layout below.
  const oldExact = m.exactValues;
  const newRowOf = new Map<number, number>();
  let exactValues: Map<number, string> | undefined;
  let max = 0;
  for (let n = 0; n < rowCount; n++) {
    const k = picked[n];
    const src = order[k];
    const out = n * colCount;
    const live = lives[k];
    const at = src * oldCols + first;
    copyOrZero(values, out, src >= 0 ? m.values : null, at, kept);
    if (groups) copyOrZero(groups, out, src >= 0 ? m.raftGroupIds : null, at, kept);
    if (terms) copyOrZero(terms, out, src >= 0 ? m.leaderTerms : null, at, kept);
    if (conflicts) {
      copyOrZero(conflicts, out, src >= 0 ? m.conflicts : null, at, kept);
      conflicts[out + kept] = 0;
    }
    if (src >= 0 && oldExact) newRowOf.set(src, n);
    values[out + kept] = live ? live.value : 0;
    if (live?.exact !== undefined) (exactValues ??= new Map()).set(out + kept, live.exact);
    if (groups && terms) {
      groups[out + kept] = live ? live.raftGroupId : 0;
      terms[out + kept] = live ? live.leaderTerm : 0;
    }
    max = maxOf(values, out, colCount, max);
    const total = totals[k];
    const base = src >= 0 ? m.rows[src] : live!.meta;
    rows[n] = base.total === total ? base : { ...base, total };
  }
  const columns = new Float64Array(colCount);
  columns.set(m.columns.subarray(first, oldCols));
  columns[kept] = col.unixMs;
  // Few cells are exact: walk them, not the grid.
  for (const [i, d] of oldExact ?? []) {
    const n = newRowOf.get(Math.floor(i / oldCols));
    const j = (i % oldCols) - first;
    if (n !== undefined && j >= 0) (exactValues ??= new Map()).set(n * colCount + j, d);
  }
  const out: Matrix = {
    series: m.series,
    columns,
    rows,
    rowCount,
    colCount,
    values,
    raftGroupIds: groups,
    leaderTerms: terms,
    max,
    nodes: m.nodes,
    conflicts,
  };
  if (exactValues) out.exactValues = exactValues;
  // Widths (the server's stored roll-ups are wider): the kept columns keep theirs, and the new
  // one is a step, as wide as the newest before it (live columns are raw steps, as the newest
  // column of any answer is). Without them older roll-ups were laid out one step wide.
  if (m.columnWidths && oldCols > 0) {
    const widths = new Float64Array(colCount);
    widths.set(m.columnWidths.subarray(first, oldCols));
    widths[kept] = m.columnWidths[oldCols - 1];
    out.columnWidths = widths;
  }
  // The budget's count of buckets is the last answer's (a stream column does not carry it).
  if (m.trackedBuckets !== undefined && m.trackedBuckets > rowCount) {
    out.trackedBuckets = m.trackedBuckets;
  }
  let sameRows = rowCount === m.rowCount;
  for (let n = 0; sameRows && n < rowCount; n++) sameRows = order[picked[n]] === n;
  setAppendOrigin(out, { base: new WeakRef(m), dropped: first, sameRows });
  return out;
}

/** Below this a sum of whole numbers is exact in a double, whatever the order of the adds. */
const EXACT_SUM = 2 ** 53;

/**
 * A row's total over its kept columns plus the new cell. From the old total (minus the dropped
 * cells) when every number involved is whole and the sums stay below 2^53: then the result is
 * exactly the in-order sum (counts are whole numbers, so this is the usual case), without reading
 * the row's 1,440 cells. Otherwise the kept cells are summed in order, as capRows sums them.
 */
function slidTotal(
  values: Float64Array,
  at: number,
  dropped: number,
  kept: number,
  oldTotal: number,
  added: number,
): number {
  let exact = Number.isInteger(oldTotal) && Number.isInteger(added) && oldTotal < EXACT_SUM;
  let t = oldTotal;
  for (let j = 0; exact && j < dropped; j++) {
    const v = values[at + j];
    exact = Number.isInteger(v) && v >= 0;
    t -= v;
  }
  if (exact && t >= 0 && t + added < EXACT_SUM) return t + added;
  return sumRange(values, at + dropped, kept) + added;
}

/** dst[out .. out + n) = src[at .. at + n), or zeros without a source. */
function copyOrZero<T extends Float64Array | Uint8Array>(
  dst: T,
  out: number,
  src: T | null,
  at: number,
  n: number,
): void {
  if (src) dst.set(src.subarray(at, at + n), out);
  else dst.fill(0, out, out + n);
}

/** values[at .. at + n) summed in order (the order capRows' totals are summed in). */
function sumRange(values: Float64Array, at: number, n: number): number {
  let t = 0;
  for (let j = 0; j < n; j++) t += values[at + j];
  return t;
}

/** The largest of `start` and values[at .. at + n). */
function maxOf(values: Float64Array, at: number, n: number, start: number): number {
  let max = start;
  for (let j = 0; j < n; j++) if (values[at + j] > max) max = values[at + j];
  return max;
}

/**
 * Indexes into `order` of the rows kept, in order: all of them within the budget, else the
 * `maxRows` largest totals (ties by bucket id), as capRows picks them.
 */
function pickRows(
  order: number[],
  totals: Float64Array,
  lives: (LiveRow | undefined)[],
  old: RowMeta[],
  maxRows: number,
): number[] {
  const all = order.map((_o, k) => k);
  if (maxRows <= 0 || order.length <= maxRows) return all;
  const id = (k: number) => (order[k] >= 0 ? old[order[k]].bucketId : lives[k]!.meta.bucketId);
  all.sort((a, b) => totals[b] - totals[a] || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
  return all.slice(0, maxRows).sort((a, b) => a - b);
}

/**
 * A matrix's columns [from, to) as live columns: a gap filled by GetKeyVizMatrix
 * after a reconnect, or the live columns a slower load did not have yet (withNewerColumns).
 */
export function matrixColumns(gap: Matrix, from = 0, to = gap.colCount): LiveColumn[] {
  const out: LiveColumn[] = [];
  for (let j = Math.max(0, from); j < Math.min(to, gap.colCount); j++) {
    const rows: LiveRow[] = [];
    for (let i = 0; i < gap.rowCount; i++) {
      const at = i * gap.colCount + j;
      const value = gap.values[at];
      const raftGroupId = gap.raftGroupIds?.[at] ?? 0;
      const leaderTerm = gap.leaderTerms?.[at] ?? 0;
      if (value === 0 && raftGroupId === 0) continue;
      const exact = gap.exactValues?.get(at);
      rows.push({
        meta: gap.rows[i],
        value,
        raftGroupId,
        leaderTerm,
        ...(exact !== undefined && { exact }),
      });
    }
    out.push({ unixMs: gap.columns[j], rows });
  }
  return out;
}

/**
 * `fresh` (a load's answer) with the columns of `held` (the matrix it replaces) newer than its
 * newest and, for an answer fetched for a window that ends, before that end (`beforeMs`, a flush
 * time; the window's own columns only). Under Live a load's answer is as old as its request:
 * columns the stream appended to `held` while it was on the wire would otherwise leave a hole,
 * drawn as the server pausing. Same series only; `fresh` itself when `held` has nothing newer.
 */
export function withNewerColumns(
  held: Matrix,
  fresh: Matrix,
  opts: AppendOptions,
  beforeMs = Infinity,
): Matrix {
  if (held.series !== fresh.series || held.colCount === 0) return fresh;
  const newest = fresh.colCount > 0 ? fresh.columns[fresh.colCount - 1] : -Infinity;
  let end = held.colCount;
  while (end > 0 && held.columns[end - 1] >= beforeMs) end--;
  let j = end;
  while (j > 0 && held.columns[j - 1] > newest) j--;
  if (j === end) return fresh;
  return appendColumns(fresh, matrixColumns(held, j, end), opts);
}

/**
 * Appends several columns in order. The row budget (opts.maxRows) applies once, after the
 * last: as capRows on the result.
 */
export function appendColumns(m: Matrix, cols: readonly LiveColumn[], opts: AppendOptions): Matrix {
  // One state update: the columns' intermediate matrices are never shown.
  opts.pool?.nextGeneration();
  let out = m;
  const uncapped = { ...opts, maxRows: 0 };
  cols.forEach((c, i) => (out = appendColumn(out, c, i === cols.length - 1 ? opts : uncapped)));
  // A last column that was a duplicate still leaves the earlier ones to cap.
  return opts.maxRows && out !== m ? capRows(out, opts.maxRows) : out;
}

/**
 * The row budget kept as the node keeps it: over `maxRows`, the rows with the
 * largest totals over the held columns stay (ties by bucket id), in their order.
 * Without it every new route of a live session would add a row for good.
 */
export function capRows(m: Matrix, maxRows: number): Matrix {
  if (maxRows <= 0 || m.rowCount <= maxRows) return m;
  const rank = m.rows.map((_r, i) => i);
  rank.sort(
    (a, b) =>
      m.rows[b].total - m.rows[a].total ||
      (m.rows[a].bucketId < m.rows[b].bucketId
        ? -1
        : m.rows[a].bucketId > m.rows[b].bucketId
          ? 1
          : 0),
  );
  const keep = rank.slice(0, maxRows).sort((a, b) => a - b);
  const C = m.colCount;
  const pick = <T extends Float64Array | Uint8Array>(
    a: T | null,
    make: (n: number) => T,
  ): T | null => {
    if (!a) return null;
    const out = make(keep.length * C);
    keep.forEach((src, k) => out.set(a.subarray(src * C, (src + 1) * C), k * C));
    return out;
  };
  const values = pick(m.values, (n) => new Float64Array(n))!;
  let max = 0;
  for (const v of values) if (v > max) max = v;
  // Exact digits follow their cells to the kept rows' new indices.
  let exactValues: Map<number, string> | undefined;
  if (m.exactValues) {
    const newRowOf = new Map(keep.map((src, k) => [src, k]));
    for (const [i, d] of m.exactValues) {
      const k = newRowOf.get(Math.floor(i / C));
      if (k !== undefined) (exactValues ??= new Map()).set(k * C + (i % C), d);
    }
  }
  const { exactValues: _dropped, ...rest } = m;
  return {
    ...rest,
    ...(exactValues && { exactValues }),
    rows: keep.map((i) => m.rows[i]),
    rowCount: keep.length,
    values,
    raftGroupIds: pick(m.raftGroupIds, (n) => new Float64Array(n)),
    leaderTerms: pick(m.leaderTerms, (n) => new Float64Array(n)),
    conflicts: pick(m.conflicts, (n) => new Uint8Array(n)),
    max,
  };
}
