// The page's Live follower (issue 15): reconnect with back-off, one gap fetch per connection,
// polling where the server has no stream, and no stall after a failed gap fetch or a node
// that stays down across several retries. Timers and the stream are driven by the test.
import { describe, expect, it } from 'vitest';
import type { LiveEvent, LiveStream } from '../../src/api/liveEvents.ts';
import { LiveUnimplemented } from '../../src/api/liveUnimplemented.ts';
import type { LiveColumn } from '../../src/data/liveAppend.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { LiveFollower, retryDelayMs, type LiveState } from '../../src/pages/keyviz/liveFollower.ts';
import { makeMatrix } from '../helpers/viewMatrix.ts';

const flush = () => new Promise((r) => setTimeout(r, 0));

/** One stream connection the test feeds and ends. */
class FakeConnection {
  private queue: (LiveEvent | Error | null)[] = [];
  private wake: (() => void) | null = null;
  aborted = false;
  constructor(signal: AbortSignal) {
    signal.addEventListener('abort', () => {
      this.aborted = true;
      this.push(new DOMException('aborted', 'AbortError'));
    });
  }
  push(x: LiveEvent | Error | null): void {
    this.queue.push(x);
    this.wake?.();
  }
  async *events(): AsyncGenerator<LiveEvent> {
    for (;;) {
      while (this.queue.length === 0) await new Promise<void>((r) => (this.wake = r));
      const x = this.queue.shift()!;
      if (x === null) return;
      if (x instanceof Error) throw x;
      yield x;
    }
  }
}

const column = (unixMs: number): LiveColumn => ({ unixMs, rows: [] });

function harness(opts: { stream?: 'none' | 'unimplemented' } = {}) {
  const states: LiveState[] = [];
  const columns: number[] = [];
  const conns: FakeConnection[] = [];
  const gaps: { fromMs: number; resolve: (m: Matrix) => void; reject: (e: Error) => void }[] = [];
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let nextTimer = 1;
  let newest = 1000;
  const stream: LiveStream = (_req, signal) => {
    if (opts.stream === 'unimplemented') {
      return (async function* () {
        yield* [];
        throw new LiveUnimplemented('no StreamEvents');
      })();
    }
    const c = new FakeConnection(signal);
    conns.push(c);
    return c.events();
  };
  const f = new LiveFollower(
    {
      stream: opts.stream === 'none' ? undefined : stream,
      fetchFrom: (fromMs) =>
        new Promise<Matrix>((resolve, reject) => gaps.push({ fromMs, resolve, reject })),
      newest: () => newest,
      onColumns: (cols) => {
        for (const c of cols) columns.push(c.unixMs);
        if (cols.length > 0) newest = cols[cols.length - 1].unixMs;
      },
      onTransition: () => {},
      onState: (s) => states.push(s),
      setTimer: (fn, ms) => {
        const id = nextTimer++;
        timers.set(id, { fn, ms });
        return id;
      },
      clearTimer: (h) => void timers.delete(h as number),
      now: () => 0,
      pollMs: 5000,
    },
    'writes',
    64,
  );
  /** Runs the one pending timer; returns its delay. */
  const fire = async (): Promise<number> => {
    expect(timers.size).toBe(1);
    const [id, t] = [...timers][0];
    timers.delete(id);
    t.fn();
    await flush();
    return t.ms;
  };
  const gapAnswer = (cols: number[]) =>
    makeMatrix([{ start: 'a', end: 'b' }], cols, () => 1, 'writes');
  return { f, states, columns, conns, gaps, timers, fire, gapAnswer };
}

