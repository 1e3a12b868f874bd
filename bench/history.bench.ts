// The history store (server/history, SQLite): write cost of one step at
// 10,000 routes, the 28-day query (rows=1024) over a synthetic store joined
// with the restored ring, a one-hour window from the store against the same
// window from memory, start-up restore, and file size per day of each tier.
// The server's path (historyMatrixSliced) is measured as the server runs it: slices with a
// setImmediate between them; the longest slice is how long the event loop was held.
// Run: npm run bench -- history   (uses a temporary directory, ~1 GB free needed)
//      HISTORY_BENCH_ONLY=query npm run bench -- history   (skips the write-cost part)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_HISTORY_FLAGS } from '../server/history/flags.ts';
import { openHistory, type HistoryHandle } from '../server/history/index.ts';
import { historyMatrix } from '../server/history/query.ts';
import { openSqliteStore } from '../server/history/sqliteStore.ts';
import { synthesizeStore } from '../server/history/synth.ts';
import type { FullColumn } from '../server/history/types.ts';
import { ManualClock, Sampler } from '../server/sampler/index.ts';
import { pivotRing } from '../server/sampler/pivot.ts';
import { KeyVizSeries } from '../src/gen/admin_pb.ts';
import { median } from './stats.ts';

const ROUTES = 10_000;
const STEP = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function time<T>(f: () => T, runs: number): { ms: number; last: T } {
  const xs: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = f();
    xs.push(performance.now() - t);
  }
  return { ms: median(xs), last };
}

interface SlicedRun {
  wallMs: number;
  cpuMs: number;
  maxSliceMs: number;
  /** The longest slice in process cpu time (wall time also counts the OS running others). */
  maxSliceCpuMs: number;
  slices: number;
  columns: number;
  /** Minor page faults: first touches of fresh memory (the answer's R x C outputs). */
  faults: number;
}

/** One sliced query as the server runs it: cpu time, wall time and the longest slice. */
async function slicedQuery(
  h: HistoryHandle,
  sampler: Sampler,
  req: Parameters<HistoryHandle['matrix']>[1],
): Promise<SlicedRun> {
  let slices = 0;
  let maxSliceMs = 0;
  let maxSliceCpuMs = 0;
  const cpuMs = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const t0 = performance.now();
  let last = t0;
  let lastCpu = cpuMs();
  const endSlice = () => {
    maxSliceMs = Math.max(maxSliceMs, performance.now() - last);
    maxSliceCpuMs = Math.max(maxSliceCpuMs, cpuMs() - lastCpu);
  };
  const pause = () => {
    endSlice();
    slices++;
    return new Promise<void>((r) =>
      setImmediate(() => {
        last = performance.now();
        lastCpu = cpuMs();
        r();
      }),
    );
  };
  const cpu0 = process.cpuUsage();
  const f0 = process.resourceUsage().minorPageFault;
  const m = await h.matrixSliced(sampler, req, pause);
  const faults = process.resourceUsage().minorPageFault - f0;
  const end = performance.now();
  endSlice();
  const cpu = process.cpuUsage(cpu0);
  return {
    wallMs: end - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxSliceMs,
    maxSliceCpuMs,
    slices,
    columns: m.columnUnixMs.length,
    faults,
  };
}

function describeRuns(runs: SlicedRun[]): string {
  const f = (k: keyof SlicedRun) => median(runs.map((r) => r[k])).toFixed(0);
  return (
    `cpu median ${f('cpuMs')} ms [${runs.map((r) => r.cpuMs.toFixed(0)).join(', ')}], ` +
    `wall median ${f('wallMs')} ms; longest slice: median ${f('maxSliceCpuMs')} ms cpu ` +
    `(max ${Math.max(...runs.map((r) => r.maxSliceCpuMs)).toFixed(0)}), ${f('maxSliceMs')} ms wall ` +
    `(max ${Math.max(...runs.map((r) => r.maxSliceMs)).toFixed(0)}); ${f('slices')} slices; ` +
    `minor page faults [${runs.map((r) => r.faults).join(', ')}]`
  );
}

