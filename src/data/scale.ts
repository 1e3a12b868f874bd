// Value -> colour-index scales. Brightness divides the top of the range (TiDB-style): 2x
// brightness saturates at half the maximum. Any v > 0 gets an index >= 1, so a non-zero cell is
// never drawn as the background.

export type ScaleKind = 'log' | 'linear';

/** Brightness is 2^e for whole e in -BRIGHTNESS_STEPS..BRIGHTNESS_STEPS: 1/64x .. 64x. */
export const BRIGHTNESS_STEPS = 6;

export interface ScaleOptions {
  kind: ScaleKind;
  max: number;
  /** 1/64..64, a power of two. */
  brightness: number;
}

export interface Scale {
  readonly kind: ScaleKind;
  /** The value that maps to the top colour (max / brightness). */
  readonly top: number;
  /**
   * LUT index for v: 0 for v <= 0 or NaN, else 1..lutSize-1. The range [0, top] (in log1p
   * space for 'log') splits into lutSize-1 equal bands, band j-1 -> index j; v >= top -> last.
   */
  index(v: number, lutSize: number): number;
  /** The value at ramp position t in [0, 1] (inverse of the mapping, for the legend). */
  valueAt(t: number): number;
  /** Legend ticks: about n nice values in [0, top], ascending, starting at 0. */
  ticks(n: number): number[];
  /** Precomputed lookup for the raster's hot loop (see IndexTable); cached per lutSize. */
  table(lutSize: number): IndexTable;
}

/**
 * What colorize needs to map values to LUT indexes without a log per pixel.
 * linear: index = x >= hi - 1 ? hi : 1 + floor(x), x = v * k.
 * log: thresholds thr[j] (j = 2..hi) are the smallest values of index j; index(v) is 1 plus
 * the number of thresholds <= v. A bucket table keyed by a double's exponent and top 8 mantissa
 * bits gives that count with one load and one compare: base[key] is the index at the bucket's
 * low edge and next[key] the one threshold inside it (Infinity if none); base 0 = "more than
 * one threshold here", resolved by bisection.
 */
export interface IndexTable {
  kind: ScaleKind;
  hi: number;
  k: number;
  thr: Float64Array;
  base: Uint16Array;
  next: Float64Array;
  /** Subtract from (high word >>> 12) of a double to get its bucket key. */
  keyBase: number;
  /** Direct index for whole values 0..small.length-1 (counts are integers: the common case). */
  small: Uint16Array;
}

/** Whole values below this get a direct lookup (a 16 KiB colour table: stays in L1). */
export const SMALL_VALUES = 1 << 12;

// Bucket table covers doubles from 2^LOG_MIN_EXP upwards (smaller values use bisection).
const LOG_MIN_EXP = -12;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // little-endian: u32[1] holds sign, exponent, mantissa top

/** 1 + #{thr[j] <= v, j = 2..hi}, by bisection. */
function countIndex(thr: Float64Array, hi: number, v: number): number {
  let lo = 2;
  let h = hi + 1;
  while (lo < h) {
    const mid = (lo + h) >>> 1;
    if (thr[mid] <= v) lo = mid + 1;
    else h = mid;
  }
  return lo - 1;
}

function buildLogTable(top: number, lutSize: number): IndexTable {
  const hi = Math.max(1, Math.floor(lutSize) - 1);
  const k = hi / Math.log1p(top);
  const thr = new Float64Array(hi + 1);
  thr[0] = thr[1] = -Infinity;
  for (let j = 2; j <= hi; j++) thr[j] = Math.expm1((j - 1) / k);
  // Buckets up to the exponent of the largest threshold (beyond it, every value is `hi`).
  f64[0] = Math.max(thr[hi], 2 ** LOG_MIN_EXP);
  const keyBase = (1023 + LOG_MIN_EXP) << 8;
  const nKeys = Math.max(0, (u32[1] >>> 12) - keyBase + 1);
  const base = new Uint16Array(nKeys);
  const next = new Float64Array(nKeys);
  for (let key = 0; key < nKeys; key++) {
    const e = ((key + keyBase) >> 8) - 1023;
    const m = (key + keyBase) & 0xff;
    const lo = 2 ** e * (1 + m / 256);
    const up = 2 ** e * (1 + (m + 1) / 256);
    const atLo = countIndex(thr, hi, lo);
    // Thresholds strictly inside (lo, up): those <= the largest double below `up`.
    const below = up - 2 ** e * Number.EPSILON;
    const inside = countIndex(thr, hi, below) - atLo;
    if (inside === 0) {
      base[key] = atLo;
      next[key] = Infinity;
    } else if (inside === 1) {
      base[key] = atLo;
      next[key] = thr[atLo + 1];
    } else {
      base[key] = 0;
      next[key] = Infinity;
    }
  }
  const t: IndexTable = { kind: 'log', hi, k, thr, base, next, keyBase, small: new Uint16Array(0) };
  t.small = smallTable(t);
  return t;
}

