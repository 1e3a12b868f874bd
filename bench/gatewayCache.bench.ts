// The gateway's answer cache, in this process and in CPU time (process.cpuUsage: nothing
// else runs here, so other processes on the shared machine do not count): a follow state of
// 1,024 buckets x 1,440 aligned columns (a day at 1 min; restored as from the gateway's
// history, every bucket in every column), then what the gateway does per GetKeyVizMatrix on a
// binary codec:
// - uncached: the key (answerKey), the assembly from the state (answerSliced) and the
//   binary encode, each with a new row budget (a new key, the same work);
// - cached: the key, a hit (MatrixCache.get) and the memoised encoding;
// - `from` moved by 1 ms inside a column: the same key, a hit.
//   npm run bench -- gatewayCache
import { performance } from 'node:perf_hooks';
import { MatrixCache } from '../server/backends/matrixCache.ts';
import { memoOn } from '../server/backends/answerMemo.ts';
import { yieldToLoop } from '../server/backends/yieldToLoop.ts';
import { ClusterFollower, type RestoredColumn } from '../server/gateway/follow.ts';
import type { BucketMeta, MatrixRequest } from '../server/sampler/types.ts';
import { encodeMatrixResponseBytes } from '../server/wire/encode-response.ts';
import { median } from './stats.ts';

const NODES = 8;
const BUCKETS = 1024;
const COLS = 1440;
const STEP = 60_000;
const T0 = 1_700_000_000_000;
const WRITES = 2;

function line(name: string, value: string, note = ''): void {
  console.log(`gatewayCache ${name.padEnd(56)} ${value.padStart(10)}${note ? '  ' + note : ''}`);
}

/**
 * A day of merged columns, as the gateway's history restores them (`restore`): the state an
 * 8-node warm-up builds, without paying for the merge here (the figures are per request).
 */
function day(): RestoredColumn[] {
  let x = 42;
  const rand = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const enc = new TextEncoder();
  const metas: BucketMeta[] = Array.from({ length: BUCKETS }, (_, r) => ({
    bucketId: `route:${r + 1}`,
    start: enc.encode(`user:${String(r).padStart(6, '0')}`),
    end: enc.encode(`user:${String(r + 1).padStart(6, '0')}`),
    label: 'rawkv',
    aggregate: false,
    routeIds: [],
    routeCount: 1,
  }));
  return Array.from({ length: COLS }, (_, c) => ({
    t: T0 + c * STEP,
    metas,
    counters: Float64Array.from({ length: 4 * BUCKETS }, () => Math.floor(rand() * rand() * 500)),
    groups: Float64Array.from({ length: BUCKETS }, (_, r) => 1 + (r % 16)),
    terms: new Float64Array(BUCKETS).fill(7),
  }));
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export async function runGatewayCache(): Promise<void> {
  const f = new ClusterFollower({
    nodes: Array.from({ length: NODES }, (_, i) => `n${i}`),
    fetch: () => Promise.reject(new Error('not followed in this bench')),
  });
  const w0 = performance.now();
  f.restore(day(), STEP);
  line(
    `follow state: ${BUCKETS} buckets x ${COLS} aligned columns, ${NODES} nodes`,
    `${((performance.now() - w0) / 1000).toFixed(1)} s`,
    'restored (wall)',
  );

  const cache = new MatrixCache({ idleMs: Infinity });
  const signal = new AbortController().signal;
  /** What the gateway does for one binary call from the state (upstream.ts + the wire memo). */
  const call = async (req: MatrixRequest): Promise<number> => {
    const key = f.answerKey(req);
    if (key === null) throw new Error('the state does not cover the request');
    const a = await cache.get(
      key,
      0,
      async (s) => (await f.answerSliced(req, () => yieldToLoop(s)))!,
      signal,
    );
    const bytes = await memoOn(
      a,
      'wire',
      () => encodeMatrixResponseBytes(a, () => yieldToLoop()),
      (b) => b.length,
    );
    return bytes.length;
  };
  const req = (rows: number, fromUnixMs = 0): MatrixRequest => ({
    series: WRITES,
    fromUnixMs,
    toUnixMs: 0,
    rows,
  });
  const measure = async (args: (i: number) => MatrixRequest, runs = 9) => {
    const cpu: number[] = [];
    const wall: number[] = [];
    const computed = cache.computed;
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const c0 = cpuMs();
      const t0 = performance.now();
      bytes = await call(args(i));
      wall.push(performance.now() - t0);
      cpu.push(cpuMs() - c0);
    }
    return { cpu: median(cpu), wall: median(wall), misses: cache.computed - computed, bytes };
  };
  await call(req(1024)); // warm the code paths
  const miss = await measure((i) => req(1023 - i));
  line(
    'uncached: key + assembly + encode, CPU median (9)',
    `${miss.cpu.toFixed(1)} ms`,
    `wall ${miss.wall.toFixed(1)} ms; ${miss.misses} misses; ${(miss.bytes / 1e6).toFixed(1)} MB`,
  );
  const hit = await measure(() => req(1024));
  line(
    'cached: key + hit + memoised encoding, CPU median (9)',
    `${hit.cpu.toFixed(3)} ms`,
    `wall ${hit.wall.toFixed(3)} ms; ${hit.misses} misses`,
  );
  // `from` inside the middle column (restored columns span their whole step).
  const from = f.columnsOf(WRITES)[COLS / 2].minRaw + 1;
  await call(req(1024, from));
  const moved = await measure((i) => req(1024, from + i));
  line(
    '`from` moved by 1 ms inside a column, CPU median (9)',
    `${moved.cpu.toFixed(3)} ms`,
    `wall ${moved.wall.toFixed(3)} ms; ${moved.misses} misses`,
  );
  const keys: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    f.answerKey(req(1024, from + (i % 7)));
    keys.push(performance.now() - t0);
  }
  line(
    'answerKey alone (a whole day window), median of 200',
    `${(median(keys) * 1000).toFixed(0)} us`,
  );
  line(
    'cache held',
    `${(cache.bytes() / 1e6).toFixed(1)} MB`,
    `${cache.size} answers with their encodings, bound ${(cache.maxBytes / 1048576).toFixed(0)} MiB`,
  );
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  await runGatewayCache();
  process.exit(0);
}

export const run = runGatewayCache;
