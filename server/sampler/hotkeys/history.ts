// Past hot-key windows under a memory budget (ours; the node keeps only the
// latest). Newest last. Over budget, the oldest adjacent pair of windows of the
// same length (in steps) is merged into one window twice as long, so the
// history coarsens like a binary counter: recent windows stay one step wide,
// old ones get coarser. When no such pair exists (or a window already spans
// MAX_MERGED_STEPS), the oldest window is dropped. The latest is never touched.
import { mergeWindows, type HotKeyWindow } from './window.ts';

/** A coarsened window spans at most this many steps (beyond that, windows drop). */
export const MAX_MERGED_STEPS = 256;

export class WindowHistory {
  private readonly list: HotKeyWindow[] = [];
  private total = 0;

  constructor(private readonly budgetBytes: number) {}

  get length(): number {
    return this.list.length;
  }

  get bytes(): number {
    return this.total;
  }

  latest(): HotKeyWindow | undefined {
    return this.list.at(-1);
  }

  /** Oldest first (a live view; do not mutate). */
  windows(): readonly HotKeyWindow[] {
    return this.list;
  }

  push(w: HotKeyWindow): void {
    this.list.push(w);
    this.total += w.bytes;
    while (this.total > this.budgetBytes && this.list.length > 1) this.shrink();
  }

  private shrink(): void {
    const l = this.list;
    for (let i = 0; i + 2 < l.length; i++) {
      const a = l[i];
      const b = l[i + 1];
      if (a.steps === b.steps && a.steps * 2 <= MAX_MERGED_STEPS) {
        const m = mergeWindows(a, b);
        this.total += m.bytes - a.bytes - b.bytes;
        l.splice(i, 2, m);
        return;
      }
    }
    const dropped = l.shift()!;
    this.total -= dropped.bytes;
  }

  /**
   * Windows whose time meets [fromMs, toMs) (0 = unbounded): a window [wf, wt)
   * flushed at wt (its matrix column) covers the traffic of (wf, wt], a coarsened
   * one that of its columns; it is selected when one of those times is in the
   * request. So [t, t + 1) picks the window flushed at t, not the next one (the
   * gateway relies on this: docs/gateway.md, "Windows of aligned columns").
   */
  select(fromMs: number, toMs: number): HotKeyWindow[] {
    return this.list.filter((w) => {
      const lo = Math.max(w.fromMs + 1, fromMs === 0 ? -Infinity : fromMs);
      const hi = Math.min(w.toMs, toMs === 0 ? Infinity : toMs - 1);
      return lo <= hi;
    });
  }
}
