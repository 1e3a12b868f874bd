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
import { addSeries, scatterCells, scatterSeries } from './kernels.ts';
import { topBuckets } from './rank.ts';
import { inWindow, pivotBudget, seriesCounter } from './request.ts';
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
 * Pass 1: series sums and last active column per bucket. Consecutive columns
 * sharing one bucket list are summed per entry (sequential, no indirection)
 * and scattered to buckets once per run; a lone column is scattered directly.
 */
function accumulate(
  cols: StoredColumn[],
  k: number,
  sums: Float64Array,
  lastCol: Int32Array,
  lo = 0,
  hi = cols.length,
  /** Last columns at or after this index (set from later columns already) are kept. */
  keepFrom = -1,
): void {
  if (keepFrom >= 0) {
    // Summed in an order where later columns came first: set lastCol only where none is yet.
    const later = lastCol.slice();
    accumulate(cols, k, sums, lastCol, lo, hi);
    for (let b = 0; b < later.length; b++) if (later[b] >= keepFrom) lastCol[b] = later[b];
    return;
  }
  let runSums = new Float64Array(0);
  let runLast = new Int32Array(0);
  for (let j = lo; j < hi;) {
    const { buckets, counters, allActive } = cols[j];
    const n = buckets.length;
    if (allActive && (j + 1 >= hi || cols[j + 1].buckets !== buckets)) {
      scatterSeries(sums, lastCol, buckets, counters, k * n, j);
      j++;
      continue;
    }
    if (runSums.length < n) {
      runSums = new Float64Array(n);
      runLast = new Int32Array(n);
    } else {
      runSums.fill(0, 0, n);
    }
    runLast.fill(-1, 0, n);
    let end = j;
    let everyActive = true;
    while (end < hi && cols[end].buckets === buckets) {
      const col = cols[end];
      addSeries(runSums, col.counters, k * n, n);
      if (col.allActive) runLast.fill(end, 0, n);
      else {
        // Idle entries (all four counters zero) do not make a row.
        // Read from the idle list, not the counters: a column may carry one series only.
        markNotIdle(runLast, col.idle!, n, end);
        everyActive = false;
      }
      end++;
    }
    for (let i = 0; i < n; i++) {
      if (!everyActive && runLast[i] < 0) continue;
      sums[buckets[i]] += runSums[i];
      lastCol[buckets[i]] = runLast[i];
    }
    j = end;
  }
}

/** last[i] = j for every entry i not in the ascending `idle` list. */
function markNotIdle(last: Int32Array, idle: Uint32Array, n: number, j: number): void {
  let p = 0;
  for (let i = 0; i < n; i++) {
    if (p < idle.length && idle[p] === i) p++;
    else last[i] = j;
  }
}

/** Columns per block in fillRows: 8 doubles = one 64-byte cache line of a row. */
const FILL_BLOCK = 8;

/** Per-plan scratch of pass 3: one block of FILL_BLOCK columns of every kept row. */
interface FillScratch {
  values: Float64Array;
  groups: Float64Array;
  terms: Float64Array;
}

function fillScratch(rows: number): FillScratch {
  const n = Math.max(1, rows) * FILL_BLOCK;
  return { values: new Float64Array(n), groups: new Float64Array(n), terms: new Float64Array(n) };
}

/**
 * Pass 3: copies kept cells into row-major outputs. Storage is column-major,
 * so a cell-by-cell copy would touch a new cache line of each output per cell.
 * Instead up to FILL_BLOCK columns are scattered into a row-major block scratch
 * (a few hundred KB, in cache), value, group and term in one pass over each
 * column's kept entries, and the block is written out row by row, one cache
 * line of each output at a time. The (entry -> row) list of a bucket list is
 * built once per distinct list (consecutive columns usually share it).
 */
