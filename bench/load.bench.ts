// Load and fault suite (issue 12): 1, 8, 32, 128 concurrent clients asking for
// the full matrix (1024 rows x 24 h) on Connect binary, gRPC (h2c) and the
// node's JSON API, then the same with callers that cancel half-way; a /healthz
// probe throughout; the server's RSS sampled from /proc. Then RSS 30 s after the
// load stops, and RSS around 1,000 cancelled gRPC calls.
//
// The /healthz probe and the RSS sampler run in a worker thread (own event loop):
// on this process's loop, behind up to 128 clients' callbacks, the probe measured
// the bench's own queueing as well as the server's. The old in-loop probe still
// runs beside it ("bench-loop" column) so the two can be compared on one run.
//   npm run bench -- load                     (defaults: 10,000 routes, 6 s a level)
//   LOAD_ROUTES=2000 LOAD_SECONDS=4 npm run bench -- load
//
// The clients speak the protocols by hand (raw HTTP/1.1 and HTTP/2 requests)
// and check each answer's length against the first one instead of decoding it:
// decoding 1,024 x 1,440 cells per answer in this process would measure the
// client, not the server (both share the machine's two cores).
import http from 'node:http';
import http2 from 'node:http2';
import { Worker } from 'node:worker_threads';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { GetKeyVizMatrixRequestSchema } from '../src/gen/admin_pb.ts';
import { signIn, writeCredentials } from '../tests/helpers/jsonAdmin.ts';
import { spawnServer, type SpawnedServer } from '../tests/helpers/spawnServer.ts';
import { procCpuMs, rssMb } from './proc.ts';
// @ts-expect-error: plain JavaScript module without types (it runs without a TypeScript loader).
import { ensureServerBuilt } from '../scripts/serverBuild.mjs';

const ROUTES = Number(process.env.LOAD_ROUTES ?? 10_000);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 6);
const LEVELS = (process.env.LOAD_LEVELS ?? '1,8,32,128').split(',').map(Number);
const PROTOCOLS = (process.env.LOAD_PROTOCOLS ?? 'connect,grpc,json').split(',') as Protocol[];
const SETTLE_S = Number(process.env.LOAD_SETTLE_SECONDS ?? 30);
const CANCELS = Number(process.env.LOAD_CANCELS ?? 1000);
/** LOAD_MODES=cancel (or plain): only those levels, while iterating. */
const MODES = (process.env.LOAD_MODES ?? 'plain,cancel').split(',');

type Protocol = 'connect' | 'grpc' | 'json';
type Outcome = 'ok' | 'refused' | 'cancelled' | 'error';

const REQUEST = toBinary(
  GetKeyVizMatrixRequestSchema,
  create(GetKeyVizMatrixRequestSchema, { rows: 0 }),
);

/** The server's user+system CPU seconds so far. */
const cpuS = (pid: number): number => procCpuMs(pid) / 1000;

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Detail {
  memory?: Record<string, number>;
  heapSpaces?: Record<string, { size: number; used: number }>;
  eventLoopDelay?: { worstMaxMs: number };
  idleGc?: { runs: number; lastMs: number; lastFreedMb: number };
}

const detailOf = async (base: string): Promise<Detail> =>
  (await (await fetch(`${base}/healthz/detail`)).json()) as Detail;

/** The server's memory by kind, from /healthz/detail, in MB: where RSS that stays is held. */
function memoryLine({ memory: m, heapSpaces }: Detail): string {
  if (!m) return 'memory: not reported';
  const mb = (k: string) => `${k} ${f0((m[k] ?? NaN) / 1048576)}`;
  // V8 spaces over 4 MB committed, as committed/used: which space holds a heap that stays.
  const spaces = Object.entries(heapSpaces ?? {})
    .filter(([, v]) => v.size > 4 * 1048576)
    .map(([k, v]) => `${k} ${f0(v.size / 1048576)}/${f0(v.used / 1048576)}`);
  return (
    ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'].map(mb).join(', ') +
    ' MB' +
    (spaces.length ? ` (${spaces.join(', ')})` : '')
  );
}

interface Ctx {
  s: SpawnedServer;
  cookie: string;
  h1: http.Agent;
  h2: http2.ClientHttp2Session;
  /** Body length of a full answer per protocol (first answer seen). */
  expected: Map<Protocol, number>;
  errors: string[];
  /** HTTP/1.1 calls retried after a kept-alive socket closed under them (no answer byte). */
  retried: number;
}

