// Live columns into the page's Matrix: one new column appended without
// re-downloading anything. Pure: the old matrix is never mutated (React state and
// memoised rasters compare by identity), the new one shares row metadata objects
// with the old where a row is unchanged.
import type { Matrix, RowMeta } from './matrix.ts';
import { compareKeys } from './view/keyOrder.ts';

/** One row of a freshly flushed column (a StreamEvents KeyVizColumn row). */
export interface LiveRow {
  meta: RowMeta;
  value: number;
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

  const rowCount = order.length;
  const values = new Float64Array(rowCount * colCount);
  const wantRaft =
    m.raftGroupIds !== null || col.rows.some((r) => r.raftGroupId !== 0 || r.leaderTerm !== 0);
  const groups = wantRaft ? new Float64Array(rowCount * colCount) : null;
  const terms = wantRaft ? new Float64Array(rowCount * colCount) : null;
  const conflicts = m.conflicts ? new Uint8Array(rowCount * colCount) : null;
  const rows: RowMeta[] = new Array<RowMeta>(rowCount);
  let max = 0;
  for (let k = 0; k < rowCount; k++) {
    const src = order[k];
    const out = k * colCount;
    let total = 0;
    let live: LiveRow | undefined;
    if (src >= 0) {
      const at = src * oldCols + first;
      values.set(m.values.subarray(at, at + kept), out);
      if (groups && m.raftGroupIds) groups.set(m.raftGroupIds.subarray(at, at + kept), out);
      if (terms && m.leaderTerms) terms.set(m.leaderTerms.subarray(at, at + kept), out);
      if (conflicts && m.conflicts) conflicts.set(m.conflicts.subarray(at, at + kept), out);
      live = hit.get(src);
    } else {
      live = fresh[-src - 1];
    }
    if (live) {
      values[out + kept] = live.value;
      if (groups && terms) {
        groups[out + kept] = live.raftGroupId;
        terms[out + kept] = live.leaderTerm;
      }
    }
    for (let j = 0; j < colCount; j++) {
      const v = values[out + j];
      total += v;
      if (v > max) max = v;
    }
    const base = src >= 0 ? m.rows[src] : live!.meta;
    rows[k] = base.total === total ? base : { ...base, total };
  }
  const columns = new Float64Array(colCount);
  columns.set(m.columns.subarray(first, oldCols));
  columns[kept] = col.unixMs;
  return {
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
}

/** A matrix's columns as live columns (a gap filled by GetKeyVizMatrix after a reconnect). */
export function matrixColumns(gap: Matrix): LiveColumn[] {
  const out: LiveColumn[] = [];
  for (let j = 0; j < gap.colCount; j++) {
    const rows: LiveRow[] = [];
    for (let i = 0; i < gap.rowCount; i++) {
      const at = i * gap.colCount + j;
      const value = gap.values[at];
      const raftGroupId = gap.raftGroupIds?.[at] ?? 0;
      const leaderTerm = gap.leaderTerms?.[at] ?? 0;
      if (value === 0 && raftGroupId === 0) continue;
      rows.push({ meta: gap.rows[i], value, raftGroupId, leaderTerm });
    }
    out.push({ unixMs: gap.columns[j], rows });
  }
  return out;
}

/** Appends several columns in order. */
export function appendColumns(m: Matrix, cols: readonly LiveColumn[], opts: AppendOptions): Matrix {
  let out = m;
  for (const c of cols) out = appendColumn(out, c, opts);
  return out;
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
  return {
    ...m,
    rows: keep.map((i) => m.rows[i]),
    rowCount: keep.length,
    values,
    raftGroupIds: pick(m.raftGroupIds, (n) => new Float64Array(n)),
    leaderTerms: pick(m.leaderTerms, (n) => new Float64Array(n)),
    conflicts: pick(m.conflicts, (n) => new Uint8Array(n)),
    max,
  };
}
