// Hot-spot detection at the page's largest matrix: 1,024 rows x 1,440 columns of the default
// workload (mix, 2,000 routes, 24 h), writes and reads, plus "go to hottest cell".
// Run: npm run bench -- hotspots
import { detectHotSpots, hottestCell } from '../src/data/hotspots/index.ts';
import { workloadMatrices } from '../tests/helpers/workloadMatrix.ts';
import { median } from './stats.ts';

function bench(name: string, runs: number, fn: () => unknown): void {
  fn(); // the first call pays for compilation: the page's first detection is colder
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  const s = [...ts].sort((a, b) => a - b);
  console.log(
    `${name.padEnd(44)} ${median(ts).toFixed(1).padStart(8)} ms (median of ${runs}; min ${s[0].toFixed(1)}, max ${s[s.length - 1].toFixed(1)})`,
  );
}

export function run(): void {
  const w = workloadMatrices();
  for (const series of ['writes', 'reads'] as const) {
    const m = w.matrix(series);
    const cold = performance.now();
    const found = detectHotSpots(m);
    console.log(
      `${series}: ${m.rowCount} x ${m.colCount}, ${found.length} hot spots, first call ${(performance.now() - cold).toFixed(1)} ms`,
    );
    bench(`detectHotSpots ${series} 1024 x 1440`, 15, () => detectHotSpots(m));
    bench(`hottestCell ${series} 1024 x 1440`, 15, () => hottestCell(m));
  }
}