/** One call; `cancelAfterMs` aborts it (the caller goes away). */
function call(
  ctx: Ctx,
  p: Protocol,
  cancelAfterMs?: number,
  session?: http2.ClientHttp2Session,
): Promise<Outcome> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: Outcome, why?: string) => {
      if (done) return;
      done = true;
      if (o === 'error' && ctx.errors.filter((e) => e.startsWith(p)).length < 4) {
        ctx.errors.push(`${p}: ${why}`);
      }
      resolve(o);
    };
    const check = (len: number, ok: boolean, refused: boolean, why: string) => {
      if (refused) return finish('refused');
      if (!ok) return finish('error', why);
      const want = ctx.expected.get(p);
      if (want === undefined) ctx.expected.set(p, len);
      else if (want !== len) return finish('error', `length ${len} != ${want}`);
      finish('ok');
    };
    if (p === 'grpc') {
      const frame = Buffer.alloc(5 + REQUEST.length);
      frame.writeUInt32BE(REQUEST.length, 1);
      frame.set(REQUEST, 5);
      const h2 = session ?? ctx.h2;
      if (h2.destroyed || h2.closed) return finish('error', 'session ended by the server');
      const st = h2.request({
        ':method': 'POST',
        ':path': '/Admin/GetKeyVizMatrix',
        'content-type': 'application/grpc',
        te: 'trailers',
      });
      let len = 0;
      st.on('data', (d: Buffer) => (len += d.length));
      st.on('trailers', (t) => {
        const code = String(t['grpc-status']);
        check(len, code === '0', code === '8', `grpc-status ${code} ${String(t['grpc-message'])}`);
      });
      st.on('response', (h) => {
        // Trailers-only answers (errors) carry the status in the headers.
        if (h['grpc-status'] !== undefined) {
          const code = String(h['grpc-status']);
          check(0, code === '0', code === '8', `grpc-status ${code} ${String(h['grpc-message'])}`);
        }
      });
      // REFUSED_STREAM comes as an error before 'close': the same clean refusal.
      st.on('error', (e) =>
        st.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM
          ? finish('refused')
          : finish(done ? 'ok' : 'error', e.message),
      );
      // REFUSED_STREAM: the server did not start the call (a stream that crossed the
      // server's graceful GOAWAY); gRPC clients retry it transparently, a clean refusal.
      st.on('close', () =>
        st.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM
          ? finish('refused')
          : finish('error', `closed, rst ${st.rstCode}`),
      );
      st.end(frame);
      if (cancelAfterMs !== undefined) {
        setTimeout(() => {
          if (!done) {
            st.close(http2.constants.NGHTTP2_CANCEL);
            finish('cancelled');
          }
        }, cancelAfterMs);
      }
      return;
    }
    const json = p === 'json';
    let answered = false;
    const req = http.request(
      `${ctx.s.http}${json ? '/admin/api/v1/keyviz/matrix?series=writes' : '/Admin/GetKeyVizMatrix'}`,
      {
        method: json ? 'GET' : 'POST',
        agent: ctx.h1,
        headers: json
          ? { cookie: ctx.cookie }
          : { 'content-type': 'application/proto', 'connect-protocol-version': '1' },
      },
      (res) => {
        answered = true;
        let len = 0;
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => {
          len += d.length;
          if (res.statusCode !== 200 && chunks.length < 4) chunks.push(d);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const body = Buffer.concat(chunks).toString();
          // Connect: resource_exhausted is HTTP 429; the JSON API: 503 with Retry-After.
          const refused = json
            ? status === 503 && res.headers['retry-after'] !== undefined
            : status === 429 && body.includes('resource_exhausted');
          check(len, status === 200, refused, `HTTP ${status} ${body.slice(0, 120)}`);
        });
        res.on('error', (e) => finish('error', e.message));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as idle just as this request took it (the
      // bench's own loop lags seconds at 128 clients, so its pool outlives the server's
      // keep-alive timeout): no byte of an answer came, and a browser retries such an
      // idempotent request on a new connection (RFC 9110 9.2.2). So does the bench, counted.
      if (!done && req.reusedSocket && e.code === 'ECONNRESET' && !answered) {
        ctx.retried++;
        done = true;
        return void call(ctx, p, cancelAfterMs, session).then(resolve);
      }
      finish(done ? 'ok' : 'error', e.message);
    });
    req.end(json ? undefined : Buffer.from(REQUEST));
    if (cancelAfterMs !== undefined) {
      setTimeout(() => {
        if (!done) {
          req.destroy();
          finish('cancelled');
        }
      }, cancelAfterMs);
    }
  });
}

