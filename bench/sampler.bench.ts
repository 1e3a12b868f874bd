// Sampler benchmarks: observe() throughput on one core, GetKeyVizMatrix pivot +
// encode at the node's defaults (10,000 routes x 1,440 columns, rows=1024)
// against protobuf-es's generic path, backfill cost, and history memory.
// Run: npm run bench -- sampler
// Measured 2026-11-24 on the shared 2-core box (load ~8 from other work):
// observe 65 M calls/s; pivot+fast encode 75 ms median (generic path 821 ms,
// 10.9x); flush 0.76 ms/column at 10,000 routes; history 10.3 bytes/cell.
// Wall times there swing 2x with the load; the cpu and min columns help.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { toBinary } from '@bufbuild/protobuf';
import { GetKeyVizMatrixResponseSchema } from '../src/gen/admin_pb.ts';
import { GetKeyVizMatrixResponseWireSchema } from '../src/gen/keyviz_wire_pb.ts';
import { ManualClock } from '../server/sampler/clock.ts';
import { Sampler } from '../server/sampler/sampler.ts';
import { OP_READ, OP_WRITE } from '../server/sampler/types.ts';
import type { MatrixRequest } from '../server/sampler/types.ts';
import { encodeMatrixWire } from '../server/wire/encode-matrix.ts';
import { toGenericResponse } from '../server/wire/generic.ts';
import { decodeMatrixWire } from '../server/wire/decode-matrix.ts';
import { median } from './stats.ts';

const ROUTES = 10_000;
const COLUMNS = 1_440;
const STEP_MS = 60_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Wall and CPU ms of one call: the machine is shared, so CPU time shows contention. */
function timeBoth(fn: () => void): [wall: number, cpu: number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return [wall, (c.user + c.system) / 1000];
}

function fmt(samples: [number, number][]): string {
  const wall = median(samples.map((s) => s[0]));
  const cpu = median(samples.map((s) => s[1]));
  const min = Math.min(...samples.map((s) => s[0]));
  return `${wall.toFixed(1)} ms (cpu ${cpu.toFixed(1)}, min ${min.toFixed(1)})`;
}

function key(i: number): Uint8Array {
  return new TextEncoder().encode(`t/${String(i).padStart(8, '0')}`);
}

function makeSampler(clock: ManualClock): Sampler {
  const s = new Sampler({
    clock,
    stepMs: STEP_MS,
    historyColumns: COLUMNS,
    leaderTermOf: (g) => 5 + (g % 3),
  });
  for (let i = 0; i < ROUTES; i++) {
    s.registerRoute({
      id: i + 1,
      start: i === 0 ? new Uint8Array(0) : key(i),
      end: i === ROUTES - 1 ? new Uint8Array(0) : key(i + 1),
      label: 'rawkv',
      raftGroupId: 1 + (i % 32),
    });
  }
  return s;
}

function benchObserve(): void {
  const s = makeSampler(new ManualClock(0));
  const N = 20_000_000;
  const M = 1 << 16;
  const ids = new Int32Array(M);
  const keys: Uint8Array[] = [];
  const ops = new Uint8Array(M);
  let seed = 1;
  for (let i = 0; i < M; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    ids[i] = 1 + (seed % ROUTES);
    keys.push(key(seed % 100_000));
    ops[i] = seed & 1;
  }
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let run = 0; run < 7; run++) {
    const [wall, cpu] = timeBoth(() => {
      for (let i = 0; i < N; i++) {
        const j = i & (M - 1);
        s.observe(ids[j], keys[j], ops[j] ? OP_WRITE : OP_READ, 100);
      }
    });
    rates.push(N / (wall / 1000));
    cpuRates.push(N / (cpu / 1000));
  }
  const best = Math.max(...rates);
  console.log(
    `observe: median ${(median(rates) / 1e6).toFixed(1)} M calls/s ` +
      `(${(1e9 / median(rates)).toFixed(1)} ns/call; by cpu time ${(median(cpuRates) / 1e6).toFixed(1)} M/s; ` +
      `best ${(best / 1e6).toFixed(1)} M/s; 7 runs of ${N / 1e6}M over ${ROUTES} routes)`,
  );
}

