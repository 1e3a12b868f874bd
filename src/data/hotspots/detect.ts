// Hot-spot detection over the matrix the page holds: diagonals first (their cells are then
// claimed so they are not read as bands or bursts), then horizontal bands, then periodic
// vertical bands; each becomes a ranked key range with a diagnosis in words. Pure and
// allocation-light: about a dozen passes over the cells (npm run bench -- hotspots).
import { formatClock, formatDuration } from '../format.ts';
import type { Matrix } from '../matrix.ts';
import { inferStepMs } from '../raster.ts';
import { findBatchSteps, type Batch } from './periodic.ts';
import { areaStats, medianOf } from './stats.ts';
import { findBandSteps } from './sustained.ts';
import { ROWS_PER_STEP_MASK, runSteps } from '../steps.ts';
import { MAX_SMOOTH, MAX_HOT_SPOTS, SMOOTH_DIVISOR, TRACK_ROW_GAP } from './thresholds.ts';
import { findTrackSteps, type Track } from './tracks.ts';
import { KIND_LABEL, type HotSpot, type HotSpotDetail, type HotSpotKind } from './types.ts';

interface Found {
  kind: HotSpotKind;
  r0: number;
  r1: number;
  c0: number;
  c1: number;
  detail: HotSpotDetail;
}

function ratioText(x: number): string {
  return x >= 10 ? `${Math.round(x)}×` : `${x.toFixed(1)}×`;
}

function describe(f: Found, stepMs: number, columns: Float64Array): string {
  const d = f.detail;
  const span = formatDuration((f.c1 - f.c0) * stepMs);
  const way = d.direction === 1 ? 'towards higher keys' : 'towards lower keys';
  switch (f.kind) {
    case 'sustained':
      return `${KIND_LABEL.sustained}: ${ratioText(d.ratio ?? 0)} the typical row for ${span}`;
    case 'sudden': {
      const up = d.upAtMs !== undefined ? ` from ${formatClock(d.upAtMs)}` : ' until';
      const down =
        d.downAtMs !== undefined
          ? ` ${d.upAtMs !== undefined ? 'to' : ''} ${formatClock(d.downAtMs)}`
          : ' on to the end';
      return `${KIND_LABEL.sudden}: ${ratioText(d.ratio ?? 0)} the typical row${up}${down}`.replace(
        /\s+/g,
        ' ',
      );
    }
    case 'sequential':
    case 'moving': {
      const passes = d.passes ?? 1;
      const each = passes > 1 && d.periodMs ? `, one every ${formatDuration(d.periodMs)}` : '';
      const what = f.kind === 'sequential' ? 'a narrow write head moves' : 'a wide hot spot drifts';
      const count = passes > 1 ? `${passes} passes` : `over ${span}`;
      return `${KIND_LABEL[f.kind]}: ${what} ${way} (${count}${each})`;
    }
    case 'periodic':
      return `${KIND_LABEL.periodic}: ${d.bursts} bursts of ${formatDuration(d.burstMs ?? 0)}, every ${formatDuration(d.periodMs ?? 0)}, ${ratioText(d.ratio ?? 0)} the typical row`;
  }
  void columns;
}

/** Tracks whose rows overlap (transitively) merge: repeated sweeps of one range are one spot. */
function mergeTracks(tracks: Track[], stepMs: number): Found[] {
  const out: Found[] = [];
  const groups: Track[][] = [];
  for (const t of tracks) {
    const g = groups.find((list) =>
      list.some((u) => u.kind === t.kind && u.r0 < t.r1 && t.r0 < u.r1),
    );
    if (g) g.push(t);
    else groups.push([t]);
  }
  // A chain can link two groups after the fact: one more pass joins them.
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      if (
        groups[i].some((u) =>
          groups[j].some((t) => u.kind === t.kind && u.r0 < t.r1 && t.r0 < u.r1),
        )
      ) {
        groups[i].push(...groups[j]);
        groups.splice(j--, 1);
      }
    }
  }
  for (const g of groups) {
    const starts = g.map((t) => t.c0).sort((a, b) => a - b);
    const gaps = starts.slice(1).map((s, i) => s - starts[i]);
    const up = g.filter((t) => t.direction === 1).length;
    out.push({
      kind: g[0].kind,
      r0: Math.min(...g.map((t) => t.r0)),
      r1: Math.max(...g.map((t) => t.r1)),
      c0: Math.min(...g.map((t) => t.c0)),
      c1: Math.max(...g.map((t) => t.c1)),
      detail: {
        passes: g.length,
        direction: up * 2 >= g.length ? 1 : -1,
        ...(gaps.length ? { periodMs: medianOf(gaps) * stepMs } : {}),
      },
    });
  }
  return out;
}

/**
 * Batches with the same rhythm split only by a few rows (a hot row of its own inside the band
 * is read as a band, not a burst) are one batch job.
 */