/** /healthz on a fresh connection every 25 ms while `running()`; latencies in ms. */
async function probeHealthz(base: string, running: () => boolean): Promise<number[]> {
  const out: number[] = [];
  while (running()) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      http
        .get(`${base}/healthz`, { agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        })
        .on('error', () => resolve());
    });
    out.push(performance.now() - t0);
    await sleep(25);
  }
  return out;
}

/**
 * The probe and RSS sampler of a level, on their own thread: /healthz on a fresh
 * connection every 25 ms, RSS from /proc every 100 ms. Plain JavaScript (eval)
 * so the worker needs no TypeScript loader.
 */
const PROBE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { readFileSync } = require('node:fs');
const { base, pid } = workerData;
let running = true;
const lat = [];
// Time to the TCP connection alone: tells a slow accept (SYN dropped and retried after 1 s,
// 3 s) apart from a slow answer.
const conn = [];
const rss = () => {
  const m = /VmRSS:\\s+(\\d+) kB/.exec(readFileSync('/proc/' + pid + '/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
let peak = rss();
const sampler = setInterval(() => { peak = Math.max(peak, rss()); }, 100);
const probe = async () => {
  while (running) {
    const t0 = performance.now();
    await new Promise((resolve) => {
      const req = http.get(base + '/healthz', { agent: false }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', resolve);
      req.on('socket', (s) => s.once('connect', () => conn.push(performance.now() - t0)));
    });
    lat.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 25));
  }
};
const done = probe();
parentPort.once('message', async () => {
  running = false;
  await done;
  clearInterval(sampler);
  peak = Math.max(peak, rss());
  parentPort.postMessage({ lat, conn, peak });
});
`;

interface ProbeResult {
  lat: number[];
  conn: number[];
  peak: number;
}

/** Kernel TCP counters (this network namespace) that say a connection attempt was dropped. */
function tcpDrops(): Record<string, number> {
  const want = ['ListenOverflows', 'ListenDrops', 'TCPReqQFullDrop', 'TCPBacklogDrop'];
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const out: Record<string, number> = {};
  for (let i = 0; i + 1 < lines.length; i += 2) {
    if (!lines[i].startsWith('TcpExt:')) continue;
    const names = lines[i].split(/\s+/);
    const values = lines[i + 1].split(/\s+/);
    names.forEach((n, j) => want.includes(n) && (out[n] = Number(values[j])));
  }
  return out;
}

/** Starts the off-loop probe; the returned function stops it and hands back its figures. */
function startProbeWorker(base: string, pid: number): () => Promise<ProbeResult> {
  const w = new Worker(PROBE_WORKER, { eval: true, workerData: { base, pid } });
  return () =>
    new Promise<ProbeResult>((resolve, reject) => {
      w.once('message', (r: ProbeResult) => {
        void w.terminate();
        resolve(r);
      });
      w.once('error', reject);
      w.postMessage('stop');
    });
}

function session(ctx: Ctx): http2.ClientHttp2Session {
  const h2 = http2.connect(`http://${ctx.s.grpc}`);
  h2.setMaxListeners(0);
  h2.on('error', (e) => ctx.errors.length < 20 && ctx.errors.push(`grpc session: ${e.message}`));
  return h2;
}

interface LevelResult {
  protocol: Protocol;
  clients: number;
  cancel: boolean;
  answersPerS: number;
  p50: number;
  p99: number;
  refusals: number;
  errors: number;
  cancelled: number;
  healthzP99: number;
  /** The same probe on the bench's own event loop (the pre-worker figure). */
  healthzP99BenchLoop: number;
  /** The probe's TCP connect alone, p99. */
  connectP99: number;
  /** Kernel drop counters' growth during the level, "name +n" for each that grew. */
  tcpDrops: string;
  peakRssMb: number;
  sessionsEnded: number;
  /** Server CPU seconds used during the level: a figure a loaded machine moves less than latency. */
  serverCpuS: number;
}

async function level(ctx: Ctx, p: Protocol, n: number, cancel: boolean): Promise<LevelResult> {
  const end = performance.now() + SECONDS * 1000;
  const running = () => performance.now() < end;
  const lat: number[] = [];
  const counts: Record<Outcome, number> = { ok: 0, refused: 0, cancelled: 0, error: 0 };
  let sessionsEnded = 0;
  // A fresh keep-alive pool per level: a socket left idle by an earlier level can be closed by
  // the server's keep-alive timeout (5 s) just as it is reused ("socket hang up", the client's race).
  ctx.h1.destroy();
  ctx.h1 = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const cpu0 = cpuS(ctx.s.proc.pid!);
  const drops0 = tcpDrops();
  const stopProbe = startProbeWorker(ctx.s.http, ctx.s.proc.pid!);
  const probe = probeHealthz(ctx.s.http, running);
  // Half-way: a random point within the median uncancelled latency seen so far.
  const typical = () => Math.max(5, pct(lat, 50) || 100);
  const client = async () => {
    // Each client its own connection, as separate processes would have.
    let h2 = p === 'grpc' ? session(ctx) : undefined;
    while (running()) {
      const t0 = performance.now();
      // A connection the server ended (Node's rapid-reset guard ends one whose client resets
      // streams too fast) is replaced, as a real client would.
      if (h2 && (h2.destroyed || h2.closed)) {
        sessionsEnded++;
        h2 = session(ctx);
      }
      const o = await call(ctx, p, cancel ? Math.random() * typical() : undefined, h2);
      counts[o]++;
      if (o === 'ok') lat.push(performance.now() - t0);
      // A refused client waits as Retry-After asks (1 s), within the level's time.
      if (o === 'refused') await sleep(Math.min(1000, Math.max(0, end - performance.now())));
    }
    h2?.close();
  };
  await Promise.all(Array.from({ length: n }, client));
  const hz = await probe;
  const off = await stopProbe();
  return {
    protocol: p,
    clients: n,
    cancel,
    answersPerS: counts.ok / SECONDS,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    refusals: counts.refused,
    errors: counts.error,
    cancelled: counts.cancelled,
    healthzP99: pct(off.lat, 99),
    healthzP99BenchLoop: pct(hz, 99),
    connectP99: pct(off.conn, 99),
    tcpDrops: Object.entries(tcpDrops())
      .filter(([k, v]) => v > (drops0[k] ?? 0))
      .map(([k, v]) => `${k} +${v - (drops0[k] ?? 0)}`)
      .join(', '),
    peakRssMb: off.peak,
    sessionsEnded,
    serverCpuS: cpuS(ctx.s.proc.pid!) - cpu0,
  };
}

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '-');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');

