// Key-axis text (pure): a row label shows the part of its key that tells it from the labelled
// neighbours (the shared prefix is what the bands beside it already say), and band labels are
// placed horizontally on free lines, even for bands thinner than a line.

const ELLIPSIS = '…';
/** Characters kept before the first differing one, for context. */
const CONTEXT = 4;
const SEPARATORS = new Set(['|', '/', ':', '#', '.', '-', '_']);

function commonPrefix(a: string, b: string | undefined): number {
  if (b === undefined) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * The part of `key` worth showing in `maxChars` characters: the whole key when it fits, else a
 * window that starts a little before the first character where it differs from `prev` or
 * `next` (its labelled neighbours), elided with "…" at either cut end.
 */
export function distinctPart(
  key: string,
  prev: string | undefined,
  next: string | undefined,
  maxChars: number,
): string {
  const max = Math.max(2, Math.floor(maxChars));
  if (key.length <= max) return key;
  const d = Math.max(commonPrefix(key, prev), commonPrefix(key, next));
  // Back up a few characters of context, or to a separator close by (keeping it: "#4182").
  let start = Math.max(0, d - CONTEXT);
  for (let i = d - 1; i >= Math.max(0, d - 12); i--) {
    if (SEPARATORS.has(key[i])) {
      start = i;
      break;
    }
  }
  if (start === 0) return key.slice(0, max - 1) + ELLIPSIS;
  // Fill the window: if the tail is short, start earlier.
  const room = max - 1; // the leading ellipsis
  if (key.length - start <= room) return ELLIPSIS + key.slice(key.length - room);
  return ELLIPSIS + key.slice(start, start + room - 1) + ELLIPSIS;
}

export interface BandBox {
  /** Top and height of the band in CSS px. */
  y: number;
  height: number;
  depth: number;
}

export interface BandLabelPlace {
  /** Top of the label line, CSS px. */
  y: number;
  /** The label sits outside its band (a thin band): draw a leader to it. */
  outside: boolean;
}

/**
 * Lines for band labels, one per band where feasible: shallower bands first (the outer key
 * prefix says most), then the taller. A label goes at its band's top, else on the first free
 * line inside it, else (a thin band) on the nearest free line within `reach` px of its centre,
 * marked `outside`. Labels never overlap and stay inside [0, height].
 */
export function placeBandLabels(
  bands: readonly BandBox[],
  lineH: number,
  height: number,
  reach = 2 * lineH,
): (BandLabelPlace | null)[] {
  const order = bands.map((_, i) => i);
  order.sort((a, b) => bands[a].depth - bands[b].depth || bands[b].height - bands[a].height);
  const taken: [number, number][] = [];
  const free = (y: number) =>
    y >= 0 && y + lineH <= height + 0.5 && taken.every(([a, b]) => y + lineH <= a || y >= b);
  const out: (BandLabelPlace | null)[] = bands.map(() => null);
  for (const i of order) {
    const b = bands[i];
    let at: BandLabelPlace | null = null;
    // Inside: from the top down, on whole-line steps and just under each taken line.
    const inside = [b.y, ...taken.map(([, e]) => e)].filter((y) => y >= b.y).sort((x, y) => x - y);
    for (const y of inside) {
      if (y + lineH > b.y + b.height + 0.5) break;
      if (free(y)) {
        at = { y, outside: false };
        break;
      }
    }
    if (!at) {
      // Outside: nearest free line to the band's centre, within reach.
      const c = b.y + b.height / 2 - lineH / 2;
      for (let dy = 0; dy <= reach && !at; dy += 1) {
        for (const y of [c - dy, c + dy]) {
          const yy = Math.max(0, Math.min(height - lineH, y));
          if (Math.abs(yy - c) <= reach && free(yy)) {
            const fits = yy >= b.y - 0.5 && yy + lineH <= b.y + b.height + 0.5;
            at = { y: yy, outside: !fits };
            break;
          }
        }
      }
    }
    if (at) {
      taken.push([at.y, at.y + lineH]);
      out[i] = at;
    }
  }
  return out;
}
