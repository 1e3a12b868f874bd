// Hot-spot detection at the page's largest matrix: 1,024 rows x 1,440 columns of the default
// workload (mix, 2,000 routes, 24 h), writes and reads, plus "go to hottest cell". Each figure
// is the median of CPU time (process.cpuUsage, user + system: what the work costs, steady on a
// shared machine) with the wall clock beside it (inflated when the machine is loaded).
// Run: npm run bench -- hotspots
import { detectHotSpots, hottestCell } from '../src/data/hotspots/index.ts';
import { workloadMatrices } from '../tests/helpers/workloadMatrix.ts';
import { raftSteps } from '../src/api/decodeMatrix.ts';
import { MAIN_SLICE_MS, runSliced } from '../src/data/steps.ts';
import { timeEvents, timeEventsSteps } from '../src/data/timeEvents.ts';
import { median } from './stats.ts';

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

function bench(name: string, runs: number, fn: () => unknown): void {
  fn(); // the first call pays for compilation: the page's first detection is colder
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    wall.push(performance.now() - t);
    cpu.push(cpuMs(c));
  }
  const s = [...cpu].sort((a, b) => a - b);
  console.log(
    `${name.padEnd(40)} CPU ${median(cpu).toFixed(1).padStart(7)} ms (median of ${runs}; min ${s[0].toFixed(1)}, max ${s[s.length - 1].toFixed(1)})   wall ${median(wall).toFixed(1).padStart(7)} ms (loaded)`,
  );
}

/**
 * The time events of a fresh answer (Raft columns still encoded), as the page used to run them
 * (at once: one task) and as it runs them now (in slices between frames): the longest slice is
 * what the main thread is held for.
 */
async function timeEventsFigures(w: ReturnType<typeof workloadMatrices>): Promise<void> {
  const once: number[] = [];
  const longest: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < 9; i++) {
    const a = w.matrix('writes');
    let t = performance.now();
    const n = timeEvents(a).length;
    once.push(performance.now() - t);
    const b = w.matrix('writes');
    let worst = 0;
    t = performance.now();
    const sliced = await runSliced(
      (function* () {
        yield* raftSteps(b);
        return yield* timeEventsSteps(b);
      })(),
      {
        budgetMs: MAIN_SLICE_MS,
        schedule: (fn) => setImmediate(fn),
        now: () => performance.now(),
        onSlice: (ms) => (worst = Math.max(worst, ms)),
      },
    );
    total.push(performance.now() - t);
    longest.push(worst);
    if (sliced.length !== n) throw new Error(`sliced events ${sliced.length} != ${n}`);
  }
  console.log(
    `time events of a fresh 1024 x 1440 answer (Raft decode + leader changes, wall, medians of 9): ` +
      `at once ${median(once).toFixed(1)} ms in one task; sliced: longest slice ` +
      `${median(longest).toFixed(1)} ms (budget ${MAIN_SLICE_MS}), ${median(total).toFixed(1)} ms in all`,
  );
}

export async function run(): Promise<void> {
  const w = workloadMatrices();
  await timeEventsFigures(w);
  for (const series of ['writes', 'reads'] as const) {
    const m = w.matrix(series);
    const c = process.cpuUsage();
    const found = detectHotSpots(m);
    console.log(
      `${series}: ${m.rowCount} x ${m.colCount}, ${found.length} hot spots, first call CPU ${cpuMs(c).toFixed(1)} ms`,
    );
    bench(`detectHotSpots ${series} 1024 x 1440`, 15, () => detectHotSpots(m));
    bench(`hottestCell ${series} 1024 x 1440`, 15, () => hottestCell(m));
  }
}
