// Diagonals: peak cells (far above their row's mean) that, linked column to column, form a
// track whose centre moves steadily through the key space. A narrow track is a write head
// (sequential keys); a wide one a hot spot drifting over time.
import { lineFit } from './stats.ts';
import { ROWS_PER_STEP_MASK } from '../steps.ts';
import {
  HEAD_MAX_ROWS,
  PEAK_RATIO,
  TRACK_COL_GAP,
  TRACK_MIN_COLUMNS,
  TRACK_MIN_R2,
  TRACK_MIN_SHARE,
  TRACK_MIN_ROWS,
  TRACK_ROW_GAP,
} from './thresholds.ts';

export interface Track {
  kind: 'sequential' | 'moving';
  r0: number;
  r1: number;
  c0: number;
  c1: number;
  direction: 1 | -1;
}

/** Peak-cell runs of one column: flat arrays, one entry per blob, in column then row order. */
interface Blobs {
  col: Int32Array;
  r0: Int32Array;
  r1: Int32Array;
  weight: Float64Array;
  centre: Float64Array;
  n: number;
  /** colStart[c]..colStart[c + 1]: the blobs of column c. */
  colStart: Int32Array;
}

function* findBlobs(
  values: Float64Array,
  R: number,
  C: number,
  floor: Float64Array,
): Generator<void, Blobs, void> {
  // Row-major scan (the matrix's layout) with one open run per column.
  const open = new Int32Array(C).fill(-1);
  const last = new Int32Array(C);
  const ow = new Float64Array(C);
  const owr = new Float64Array(C);
  const col: number[] = [];
  const r0s: number[] = [];
  const r1s: number[] = [];
  const ws: number[] = [];
  const wrs: number[] = [];
  const close = (c: number): void => {
    col.push(c);
    r0s.push(open[c]);
    r1s.push(last[c] + 1);
    ws.push(ow[c]);
    wrs.push(owr[c] / ow[c]);
    open[c] = -1;
  };
  // The per-cell loop lives in a plain function: the optimiser handles it better than a loop
  // inside the generator.
  const row = (r: number): void => {
    const f = floor[r];
    const base = r * C;
    for (let c = 0; c < C; c++) {
      const v = values[base + c];
      if (v < f || v <= 0) continue;
      if (open[c] >= 0 && r - last[c] > TRACK_ROW_GAP) close(c);
      if (open[c] < 0) {
        open[c] = r;
        ow[c] = 0;
        owr[c] = 0;
      }
      last[c] = r;
      ow[c] += v;
      owr[c] += v * r;
    }
  };
  for (let r = 0; r < R; r++) {
    row(r);
    if ((r & ROWS_PER_STEP_MASK) === ROWS_PER_STEP_MASK) yield;
  }
  for (let c = 0; c < C; c++) if (open[c] >= 0) close(c);
  // Counting sort by column (runs of one column are already in row order).
  const n = col.length;
  const colStart = new Int32Array(C + 1);
  for (let i = 0; i < n; i++) colStart[col[i] + 1]++;
  for (let c = 0; c < C; c++) colStart[c + 1] += colStart[c];
  const fill = colStart.slice(0, C);
  const b: Blobs = {
    col: new Int32Array(n),
    r0: new Int32Array(n),
    r1: new Int32Array(n),
    weight: new Float64Array(n),
    centre: new Float64Array(n),
    n,
    colStart,
  };
  for (let i = 0; i < n; i++) {
    const k = fill[col[i]]++;
    b.col[k] = col[i];
    b.r0[k] = r0s[i];
    b.r1[k] = r1s[i];
    b.weight[k] = ws[i];
    b.centre[k] = wrs[i];
  }
  return b;
}

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/**
 * Tracks of the matrix. `rowMean` is each row's mean over the window, `typical` the typical
 * row's; a peak cell is PEAK_RATIO times the larger of the two. The cells of every track found,
 * widened by TRACK_ROW_GAP rows and `halo` columns, are set to 1 in `claim` (R * C), so the
 * other detectors do not see a track's shoulders as a band or a burst. In steps (steps.ts): it
 * yields every few rows of its pass over the cells.
 */
