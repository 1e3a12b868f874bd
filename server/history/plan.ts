// Tier joining: which source answers which part of a window. Sources from the
// finest: the in-memory ring, then the store's tiers. Each source covers time
// from its oldest column on; a coarser source takes over below the finer one's
// start, rounded up to the coarser column width so a coarse column never
// overlaps a finer one. Columns are selected by start time, from <= t < to,
// like the node's window rule.

export interface SourceSpan {
  /** Oldest column start held, or null when the source is empty. */
  first: number | null;
  /** Newest column start held (a roll-up tier holds only closed windows: it may end well before now). */
  last?: number;
  /** Column width; 0 for raw flush columns (not aligned to anything). */
  widthMs: number;
}

export interface PlannedRange {
  /** Index into the sources given to planWindow. */
  source: number;
  from: number;
  to: number;
}

function alignUp(t: number, w: number): number {
  return w > 0 ? Math.ceil(t / w) * w : t;
}

function alignDown(t: number, w: number): number {
  return w > 0 && Number.isFinite(t) ? Math.floor(t / w) * w : t;
}

/**
 * Splits [from, to) (0 = unbounded) over `sources`, finest first. Sources of
 * equal width form one layer (the ring and a raw first tier): inside a layer
 * the earlier source answers from its own first column on and the next one
 * below that. Returns the non-empty ranges, finest first.
 */
export function planWindow(
  sources: readonly SourceSpan[],
  from: number,
  to: number,
): PlannedRange[] {
  const lo = from === 0 ? -Infinity : from;
  const hi = to === 0 ? Infinity : to;
  const out: PlannedRange[] = [];
  if (lo >= hi) return out;
  // Layers of equal width, each with its non-empty sources.
  const layers: { widthMs: number; members: number[]; first: number; end: number }[] = [];
  sources.forEach((s, i) => {
    if (s.first === null) return;
    const end = s.last === undefined ? Infinity : s.last + s.widthMs;
    const prev = layers.at(-1);
    if (prev && prev.widthMs === s.widthMs) {
      prev.members.push(i);
      prev.first = Math.min(prev.first, s.first);
      prev.end = Math.max(prev.end, end);
    } else layers.push({ widthMs: s.widthMs, members: [i], first: s.first, end });
  });
  let upper = Infinity;
  let start = Infinity; // oldest time this layer or a finer one holds
  for (let l = 0; l < layers.length && upper > lo; l++) {
    const layer = layers[l];
    start = Math.min(start, layer.first);
    const next = layers[l + 1];
    // The coarser layer takes over at the finer one's first boundary, or where
    // its own closed windows end if that is earlier (then the finer layer answers
    // from there, and time neither holds is a gap).
    let cut = next ? Math.min(alignUp(start, next.widthMs), next.end) : -Infinity;
    // A coarse column never straddles the finer layer's start: below an
    // unaligned finer start, the coarser layer stops at its own boundary.
    if (next && cut > upper) cut = alignDown(upper, next.widthMs);
    let top = upper;
    layer.members.forEach((m, j) => {
      const own = j === layer.members.length - 1 ? cut : Math.max(sources[m].first!, cut);
      const a = Math.max(lo, own);
      const b = Math.min(hi, top);
      if (a < b) out.push({ source: m, from: a, to: b });
      top = Math.min(top, own);
    });
    upper = cut;
  }
  return out;
}
