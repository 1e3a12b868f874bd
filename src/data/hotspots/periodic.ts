// Vertical bands at a steady interval: rows are summed in chunks of CHUNK_ROWS, a chunk whose
// column profile has MIN_BURSTS or more bursts at a steady interval is periodic, neighbouring
// chunks with the same period and phase join, and the joined range's edges are fitted row by
// row (a row belongs when it is busier in the burst columns than outside them).
import { medianOf } from './stats.ts';
import {
  BURST_MADS,
  BURST_RATIO,
  CHUNK_ROWS,
  ALIGN_SHARE,
  MIN_BURSTS,
  PERIOD_TOLERANCE,
} from './thresholds.ts';

export interface Batch {
  r0: number;
  r1: number;
  /** Burst starts (columns), and the median interval and length in columns. */
  starts: number[];
  period: number;
  length: number;
  c0: number;
  c1: number;
  ratio: number;
}

interface ChunkBursts {
  starts: number[];
  ends: number[];
  period: number;
  length: number;
}

function chunkBursts(p: Float64Array, C: number, floor: number): ChunkBursts | null {
  const m = medianOf(p, C);
  const dev = new Float64Array(C);
  for (let c = 0; c < C; c++) dev[c] = Math.abs(p[c] - m);
  const mad = Math.max(medianOf(dev, C), 0.05 * m);
  const base = Math.max(m, floor);
  const starts: number[] = [];
  const ends: number[] = [];
  for (let c = 0; c < C; c++) {
    if (!(p[c] >= BURST_RATIO * base && p[c] - m >= BURST_MADS * mad)) continue;
    // One quiet column inside a burst does not split it.
    if (ends.length && c - ends[ends.length - 1] <= 1) ends[ends.length - 1] = c + 1;
    else {
      starts.push(c);
      ends.push(c + 1);
    }
  }
  if (starts.length < MIN_BURSTS) return null;
  const gaps = starts.slice(1).map((s, i) => s - starts[i]);
  const period = medianOf(gaps);
  const tol = Math.max(2, PERIOD_TOLERANCE * period);
  if (gaps.some((g) => Math.abs(g - period) > tol)) return null;
  const length = medianOf(ends.map((e, i) => e - starts[i]));
  // A band, not a level that is on more than off.
  if (length > period / 2) return null;
  return { starts, ends, period, length };
}

/** Mean of row r in the burst columns and outside them. */
function rowInOut(
  values: Float64Array,
  r: number,
  C: number,
  inBurst: Uint8Array,
  burstCols: number,
): [number, number] {
  let a = 0;
  let b = 0;
  for (let c = 0; c < C; c++) {
    if (inBurst[c]) a += values[r * C + c];
    else b += values[r * C + c];
  }
  return [a / Math.max(1, burstCols), b / Math.max(1, C - burstCols)];
}

/** Weighted mean column of rows [a, b) over columns [c0, c1) (claimed cells left out). */
function centreColumn(
  values: Float64Array,
  C: number,
  a: number,
  b: number,
  c0: number,
  c1: number,
  claim: Uint8Array,
): number {
  let w = 0;
  let wc = 0;
  for (let r = a; r < b; r++) {
    for (let c = Math.max(0, c0); c < Math.min(C, c1); c++) {
      if (claim[r * C + c]) continue;
      const v = values[r * C + c];
      w += v;
      wc += v * c;
    }
  }
  return w > 0 ? wc / w : NaN;
}

/**
 * Whether the chunk's bursts hit its upper and lower halves at once (a vertical band) rather
 * than one after the other (a slanted sweep that happens to repeat).
 */
function vertical(
  values: Float64Array,
  C: number,
  a: number,
  z: number,
  b: ChunkBursts,
  claim: Uint8Array,
): boolean {
  const mid = (a + z) >> 1;
  if (mid === a) return true;
  const diffs: number[] = [];
  for (let q = 0; q < b.starts.length; q++) {
    const len = b.ends[q] - b.starts[q];
    const top = centreColumn(values, C, a, mid, b.starts[q] - len, b.ends[q] + len, claim);
    const bottom = centreColumn(values, C, mid, z, b.starts[q] - len, b.ends[q] + len, claim);
    diffs.push(Number.isFinite(top) && Number.isFinite(bottom) ? Math.abs(top - bottom) : Infinity);
  }
  return medianOf(diffs) <= Math.max(1, ALIGN_SHARE * b.length);
}

/** Batches, in steps (see steps.ts): it yields after each chunk of rows and each batch. */
export function* findBatchSteps(
  values: Float64Array,
  R: number,
  C: number,
  rowQuiet: Float64Array,
  typical: number,
  claim: Uint8Array,
): Generator<void, Batch[], void> {
  const G = Math.max(4, Math.min(CHUNK_ROWS, Math.floor(R / 8)));
  const p = new Float64Array(C);
  const found: { k: number; b: ChunkBursts }[] = [];
  for (let a = 0, k = 0; a < R; a += G, k++) {
    const z = Math.min(R, a + G);
    p.fill(0);
    for (let r = a; r < z; r++) {
      const base = r * C;
      for (let c = 0; c < C; c++) p[c] += claim[base + c] ? rowQuiet[r] : values[base + c];
    }
    const b = chunkBursts(p, C, 0.5 * (z - a) * typical);
    if (b && vertical(values, C, a, z, b, claim)) found.push({ k, b });
    yield;
  }
  const out: Batch[] = [];
  const inBurst = new Uint8Array(C);
  for (let i = 0; i < found.length;) {
    yield;
    let j = i + 1;
    const f = found[i].b;
    while (
      j < found.length &&
      found[j].k === found[j - 1].k + 1 &&
      Math.abs(found[j].b.period - f.period) <= 0.1 * f.period &&
      Math.abs(found[j].b.starts[0] - f.starts[0]) <= 2
    ) {
      j++;
    }
    inBurst.fill(0);
    let burstCols = 0;
    for (let q = 0; q < f.starts.length; q++) {
      for (let c = f.starts[q]; c < f.ends[q]; c++) {
        if (inBurst[c]) continue;
        inBurst[c] = 1;
        burstCols++;
      }
    }
    const belongs = (r: number): boolean => {
      const [inside, outside] = rowInOut(values, r, C, inBurst, burstCols);
      return inside > 0 && inside >= BURST_RATIO * Math.max(outside, 0.1 * typical);
    };
    let r0 = found[i].k * G;
    let r1 = Math.min(R, found[j - 1].k * G + G);
    while (r0 > 0 && r0 > found[i].k * G - G && belongs(r0 - 1)) r0--;
    while (r0 < r1 && !belongs(r0)) r0++;
    while (r1 < R && r1 < found[j - 1].k * G + 2 * G && belongs(r1)) r1++;
    while (r1 > r0 && !belongs(r1 - 1)) r1--;
    if (r1 > r0) {
      let inSum = 0;
      for (let r = r0; r < r1; r++) inSum += rowInOut(values, r, C, inBurst, burstCols)[0];
      out.push({
        r0,
        r1,
        starts: f.starts,
        period: f.period,
        length: f.length,
        c0: f.starts[0],
        c1: f.ends[f.ends.length - 1],
        ratio: inSum / (r1 - r0) / typical,
      });
    }
    i = j;
  }
  return out;
}