function smallTable(t: IndexTable): Uint16Array {
  const small = new Uint16Array(SMALL_VALUES);
  for (let v = 1; v < SMALL_VALUES; v++) small[v] = indexWith(t, v);
  return small;
}

/** Index through a table: the scalar version of colorize's loop (identical results). */
export function indexWith(t: IndexTable, v: number): number {
  if (!(v > 0)) return 0;
  if (t.kind === 'linear') {
    const x = v * t.k;
    return x >= t.hi - 1 ? t.hi : 1 + Math.floor(x);
  }
  if (v >= t.thr[t.hi]) return t.hi;
  f64[0] = v;
  const key = (u32[1] >>> 12) - t.keyBase;
  if (key >= 0 && key < t.base.length) {
    const b = t.base[key];
    if (b !== 0) return v >= t.next[key] ? b + 1 : b;
  }
  return countIndex(t.thr, t.hi, v);
}

/** Clamps to 1/64..64 and snaps to the nearest power of two. */
export function clampBrightness(b: number): number {
  if (!Number.isFinite(b) || b <= 0) return 1;
  const e = Math.round(Math.log2(b));
  return 2 ** Math.max(-BRIGHTNESS_STEPS, Math.min(BRIGHTNESS_STEPS, e));
}

/** The 1, 2, 5 x 10^k step nearest to x (a "nice" tick step). */
function niceStep(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  const f = m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10;
  return f * p;
}

function linearTicks(top: number, n: number): number[] {
  const step = niceStep(top / Math.max(1, n - 1));
  const out: number[] = [];
  for (let i = 0; i * step <= top * (1 + 1e-9) && out.length < 1000; i++) {
    out.push(Number((i * step).toPrecision(12)));
  }
  return out;
}

function logTicks(top: number, n: number): number[] {
  // 0, then 1-2-5 decades (thinned to fit n) up to top.
  const cands: number[] = [];
  for (let d = 1; d <= top * (1 + 1e-9); d *= 10) {
    for (const m of [1, 2, 5]) {
      const v = d * m;
      if (v <= top * (1 + 1e-9)) cands.push(v);
    }
  }
  const want = Math.max(1, n - 1);
  let picked = cands;
  if (cands.length > want) {
    // Prefer powers of ten; thin those evenly if still too many.
    const decades = cands.filter((v) => /^10*$/.test(String(v)));
    const stride = Math.ceil(decades.length / want);
    picked = decades.filter((_, i) => i % stride === 0);
  }
  return [0, ...picked];
}

export function makeScale(opts: ScaleOptions): Scale {
  const kind: ScaleKind = opts.kind === 'linear' ? 'linear' : 'log';
  const brightness = clampBrightness(opts.brightness);
  const max = Number.isFinite(opts.max) && opts.max > 0 ? opts.max : 1;
  const top = max / brightness;
  const tables = new Map<number, IndexTable>();

  const table = (lutSize: number): IndexTable => {
    let t = tables.get(lutSize);
    if (!t) {
      if (kind === 'log') t = buildLogTable(top, lutSize);
      else {
        const hi = Math.max(1, Math.floor(lutSize) - 1);
        t = {
          kind,
          hi,
          k: hi / top,
          thr: new Float64Array(0),
          base: new Uint16Array(0),
          next: new Float64Array(0),
          keyBase: 0,
          small: new Uint16Array(0),
        };
        t.small = smallTable(t);
      }
      tables.set(lutSize, t);
    }
    return t;
  };

  const logTop = Math.log1p(top);
  return {
    kind,
    top,
    index: (v, lutSize) => indexWith(table(lutSize), v),
    valueAt: (t) => {
      const c = Math.min(1, Math.max(0, t));
      return kind === 'log' ? Math.expm1(c * logTop) : c * top;
    },
    ticks: (n) => (kind === 'log' ? logTicks(top, n) : linearTicks(top, n)),
    table,
  };
}

/** Position (0..1) of a value on the scale, for placing legend ticks. */
export function scalePosition(scale: Scale, v: number): number {
  if (!(v > 0)) return 0;
  const t = scale.kind === 'log' ? Math.log1p(v) / Math.log1p(scale.top) : v / scale.top;
  return Math.min(1, t);
}
