// The watch of open event streams' connections: a stream's signal aborts when its client has
// gone, on the close event or, when that event never came, on the next sweep of the sockets.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CONNECTION_GONE, connectionGone, StreamWatch } from '../../server/http/streamWatch.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An HTTP/1.1 request and response on one socket: only what the watch reads. */
function h1() {
  const socket = { destroyed: false };
  const req = { socket } as unknown as IncomingMessage;
  const res = Object.assign(new EventEmitter(), { destroyed: false, writableEnded: false });
  return { socket, req, res, resAs: res as unknown as ServerResponse };
}

describe('connectionGone', () => {
  it('reads the socket, the response and an HTTP/2 stream', () => {
    const c = h1();
    expect(connectionGone(c.req, c.resAs)).toBe(false);
    c.socket.destroyed = true;
    expect(connectionGone(c.req, c.resAs)).toBe(true);
    const d = h1();
    d.res.writableEnded = true;
    expect(connectionGone(d.req, d.resAs)).toBe(true);
    const stream = { destroyed: false, closed: false };
    const h2req = { stream } as unknown as IncomingMessage;
    expect(connectionGone(h2req, h1().resAs)).toBe(false);
    stream.closed = true;
    expect(connectionGone(h2req, h1().resAs)).toBe(true);
  });
});

describe('StreamWatch', () => {
  it('aborts on the close event and stops its timer with the last stream', () => {
    const w = new StreamWatch(10);
    const c = h1();
    const watched = w.watch(c.req, c.resAs);
    expect(w.size).toBe(1);
    c.res.emit('close');
    expect(watched.signal.aborted).toBe(true);
    expect(watched.signal.reason).toBe(CONNECTION_GONE);
    expect(w.size).toBe(0);
    expect(w.sweptGone).toBe(0);
    expect(c.res.listenerCount('close')).toBe(0);
  });

  it('ends a stream whose close event never came, on the next sweep', async () => {
    const w = new StreamWatch(20);
    const [a, b] = [h1(), h1()];
    const wa = w.watch(a.req, a.resAs);
    const wb = w.watch(b.req, b.resAs);
    // a's socket is destroyed with no 'close' reaching the response: only the sweep can see it.
    a.socket.destroyed = true;
    await sleep(80);
    expect(wa.signal.aborted).toBe(true);
    expect(wb.signal.aborted).toBe(false);
    expect(w.sweptGone).toBe(1);
    expect(w.size).toBe(1);
    wb.done();
    expect(w.size).toBe(0);
    expect(wb.signal.aborted).toBe(false);
    // done() twice, and a close after done, change nothing.
    wb.done();
    b.res.emit('close');
    expect(wb.signal.aborted).toBe(false);
  });

  it('a connection already gone is aborted at once and never watched', () => {
    const w = new StreamWatch(10);
    const c = h1();
    c.socket.destroyed = true;
    const watched = w.watch(c.req, c.resAs);
    expect(watched.signal.aborted).toBe(true);
    expect(w.size).toBe(0);
  });

  it('sweeps only while a stream is watched (no timer when idle)', async () => {
    const w = new StreamWatch(10);
    let checks = 0;
    const c = h1();
    const watched = w.watch(c.req, c.resAs, () => {
      checks++;
      return false;
    });
    await sleep(60);
    // The check is made once at watch time and again by each sweep.
    expect(checks).toBeGreaterThan(2);
    watched.done();
    const after = checks;
    await sleep(60);
    expect(checks).toBe(after);
  });
});
