// A bounded per-stream queue: the producer never waits; a consumer that falls
// more than `limit` items behind is cut off with an error instead of letting
// memory grow.
export class BoundedQueue<T> {
  private items: T[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;
  private failure: unknown = undefined;

  constructor(
    readonly limit: number,
    private readonly overflow: () => unknown,
  ) {}

  get length(): number {
    return this.items.length;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** false once closed (or on overflow, which closes it with `overflow()`). */
  push(item: T): boolean {
    if (this.ended) return false;
    if (this.items.length >= this.limit) {
      this.close(this.overflow());
      return false;
    }
    this.items.push(item);
    this.wake();
    return true;
  }

  /** Ends the queue: the consumer drains nothing more and gets `error` (or the end). */
  close(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.items = [];
    this.wake();
  }

  /** The next item, or undefined at the end; rejects with the close error or the abort reason. */
  async next(signal: AbortSignal): Promise<T | undefined> {
    for (;;) {
      if (this.ended) {
        if (this.failure !== undefined) throw this.failure;
        return undefined;
      }
      if (this.items.length > 0) return this.items.shift();
      signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          this.waiter = null;
          resolve();
        };
        this.waiter = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  private wake(): void {
    this.waiter?.();
  }
}