function fillRows(
  cols: StoredColumn[],
  k: number,
  rowOf: Int32Array,
  C: number,
  R: number,
  out: FillScratch,
  scratch: FillScratch,
  lo = 0,
  hi = C,
): void {
  const W = FILL_BLOCK;
  const sv = scratch.values;
  const sg = scratch.groups;
  const st = scratch.terms;
  let lastBuckets: Uint32Array | null = null;
  let idx = new Int32Array(0);
  let rowBase = new Int32Array(0);
  let m = 0;
  for (let j0 = lo; j0 < hi; j0 += W) {
    const w = Math.min(W, hi - j0);
    sv.fill(0);
    sg.fill(0);
    st.fill(0);
    for (let jj = 0; jj < w; jj++) {
      const col = cols[j0 + jj];
      const { buckets } = col;
      const n = buckets.length;
      if (buckets !== lastBuckets) {
        lastBuckets = buckets;
        if (idx.length < n) {
          idx = new Int32Array(n);
          rowBase = new Int32Array(n);
        }
        m = keptEntries(buckets, rowOf, W, idx, rowBase);
      }
      if (m === 0) continue;
      scatterCells(sv, rowBase, jj, col.counters, k * n, idx, m);
      scatterCells(sg, rowBase, jj, col.groups, 0, idx, m);
      scatterCells(st, rowBase, jj, col.terms, 0, idx, m);
      // Idle entries are not cells of their column: group and term read 0 there.
      const idle = col.idle;
      if (idle) {
        for (let e = 0; e < idle.length; e++) {
          const r = rowOf[buckets[idle[e]]];
          if (r >= 0) sg[r * W + jj] = st[r * W + jj] = 0;
        }
      }
    }
    const { values, groups, terms } = out;
    for (let r = 0; r < R; r++) {
      const o = r * C + j0;
      const b = r * W;
      for (let jj = 0; jj < w; jj++) {
        values[o + jj] = sv[b + jj];
        groups[o + jj] = sg[b + jj];
        terms[o + jj] = st[b + jj];
      }
    }
  }
}

/**
 * The entries of a bucket list whose bucket keeps a row: their indexes into `idx` and
 * row * W (their row's first cell in a block scratch) into `rowBase`; returns how many.
 */
function keptEntries(
  buckets: Uint32Array,
  rowOf: Int32Array,
  W: number,
  idx: Int32Array,
  rowBase: Int32Array,
): number {
  let m = 0;
  for (let i = 0; i < buckets.length; i++) {
    const r = rowOf[buckets[i]];
    if (r >= 0) {
      idx[m] = i;
      rowBase[m++] = r * W;
    }
  }
  return m;
}

/** Phases 1 and 2 done: the kept rows, their order, and zeroed outputs for phase 3. */
interface PivotPlan {
  cols: StoredColumn[];
  C: number;
  k: number;
  /** Buckets active in the window, before the budget. */
  tracked: number;
  rowOf: Int32Array;
  metas: BucketMeta[];
  values: Float64Array;
  groups: Float64Array;
  terms: Float64Array;
  scratch: FillScratch;
}

/** What the pivot needs of bucket identities (BucketIdentities, or a joined view). */
export interface IdentityView {
  readonly size: number;
  readonly ids: readonly string[];
  metaAt(bucket: number, seq: number): BucketMeta;
}

/** Running per-bucket figures over exactly the window's columns (ColumnRing.totals and friends). */
export interface PivotTotals {
  sums: Float64Array;
  active: Int32Array;
  lastSeq: Float64Array;
}

function planPivot(ring: ColumnRing, req: MatrixRequest, useTotals: boolean): PivotPlan {
  const cols = windowColumns(ring, req.fromUnixMs, req.toUnixMs);
  const totals =
    useTotals && cols.length > 0 && cols.length === ring.length
      ? { sums: ring.totals, active: ring.activeColumns, lastSeq: ring.lastActiveSeq }
      : null;
  return planColumns(cols, ring.identities, seriesCounter(req.series), pivotBudget(req), totals);
}

/**
 * Phases 1 and 2 over any oldest-first columns: series `k` is read at
 * `counters[k * n + i]`, so columns holding one series only are planned with
 * k = 0. Seqs only serve metaAt; the columns need not come from one ring.
 */
function planColumns(
  cols: StoredColumn[],
  ids: IdentityView,
  k: number,
  budget: number,
  totals: PivotTotals | null,
): PivotPlan {
  const nb = ids.size;
  const sums = new Float64Array(nb);
  const lastCol = new Int32Array(nb).fill(-1);
  if (totals) {
    // The whole history: the ring's running totals replace pass 1.
    const first = cols[0].seq;
    for (let b = 0; b < nb; b++) {
      if (totals.active[b] > 0) {
        sums[b] = totals.sums[(b << 2) + k];
        lastCol[b] = totals.lastSeq[b] - first;
      }
    }
  } else {
    accumulate(cols, k, sums, lastCol);
  }
  return rankBuckets(cols, ids, k, budget, sums, lastCol);
}

