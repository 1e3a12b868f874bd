// Hot keys, sub-range and label rows: what they cost.
// - observe() calls/s with every feature off (the baseline), hot keys on, and
//   hot keys + 16 sub-range rows + label rows, on one core, draining the sample
//   queue on microtasks between chunks as the server does;
// - sketch memory per route (a full m = 64 sketch of 32-byte keys) and the heap
//   that the default 64 MiB history budget really holds;
// - hot-key answer latency over the JSON endpoint and the RPC (Connect) against
//   the default server (2,000 routes, 24 h backfill), in process.
// Run: npm run bench -- hotkeys. The box is shared: quote medians, expect noise.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { Admin, KeyVizSeries } from '../src/gen/admin_pb.ts';
import { startApp } from '../server/app.ts';
import { parseFlags } from '../server/flags.ts';
import { ManualClock } from '../server/sampler/clock.ts';
import { Sampler, type SamplerConfig } from '../server/sampler/sampler.ts';
import { HotKeyTracker } from '../server/sampler/hotkeys/tracker.ts';
import { OP_READ, OP_WRITE } from '../server/sampler/types.ts';
import { signIn, writeCredentials } from '../tests/helpers/jsonAdmin.ts';
import { median } from './stats.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const ROUTES = 10_000;
const enc = new TextEncoder();
const key = (i: number) => enc.encode(`t/${String(i).padStart(8, '0')}`);
const LABELS = ['', 'redis', 'dynamo', '', 's3'];

function makeSampler(cfg: SamplerConfig): Sampler {
  const s = new Sampler({ clock: new ManualClock(0), stepMs: 60_000, historyColumns: 10, ...cfg });
  for (let i = 0; i < ROUTES; i++) {
    s.registerRoute({
      id: i + 1,
      start: i === 0 ? new Uint8Array(0) : key(i * 10),
      end: i === ROUTES - 1 ? new Uint8Array(0) : key((i + 1) * 10),
      label: 'rawkv',
      raftGroupId: 1 + (i % 32),
    });
  }
  return s;
}

async function benchObserve(): Promise<void> {
  const M = 1 << 16;
  const ids = new Int32Array(M);
  const keys: Uint8Array[] = [];
  const ops = new Uint8Array(M);
  const labels: string[] = [];
  let seed = 1;
  for (let i = 0; i < M; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const r = seed % ROUTES;
    ids[i] = 1 + r;
    keys.push(key(r * 10 + ((seed >>> 16) % 10)));
    ops[i] = seed & 1;
    labels.push(LABELS[(seed >>> 8) % LABELS.length]);
  }
  const configs: [string, SamplerConfig][] = [
    ['off', {}],
    ['hot keys', { hotKeys: {} }],
    [
      'hot keys + 16 sub-ranges + labels',
      { hotKeys: {}, keyBucketsPerRoute: 16, labelsEnabled: true },
    ],
  ];
  const N = 8_000_000;
  for (const [name, cfg] of configs) {
    const s = makeSampler(cfg);
    const rates: number[] = [];
    const cpuRates: number[] = [];
    for (let run = 0; run < 5; run++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let done = 0; done < N; done += M) {
        for (let j = 0; j < M; j++)
          s.observe(ids[j], keys[j], ops[j] ? OP_WRITE : OP_READ, 100, labels[j]);
        await Promise.resolve(); // the queue drains here, as between the server's ticks
      }
      const c = process.cpuUsage(c0);
      rates.push(N / ((performance.now() - t0) / 1000));
      cpuRates.push(N / ((c.user + c.system) / 1e6));
      s.flush();
    }
    const dropped = s.hotKeyTracker?.history.latest()?.droppedSamples ?? 0;
    console.log(
      `observe [${name}]: median ${(median(rates) / 1e6).toFixed(1)} M calls/s ` +
        `(by cpu time ${(median(cpuRates) / 1e6).toFixed(1)} M/s = ${(1e9 / median(cpuRates)).toFixed(1)} ns/call; ` +
        `5 runs of ${N / 1e6}M, half writes; dropped ${dropped})`,
    );
  }
}

