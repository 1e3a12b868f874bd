// Regression tests of issue 12 against real servers: a flood of full JSON
// matrices leaves /healthz answering; beyond the admission bounds callers get a
// clean refusal in their protocol; an oversized gRPC request's stream is reset;
// a client cancelling many calls on one h2c connection keeps it (a reset flood
// is asked to reconnect); eight callers cancelling on one connection get no
// refusal while /healthz answers and memory stays flat;
// huge deadlines and many concurrent calls print no warnings; --record to a bad
// folder is refused at start-up.
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { create, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { Admin, GetKeyVizMatrixRequestSchema } from '../../src/gen/admin_pb.ts';
import { signIn } from '../helpers/jsonAdmin.ts';
import { runServer, spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyviz-load-'));
const creds = join(dir, 'creds.json');
writeFileSync(creds, JSON.stringify([{ access_key: 'AK', secret_key: 'sk', role: 'read_only' }]));

/** One GET on a fresh connection; resolves status and latency (ms). */
function timedGet(url: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      })
      .on('error', reject);
  });
}

/** One GET on its own connection: status, body, Retry-After. */
function getBody(
  url: string,
  cookie: string,
): Promise<{ status: number; body: string; retryAfter: string | null }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, headers: { cookie } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const ra = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString(),
            retryAfter: typeof ra === 'string' ? ra : null,
          });
        });
      })
      .on('error', reject);
  });
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** A gRPC frame around a serialised message. */
function grpcFrame(msg: Uint8Array): Buffer {
  const b = Buffer.alloc(5 + msg.length);
  b.writeUInt32BE(msg.length, 1);
  b.set(msg, 5);
  return b;
}

const servers: SpawnedServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
});

