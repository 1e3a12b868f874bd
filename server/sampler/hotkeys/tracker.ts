// The hot-key path (contract §5.5): writes only; keys longer than maxKeyLen are
// counted `skipped` before sampling; a 1-in-R roll admits a sample; admitted
// keys are copied into a bounded queue (full -> `dropped`). Node has no
// aggregator goroutine here: the queue is drained on a microtask (so observe
// stays a few integer ops and a copy) and before every publish. A synchronous
// burst longer than the queue (e.g. a backfill step) drops, as the node's
// channel would when its aggregator falls behind.
//
// publish() (once per flush) drains, deep-copies every (route, label) sketch
// into one immutable window, pushes it into the history and resets. The
// node-global dropped/skipped counters are copied into the window and reset;
// when no sketch saw anything they carry forward to the next window.
import { resolveHotKeyOptions, type HotKeyConfig, type HotKeyOptions } from './options.ts';
import { SampleRoll } from './roll.ts';
import { bytesToKey, SpaceSaving } from './spaceSaving.ts';
import { WindowHistory } from './history.ts';
import { estimateBytes, slotKey, type HotKeyWindow, type SlotSnapshot } from './window.ts';

export class HotKeyTracker {
  readonly options: HotKeyOptions;
  readonly history: WindowHistory;
  private readonly roll: SampleRoll;
  private readonly sketches = new Map<string, { routeId: number; label: string; s: SpaceSaving }>();
  private readonly qRoute: Float64Array;
  private readonly qLabel: string[];
  private readonly qKey: (Uint8Array | undefined)[];
  private qLen = 0;
  private drainQueued = false;
  private readonly drainTask = () => {
    this.drainQueued = false;
    this.drain();
  };
  private dropped = 0;
  private skipped = 0;
  private lastPublishMs: number | undefined;

  constructor(
    config: HotKeyConfig,
    /** False for unknown routes and routes folded into a virtual bucket. */
    private readonly isTracked: (routeId: number) => boolean,
    private readonly stepMs: number,
  ) {
    this.options = resolveHotKeyOptions(config);
    this.roll = new SampleRoll(this.options.seed);
    this.history = new WindowHistory(this.options.historyBytes);
    this.qRoute = new Float64Array(this.options.queueSize);
    this.qLabel = new Array<string>(this.options.queueSize).fill('');
    this.qKey = new Array<Uint8Array | undefined>(this.options.queueSize);
  }

  /** One write. Cheap: a length check, one roll, and rarely a copy. */
  observe(routeId: number, label: string, key: Uint8Array): void {
    const o = this.options;
    if (key.length > o.maxKeyLen) {
      this.skipped++;
      return;
    }
    if (!this.roll.admit(o.sampleRate)) return;
    const n = this.qLen;
    if (n >= o.queueSize) {
      this.dropped++;
      return;
    }
    this.qRoute[n] = routeId;
    this.qLabel[n] = label;
    this.qKey[n] = key.slice();
    this.qLen = n + 1;
    if (!this.drainQueued) {
      this.drainQueued = true;
      queueMicrotask(this.drainTask);
    }
  }

  /** Feeds queued samples to their sketches. */
  drain(): void {
    const n = this.qLen;
    const m = this.options.perRoute;
    for (let i = 0; i < n; i++) {
      const routeId = this.qRoute[i];
      const label = this.qLabel[i];
      const key = this.qKey[i]!;
      this.qKey[i] = undefined;
      if (!this.isTracked(routeId)) continue;
      const k = slotKey(routeId, label);
      let sk = this.sketches.get(k);
      if (!sk) this.sketches.set(k, (sk = { routeId, label, s: new SpaceSaving(m) }));
      sk.s.offer(bytesToKey(key));
    }
    this.qLen = 0;
  }

  /** Publishes the window ending at `nowMs` and starts the next one. */
  publish(nowMs: number): HotKeyWindow {
    this.drain();
    const { sampleRate: r, perRoute: m } = this.options;
    const slots = new Map<string, SlotSnapshot>();
    let any = false;
    for (const [k, sk] of this.sketches) {
      // Removed (or folded) routes' sketches are freed; idle ones too (cheap to recreate).
      if (sk.s.n === 0 || !this.isTracked(sk.routeId)) {
        this.sketches.delete(k);
        continue;
      }
      any = true;
      slots.set(k, {
        routeId: sk.routeId,
        label: sk.label,
        sampledN: sk.s.n,
        errorBound: Math.floor((r * sk.s.n) / m),
        entries: sk.s.entries(),
      });
      sk.s.reset();
    }
    const fromMs =
      this.lastPublishMs !== undefined && this.lastPublishMs < nowMs
        ? this.lastPublishMs
        : nowMs - this.stepMs;
    this.lastPublishMs = nowMs;
    const w: HotKeyWindow = {
      fromMs,
      toMs: nowMs,
      steps: 1,
      sampleRate: r,
      capacity: m,
      droppedSamples: this.dropped,
      skippedLongKeys: this.skipped,
      slots,
      bytes: estimateBytes(slots),
    };
    if (any) {
      this.dropped = 0;
      this.skipped = 0;
    }
    this.history.push(w);
    return w;
  }

  /** Samples waiting in the queue (tests, diagnostics). */
  get queued(): number {
    return this.qLen;
  }

  /** Open-window counters (tests, diagnostics). */
  get pending(): { dropped: number; skipped: number } {
    return { dropped: this.dropped, skipped: this.skipped };
  }
}
