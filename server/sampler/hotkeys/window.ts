// One published hot-key window: an immutable deep copy of every (route, label)
// sketch at a flush, plus the node-global dropped/skipped counters of the
// window. Coarsened windows (history.ts) have the same shape over more steps.
import { byCountThenKey, type SketchEntry } from './spaceSaving.ts';

export interface SlotSnapshot {
  routeId: number;
  label: string;
  /** Sampled writes offered to the sketch (N). */
  sampledN: number;
  /** Sum over the window's steps of R * N_step / m (integer division per step). */
  errorBound: number;
  /** Sketch counts (not yet multiplied by R), count desc then key asc. */
  entries: readonly SketchEntry[];
}

export interface HotKeyWindow {
  /** Traffic window [fromMs, toMs); toMs is the flush time (the matrix column). */
  fromMs: number;
  toMs: number;
  /** Flushes folded into this window (1 = one step). */
  steps: number;
  sampleRate: number;
  capacity: number;
  droppedSamples: number;
  skippedLongKeys: number;
  /** Keyed by slotKey(routeId, label). */
  slots: ReadonlyMap<string, SlotSnapshot>;
  /** Estimated bytes held (history budget). */
  bytes: number;
}

export function slotKey(routeId: number, label: string): string {
  return `${routeId}:${label}`;
}

const WINDOW_OVERHEAD = 160;
const SLOT_OVERHEAD = 120;
const ENTRY_OVERHEAD = 72;

/** Estimated heap bytes of a window (strings at 1 byte a char, V8's one-byte strings). */
export function estimateBytes(slots: ReadonlyMap<string, SlotSnapshot>): number {
  let b = WINDOW_OVERHEAD;
  for (const s of slots.values()) {
    b += SLOT_OVERHEAD;
    for (const e of s.entries) b += ENTRY_OVERHEAD + e.key.length;
  }
  return b;
}

/**
 * Sums two adjacent windows' sketches per key and keeps each slot's top
 * `capacity` (Space-Saving summaries merge by summing; the bound sums too).
 */
export function mergeWindows(a: HotKeyWindow, b: HotKeyWindow): HotKeyWindow {
  const slots = new Map<string, SlotSnapshot>();
  const capacity = Math.max(a.capacity, b.capacity);
  for (const w of [a, b]) {
    for (const [k, s] of w.slots) {
      const prev = slots.get(k);
      slots.set(k, prev ? mergeSlot(prev, s, capacity) : s);
    }
  }
  return {
    fromMs: Math.min(a.fromMs, b.fromMs),
    toMs: Math.max(a.toMs, b.toMs),
    steps: a.steps + b.steps,
    sampleRate: Math.max(a.sampleRate, b.sampleRate),
    capacity,
    droppedSamples: a.droppedSamples + b.droppedSamples,
    skippedLongKeys: a.skippedLongKeys + b.skippedLongKeys,
    slots,
    bytes: estimateBytes(slots),
  };
}

export function mergeSlot(a: SlotSnapshot, b: SlotSnapshot, keep: number): SlotSnapshot {
  return {
    routeId: a.routeId,
    label: a.label,
    sampledN: a.sampledN + b.sampledN,
    errorBound: a.errorBound + b.errorBound,
    entries: sumEntries([a.entries, b.entries], keep),
  };
}

/** Per-key sums of several entry lists, count desc then key asc, the first `keep`. */
export function sumEntries(
  lists: readonly (readonly SketchEntry[])[],
  keep: number,
): SketchEntry[] {
  const sums = new Map<string, number>();
  for (const l of lists) for (const e of l) sums.set(e.key, (sums.get(e.key) ?? 0) + e.count);
  const out: SketchEntry[] = [];
  for (const [key, count] of sums) out.push({ key, count });
  out.sort(byCountThenKey);
  if (out.length > keep) out.length = keep;
  return out;
}
