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
import { SpaceSaving } from './spaceSaving.ts';
import { WindowHistory } from './history.ts';
import { estimateBytes, slotKey, type HotKeyWindow, type SlotSnapshot } from './window.ts';

export class HotKeyTracker {
  readonly options: HotKeyOptions;
  readonly history: WindowHistory;
  private readonly roll: SampleRoll;
  private readonly sketches = new Map<string, { routeId: number; label: string; s: SpaceSaving }>();
  private readonly qRoute: Float64Array;
  private readonly qLabel: string[];
  /** Queued keys' bytes, back to back (Uint8Array.slice per sample costs ~1 us in V8). */
  private arena = Buffer.allocUnsafeSlow(1 << 16);
  private arenaPos = 0;
  private readonly qOff: Float64Array;
  private readonly qKeyLen: Uint32Array;
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
    this.qOff = new Float64Array(this.options.queueSize);
    this.qKeyLen = new Uint32Array(this.options.queueSize);
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
    const pos = this.arenaPos;
    if (pos + key.length > this.arena.length) this.growArena(pos + key.length);
    this.arena.set(key, pos);
    this.qOff[n] = pos;
    this.qKeyLen[n] = key.length;
    this.arenaPos = pos + key.length;
    this.qRoute[n] = routeId;
    this.qLabel[n] = label;
    this.qLen = n + 1;
    if (!this.drainQueued) {
      this.drainQueued = true;
      queueMicrotask(this.drainTask);
    }
  }

  private growArena(need: number): void {
    const grown = Buffer.allocUnsafeSlow(Math.max(need, 2 * this.arena.length));
    this.arena.copy(grown, 0, 0, this.arenaPos);
    this.arena = grown;
  }

  /** Feeds queued samples to their sketches. */
  drain(): void {
    const n = this.qLen;
    const m = this.options.perRoute;
    for (let i = 0; i < n; i++) {
      const routeId = this.qRoute[i];
      const label = this.qLabel[i];
      if (!this.isTracked(routeId)) continue;
      const off = this.qOff[i];
      const key = this.arena.toString('latin1', off, off + this.qKeyLen[i]);
      const k = slotKey(routeId, label);
      let sk = this.sketches.get(k);
      if (!sk) this.sketches.set(k, (sk = { routeId, label, s: new SpaceSaving(m) }));
      sk.s.offer(key);
    }
    this.qLen = 0;
    this.arenaPos = 0;
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