describe('under a flood of full matrices', () => {
  it('JSON API: /healthz keeps answering, every answer is whole or a clean 503', async () => {
    const s = await spawnServer([
      // 1 min columns over 24 h: a pivot and encoding long enough (a few hundred ms even on
      // a fast idle machine) that all 24 requests arrive while the first is still computed.
      '--routes=3000',
      '--backfill=24h',
      '--keyvizStep=1m',
      `--adminCredentialsFile=${creds}`,
      '--matrixMaxInFlight=4',
      '--matrixMaxQueued=8',
    ]);
    servers.push(s);
    const cookie = await signIn(s.http, 'AK', 'sk');
    // Reads: not the answer the server warms at start-up (writes), so the first round has a
    // pivot and an encoding to wait for while all 24 arrive, and the bounds are reached.
    const url = `${s.http}/admin/api/v1/keyviz/matrix?series=reads`;
    let flooding = true;
    const probes: number[] = [];
    const probe = (async () => {
      while (flooding) {
        probes.push((await timedGet(`${s.http}/healthz`)).ms);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // 24 clients at once (the 24 never came back), twice over.
    const results: { status: number; body: string; retryAfter: string | null }[] = [];
    for (let round = 0; round < 2; round++) {
      const batch = await Promise.all(
        // Each on its own connection: all 24 reach the server at once.
        Array.from({ length: 24 }, () => getBody(url, cookie)),
      );
      results.push(...batch);
    }
    flooding = false;
    await probe;
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 503);
    expect(ok.length + refused.length).toBe(results.length);
    expect(ok.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0); // 4 in flight + 8 queued < 24
    for (const r of refused) {
      expect(r.retryAfter).toBe('1');
      expect(JSON.parse(r.body)).toMatchObject({ error: 'resource_exhausted' });
    }
    // Shared answer: every body is the same matrix (generated_at aside).
    const strip = (b: string) => b.replace(/"generated_at":"[^"]*"/, '');
    const first = strip(ok[0].body);
    expect(JSON.parse(ok[0].body).rows.length).toBeGreaterThan(100);
    for (const r of ok) expect(strip(r.body)).toBe(first);
    // The loop never stalled for long (the issue saw 12.6 s); generous for a shared machine.
    expect(probes.length).toBeGreaterThan(3);
    expect(Math.max(...probes)).toBeLessThan(1500);
    expect(s.output()).not.toMatch(/MaxListenersExceededWarning|TimeoutOverflowWarning/);
    // The server's own measure of its loop says the same (its 10 s windows: the first one
    // that holds part of the flood).
    type Loop = {
      last: { p50Ms: number; p99Ms: number; maxMs: number } | null;
      worstMaxMs: number;
    };
    let loop: Loop = { last: null, worstMaxMs: 0 };
    for (let i = 0; i < 60 && loop.last === null; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 250));
      const d = (await (await fetch(`${s.http}/healthz/detail`)).json()) as {
        eventLoopDelay: Loop;
      };
      loop = d.eventLoopDelay;
    }
    expect(loop.last).not.toBeNull();
    expect(loop.last!.p50Ms).toBeLessThanOrEqual(loop.last!.p99Ms);
    expect(loop.last!.p99Ms).toBeLessThanOrEqual(loop.last!.maxMs);
    expect(loop.worstMaxMs).toBeGreaterThan(0);
    expect(loop.worstMaxMs).toBeLessThan(1500);
  }, 90_000);

  it('callers that left before their answer started get none built or written (HTTP/1.1)', async () => {
    const s = await spawnServer([
      '--routes=500',
      '--backfill=2h',
      '--keyvizStep=1m',
      `--adminCredentialsFile=${creds}`,
    ]);
    servers.push(s);
    const cookie = await signIn(s.http, 'AK', 'sk');
    const { port } = new URL(s.http);
    const detail = async () =>
      (await (await fetch(`${s.http}/healthz/detail`)).json()) as {
        callersGoneBeforeAnswer: number;
        matrixCache: { computed: number; hits: number };
      };
    const requests = [
      'POST /Admin/GetKeyVizMatrix HTTP/1.1\r\nhost: x\r\ncontent-type: application/proto\r\ncontent-length: 0\r\n\r\n',
      `GET /admin/api/v1/keyviz/matrix HTTP/1.1\r\nhost: x\r\ncookie: ${cookie}\r\n\r\n`,
    ];
    const before = await detail();
    // What a flood of cancelling callers leaves in the accept queue: a request, then the
    // client's close, 200 at once.
    const N = 200;
    await Promise.all(
      Array.from(
        { length: N },
        (_, i) =>
          new Promise<void>((resolve) => {
            const c = net.connect(Number(port), '127.0.0.1', () => {
              c.write(requests[i % 2]);
              c.destroy();
            });
            c.on('error', () => {});
            c.on('close', () => resolve());
          }),
      ),
    );
    // Every call is settled one way or the other once the counters stop moving.
    let after = await detail();
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const next = await detail();
      const same =
        next.callersGoneBeforeAnswer === after.callersGoneBeforeAnswer &&
        next.matrixCache.hits === after.matrixCache.hits;
      after = next;
      if (same && i > 3) break;
    }
    const gone = after.callersGoneBeforeAnswer - before.callersGoneBeforeAnswer;
    const answered =
      after.matrixCache.hits +
      after.matrixCache.computed -
      before.matrixCache.hits -
      before.matrixCache.computed;
    // Most were seen gone before any answer was looked up (without the check: none).
    expect(gone).toBeGreaterThanOrEqual(N / 4);
    expect(gone + answered).toBeLessThanOrEqual(N);
    // And a caller that stays still gets the whole answer, on both protocols.
    const res = await fetch(`${s.http}/Admin/GetKeyVizMatrix`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { rows?: unknown[] }).rows?.length).toBeGreaterThan(100);
    const j = await getBody(`${s.http}/admin/api/v1/keyviz/matrix`, cookie);
    expect(j.status).toBe(200);
    expect(JSON.parse(j.body).rows.length).toBeGreaterThan(100);
  }, 60_000);

  it('gRPC: callers beyond the bounds get ResourceExhausted; cancelled calls let the rest through', async () => {
    const s = await spawnServer([
      '--routes=2000',
      '--backfill=12h',
      '--keyvizStep=10m',
      '--matrixMaxInFlight=1',
      '--matrixMaxQueued=2',
    ]);
    servers.push(s);
    const sm = new Http2SessionManager(`http://${s.grpc}`);
    const client = createClient(
      Admin,
      createGrpcTransport({ baseUrl: `http://${s.grpc}`, sessionManager: sm }),
    );
    // Callers that go away half-way through, on the same connection.
    const cancels = Array.from({ length: 30 }, async () => {
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(), 5);
      await client.getKeyVizMatrix({ rows: 0 }, { signal: ctl.signal }).catch(() => {});
    });
    await Promise.all(cancels);
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () =>
        client.getKeyVizMatrix({ rows: 0 }, { timeoutMs: 60_000 }).then(
          (m) => `ok ${m.rows.length > 0}`,
          (e: unknown) => ConnectError.from(e).code,
        ),
      ),
    );
    expect(outcomes).toContain('ok true');
    expect(outcomes).toContain(Code.ResourceExhausted);
    expect(outcomes.every((o) => o === 'ok true' || o === Code.ResourceExhausted)).toBe(true);
    // After the burst everything is free again.
    const m = await client.getKeyVizMatrix({ rows: 0 });
    expect(m.rows.length).toBeGreaterThan(0);
    sm.abort();
    expect(s.output()).not.toMatch(/MaxListenersExceededWarning|TimeoutOverflowWarning/);
  }, 90_000);
});

