// Horizontal bands: rows whose moving average stays HOT_RATIO times the typical row for a long
// run of columns. Hot for most of the window: a sustained hot range; for one stretch with a
// quieter row around it: a sudden change (a workload switching on, or off).
import { smoothRow } from './stats.ts';
import { ROWS_PER_STEP_MASK } from '../steps.ts';
import { HOT_RATIO, MIN_RUN_COLUMNS, MIN_RUN_SHARE, SUSTAINED_SHARE } from './thresholds.ts';

export interface Band {
  kind: 'sustained' | 'sudden';
  r0: number;
  r1: number;
  c0: number;
  c1: number;
  /** Mean of the hot stretch over the typical row. */
  ratio: number;
}

interface RowHit {
  kind: Band['kind'];
  c0: number;
  c1: number;
  sum: number;
  cells: number;
}

function rowHit(
  s: Float64Array,
  values: Float64Array,
  r: number,
  C: number,
  thr: number,
  minRun: number,
  claim: Uint8Array,
  rowTotal: number,
): RowHit | null {
  let covered = 0;
  let first = -1;
  let lastEnd = -1;
  let best = -1;
  let bestLen = 0;
  for (let c = 0; c < C;) {
    if (s[c] < thr || claim[r * C + c]) {
      c++;
      continue;
    }
    let e = c;
    while (e < C && s[e] >= thr && !claim[r * C + e]) e++;
    if (e - c >= minRun) {
      covered += e - c;
      if (first < 0) first = c;
      lastEnd = e;
      if (e - c > bestLen) [best, bestLen] = [c, e - c];
    }
    c = e;
  }
  if (first < 0) return null;
  const sumOf = (a: number, b: number): number => {
    let t = 0;
    for (let c = a; c < b; c++) t += values[r * C + c];
    return t;
  };
  if (covered >= SUSTAINED_SHARE * C) {
    return {
      kind: 'sustained',
      c0: first,
      c1: lastEnd,
      sum: sumOf(first, lastEnd),
      cells: lastEnd - first,
    };
  }
  const inside = sumOf(best, best + bestLen);
  const outside = (rowTotal - inside) / (C - bestLen);
  // A step, not a bump on an already busy row.
  if (inside / bestLen < HOT_RATIO * outside) return null;
  return { kind: 'sudden', c0: best, c1: best + bestLen, sum: inside, cells: bestLen };
}

function overlapShare(a0: number, a1: number, b0: number, b1: number): number {
  const o = Math.min(a1, b1) - Math.max(a0, b0);
  return o <= 0 ? 0 : o / Math.min(a1 - a0, b1 - b0);
}

/** In steps (see steps.ts): yields every few rows; runSteps runs it straight through. */
export function* findBandSteps(
  values: Float64Array,
  R: number,
  C: number,
  rowTotal: Float64Array,
  typical: number,
  smooth: number,
  claim: Uint8Array,
): Generator<void, Band[], void> {
  const thr = HOT_RATIO * typical;
  const minRun = Math.max(MIN_RUN_COLUMNS, Math.ceil(MIN_RUN_SHARE * C));
  if (C < minRun) return [];
  const prefix = new Float64Array(C + 1);
  const s = new Float64Array(C);
  const bands: Band[] = [];
  let cur: (Band & { sum: number; cells: number; last: number }) | null = null;
  const close = (): void => {
    if (cur)
      bands.push({
        kind: cur.kind,
        r0: cur.r0,
        r1: cur.r1,
        c0: cur.c0,
        c1: cur.c1,
        ratio: cur.sum / cur.cells / typical,
      });
    cur = null;
  };
  for (let r = 0; r < R; r++) {
    if ((r & ROWS_PER_STEP_MASK) === ROWS_PER_STEP_MASK) yield;
    // A row under the threshold on average can still hold a long hot run only if its
    // total reaches minRun columns at the threshold: skip the smoothing otherwise.
    if (rowTotal[r] < thr * minRun * 0.5) continue;
    smoothRow(values, r, C, smooth, prefix, s);
    const hit = rowHit(s, values, r, C, thr, minRun, claim, rowTotal[r]);
    if (!hit) continue;
    const joins: boolean =
      cur !== null &&
      cur.kind === hit.kind &&
      r - cur.last <= 2 &&
      (hit.kind === 'sustained' || overlapShare(cur.c0, cur.c1, hit.c0, hit.c1) >= 0.5);
    if (cur && joins) {
      cur.r1 = r + 1;
      cur.last = r;
      cur.c0 = Math.min(cur.c0, hit.c0);
      cur.c1 = Math.max(cur.c1, hit.c1);
      cur.sum += hit.sum;
      cur.cells += hit.cells;
      continue;
    }
    close();
    cur = {
      kind: hit.kind,
      r0: r,
      r1: r + 1,
      c0: hit.c0,
      c1: hit.c1,
      ratio: 0,
      sum: hit.sum,
      cells: hit.cells,
      last: r,
    };
  }
  close();
  return bands;
}
