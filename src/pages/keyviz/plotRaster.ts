// Pure raster steps for the zoomable plot: pool a viewport on the device-pixel grid of the
// gap-aware time layout (screenRaster: at most one raster line per cell and per device pixel, max
// pooling so a hot cell never vanishes), expand it to the device image, and where that image
// lands when another view is on screen (a pan/zoom frame is then one scaled drawImage).

import type { Matrix } from '../../data/matrix.ts';
import { deviceMap, poolMax, type DeviceMap } from '../../data/raster.ts';
import { screenRaster, type ColumnEdges, type Viewport } from '../../data/view/index.ts';

export interface Pooled {
  /** Max-pooled values, outW x outH row-major (the raster, not yet device-sized). */
  values: Float64Array;
  outW: number;
  outH: number;
  /** Where the raster goes on the device image (-1 where nothing is drawn). */
  device: DeviceMap;
  /** The view pooled; the device image (xmap.length x ymap.length) spans exactly this. */
  t0: number;
  t1: number;
  r0: number;
  r1: number;
}

/**
 * Pools a viewport for a devW x devH canvas: one raster column per cell column while cells
 * are at least a device pixel wide (drawn repeated across their pixels), max-pooled columns
 * when they are thinner; rows likewise. Cheap when the canvas has more pixels than cells.
 * `reuse` (the previous values of the same size) saves allocating and faulting in megabytes
 * per answer, measured at several ms in Chromium.
 */
export function poolViewport(
  m: Matrix,
  edges: ColumnEdges,
  vp: Viewport,
  devW: number,
  devH: number,
  reuse?: Float64Array,
): Pooled {
  const sr = screenRaster(vp, edges, m.rowCount, Math.floor(devW), Math.floor(devH));
  const outW = sr.cols.buckets.starts.length;
  const outH = sr.rows.buckets.starts.length;
  const values =
    outW > 0 && outH > 0
      ? poolMax(
          m.values,
          m.rowCount,
          m.colCount,
          sr.view,
          outW,
          outH,
          sr.cols.buckets,
          reuse,
          sr.rows.buckets,
        )
      : new Float64Array(0);
  return {
    values,
    outW: values.length > 0 ? outW : 0,
    outH: values.length > 0 ? outH : 0,
    device: deviceMap(sr.cols.map, sr.rows.map),
    t0: vp.t0,
    t1: vp.t1,
    r0: vp.r0,
    r1: vp.r1,
  };
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where a bitmap pooled for `p` goes (device px) while view `g` fills devW x devH. */
export function placePooled(
  p: Pick<Pooled, 't0' | 't1' | 'r0' | 'r1'>,
  g: Viewport,
  devW: number,
  devH: number,
): Rect {
  const st = g.t1 - g.t0 || 1;
  const sr = g.r1 - g.r0 || 1;
  const x = ((p.t0 - g.t0) / st) * devW;
  const x2 = ((p.t1 - g.t0) / st) * devW;
  const y = ((p.r0 - g.r0) / sr) * devH;
  const y2 = ((p.r1 - g.r0) / sr) * devH;
  return { x, y, w: x2 - x, h: y2 - y };
}

/** Whole values below this get their own code; others are listed (see encodePooled). */
const DIRECT_CODES = 4096;
const MAX_CODES = 65536;

/**
 * A pooled buffer as 16-bit codes into a small list of distinct values, so a recolour
 * (brightness, scale, palette) colours only the list and then does one table load per pixel.
 * Codes < 4096 are the whole value itself; larger codes index `values`. Null when the buffer
 * holds too many distinct values (byte series): then colour the values directly.
 */
export interface PooledCodes {
  codes: Uint16Array;
  /** Value of each code: values[c] === c for c < 4096. */
  values: Float64Array;
}

// Value -> code table for encodePooled: open addressing over the value's bits, kept between
// calls and cleared in O(1) by a generation stamp. A Map keyed by doubles boxed every lookup and
// was most of the encode time on rows of large distinct values (hot bands).
const TABLE_BITS = 17; // 131072 slots, over twice the most extra codes: probes stay short
interface CodeTable {
  keys: Float64Array;
  codes: Uint16Array;
  gen: Int32Array;
  now: number;
  /** This call's extra values, in code order (code DIRECT_CODES + i). */
  extra: number[];
}
let table: CodeTable | null = null;
const bits = new Float64Array(1);
const bitWords = new Uint32Array(bits.buffer);
/** Elements per encodeChunk call (see raster.ts maxInto on why the loop is split). */
const CHUNK = 4096;

/** `out` (a previous answer's codes of the same length) is reused. */
export function encodePooled(pooled: Float64Array, out?: Uint16Array): PooledCodes | null {
  const n = pooled.length;
  const codes = out && out.length === n ? out : new Uint16Array(n);
  table ??= {
    keys: new Float64Array(1 << TABLE_BITS),
    codes: new Uint16Array(1 << TABLE_BITS),
    gen: new Int32Array(1 << TABLE_BITS),
    now: 0,
    extra: [],
  };
  const t = table;
  if (++t.now === 0x7fffffff) {
    t.gen.fill(0);
    t.now = 1;
  }
  t.extra = [];
  for (let i = 0; i < n; i += CHUNK) {
    if (!encodeChunk(pooled, codes, i, Math.min(n, i + CHUNK), t)) return null;
  }
  const values = new Float64Array(DIRECT_CODES + t.extra.length);
  for (let c = 0; c < DIRECT_CODES; c++) values[c] = c;
  values.set(t.extra, DIRECT_CODES);
  t.extra = [];
  return { codes, values };
}

/** Codes of pooled[from..to); false when the codes run out. */
function encodeChunk(
  pooled: Float64Array,
  codes: Uint16Array,
  from: number,
  to: number,
  t: CodeTable,
): boolean {
  for (let i = from; i < to; i++) {
    const v = pooled[i];
    const iv = v | 0;
    if (iv === v && iv >= 0 && iv < DIRECT_CODES) {
      codes[i] = iv;
      continue;
    }
    const c = v !== v ? 0 : codeOf(v, iv, t); // NaN colours as zero, like colorize
    if (c < 0) return false;
    codes[i] = c;
  }
  return true;
}

/** The code of a value past the direct ones, added on first sight; -1 when codes run out. */
function codeOf(v: number, iv: number, t: CodeTable): number {
  // Whole values hash their int; others (and whole values past int32) their bits.
  let h: number;
  if (iv === v) h = Math.imul(iv, 0x9e3779b1);
  else {
    bits[0] = v;
    h = Math.imul(bitWords[1] ^ Math.imul(bitWords[0], 0x85ebca6b), 0x9e3779b1);
  }
  const { keys, gen, now } = t;
  const mask = (1 << TABLE_BITS) - 1;
  let slot = h >>> (32 - TABLE_BITS);
  while (gen[slot] === now && keys[slot] !== v) slot = (slot + 1) & mask;
  if (gen[slot] !== now) {
    const code = DIRECT_CODES + t.extra.length;
    if (code >= MAX_CODES) return -1;
    gen[slot] = now;
    keys[slot] = v;
    t.codes[slot] = code;
    t.extra.push(v);
  }
  return t.codes[slot];
}