/**
 * Fills 1,440 columns. About 1 route in 11 is idle in each column, a different
 * set each time, so consecutive columns rarely share a bucket list (the
 * conservative case for both memory and the pivot).
 */
function fillHistory(
  s: Sampler,
  clock: ManualClock,
): { observeMs: number; flushMs: number; cells: number } {
  const k = key(1);
  let observeMs = 0;
  let flushMs = 0;
  let cells = 0;
  for (let c = 0; c < COLUMNS; c++) {
    observeMs += timeMs(() => {
      for (let r = 1; r <= ROUTES; r++) {
        if ((r * 31 + c) % 11 === 0) continue;
        cells++;
        // A skewed, time-varying load: a few hot routes, a moving diagonal, background.
        const n =
          1 + ((r * 7 + c) % 5) + (r % 997 === 0 ? 300 : 0) + ((r + c * 7) % ROUTES < 50 ? 40 : 0);
        for (let j = 0; j < n; j++) s.observe(r, k, j & 1 ? OP_READ : OP_WRITE, 64);
      }
    });
    clock.advance(STEP_MS);
    flushMs += timeMs(() => s.flush());
  }
  return { observeMs, flushMs, cells };
}

function benchMatrix(): void {
  gc();
  const before = process.memoryUsage();
  const clock = new ManualClock(1_700_000_000_000);
  const s = makeSampler(clock);
  const { observeMs, flushMs, cells } = fillHistory(s, clock);
  gc();
  const after = process.memoryUsage();
  const bytes = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  console.log(
    `backfill ${ROUTES} routes x ${COLUMNS} columns: flush ${(flushMs / COLUMNS).toFixed(2)} ms/column ` +
      `(${flushMs.toFixed(0)} ms total), observe ${observeMs.toFixed(0)} ms total`,
  );
  console.log(
    `history memory: ${(bytes / 2 ** 20).toFixed(1)} MiB for ${(cells / 1e6).toFixed(2)}M stored cells = ` +
      `${(bytes / cells).toFixed(1)} bytes/cell (heapUsed+arrayBuffers delta after gc, incl. routes)`,
  );

  const req: MatrixRequest = { series: 2, fromUnixMs: 0, toUnixMs: 0, rows: 1024 };
  const pivot: [number, number][] = [];
  const fast: [number, number][] = [];
  const generic: [number, number][] = [];
  const decode: [number, number][] = [];
  let size = 0;
  for (let run = 0; run < 9; run++) {
    let wire: Uint8Array = new Uint8Array(0);
    pivot.push(timeBoth(() => s.matrix(req)));
    fast.push(
      timeBoth(() => {
        wire = toBinary(GetKeyVizMatrixResponseWireSchema, encodeMatrixWire(s.matrix(req)));
      }),
    );
    size = wire.length;
    if (run < 5) {
      generic.push(
        timeBoth(() => {
          toBinary(GetKeyVizMatrixResponseSchema, toGenericResponse(s.matrix(req)));
        }),
      );
    }
    decode.push(timeBoth(() => decodeMatrixWire(wire)));
  }
  const f = median(fast.map((x) => x[0]));
  const g = median(generic.map((x) => x[0]));
  console.log(
    `GetKeyVizMatrix rows=1024 over ${ROUTES} x ${COLUMNS}, medians (9 runs; generic 5):`,
  );
  console.log(`  pivot only (sampler.matrix):          ${fmt(pivot)}`);
  console.log(
    `  pivot + fast encode + toBinary(wire): ${fmt(fast)}, ${(size / 2 ** 20).toFixed(1)} MiB`,
  );
  console.log(`  pivot + generic toBinary (bigints):   ${fmt(generic)}`);
  console.log(`  fast path is ${(g / f).toFixed(1)}x faster than the generic path`);
  console.log(`  decodeMatrixWire of that answer:      ${fmt(decode)}`);
}

export function run(): void {
  benchObserve();
  benchMatrix();
}
