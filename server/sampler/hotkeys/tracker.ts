// The hot-key path (contract §5.5): writes only; keys longer than maxKeyLen are
// counted `skipped` before sampling; a 1-in-R roll admits a sample; admitted
// keys are copied into a bounded queue (full -> `dropped`). Node has no
// aggregator goroutine here: the queue is drained on a microtask (so observe
// stays a few integer ops and a copy) and before every publish. A synchronous
// burst longer than the queue (e.g. a backfill step) drops, as the node's
// channel would when its aggregator falls behind. A write that is not sampled
// costs a length check and a decrement (roll.ts); a sample's drain finds its
// sketch by route id and its key by the bytes' hash, building no string for a
// key the sketch already holds.
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

/** Route ids below this find their sketches by array index (route ids are small integers). */
const DENSE_LIMIT = 1 << 20;

/** One (route, label) sketch; a route's sketches are chained from its entry in the map. */
class Sketch extends SpaceSaving {
  constructor(
    capacity: number,
    readonly routeId: number,
    readonly label: string,
    public next: Sketch | undefined,
  ) {
    super(capacity);
  }
}

export class HotKeyTracker {
  readonly options: HotKeyOptions;
  readonly history: WindowHistory;
  private readonly roll: SampleRoll;
  /** Route id -> its sketches, one per label, chained (a route has a handful of labels). */
  private readonly sketches = new Map<number, Sketch>();
  /**
   * The same chains by route id for ids below DENSE_LIMIT: a sample's drain
   * then costs one array load to find them instead of a hash-table probe
   * (each a cache miss when samples spread over thousands of routes).
   */
  private dense: (Sketch | undefined)[] = [];
  private readonly maxKeyLen: number;
  private readonly queueSize: number;
  private readonly sampleRate: number;
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
    this.maxKeyLen = this.options.maxKeyLen;
    this.queueSize = this.options.queueSize;
    this.sampleRate = this.options.sampleRate;
    this.history = new WindowHistory(this.options.historyBytes);
    this.qRoute = new Float64Array(this.options.queueSize);
    this.qLabel = new Array<string>(this.options.queueSize).fill('');
    this.qOff = new Float64Array(this.options.queueSize);
    this.qKeyLen = new Uint32Array(this.options.queueSize);
  }

  /** One write. Cheap: a length check, one roll, and rarely a copy. */
  observe(routeId: number, label: string, key: Uint8Array): void {
    const len = key.length;
    if (len > this.maxKeyLen) {
      this.skipped++;
      return;
    }
    if (!this.roll.admit(this.sampleRate)) return;
    const n = this.qLen;
    if (n >= this.queueSize) {
      this.dropped++;
      return;
    }
    // Asked here, while the route's table entries are in cache, not in the drain.
    if (!this.isTracked(routeId)) return;
    const pos = this.arenaPos;
    if (pos + len > this.arena.length) this.growArena(pos + len);
    const arena = this.arena;
    // A loop beats TypedArray#set (a call into C++) for the short keys that dominate.
    if (len <= 64) for (let i = 0; i < len; i++) arena[pos + i] = key[i];
    else arena.set(key, pos);
    this.qOff[n] = pos;
    this.qKeyLen[n] = len;
    this.arenaPos = pos + len;
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
    const arena = this.arena;
    for (let i = 0; i < n; i++) {
      const routeId = this.qRoute[i];
      const label = this.qLabel[i];
      const first = routeId < DENSE_LIMIT ? this.dense[routeId] : this.sketches.get(routeId);
      let sk = first;
      while (sk !== undefined && sk.label !== label) sk = sk.next;
      if (sk === undefined) {
        sk = new Sketch(m, routeId, label, first);
        this.setChain(routeId, sk);
      }
      sk.offerBytes(arena, this.qOff[i], this.qKeyLen[i]);
    }
    this.qLen = 0;
    this.arenaPos = 0;
  }

  /** Every chain is in `sketches` (publish walks it); small ids also in `dense`. */
  private setChain(routeId: number, first: Sketch): void {
    this.sketches.set(routeId, first);
    if (routeId < DENSE_LIMIT) {
      const d = this.dense;
      // Grown to the id with undefined holes filled, so the array stays packed.
      while (d.length <= routeId) d.push(undefined);
      d[routeId] = first;
    }
  }

  /** Publishes the window ending at `nowMs` and starts the next one. */
  publish(nowMs: number): HotKeyWindow {
    this.drain();
    const { sampleRate: r, perRoute: m } = this.options;
    const slots = new Map<string, SlotSnapshot>();
    let any = false;
    for (const [routeId, first] of this.sketches) {
      // Removed (or folded) routes' sketches are freed; idle ones too (cheap to recreate).
      const tracked = this.isTracked(routeId);
      let kept: Sketch | undefined;
      for (let sk: Sketch | undefined = first; sk !== undefined;) {
        const next: Sketch | undefined = sk.next;
        if (sk.n > 0 && tracked) {
          any = true;
          slots.set(slotKey(routeId, sk.label), {
            routeId,
            label: sk.label,
            sampledN: sk.n,
            errorBound: Math.floor((r * sk.n) / m),
            entries: sk.entries(),
          });
          sk.reset();
          sk.next = kept;
          kept = sk;
        }
        sk = next;
      }
      if (kept === undefined) {
        this.sketches.delete(routeId);
        if (routeId < DENSE_LIMIT) this.dense[routeId] = undefined;
      } else this.setChain(routeId, kept);
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