describe('gRPC over h2c', () => {
  it('keeps a connection whose client cancels many calls; still ends a reset flood', async () => {
    const s = await spawnServer(['--routes=2000', '--backfill=24h', '--keyvizStep=10m']);
    servers.push(s);
    const frame = grpcFrame(
      toBinary(GetKeyVizMatrixRequestSchema, create(GetKeyVizMatrixRequestSchema, { rows: 0 })),
    );
    const open = (session: http2.ClientHttp2Session) =>
      session.request({
        ':method': 'POST',
        ':path': '/Admin/GetKeyVizMatrix',
        'content-type': 'application/grpc',
        te: 'trailers',
      });
    const session = http2.connect(`http://${s.grpc}`);
    const goaways: number[] = [];
    session.on('goaway', (code) => goaways.push(code));
    session.on('error', () => {});
    const refusals: string[] = [];
    // A slow reader: eight full answers (a few MB each) asked on one connection and
    // not read, so the server holds them queued; the caller then gives up on all of
    // them and asks again at once (the new streams reach the server with the resets).
    for (let round = 0; round < 12; round++) {
      const calls = Array.from({ length: 8 }, () => {
        const st = open(session);
        st.on('error', (e) => refusals.push(e.message));
        st.end(frame);
        st.pause();
        return new Promise<http2.ClientHttp2Stream>((r) => {
          st.once('response', () => r(st));
          st.once('close', () => r(st));
        });
      });
      const started = await Promise.all(calls);
      await new Promise((r) => setTimeout(r, 50));
      for (const st of started) st.close(http2.constants.NGHTTP2_CANCEL);
    }
    expect(refusals).toEqual([]);
    expect(goaways).toEqual([]);
    expect(session.closed || session.destroyed).toBe(false);
    // The connection still answers in full.
    const status = await new Promise<string>((resolve) => {
      const st = open(session);
      st.on('data', () => {});
      st.on('trailers', (t) => resolve(String(t['grpc-status'])));
      st.on('error', (e) => resolve(e.message));
      st.end(frame);
    });
    expect(status).toBe('0');
    session.close();
    // A rapid-reset flood (streams opened and reset at once, thousands) is still ended.
    const flood = http2.connect(`http://${s.grpc}`);
    flood.on('error', () => {});
    const ended = new Promise<number>((r) => flood.once('goaway', r));
    for (let i = 0; i < 4000 && !flood.closed && !flood.destroyed; i++) {
      const st = open(flood);
      st.on('error', () => {});
      st.end(frame);
      st.close(http2.constants.NGHTTP2_CANCEL);
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    const code = await Promise.race([
      ended,
      new Promise<number>((r) => setTimeout(() => r(-1), 10_000)),
    ]);
    // Ended gracefully (GOAWAY NO_ERROR, "reconnect"), before nghttp2's INTERNAL_ERROR.
    expect(code).toBe(http2.constants.NGHTTP2_NO_ERROR);
    flood.destroy();
    // The server serves new connections after the flood.
    const after = http2.connect(`http://${s.grpc}`);
    const again = await new Promise<string>((resolve) => {
      const st = open(after);
      st.on('data', () => {});
      st.on('trailers', (t) => resolve(String(t['grpc-status'])));
      st.on('error', (e) => resolve(e.message));
      st.end(frame);
    });
    after.close();
    expect(again).toBe('0');
  }, 90_000);

  it('8 callers cancelling on one connection: no error, no refusal, /healthz answers, memory flat', async () => {
    const s = await spawnServer(['--routes=3000', '--backfill=24h', '--keyvizStep=10m']);
    servers.push(s);
    const frame = grpcFrame(
      toBinary(GetKeyVizMatrixRequestSchema, create(GetKeyVizMatrixRequestSchema, { rows: 0 })),
    );
    const goaways: number[] = [];
    const connect = () => {
      const c = http2.connect(`http://${s.grpc}`);
      c.on('goaway', (code) => goaways.push(code));
      c.on('error', () => {});
      return c;
    };
    // One connection shared by the eight, replaced (as gRPC clients do) only if the server
    // asks for it with a graceful GOAWAY: its reset budget (500, then 33/s) is spent after
    // a few seconds of ~200 cancels a second.
    let session = connect();
    const errors: string[] = [];
    let answered = 0;
    let refused = 0;
    let sessions = 1;
    /** One call; cancelled after `ms` unless answered first. */
    const call = (ms: number) =>
      new Promise<void>((resolve) => {
        if (session.closed || session.destroyed) {
          session = connect();
          sessions++;
        }
        const st = session.request({
          ':method': 'POST',
          ':path': '/Admin/GetKeyVizMatrix',
          'content-type': 'application/grpc',
          te: 'trailers',
        });
        let done = false;
        st.on('data', () => {});
        st.on('trailers', (t) => {
          done = true;
          if (String(t['grpc-status']) === '0') answered++;
          else errors.push(`grpc-status ${String(t['grpc-status'])}`);
        });
        // Reported on 'close' from the reset code.
        st.on('error', () => {});
        st.on('close', () => {
          const rst = st.rstCode ?? 0;
          // CANCEL is ours; REFUSED_STREAM (a stream that crossed a graceful GOAWAY, never
          // started) is retried by gRPC clients: neither is an error.
          if (rst === http2.constants.NGHTTP2_REFUSED_STREAM) refused++;
          else if (!done && rst !== http2.constants.NGHTTP2_CANCEL) errors.push(`rst ${rst}`);
          resolve();
        });
        st.end(frame);
        setTimeout(() => {
          if (!done) st.close(http2.constants.NGHTTP2_CANCEL);
        }, ms);
      });
    // Warm (the first answer is computed), then the RSS to compare with.
    await call(30_000);
    const rss0 = rssMb(s.proc.pid!);
    const probes: number[] = [];
    let flooding = true;
    const probe = (async () => {
      while (flooding) {
        probes.push((await timedGet(`${s.http}/healthz`)).ms);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    let peak = rss0;
    const end = performance.now() + 3000;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (performance.now() < end) {
          await call(Math.random() * 40);
          peak = Math.max(peak, rssMb(s.proc.pid!));
        }
      }),
    );
    flooding = false;
    await probe;
    // No ENHANCE_YOUR_CALM (11) or INTERNAL_ERROR (2), on a stream or the connection.
    expect(errors).toEqual([]);
    expect(goaways.every((code) => code === http2.constants.NGHTTP2_NO_ERROR)).toBe(true);
    expect(sessions).toBeLessThanOrEqual(4);
    // At most the eight callers' next streams per graceful GOAWAY.
    expect(refused).toBeLessThanOrEqual(8 * (sessions - 1));
    expect(answered).toBeGreaterThan(0);
    // Generous bounds for a shared, loaded machine (load average 12-20 while this was
    // written: /healthz up to 2.8 s there); before the fix the bench's 8-client cancel
    // level held an envelope copy per call (peak 448 MB) and /healthz took 12.6 s.
    expect(Math.max(...probes)).toBeLessThan(4000);
    expect(peak - rss0).toBeLessThan(150);
    session.close();
  }, 90_000);

  it('resets the stream of a request over the size limit, so an uploading client stops', async () => {
    const s = await spawnServer(['--routes=50', '--backfill=10m']);
    servers.push(s);
    const session = http2.connect(`http://${s.grpc}`);
    try {
      const stream = session.request({
        ':method': 'POST',
        ':path': '/Admin/GetKeyVizMatrix',
        'content-type': 'application/grpc',
        te: 'trailers',
        // Far beyond what setTimeout holds: clamped, no warning.
        'grpc-timeout': '99999999H',
      });
      const trailers = new Promise<http2.IncomingHttpHeaders>((r) => stream.once('trailers', r));
      const closed = new Promise<number>((r) =>
        stream.once('close', () => r(stream.rstCode ?? -1)),
      );
      stream.on('data', () => {});
      stream.on('error', () => {});
      // 3 MiB in 64 KiB pieces (the limit is 1 MiB), never ending the request.
      const piece = Buffer.alloc(64 * 1024, 1);
      piece.writeUInt32BE(3 * 1024 * 1024, 1);
      let sent = 0;
      const pump = () => {
        while (sent < 48 && !stream.destroyed) {
          sent++;
          if (!stream.write(piece)) return void stream.once('drain', pump);
        }
      };
      pump();
      const t = await trailers;
      expect(t['grpc-status']).toBe(String(Code.ResourceExhausted));
      const t0 = performance.now();
      const code = await Promise.race([
        closed,
        new Promise<number>((r) => setTimeout(() => r(-2), 5000)),
      ]);
      expect(code).toBe(http2.constants.NGHTTP2_NO_ERROR);
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(sent).toBeLessThan(48); // the upload was stopped, not finished
    } finally {
      session.close();
    }
    // A normal call with a huge deadline still works and warns about nothing.
    const ok = await new Promise<string>((resolve, reject) => {
      const sess = http2.connect(`http://${s.grpc}`);
      const st = sess.request({
        ':method': 'POST',
        ':path': '/Admin/GetKeyVizMatrix',
        'content-type': 'application/grpc',
        te: 'trailers',
        'grpc-timeout': '99999999H',
      });
      st.on('trailers', (t) => resolve(String(t['grpc-status'])));
      st.on('error', reject);
      st.on('data', () => {});
      st.on('close', () => sess.close());
      st.end(
        grpcFrame(
          toBinary(GetKeyVizMatrixRequestSchema, create(GetKeyVizMatrixRequestSchema, { rows: 3 })),
        ),
      );
    });
    expect(ok).toBe('0');
    expect(s.output()).not.toMatch(/TimeoutOverflowWarning/);
  }, 60_000);
});

describe('--record', () => {
  it('into a missing folder is refused at start-up with exit 2 naming the flag', async () => {
    const r = await runServer([
      '--listen=127.0.0.1:0',
      '--grpcListen=127.0.0.1:0',
      '--backfill=0',
      `--record=${join(dir, 'no-such-folder', 'h.jsonl')}`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--record: folder .*no-such-folder does not exist/);
  }, 30_000);
});
