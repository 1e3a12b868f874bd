// The live event hub with a real Sampler: per-flush columns, transitions, the
// bounded queue that drops a stream that falls behind, and the heartbeat timer
// that runs only while a stream is open.
import { describe, expect, it } from 'vitest';
import { Code, ConnectError } from '@connectrpc/connect';
import { EventHub } from '../../server/events/hub.ts';
import { ManualClock, OP_WRITE, Sampler } from '../../server/sampler/index.ts';
import type { LiveItem } from '../../server/events/types.ts';

const enc = new TextEncoder();

function setup(queueLimit = 64) {
  const clock = new ManualClock(1_000_000);
  const s = new Sampler({ clock, stepMs: 1000 });
  s.registerRoute({
    id: 1,
    start: new Uint8Array(0),
    end: enc.encode('m'),
    label: '',
    raftGroupId: 1,
  });
  s.registerRoute({
    id: 2,
    start: enc.encode('m'),
    end: new Uint8Array(0),
    label: '',
    raftGroupId: 2,
  });
  const hub = new EventHub(s, { queueLimit, heartbeatMs: 10 });
  return { clock, s, hub };
}

describe('EventHub', () => {
  it('sends one single-column event per flush and series, and transitions', async () => {
    const { clock, s, hub } = setup();
    const ac = new AbortController();
    const it = hub.stream({ series: [2, 1], rows: 0 }, ac.signal);
    const first = it.next(); // opens the stream
    s.observe(1, enc.encode('a'), OP_WRITE, 3);
    clock.advance(1000);
    s.flush();
    s.splitRoute(2, enc.encode('t'), 9);
    const got: LiveItem[] = [(await first).value as LiveItem];
    for (let i = 0; i < 2; i++) got.push((await it.next()).value as LiveItem);
    expect(got.map((g) => g.kind)).toEqual(['column', 'column', 'transition']);
    const [w, r, t] = got;
    if (w.kind !== 'column' || r.kind !== 'column' || t.kind !== 'transition') throw new Error();
    expect([w.series, r.series]).toEqual([2, 1]);
    expect(w.unixMs).toBe(1_001_000);
    expect(w.result.columnUnixMs).toEqual([1_001_000]);
    expect(w.result.rows.map((x) => [x.meta.bucketId, [...x.values]])).toEqual([['route:1', [1]]]);
    expect(t.transition).toMatchObject({ kind: 'split', parentRouteId: 2, childRouteIds: [2, 9] });
    expect(new TextDecoder().decode(t.transition.boundary)).toBe('t');
    ac.abort();
    await expect(it.next()).rejects.toThrow();
    expect(hub.stats()).toMatchObject({ open: 0, opened: 1, closed: 1, timers: 0 });
  });

  it('drops a stream that falls more than the limit behind, with ResourceExhausted', async () => {
    const { clock, s, hub } = setup(8);
    const it = hub.stream({ series: [], rows: 0 }, new AbortController().signal);
    const first = it.next();
    clock.advance(1000);
    s.flush(); // 4 items, the first taken by `first`
    await first;
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      s.flush(); // 12 more: over the limit of 8
    }
    const err = await it.next().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.ResourceExhausted);
    expect(hub.stats()).toMatchObject({ open: 0, droppedSlow: 1, timers: 0 });
  });

  it('runs one heartbeat timer only while streams are open; close ends streams', async () => {
    const { hub } = setup();
    expect(hub.stats().timers).toBe(0);
    const a = hub.stream({ series: [2], rows: 0 }, new AbortController().signal);
    const b = hub.stream({ series: [2], rows: 0 }, new AbortController().signal);
    const [ha, hb] = await Promise.all([a.next(), b.next()]);
    expect(ha.value).toMatchObject({ kind: 'heartbeat' });
    expect(hb.value).toMatchObject({ kind: 'heartbeat' });
    expect(hub.stats()).toMatchObject({ open: 2, timers: 1 });
    hub.close();
    expect((await a.next()).done).toBe(true);
    expect((await b.next()).done).toBe(true);
    expect(hub.stats()).toMatchObject({ open: 0, timers: 0 });
    expect(() => hub.stream({ series: [], rows: 0 }, new AbortController().signal)).toThrow(
      /shutting down/,
    );
  });

  it('releases a stream when its client leaves, even if nothing pulls again', async () => {
    // connect-node's write to a reset stream never settles: the generator stays at its
    // yield and its finally never runs. The abort alone must release the stream.
    const { hub } = setup();
    const ac = new AbortController();
    const it = hub.stream({ series: [2], rows: 0 }, ac.signal);
    expect((await it.next()).value).toMatchObject({ kind: 'heartbeat' }); // suspended at yield
    expect(hub.stats()).toMatchObject({ open: 1, timers: 1 });
    ac.abort();
    expect(hub.stats()).toMatchObject({ open: 0, opened: 1, closed: 1, timers: 0 });
    // A late pull gets the abort, and the stream is not counted twice.
    await expect(it.next()).rejects.toThrow();
    expect(hub.stats()).toMatchObject({ open: 0, opened: 1, closed: 1 });
  });
});
