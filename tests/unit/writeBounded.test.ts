// writeBounded (server/http/writeBounded.ts) against a real HTTP server and
// client: a big shared body arrives whole and in order, it is written as views
// of the one buffer (no copy per response), and a client that goes away
// mid-body stops the writer at once with most of the body never queued.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { WRITE_SLICE_BYTES, writeBounded } from '../../server/http/writeBounded.ts';

const BODY = new Uint8Array(24 * 1024 * 1024);
for (let i = 0; i < BODY.length; i += 4096) BODY[i] = (i / 4096) & 0xff;

interface Served {
  done: Promise<{ complete: boolean; written: number; foreign: number; largest: number }>;
}
const served: Served[] = [];
const server = http.createServer((_req, res) => {
  let written = 0;
  let foreign = 0;
  let largest = 0;
  // Watch what reaches the socket's write: sizes and whether each is a view of BODY.
  const write = res.write.bind(res) as (c: Uint8Array) => boolean;
  const sink = Object.assign(res, {
    write: (c: Uint8Array) => {
      written += c.length;
      largest = Math.max(largest, c.length);
      if (c.buffer !== BODY.buffer) foreign++;
      return write(c);
    },
  });
  res.writeHead(200, { 'content-length': String(BODY.length) });
  served.push({
    done: writeBounded(sink, [BODY]).then((complete) => {
      if (complete) res.end();
      return { complete, written, foreign, largest };
    }),
  });
});
const listening = new Promise<number>((r) =>
  server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)),
);
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('writeBounded', () => {
  it('sends a shared body whole, as bounded views of the one buffer', async () => {
    const port = await listening;
    const got = await new Promise<Buffer>((resolve, reject) => {
      http
        .get({ port, host: '127.0.0.1', agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        })
        .on('error', reject);
    });
    expect(got.equals(Buffer.from(BODY))).toBe(true);
    const r = await served[served.length - 1].done;
    expect(r).toMatchObject({ complete: true, written: BODY.length, foreign: 0 });
    expect(r.largest).toBeLessThanOrEqual(WRITE_SLICE_BYTES);
  });

  it('stops at once when the client goes away mid-body', async () => {
    const port = await listening;
    await new Promise<void>((resolve, reject) => {
      const req = http.get({ port, host: '127.0.0.1', agent: false }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
          // A client that reads 1 MiB and leaves.
          if (n >= 1 << 20) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (e) => (e.message.includes('aborted') ? resolve() : reject(e)));
    });
    const t0 = performance.now();
    const r = await served[served.length - 1].done;
    expect(r.complete).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2000);
    // Backpressure: what was handed to the socket is what the kernel took plus a few slices,
    // never the whole 24 MiB queued in the process.
    expect(r.written).toBeLessThan(BODY.length / 2);
  });
});