function joinBatches(list: Batch[]): Batch[] {
  const sorted = [...list].sort((a, b) => a.r0 - b.r0);
  const out: Batch[] = [];
  for (const b of sorted) {
    const prev = out[out.length - 1];
    if (
      prev &&
      b.r0 - prev.r1 <= TRACK_ROW_GAP &&
      b.period === prev.period &&
      b.length === prev.length &&
      b.starts.length === prev.starts.length
    ) {
      out[out.length - 1] = {
        ...prev,
        r1: Math.max(prev.r1, b.r1),
        c0: Math.min(prev.c0, b.c0),
        c1: Math.max(prev.c1, b.c1),
        ratio: Math.max(prev.ratio, b.ratio),
      };
    } else out.push(b);
  }
  return out;
}

// Per-row loops as plain functions, called from the stepped passes (see tracks.ts findBlobs).
function rowSum(values: Float64Array, base: number, C: number): number {
  let t = 0;
  for (let c = 0; c < C; c++) t += values[base + c];
  return t;
}

function unclaimedMean(values: Float64Array, claim: Uint8Array, base: number, C: number): number {
  let t = 0;
  let n = 0;
  for (let c = 0; c < C; c++) {
    if (claim[base + c]) continue;
    t += values[base + c];
    n++;
  }
  return n > 0 ? t / n : 0;
}

/** Everything detection needs from a matrix besides its cells. */
export interface DetectOptions {
  /** At most this many hot spots (default MAX_HOT_SPOTS). */
  limit?: number;
}

/** The hot spots of `m`, ranked (at most opts.limit, default MAX_HOT_SPOTS). */
export function detectHotSpots(m: DetectInput, opts: DetectOptions = {}): HotSpot[] {
  return runSteps(detectSteps(m, opts));
}

/** What detection reads of a matrix: it can be sent to a worker as is. */
export type DetectInput = Pick<Matrix, 'rowCount' | 'colCount' | 'values' | 'columns'>;

/**
 * detectHotSpots in steps (see steps.ts): run straight through in a worker, or sliced on the
 * main thread. Every pass over the cells yields every few rows.
 */
export function* detectSteps(
  m: DetectInput,
  opts: DetectOptions = {},
): Generator<void, HotSpot[], void> {
  const R = m.rowCount;
  const C = m.colCount;
  const values = m.values;
  if (R === 0 || C === 0) return [];
  const rowTotal = new Float64Array(R);
  const rowMean = new Float64Array(R);
  let grand = 0;
  const active: number[] = [];
  for (let r = 0; r < R; r++) {
    const t = rowSum(values, r * C, C);
    rowTotal[r] = t;
    rowMean[r] = t / C;
    grand += t;
    if (t > 0) active.push(t / C);
    if ((r & ROWS_PER_STEP_MASK) === ROWS_PER_STEP_MASK) yield;
  }
  if (grand <= 0) return [];
  const typical = medianOf(active);
  const stepMs = inferStepMs(m.columns);
  let smooth = Math.max(1, Math.min(MAX_SMOOTH, Math.round(C / SMOOTH_DIVISOR)));
  if (smooth % 2 === 0) smooth++;

  const claim = new Uint8Array(R * C);
  const found: Found[] = mergeTracks(
    yield* findTrackSteps(values, R, C, rowMean, typical, claim, (smooth >> 1) + 1),
    stepMs,
  );
  for (const b of yield* findBandSteps(values, R, C, rowTotal, typical, smooth, claim)) {
    const detail: HotSpotDetail = { ratio: b.ratio };
    if (b.kind === 'sudden') {
      if (b.c0 > 0) detail.upAtMs = m.columns[b.c0];
      if (b.c1 < C) detail.downAtMs = m.columns[b.c1 - 1];
    }
    found.push({ kind: b.kind, r0: b.r0, r1: b.r1, c0: b.c0, c1: b.c1, detail });
  }
  // Claimed cells stand in as their row's unclaimed mean: a sweep is not a burst.
  const rowQuiet = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    rowQuiet[r] = unclaimedMean(values, claim, r * C, C);
    if ((r & ROWS_PER_STEP_MASK) === ROWS_PER_STEP_MASK) yield;
  }
  for (const b of joinBatches(yield* findBatchSteps(values, R, C, rowQuiet, typical, claim))) {
    found.push({
      kind: 'periodic',
      r0: b.r0,
      r1: b.r1,
      c0: b.c0,
      c1: b.c1,
      detail: {
        ratio: b.ratio,
        bursts: b.starts.length,
        periodMs: b.period * stepMs,
        burstMs: b.length * stepMs,
      },
    });
  }

  const spots: HotSpot[] = [];
  for (const f of found) {
    // A spot can cover most of the matrix: one step each.
    yield;
    const a = areaStats(values, C, f.r0, f.r1, f.c0, f.c1);
    spots.push({
      kind: f.kind,
      rank: 0,
      r0: f.r0,
      r1: f.r1,
      c0: f.c0,
      c1: f.c1,
      total: a.total,
      share: a.total / grand,
      peak: { value: a.peak, row: a.row, col: a.col, unixMs: m.columns[a.col] },
      diagnosis: describe(f, stepMs, m.columns),
      detail: f.detail,
    });
  }
  spots.sort((a, b) => b.share - a.share || a.r0 - b.r0);
  const limited = spots.slice(0, opts.limit ?? MAX_HOT_SPOTS);
  limited.forEach((s, i) => (s.rank = i + 1));
  return limited;
}

export { hottestCell } from './hottest.ts';