export function* findTrackSteps(
  values: Float64Array,
  R: number,
  C: number,
  rowMean: Float64Array,
  typical: number,
  claim: Uint8Array,
  halo: number,
): Generator<void, Track[], void> {
  const floor = new Float64Array(R);
  for (let r = 0; r < R; r++) floor[r] = PEAK_RATIO * Math.max(typical, rowMean[r]);
  const b = yield* findBlobs(values, R, C, floor);
  const parent = new Int32Array(b.n);
  for (let i = 0; i < b.n; i++) parent[i] = i;
  for (let i = 0; i < b.n; i++) {
    const c = b.col[i];
    const lo = b.r0[i] - TRACK_ROW_GAP;
    const hi = b.r1[i] + TRACK_ROW_GAP;
    const end = b.colStart[Math.min(C, c + TRACK_COL_GAP + 1)];
    for (let j = b.colStart[c + 1]; j < end; j++) {
      if (b.r0[j] >= hi) continue;
      if (b.r1[j] <= lo) continue;
      const a = find(parent, i);
      const z = find(parent, j);
      if (a !== z) parent[z] = a;
    }
  }
  // Group blobs by component; tiny components (noise) are dropped before any fitting.
  const members = new Map<number, number[]>();
  for (let i = 0; i < b.n; i++) {
    const root = find(parent, i);
    let list = members.get(root);
    if (!list) members.set(root, (list = []));
    list.push(i);
  }
  const tracks: Track[] = [];
  const minCols = Math.max(TRACK_MIN_COLUMNS, Math.ceil(TRACK_MIN_SHARE * C));
  for (const list of members.values()) {
    if (list.length < minCols) continue;
    yield;
    let c0 = C;
    let c1 = 0;
    let r0 = R;
    let r1 = 0;
    for (const i of list) {
      c0 = Math.min(c0, b.col[i]);
      c1 = Math.max(c1, b.col[i] + 1);
      r0 = Math.min(r0, b.r0[i]);
      r1 = Math.max(r1, b.r1[i]);
    }
    if (c1 - c0 < minCols || r1 - r0 < TRACK_MIN_ROWS) continue;
    // One weighted centre and one height per column.
    const span = c1 - c0;
    const w = new Float64Array(span);
    const wr = new Float64Array(span);
    const height = new Float64Array(span);
    for (const i of list) {
      const k = b.col[i] - c0;
      w[k] += b.weight[i];
      wr[k] += b.weight[i] * b.centre[i];
      height[k] += b.r1[i] - b.r0[i];
    }
    const xs: number[] = [];
    const ys: number[] = [];
    let hSum = 0;
    for (let k = 0; k < span; k++) {
      if (w[k] <= 0) continue;
      xs.push(k);
      ys.push(wr[k] / w[k]);
      hSum += height[k];
    }
    if (xs.length < minCols) continue;
    const fit = lineFit(xs, ys);
    // It must cross its rows, not sit still while wide noise widens it.
    if (fit.r2 < TRACK_MIN_R2 || Math.abs(fit.slope) * span < 0.5 * (r1 - r0)) continue;
    for (const i of list) {
      const ra = Math.max(0, b.r0[i] - TRACK_ROW_GAP);
      const rb = Math.min(R, b.r1[i] + TRACK_ROW_GAP);
      const ca = Math.max(0, b.col[i] - halo);
      const cb = Math.min(C, b.col[i] + halo + 1);
      for (let r = ra; r < rb; r++) claim.fill(1, r * C + ca, r * C + cb);
    }
    tracks.push({
      kind: hSum / xs.length <= HEAD_MAX_ROWS ? 'sequential' : 'moving',
      r0,
      r1,
      c0,
      c1,
      direction: fit.slope > 0 ? 1 : -1,
    });
  }
  return tracks.sort((a, z) => a.c0 - z.c0 || a.r0 - z.r0);
}
