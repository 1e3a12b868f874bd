// Nested label bands beside the key axis (as TiDB's key visualizer shows db / table / index):
// adjacent rows whose start keys share a prefix form a band, one level per key segment.
// Segments end at a separator ("|", "/", ":"); in binary parts of a key every byte is its own
// segment, so binary keys group byte by byte. Only complete segments make bands (the unique
// tail of a key is the row's own label, not a band).

import { displayKey } from '../keys.ts';
import type { RowMeta } from '../matrix.ts';

export interface KeyBand {
  /** 0 = outermost. */
  depth: number;
  /** Rows [r0, r1). */
  r0: number;
  r1: number;
  /** The band's own segment, display-escaped (keys.ts displayKey), e.g. "str|". */
  label: string;
  /** The whole shared prefix (for a "filter to this band" action). */
  prefix: Uint8Array;
}

const SEP_PIPE = 0x7c;
const SEP_SLASH = 0x2f;
const SEP_COLON = 0x3a;

const isSep = (b: number): boolean => b === SEP_PIPE || b === SEP_SLASH || b === SEP_COLON;

/** Length of a valid multi-byte UTF-8 sequence at i (2..4), or 0 (then the byte is binary). */
function utf8Len(k: Uint8Array, i: number): number {
  const b = k[i];
  const n =
    b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > k.length) return 0;
  for (let j = 1; j < n; j++) if ((k[i + j] & 0xc0) !== 0x80) return 0;
  return n;
}

/**
 * End offsets of the key's first `maxSegments` complete segments. A segment ends after a
 * separator; a binary byte (control, DEL, or not part of valid UTF-8) is a segment of its own,
 * and the text before it ends a segment too.
 */
export function keySegments(key: Uint8Array, maxSegments: number): number[] {
  const ends: number[] = [];
  let i = 0;
  while (i < key.length && ends.length < maxSegments) {
    const b = key[i];
    const u = b >= 0x80 ? utf8Len(key, i) : 0;
    const binary = b < 0x20 || b === 0x7f || (b >= 0x80 && u === 0);
    if (binary) {
      if (ends.length === 0 ? i > 0 : ends[ends.length - 1] < i) {
        ends.push(i); // text run before a binary byte
        if (ends.length >= maxSegments) break;
      }
      ends.push(i + 1);
      i++;
      continue;
    }
    i += u > 0 ? u : 1;
    if (u === 0 && isSep(b)) ends.push(i);
  }
  return ends;
}

function sameBytes(a: Uint8Array, aLen: number, b: Uint8Array, bLen: number): boolean {
  if (aLen !== bLen) return false;
  for (let i = 0; i < aLen; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Bands for rows (in key order) by their start keys, depths 0..maxDepth-1, sorted by depth then
 * r0. Bands with fewer than `minRows` rows are left out.
 */
export function keyBands(
  rows: readonly Pick<RowMeta, 'start'>[],
  maxDepth = 3,
  minRows = 1,
): KeyBand[] {
  const segs = rows.map((r) => keySegments(r.start, maxDepth));
  const out: KeyBand[] = [];
  for (let d = 0; d < maxDepth; d++) {
    let r = 0;
    while (r < rows.length) {
      const len = segs[r].length > d ? segs[r][d] : -1;
      if (len < 0) {
        r++;
        continue;
      }
      const key = rows[r].start;
      let e = r + 1;
      while (
        e < rows.length &&
        segs[e].length > d &&
        sameBytes(key, len, rows[e].start, segs[e][d])
      ) {
        e++;
      }
      if (e - r >= minRows) {
        const from = d === 0 ? 0 : segs[r][d - 1];
        out.push({
          depth: d,
          r0: r,
          r1: e,
          label: displayKey(key.subarray(from, len)),
          prefix: key.slice(0, len),
        });
      }
      r = e;
    }
  }
  return out;
}

export interface VisibleBand {
  band: KeyBand;
  /** Top of the visible part, px from the top of the plot. */
  y: number;
  /** Height of the visible part in px. */
  height: number;
}

/**
 * Bands intersecting the visible rows [view.r0, view.r1), clipped to them, whose visible part is
 * at least minPx tall (too thin to label otherwise).
 */
export function visibleBands(
  bands: readonly KeyBand[],
  view: { r0: number; r1: number },
  pxPerRow: number,
  minPx: number,
): VisibleBand[] {
  const out: VisibleBand[] = [];
  if (!(pxPerRow > 0)) return out;
  for (const band of bands) {
    const a = Math.max(band.r0, view.r0);
    const b = Math.min(band.r1, view.r1);
    if (!(b > a)) continue;
    const height = (b - a) * pxPerRow;
    if (height >= minPx) out.push({ band, y: (a - view.r0) * pxPerRow, height });
  }
  return out;
}