function benchMemory(): void {
  // One full sketch per route: 64 distinct 32-byte keys each.
  const routes = 2000;
  const keyOf = (r: number, k: number) =>
    enc.encode(`user/${String(r).padStart(6, '0')}/key-${String(k).padStart(16, '0')}`);
  gc();
  const before = process.memoryUsage().heapUsed;
  const t = new HotKeyTracker({ sampleRate: 1, queueSize: 65536 }, () => true, 60_000);
  for (let r = 0; r < routes; r++) for (let k = 0; k < 64; k++) t.observe(r, '', keyOf(r, k));
  t.drain();
  gc();
  const live = process.memoryUsage().heapUsed - before;
  console.log(
    `sketch memory: ${(live / routes / 1024).toFixed(1)} KiB per route (m = 64, 32-byte keys, ${routes} routes)`,
  );
  // Windows until the 64 MiB budget coarsens: estimate vs heap actually held.
  let w = t.publish(60_000);
  for (let i = 2; i <= 200; i++) {
    for (let r = 0; r < routes; r++)
      for (let k = 0; k < 64; k++) t.observe(r, '', keyOf(r, k + (i % 3)));
    w = t.publish(i * 60_000);
  }
  gc();
  const held = process.memoryUsage().heapUsed - before;
  console.log(
    `history: ${t.history.length} windows held (estimate ${(t.history.bytes / 2 ** 20).toFixed(1)} MiB, ` +
      `heap ${(held / 2 ** 20).toFixed(1)} MiB; budget 64 MiB; window ${(w.bytes / 2 ** 20).toFixed(2)} MiB ` +
      `of ${routes} full sketches)`,
  );
}

async function benchLatency(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyviz-bench-hk-'));
  const creds = writeCredentials(dir, [{ access: 'AK', secret: 'sk', role: 'full' }]);
  const app = await startApp(
    parseFlags([
      '--listen=127.0.0.1:0',
      '--grpcListen=127.0.0.1:0',
      `--adminCredentialsFile=${creds}`,
      `--static=${dir}`,
    ]),
    { log: () => {} },
  );
  try {
    const cookie = await signIn(app.http, 'AK', 'sk');
    const w = app.sampler!.hotKeyTracker!.history.latest()!;
    const routeId = [...w.slots.values()].sort((a, b) => b.sampledN - a.sampledN)[0].routeId;
    const client = createClient(
      Admin,
      createConnectTransport({ baseUrl: app.http, httpVersion: '1.1' }),
    );
    const cols = app.sampler!.snapshot().map((c) => c.unixMs);
    const cases: [string, string, object][] = [
      ['latest', '', {}],
      [
        'a past column',
        `&from_unix_ms=${cols[100]}&to_unix_ms=${cols[100] + 1}`,
        { fromUnixMs: BigInt(cols[100]), toUnixMs: BigInt(cols[100] + 1) },
      ],
      ['24 h merged', `&from_unix_ms=${cols[0]}`, { fromUnixMs: BigInt(cols[0]) }],
    ];
    for (const [name, q, r] of cases) {
      const json: number[] = [];
      const rpc: number[] = [];
      for (let i = 0; i < 40; i++) {
        let t0 = performance.now();
        const res = await fetch(
          `${app.http}/admin/api/v1/keyviz/hotkeys?route_id=${routeId}&top=20${q}`,
          {
            headers: { cookie },
          },
        );
        await res.text();
        json.push(performance.now() - t0);
        t0 = performance.now();
        await client.getKeyVizHotKeys({
          routeId: BigInt(routeId),
          top: 20,
          series: KeyVizSeries.KEYVIZ_SERIES_WRITES,
          ...r,
        });
        rpc.push(performance.now() - t0);
      }
      console.log(
        `hot-key answer [${name}]: JSON median ${median(json).toFixed(2)} ms, ` +
          `RPC (Connect) median ${median(rpc).toFixed(2)} ms (40 calls each, loopback)`,
      );
    }
  } finally {
    await app.shutdown();
  }
}

export async function run(): Promise<void> {
  // HOTKEYS_BENCH_ONLY=observe or =rest runs one half (a loaded machine).
  const only = process.env.HOTKEYS_BENCH_ONLY;
  if (only === 'observe') return benchObserve();
  if (only !== 'rest') await benchObserve();
  benchMemory();
  await benchLatency();
}