function writeCost(dir: string): void {
  const store = openSqliteStore(join(dir, 'w'));
  const n = ROUTES;
  const keys = Uint32Array.from({ length: n }, (_, i) => i);
  const groups = Uint8Array.from({ length: n }, (_, i) => 1 + (i % 64));
  const terms = new Uint8Array(n).fill(3);
  store.write({
    newBuckets: Array.from({ length: n }, (_, i) => ({
      key: i,
      bucketId: `route:${i}`,
      meta: {
        bucketId: `route:${i}`,
        start: new Uint8Array([i >> 8, i & 255]),
        end: new Uint8Array([(i + 1) >> 8, (i + 1) & 255]),
        label: '',
        aggregate: false,
        routeIds: [String(i)],
        routeCount: 1,
      },
    })),
    metaUpdates: [],
    columns: [],
  });
  const xs: number[] = [];
  for (let s = 0; s < 300; s++) {
    const counters = new Uint16Array(4 * n);
    for (let i = 0; i < 4 * n; i++) counters[i] = (i * 7919 + s * 104729) % 3000;
    const column: FullColumn = {
      unixMs: s * STEP,
      widthMs: STEP,
      keys,
      counters,
      groups,
      terms,
      idle: null,
      changed: null,
    };
    const t = performance.now();
    store.write({ newBuckets: [], metaUpdates: [], columns: [{ tier: 0, column }] });
    xs.push(performance.now() - t);
  }
  const sorted = [...xs].sort((a, b) => a - b);
  console.log(
    `write one step (10,000 routes, 4 series + group + term, one transaction): median ` +
      `${median(xs).toFixed(2)} ms, p99 ${sorted[Math.floor(xs.length * 0.99)].toFixed(2)} ms (n=300)`,
  );
  console.log(`  file: ${(store.sizeBytes() / 300 / 1e3).toFixed(0)} kB per 1-min column`);
  store.close();
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyviz-history-bench-'));
  try {
    if (process.env.HISTORY_BENCH_ONLY !== 'query') writeCost(dir);
    const now = Date.now();
    const tiers = DEFAULT_HISTORY_FLAGS.tiers;
    const hdir = join(dir, 'h');
    const t0 = performance.now();
    const s0 = openSqliteStore(hdir);
    const cols = synthesizeStore(s0, { routes: ROUTES, now, stepMs: STEP, tiers });
    const bytes = s0.sizeBytes();
    s0.close();
    console.log(
      `synthetic 28-day store: ${cols} columns x ${ROUTES} routes written in ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s, ${(bytes / 1e6).toFixed(0)} MB ` +
        `(1-min tier ~${((1440 * bytes) / cols / 1e6).toFixed(0)} MB a day before retention)`,
    );

    const flags = { ...DEFAULT_HISTORY_FLAGS, dir: hdir };
    const h = openHistory(flags, STEP, () => {});
    const sampler = new Sampler({ stepMs: STEP, clock: new ManualClock(now) });
    const r0 = performance.now();
    const restored = h.restore(sampler, now);
    console.log(
      `start-up restore of the ring: ${restored} columns in ${(performance.now() - r0).toFixed(0)} ms`,
    );
    const req = (from: number, to: number) => ({
      series: KeyVizSeries.KEYVIZ_SERIES_WRITES,
      fromUnixMs: from,
      toUnixMs: to,
      rows: 1024,
    });
    // The server's path first (it also fills the roll-up cache, in slices).
    const q = req(now - 28 * DAY, 0);
    const coldSliced = await slicedQuery(h, sampler, q);
    const warm: SlicedRun[] = [];
    for (let i = 0; i < 5; i++) warm.push(await slicedQuery(h, sampler, q));
    console.log(
      `28-day window, rows=1024, as the server answers it (in slices): first query without ` +
        `the start-up prewarm (reads the roll-up tiers) cpu ${coldSliced.cpuMs.toFixed(0)} ms, wall ` +
        `${coldSliced.wallMs.toFixed(0)} ms, longest slice ${coldSliced.maxSliceCpuMs.toFixed(0)} ms ` +
        `cpu / ${coldSliced.maxSliceMs.toFixed(0)} ms wall ` +
        `(${coldSliced.slices} slices, ${coldSliced.faults} minor page faults)`,
    );
    console.log(
      `  then (n=5, ${warm[0].columns} columns): ${describeRuns(warm)}; budget 300 ms; ` +
        `load average ${loadavg()[0].toFixed(1)}`,
    );
    const w7: SlicedRun[] = [];
    for (let i = 0; i < 3; i++) w7.push(await slicedQuery(h, sampler, req(now - 7 * DAY, 0)));
    console.log(`7-day window, rows=1024, in slices (n=3): ${describeRuns(w7)}`);
    // What the server does at start-up (for writes): here for reads, not cached yet.
    const reads = { ...q, series: KeyVizSeries.KEYVIZ_SERIES_READS };
    let longest = 0;
    let sliceStart = process.cpuUsage();
    const pw0 = process.cpuUsage();
    const pwT = performance.now();
    await h.prewarm(0 /* reads */, () => {
      const c = process.cpuUsage(sliceStart);
      longest = Math.max(longest, (c.user + c.system) / 1000);
      return new Promise<void>((r) =>
        setImmediate(() => {
          sliceStart = process.cpuUsage();
          r();
        }),
      );
    });
    const pw = process.cpuUsage(pw0);
    const afterPrewarm = await slicedQuery(h, sampler, reads);
    console.log(
      `start-up prewarm of the roll-up tiers (one series): cpu ${((pw.user + pw.system) / 1000).toFixed(0)} ms, ` +
        `wall ${(performance.now() - pwT).toFixed(0)} ms, longest slice ${longest.toFixed(0)} ms cpu; ` +
        `then the first 28-day query of that series: ${describeRuns([afterPrewarm])}`,
    );
    const ringOnly: SlicedRun[] = [];
    for (let i = 0; i < 3; i++) ringOnly.push(await slicedQuery(h, sampler, req(0, 0)));
    console.log(`the ring's 24 h (from memory, for comparison; n=3): ${describeRuns(ringOnly)}`);
    const cold = time(() => h.matrix(sampler, req(now - 28 * DAY, 0)), 1);
    const q28 = time(() => h.matrix(sampler, req(now - 28 * DAY, 0)), 5);
    console.log(
      `28-day window in one piece (no slices), rows=1024: first ${cold.ms.toFixed(0)} ms, ` +
        `then median ${q28.ms.toFixed(0)} ms (n=5; roll-ups cached): ` +
        `${q28.last.columnUnixMs.length} columns, ${q28.last.rows.length} rows (budget 300 ms)`,
    );
    const q7 = time(() => h.matrix(sampler, req(now - 7 * DAY, 0)), 5);
    console.log(
      `7-day window, rows=1024: median ${q7.ms.toFixed(0)} ms (n=5): ${q7.last.columnUnixMs.length} columns`,
    );
    const cpu0 = process.cpuUsage();
    time(() => h.matrix(sampler, req(now - 28 * DAY, 0)), 3);
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `  28-day window cpu time: ${((cpu.user + cpu.system) / 3000).toFixed(0)} ms per query ` +
        `(wall figures swing with the machine's load; load average ${loadavg()[0].toFixed(1)})`,
    );
    const hourFrom = now - 3 * HOUR;
    const hourReq = req(hourFrom, hourFrom + HOUR);
    const empty = new Sampler({ stepMs: STEP, clock: new ManualClock(now) });
    const fromMemory = () => pivotRing(sampler.columnRing, hourReq);
    const fromStore = () =>
      historyMatrix(
        { ring: empty.columnRing, store: h.store, tierWidths: [0, 600_000, HOUR], stepMs: STEP },
        hourReq,
      );
    // The first read decodes the window's columns and maps their bucket list; later ones find
    // both kept (the store's tier-0 cache, the joint identities).
    const first = time(fromStore, 1);
    // Both paths warmed as a running server's are (their first calls run unoptimised code),
    // then timed interleaved, in wall and in process CPU time.
    for (let i = 0; i < 5; i++) {
      fromMemory();
      fromStore();
    }
    const wall: [number[], number[]] = [[], []];
    const cpuMs: [number[], number[]] = [[], []];
    for (let i = 0; i < 15; i++) {
      [fromMemory, fromStore].forEach((f, k) => {
        const c0 = process.cpuUsage();
        const t = performance.now();
        f();
        wall[k].push(performance.now() - t);
        const c = process.cpuUsage(c0);
        cpuMs[k].push((c.user + c.system) / 1000);
      });
    }
    console.log(
      `one-hour window (${first.last.columnUnixMs.length} columns), interleaved, n=15: from memory ` +
        `median ${median(wall[0]).toFixed(1)} ms (cpu ${median(cpuMs[0]).toFixed(1)}), from the store ` +
        `median ${median(wall[1]).toFixed(1)} ms (cpu ${median(cpuMs[1]).toFixed(1)}); the store's ` +
        `first read ${first.ms.toFixed(1)} ms`,
    );
    h.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
