// Markers on the time axis, grouped where they would overlap (like the key axis' break marks,
// keyBreaks.ts): a page of a day's columns has a leader change in nearly every column, and a
// marker each drew a solid row of dots. Markers closer than a glyph share one, with a count and
// words that say how many of which kinds between which times. A split, merge or gap is never
// drawn as a leader change: a group takes the glyph of its rarest, most telling kind. Pure.
import { describeEvent, type TimeEvent } from '../timeEvents.ts';

/** A glyph's width (px): the dot, triangle or bar's box (live.css). */
export const MARK_GLYPH_PX = 10;
/** A count's width per digit, and its gap, border and padding (px): 9 px figures (live.css). */
export const MARK_DIGIT_PX = 6;
export const MARK_COUNT_PAD_PX = 8;
/** Room left between two markers (px), so a row of them still reads as separate marks. */
export const MARK_SPACE_PX = 3;

/** How telling a kind is: a group takes the glyph of its highest. */
const RANK: Record<TimeEvent['kind'], number> = { split: 3, merge: 3, gap: 2, leader: 1 };

/** A marker's drawn width for `n` events: the glyph, plus the count when there are several. */
export function markWidth(n: number): number {
  if (n <= 1) return MARK_GLYPH_PX;
  return MARK_GLYPH_PX + MARK_COUNT_PAD_PX + MARK_DIGIT_PX * String(n).length;
}

export interface EventMark<T> {
  /** The events it stands for, in screen order. */
  items: T[];
  /** Where it is drawn: the first event's x (its glyph is centred there). */
  x: number;
  /** The glyph: the most telling kind among its events (split/merge > gap > leader). */
  kind: TimeEvent['kind'];
  /** Its drawn width (markWidth), from x - MARK_GLYPH_PX / 2. */
  width: number;
}

/**
 * Events placed at x (CSS px) grouped so no two markers overlap: a group starts at its first
 * event and takes each next one whose own glyph would start before the group's marker (its glyph
 * and count) ends, plus MARK_SPACE_PX. Greedy, left to right, not chained: a long run of events
 * becomes a row of counted markers, each over its own stretch, so where they are still shows.
 */
export function groupEventMarks<T extends { x: number; e: TimeEvent }>(
  placed: readonly T[],
): EventMark<T>[] {
  const sorted = [...placed].sort((a, b) => a.x - b.x);
  const out: EventMark<T>[] = [];
  for (const p of sorted) {
    const g = out[out.length - 1];
    // Its glyph would start before the group's marker ends (and the room after it).
    if (g && p.x < g.x + g.width + MARK_SPACE_PX) {
      g.items.push(p);
      g.width = markWidth(g.items.length);
      if (RANK[p.e.kind] > RANK[g.kind]) g.kind = p.e.kind;
    } else {
      out.push({ items: [p], x: p.x, kind: p.e.kind, width: MARK_GLYPH_PX });
    }
  }
  return out;
}

const NOUNS: Record<TimeEvent['kind'], [string, string]> = {
  split: ['split', 'splits'],
  merge: ['merge', 'merges'],
  gap: ['gap', 'gaps'],
  leader: ['leader change', 'leader changes'],
};

/** "1 split, 2 gaps and 5 leader changes": the kinds in order of how telling they are. */
export function kindCounts(events: readonly TimeEvent[]): string {
  const n = new Map<TimeEvent['kind'], number>();
  for (const e of events) n.set(e.kind, (n.get(e.kind) ?? 0) + 1);
  const parts = (['split', 'merge', 'gap', 'leader'] as const)
    .filter((k) => n.has(k))
    .map((k) => `${n.get(k)} ${NOUNS[k][n.get(k) === 1 ? 0 : 1]}`);
  return parts.length > 1
    ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
    : (parts[0] ?? '');
}

/** Most events a group's words list one by one (the telling kinds first). */
export const MARK_LISTED = 4;

/**
 * What a marker says (its title and hover card): one event in words; several as how many of
 * which kinds between which times, to zoom in, then the first few (splits, merges and gaps
 * before leader changes).
 */
export function markText(events: readonly TimeEvent[], fmtTime: (ms: number) => string): string {
  if (events.length === 1) return describeEvent(events[0], fmtTime);
  let from = Infinity;
  let to = -Infinity;
  for (const e of events) {
    from = Math.min(from, e.unixMs);
    to = Math.max(to, e.unixMs);
  }
  const span = from === to ? `at ${fmtTime(from)}` : `between ${fmtTime(from)} and ${fmtTime(to)}`;
  // One kind: "6 leader changes between ..."; several: "7 events between ...: 1 split and ...".
  const kinds = kindCounts(events);
  const oneKind = events.every((e) => e.kind === events[0].kind);
  const head = oneKind
    ? `${kinds} ${span} (zoom in to tell them apart)`
    : `${events.length} events ${span}: ${kinds} (zoom in to tell them apart)`;
  const listed = [...events].sort((a, b) => RANK[b.kind] - RANK[a.kind]).slice(0, MARK_LISTED);
  const more = events.length - listed.length;
  const lines = listed.map((e) => describeEvent(e, fmtTime));
  return [head, ...lines, ...(more > 0 ? [`and ${more} more`] : [])].join('\n');
}
