// Start-up cost of the default server: the synthetic workload backfilling 24 h at
// the 60 s step into a real Sampler (the first view must be full within 3 s).
// Run: npm run bench -- workload
import { ManualClock, Sampler } from '../server/sampler/index.ts';
import { createWorkload } from '../server/workload/index.ts';
import { median } from './stats.ts';

const STEP = 60_000;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

function once(routes: number): { wallMs: number; cpuMs: number; observed: number } {
  const clock = new ManualClock(0);
  const sampler = new Sampler({ clock, stepMs: STEP });
  const wl = createWorkload({ seed: 42, scenario: 'mix', routes });
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  const r = wl.backfill(sampler, clock, { now: NOW });
  const wallMs = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  if (sampler.columnCount !== 1440) throw new Error('backfill did not fill 1,440 columns');
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, observed: r.observed };
}

export function run(): void {
  for (const [routes, runs] of [
    [2000, 5],
    [10_000, 3],
  ] as const) {
    const rs = Array.from({ length: runs }, () => once(routes));
    console.log(
      `backfill 24 h x ${routes} routes (mix): wall median ${median(rs.map((r) => r.wallMs)).toFixed(0)} ms, ` +
        `cpu median ${median(rs.map((r) => r.cpuMs)).toFixed(0)} ms, ${rs[0].observed} observations (n=${runs})`,
    );
  }
}