/** Phase 2: the kept buckets (ranked when over budget), in key order, and zeroed outputs. */
function rankBuckets(
  cols: StoredColumn[],
  ids: IdentityView,
  k: number,
  budget: number,
  sums: Float64Array,
  lastCol: Int32Array,
): PivotPlan {
  const C = cols.length;
  const nb = ids.size;
  const active = new Int32Array(nb);
  let tracked = 0;
  for (let b = 0; b < nb; b++) if (lastCol[b] >= 0) active[tracked++] = b;
  // Over budget: rank by series sum desc, ties by bucket_id ascending (a bounded selection).
  const top = topBuckets(active, tracked, budget, sums, ids.ids);
  const metaOf = new Map<number, BucketMeta>();
  for (const b of top) metaOf.set(b, ids.metaAt(b, cols[lastCol[b]].seq));
  const kept = Array.from(top);
  kept.sort((a, b) => {
    const ma = metaOf.get(a)!;
    const mb = metaOf.get(b)!;
    return compareBytes(ma.start, mb.start) || compareStrings(ma.bucketId, mb.bucketId);
  });

  const R = kept.length;
  const rowOf = new Int32Array(nb).fill(-1);
  for (let r = 0; r < R; r++) rowOf[kept[r]] = r;
  return {
    cols,
    C,
    k,
    tracked,
    rowOf,
    metas: kept.map((b) => metaOf.get(b)!),
    values: new Float64Array(R * C),
    groups: new Float64Array(R * C),
    terms: new Float64Array(R * C),
    scratch: fillScratch(R),
  };
}

/** Columns per slice of pass 3: about `cells` output cells, whole blocks. */
function fillStep(cells: number, rows: number): number {
  const cols = Math.floor(cells / Math.max(1, rows));
  return Math.max(FILL_BLOCK, cols - (cols % FILL_BLOCK));
}

function fillPlan(p: PivotPlan, lo: number, hi: number): void {
  fillRows(p.cols, p.k, p.rowOf, p.C, p.metas.length, p, p.scratch, lo, hi);
}

function finishPivot(p: PivotPlan): MatrixResult {
  const { C, metas } = p;
  const rows = new Array<MatrixRow>(metas.length);
  for (let r = 0; r < metas.length; r++) {
    const lo = r * C;
    rows[r] = {
      meta: metas[r],
      values: p.values.subarray(lo, lo + C),
      raftGroupIds: p.groups.subarray(lo, lo + C),
      leaderTerms: p.terms.subarray(lo, lo + C),
    };
  }
  const columnUnixMs = new Array<number>(C);
  for (let j = 0; j < C; j++) columnUnixMs[j] = p.cols[j].unixMs;
  attachExact(p, rows);
  return p.tracked > 0 ? { columnUnixMs, rows, trackedBuckets: p.tracked } : { columnUnixMs, rows };
}

/**
 * Cells whose column holds the exact uint64 (at or above 2^53, from a replayed
 * record file) get it as the row's exactValues, which every encoder writes
 * instead of the double. Columns without exact counters (all the sampler's) cost nothing.
 */
function attachExact(p: PivotPlan, rows: MatrixRow[]): void {
  for (let j = 0; j < p.C; j++) {
    const { exact, buckets } = p.cols[j];
    if (!exact) continue;
    const n = buckets.length;
    for (const [at, v] of exact) {
      if (Math.floor(at / n) !== p.k) continue;
      const r = p.rowOf[buckets[at - p.k * n]];
      if (r >= 0) (rows[r].exactValues ??= new Map()).set(j, v);
    }
  }
}

/**
 * The pivot over the ring. `useTotals` (default) lets a whole-history window
 * use the ring's running totals; tests turn it off to cross-check pass 1.
 */
export function pivotRing(ring: ColumnRing, req: MatrixRequest, useTotals = true): MatrixResult {
  const p = planPivot(ring, req, useTotals);
  fillPlan(p, 0, p.C);
  return finishPivot(p);
}

/** The pivot over columns joined from several sources (the history store); see planColumns. */
export function pivotColumns(
  cols: StoredColumn[],
  ids: IdentityView,
  k: number,
  budget: number,
  totals: PivotTotals | null,
): MatrixResult {
  const p = planColumns(cols, ids, k, budget, totals);
  fillPlan(p, 0, p.C);
  return finishPivot(p);
}

/**
 * The joined columns from `from` on are the whole ring, unchanged since `totals` were read: its
 * running totals (series `k`, bucket indexes shared with the joined identities) replace pass 1
 * over them.
 */
export interface RingTail {
  from: number;
  k: number;
  totals: PivotTotals;
  /** The ring's oldest columns left out of the window (a coarser tier answers their time). */
  skipped: readonly StoredColumn[];
}