export async function run(): Promise<void> {
  await ensureServerBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'keyviz-loadbench-'));
  const creds = writeCredentials(dir, [{ access: 'AK', secret: 'sk', role: 'read_only' }]);
  const s = await spawnServer(
    // A 10-minute step: no flush during a level, so every full answer has the same length.
    [
      '--routes',
      String(ROUTES),
      '--backfill',
      '24h',
      '--keyvizStep',
      '10m',
      `--adminCredentialsFile=${creds}`,
    ],
    {
      // The compiled server, what `npm start` and production run (tsx adds source-mapped stack
      // traces to every Error, which a flood of cancelled calls makes by the thousand).
      compiled: true,
      readyTimeoutMs: 120_000,
      // LOAD_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/x': profile the server alone
      // (Node's flags on its command line: NODE_OPTIONS refuses --cpu-prof).
      nodeArgs: (process.env.LOAD_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
    },
  );
  const cookie = await signIn(s.http, 'AK', 'sk');
  const ctx: Ctx = {
    s,
    cookie,
    h1: new http.Agent({ keepAlive: true, maxSockets: Infinity }),
    h2: http2.connect(`http://${s.grpc}`),
    expected: new Map(),
    errors: [],
    retried: 0,
  };
  ctx.h2.setMaxListeners(0);
  ctx.h2.on('error', (e) => ctx.errors.push(`grpc session: ${e.message}`));
  try {
    // Warm: one answer per protocol (the idle level includes the cached answer).
    for (const p of PROTOCOLS) await call(ctx, p);
    await sleep(2000);
    const idle = rssMb(s.proc.pid!);
    const idleMemory = memoryLine(await detailOf(s.http));
    console.log(
      `load: ${ROUTES} routes, 24 h backfill, full matrix (1024 rows), ${SECONDS} s a level; ` +
        `idle RSS ${f0(idle)} MB; loadavg at start ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
    );
    console.log(
      'protocol  clients cancel  answers/s   p50 ms   p99 ms  refused  errors  cancelled  healthz p99 ms  (bench-loop)  (connect)  peak RSS MB  h2 ended  server CPU s  kernel drops',
    );
    const results: LevelResult[] = [];
    for (const cancel of [false, true].filter((c) => MODES.includes(c ? 'cancel' : 'plain'))) {
      for (const p of PROTOCOLS) {
        for (const n of LEVELS) {
          const r = await level(ctx, p, n, cancel);
          results.push(r);
          console.log(
            `${p.padEnd(9)} ${String(n).padStart(7)} ${String(cancel).padStart(6)} ${f1(r.answersPerS).padStart(10)} ${f0(r.p50).padStart(8)} ${f0(r.p99).padStart(8)} ${String(r.refusals).padStart(8)} ${String(r.errors).padStart(7)} ${String(r.cancelled).padStart(10)} ${f0(r.healthzP99).padStart(15)} ${f0(r.healthzP99BenchLoop).padStart(13)} ${f0(r.connectP99).padStart(10)} ${f0(r.peakRssMb).padStart(12)} ${String(r.sessionsEnded).padStart(9)} ${f1(r.serverCpuS).padStart(13)}  ${r.tcpDrops || '-'}`,
          );
        }
      }
    }
    console.log(`waiting ${SETTLE_S} s after the load...`);
    await sleep(SETTLE_S * 1000);
    const after = rssMb(s.proc.pid!);
    const detail = await detailOf(s.http);
    const afterMemory = memoryLine(detail);
    // 1,000 cancelled gRPC calls, 50 at a time, over 50 connections (one connection
    // resetting streams faster than ~33/s is ended by Node's rapid-reset guard).
    // One whole answer first: the cache may have let the load's answer go (idle expiry), and
    // refilling it is not what the cancelled calls leak.
    await call(ctx, 'grpc');
    await sleep(1000);
    const before = rssMb(s.proc.pid!);
    const conns = Array.from({ length: 50 }, () => session(ctx));
    for (let i = 0; i < CANCELS; i += 50) {
      await Promise.all(conns.map((c) => call(ctx, 'grpc', Math.random() * 60, c)));
    }
    for (const c of conns) c.close();
    await sleep(5000);
    const afterCancels = rssMb(s.proc.pid!);
    const worstHz = Math.max(...results.map((r) => r.healthzP99));
    const peak = Math.max(...results.map((r) => r.peakRssMb));
    const errors = results.reduce((a, r) => a + r.errors, 0);
    const worstLoop = Math.max(...results.map((r) => r.healthzP99BenchLoop));
    console.log(
      `/healthz p99, worst level: ${f0(worstHz)} ms (target < 50; ${f0(worstLoop)} ms probed from the bench's own loop)`,
    );
    console.log(`peak RSS: ${f0(peak)} MB (target < 600)`);
    console.log(`errors other than a clean refusal: ${errors} (target 0)`);
    console.log(
      `HTTP/1.1 calls retried on a new connection (a reused keep-alive socket closed before any answer byte): ${ctx.retried}`,
    );
    for (const e of ctx.errors) console.log(`  ${e}`);
    console.log(
      `RSS ${SETTLE_S} s after load: ${f0(after)} MB vs idle ${f0(idle)} MB (${f1((100 * (after - idle)) / idle)}%, target: at most 10% above; below means the idle cache expired)`,
    );
    const loop = detail.eventLoopDelay;
    const gc = detail.idleGc;
    console.log(
      `server's own event-loop delay, worst 10 s window's max since start: ${loop ? f0(loop.worstMaxMs) : '-'} ms`,
    );
    console.log(
      `server's collections once quiet: ${gc ? `${gc.runs}, the last freed ${gc.lastFreedMb} MB in ${gc.lastMs} ms` : '-'}`,
    );
    console.log(`  idle:            ${idleMemory}`);
    console.log(`  ${SETTLE_S} s after load: ${afterMemory}`);
    console.log(
      `RSS after ${CANCELS} cancelled calls: ${f0(afterCancels)} MB vs ${f0(before)} MB before (${f1((100 * (afterCancels - before)) / before)}%, target within 10%)`,
    );
    if (process.env.LOAD_PRINT_SERVER) console.log(s.output());
    const warnings = s.output().match(/\w+Warning/g) ?? [];
    console.log(`server warnings: ${warnings.length ? [...new Set(warnings)].join(', ') : 'none'}`);
  } finally {
    ctx.h2.removeAllListeners('close');
    ctx.h2.close();
    ctx.h1.destroy();
    // A profiled server must exit on its own to write its profile.
    await s.stop(process.env.LOAD_SERVER_NODE_ARGS ? 'SIGTERM' : 'SIGKILL');
  }
}
