// Hot-spot detection at the page's largest matrix: 1,024 rows x 1,440 columns of the default
// workload (mix, 2,000 routes, 24 h), writes and reads, plus "go to hottest cell". Each figure
// is the median of CPU time (process.cpuUsage, user + system: what the work costs, steady on a
// shared machine) with the wall clock beside it (inflated when the machine is loaded).
// Run: npm run bench -- hotspots
import { detectHotSpots, hottestCell } from '../src/data/hotspots/index.ts';
import { workloadMatrices } from '../tests/helpers/workloadMatrix.ts';
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

export function run(): void {
  const w = workloadMatrices();
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