function addRingTotals(
  cols: StoredColumn[],
  tail: RingTail,
  sums: Float64Array,
  lastCol: Int32Array,
): void {
  const { from, k, totals, skipped } = tail;
  if (from >= cols.length) return;
  const first = cols[from].seq;
  const n = Math.min(sums.length, totals.active.length);
  // Take the left-out columns back out of the totals, by the rule the totals count activity
  // with (ColumnRing.track): an entry is active unless all four counters are zero.
  const less = new Float64Array(n);
  const lessActive = new Int32Array(n);
  for (const c of skipped) {
    const m = c.buckets.length;
    const ctr = c.counters;
    for (let i = 0; i < m; i++) {
      const b = c.buckets[i];
      if (b >= n) continue;
      if (!c.allActive && !ctr[i] && !ctr[m + i] && !ctr[2 * m + i] && !ctr[3 * m + i]) continue;
      less[b] += ctr[k * m + i];
      lessActive[b]++;
    }
  }
  for (let b = 0; b < n; b++) {
    // Active in the window's part of the ring: its last active column is there too.
    if (totals.active[b] - lessActive[b] > 0) {
      sums[b] += totals.sums[(b << 2) + k] - less[b];
      lastCol[b] = totals.lastSeq[b] - first + from;
    }
  }
}

/**
 * pivotColumns in slices: pass 1 in runs of about `cellsPerSlice` stored entries and phase 3 in
 * slices of about `cellsPerSlice` output cells, awaiting `pause()` before each, so a window of
 * thousands of columns (the history store's 28 days) never holds the event loop for long. The
 * columns must not change meanwhile (stored columns never do); `ids` may only grow. `pause`
 * may throw (a cancelled call) to stop the work.
 */
export async function pivotColumnsSliced(
  cols: StoredColumn[],
  ids: IdentityView,
  k: number,
  budget: number,
  pause: () => Promise<void>,
  cellsPerSlice = 1 << 16,
  ringTail?: RingTail,
): Promise<MatrixResult> {
  const nb = ids.size;
  const sums = new Float64Array(nb);
  const lastCol = new Int32Array(nb).fill(-1);
  // The ring's running totals stand for pass 1 over its columns; read before any pause, while
  // they still describe exactly those columns.
  const end = ringTail ? ringTail.from : cols.length;
  if (ringTail) addRingTotals(cols, ringTail, sums, lastCol);
  // Pass 1 reads every entry but writes little: slices of 4x the cells cost about as much.
  const entriesPerSlice = 4 * cellsPerSlice;
  for (let lo = 0; lo < end;) {
    let hi = lo;
    let entries = 0;
    while (hi < end && (hi === lo || entries < entriesPerSlice)) {
      entries += cols[hi].buckets.length;
      hi++;
    }
    await pause();
    // Older columns than the ring's: never override the ring's later last column.
    accumulate(cols, k, sums, lastCol, lo, hi, ringTail ? end : -1);
    lo = hi;
  }
  const p = rankBuckets(cols, ids, k, budget, sums, lastCol);
  const step = fillStep(cellsPerSlice, p.metas.length);
  for (let lo = 0; lo < p.C; lo += step) {
    await pause();
    fillPlan(p, lo, Math.min(p.C, lo + step));
  }
  return finishPivot(p);
}

/**
 * The same pivot with phase 3 (most of the time) cut into slices of about
 * `cellsPerSlice` cells, awaiting `pause()` between slices so the event loop
 * answers other requests meanwhile. Safe across flushes: a stored column is
 * never changed once appended, and phases 1 and 2 read the ring before the
 * first pause. `pause` may throw (a cancelled call) to stop the work.
 */
export async function pivotRingSliced(
  ring: ColumnRing,
  req: MatrixRequest,
  pause: () => Promise<void>,
  cellsPerSlice = 1 << 16,
): Promise<MatrixResult> {
  const p = planPivot(ring, req, true);
  const step = fillStep(cellsPerSlice, p.metas.length);
  for (let lo = 0; lo < p.C; lo += step) {
    await pause();
    fillPlan(p, lo, Math.min(p.C, lo + step));
  }
  return finishPivot(p);
}

/** Identity of a window's column set: the first and last column sequence numbers ("" if none). */
export function windowSpan(ring: ColumnRing, fromMs: number, toMs: number): string {
  const cols = windowColumns(ring, fromMs, toMs);
  return cols.length === 0 ? '' : `${cols[0].seq}-${cols[cols.length - 1].seq}`;
}
