// The GetKeyVizMatrix pivot (contract.md §1), run directly over the compact
// ring with no per-cell objects:
// 1. one pass over the window's cells of the chosen series: which buckets were
//    active (any non-zero counter), their series sums and last column;
// 2. rank (if over budget) and order the kept buckets;
// 3. fill the kept rows. Columns usually share their bucket list with the
//    previous column (steady traffic), so the (entry -> row) list of kept
//    entries is computed once per distinct bucket list and pass 3 touches only
//    kept cells.
import type { ColumnRing, StoredColumn } from './column-store.ts';
import { compareBytes, compareStrings } from './keys.ts';
import { addSeries, gather, scatterSeries } from './kernels.ts';
import { inWindow, rowBudget, seriesCounter } from './request.ts';
import type { BucketMeta, MatrixRequest, MatrixResult, MatrixRow } from './types.ts';

/** Columns of the ring inside the request's half-open window, oldest first. */
export function windowColumns(ring: ColumnRing, fromMs: number, toMs: number): StoredColumn[] {
  const out: StoredColumn[] = [];
  if (fromMs !== 0 && toMs !== 0 && fromMs >= toMs) return out; // inverted or empty window
  for (let i = 0; i < ring.length; i++) {
    const col = ring.at(i);
    if (inWindow(col.unixMs, fromMs, toMs)) out.push(col);
  }
  return out;
}

/**
 * Pass 1: series sums and last active column per bucket. Consecutive
 * all-active columns sharing one bucket list are summed per entry
 * (sequential, no indirection) and scattered to buckets once per run.
 */
function accumulate(
  cols: StoredColumn[],
  k: number,
  sums: Float64Array,
  lastCol: Int32Array,
): void {
  let runSums = new Float64Array(0);
  for (let j = 0; j < cols.length;) {
    const col = cols[j];
    const { buckets, counters } = col;
    const n = buckets.length;
    if (!col.allActive) {
      for (let i = 0; i < n; i++) {
        // Only fixtures can hold all-zero entries; they do not make a row.
        if (
          counters[i] === 0 &&
          counters[n + i] === 0 &&
          counters[2 * n + i] === 0 &&
          counters[3 * n + i] === 0
        ) {
          continue;
        }
        sums[buckets[i]] += counters[k * n + i];
        lastCol[buckets[i]] = j;
      }
      j++;
      continue;
    }
    if (j + 1 >= cols.length || cols[j + 1].buckets !== buckets) {
      scatterSeries(sums, lastCol, buckets, counters, k * n, j); // a run of one
      j++;
      continue;
    }
    if (runSums.length < n) runSums = new Float64Array(n);
    else runSums.fill(0, 0, n);
    let end = j;
    while (end < cols.length && cols[end].buckets === buckets && cols[end].allActive) {
      addSeries(runSums, cols[end].counters, k * n, n);
      end++;
    }
    for (let i = 0; i < n; i++) {
      sums[buckets[i]] += runSums[i];
      lastCol[buckets[i]] = end - 1;
    }
    j = end;
  }
}

/**
 * Pass 3: copies kept cells into row-major outputs. The (entry, output cell)
 * lists of a bucket list are built once and reused while consecutive columns
 * share it (cell = row * C, plus the column index).
 */
function fillRows(
  cols: StoredColumn[],
  k: number,
  rowOf: Int32Array,
  C: number,
  values: Float64Array,
  groups: Float64Array,
  terms: Float64Array,
): void {
  let lastBuckets: Uint32Array | null = null;
  let idx = new Int32Array(0);
  let rowCell = new Int32Array(0);
  let cell = new Int32Array(0);
  let m = 0;
  for (let j = 0; j < C; j++) {
    const { buckets, counters, groups: g, terms: t } = cols[j];
    if (buckets !== lastBuckets) {
      lastBuckets = buckets;
      if (idx.length < buckets.length) {
        idx = new Int32Array(buckets.length);
        rowCell = new Int32Array(buckets.length);
        cell = new Int32Array(buckets.length);
      }
      m = 0;
      for (let i = 0; i < buckets.length; i++) {
        const r = rowOf[buckets[i]];
        if (r >= 0) {
          idx[m] = i;
          rowCell[m++] = r * C;
        }
      }
    }
    for (let e = 0; e < m; e++) cell[e] = rowCell[e] + j;
    gather(values, cell, counters, k * buckets.length, idx, m);
    gather(groups, cell, g, 0, idx, m);
    gather(terms, cell, t, 0, idx, m);
  }
}

/**
 * The pivot over the ring. `useTotals` (default) lets a whole-history window
 * use the ring's running totals; tests turn it off to cross-check pass 1.
 */
export function pivotRing(ring: ColumnRing, req: MatrixRequest, useTotals = true): MatrixResult {
  const cols = windowColumns(ring, req.fromUnixMs, req.toUnixMs);
  const C = cols.length;
  const k = seriesCounter(req.series);
  const budget = rowBudget(req.rows);
  const ids = ring.identities;
  const nb = ids.size;

  const sums = new Float64Array(nb);
  const lastCol = new Int32Array(nb).fill(-1);
  if (useTotals && C > 0 && C === ring.length) {
    // The whole history: the ring's running totals replace pass 1.
    const first = cols[0].seq;
    for (let b = 0; b < nb; b++) {
      if (ring.activeColumns[b] > 0) {
        sums[b] = ring.totals[(b << 2) + k];
        lastCol[b] = ring.lastActiveSeq[b] - first;
      }
    }
  } else {
    accumulate(cols, k, sums, lastCol);
  }

  let kept: number[] = [];
  for (let b = 0; b < nb; b++) if (lastCol[b] >= 0) kept.push(b);
  if (kept.length > budget) {
    // Rank by series sum desc, ties by bucket_id ascending.
    const names = ids.ids;
    kept.sort((a, b) => sums[b] - sums[a] || compareStrings(names[a], names[b]));
    kept = kept.slice(0, budget);
  }
  const metas = new Map<number, BucketMeta>();
  for (const b of kept) metas.set(b, ids.metaAt(b, cols[lastCol[b]].seq));
  kept.sort((a, b) => {
    const ma = metas.get(a)!;
    const mb = metas.get(b)!;
    return compareBytes(ma.start, mb.start) || compareStrings(ma.bucketId, mb.bucketId);
  });

  const R = kept.length;
  const rowOf = new Int32Array(nb).fill(-1);
  for (let r = 0; r < R; r++) rowOf[kept[r]] = r;
  const values = new Float64Array(R * C);
  const groups = new Float64Array(R * C);
  const terms = new Float64Array(R * C);
  fillRows(cols, k, rowOf, C, values, groups, terms);

  const rows = new Array<MatrixRow>(R);
  for (let r = 0; r < R; r++) {
    const lo = r * C;
    rows[r] = {
      meta: metas.get(kept[r])!,
      values: values.subarray(lo, lo + C),
      raftGroupIds: groups.subarray(lo, lo + C),
      leaderTerms: terms.subarray(lo, lo + C),
    };
  }
  const columnUnixMs = new Array<number>(C);
  for (let j = 0; j < C; j++) columnUnixMs[j] = cols[j].unixMs;
  return { columnUnixMs, rows };
}