describe('LiveFollower', () => {
  it('fills the gap once, then appends each streamed column; held columns wait for the gap', async () => {
    const h = harness();
    h.f.start();
    await flush();
    expect(h.states.at(-1)).toEqual({ kind: 'connecting' });
    expect(h.gaps).toHaveLength(1);
    expect(h.gaps[0].fromMs).toBe(1001);
    h.conns[0].push({ kind: 'open' });
    h.conns[0].push({ kind: 'column', series: 'writes', column: column(3000) });
    await flush();
    expect(h.columns).toEqual([]); // held until the gap is in
    expect(h.states.at(-1)).toEqual({ kind: 'connecting' }); // not live with a hole on screen
    h.gaps[0].resolve(h.gapAnswer([2000]));
    await flush();
    expect(h.columns).toEqual([2000, 3000]);
    expect(h.states.at(-1)).toEqual({ kind: 'live' });
    h.conns[0].push({ kind: 'column', series: 'reads', column: column(4000) }); // other series
    h.conns[0].push({ kind: 'column', series: 'writes', column: column(4000) });
    await flush();
    expect(h.columns).toEqual([2000, 3000, 4000]);
    expect(h.gaps).toHaveLength(1); // nothing re-downloaded
    h.f.stop();
  });

  it('a failed gap fetch fails the connection and is retried, under the fetch error', async () => {
    const h = harness();
    h.f.start();
    await flush();
    h.conns[0].push({ kind: 'open' });
    await flush();
    h.gaps[0].reject(new Error('HTTP 503 server restarting'));
    await flush();
    expect(h.conns[0].aborted).toBe(true);
    expect(h.states.at(-1)).toMatchObject({
      kind: 'reconnecting',
      error: 'HTTP 503 server restarting',
    });
    expect(await h.fire()).toBe(retryDelayMs(1));
    expect(h.conns).toHaveLength(2);
    expect(h.gaps).toHaveLength(2); // one gap fetch per connection
    h.conns[1].push({ kind: 'open' });
    h.gaps[1].resolve(h.gapAnswer([2000]));
    await flush();
    expect(h.states.at(-1)).toEqual({ kind: 'live' });
    expect(h.columns).toEqual([2000]);
    h.f.stop();
  });

  it('a node down across several retries: backs off 1, 2, 4, 8 s and comes back live', async () => {
    const h = harness();
    h.f.start();
    await flush();
    const delays: number[] = [];
    for (let k = 0; k < 4; k++) {
      // Both refused, in either order: the stream first on even tries, the gap first on odd.
      const c = h.conns[k];
      const g = h.gaps[k];
      if (k % 2 === 0) {
        c.push(new Error('connection refused'));
        await flush();
        g.reject(new Error('connection refused'));
      } else {
        g.reject(new Error('connection refused'));
        await flush();
        c.push(new Error('connection refused'));
      }
      await flush();
      expect(h.states.at(-1)).toMatchObject({ kind: 'reconnecting' });
      delays.push(await h.fire());
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
    h.conns[4].push({ kind: 'open' });
    h.gaps[4].resolve(h.gapAnswer([2000, 2060]));
    await flush();
    h.conns[4].push({ kind: 'column', series: 'writes', column: column(2120) });
    await flush();
    expect(h.states.at(-1)).toEqual({ kind: 'live' });
    expect(h.columns).toEqual([2000, 2060, 2120]);
    // Back to health: the next drop starts the back-off from 1 s again.
    h.conns[4].push(null);
    await flush();
    expect(await h.fire()).toBe(1000);
    h.f.stop();
  });

  it('stop() ends everything: no retry, no timer, no state after it', async () => {
    const h = harness();
    h.f.start();
    await flush();
    h.f.stop();
    await flush();
    const n = h.states.length;
    h.gaps[0].reject(new Error('late failure'));
    await flush();
    expect(h.timers.size).toBe(0);
    expect(h.states).toHaveLength(n);
    expect(h.conns[0].aborted).toBe(true);
  });

  it('polls the windowed matrix where the server has no stream', async () => {
    const h = harness({ stream: 'unimplemented' });
    h.f.start();
    await flush();
    expect(h.states.at(-1)).toMatchObject({ kind: 'polling' });
    expect(await h.fire()).toBe(5000);
    const g = h.gaps.at(-1)!;
    g.resolve(h.gapAnswer([2000]));
    await flush();
    expect(h.columns).toContain(2000);
    expect(await h.fire()).toBe(5000); // the next poll, from the newest column held
    expect(h.gaps.at(-1)!.fromMs).toBe(2001);
    h.f.stop();
  });
});
