const R = '/work/wt/history';
const { DEFAULT_HISTORY_FLAGS } = await import(`${R}/server/history/flags.ts`);
const { openHistory } = await import(`${R}/server/history/index.ts`);
const { ManualClock, Sampler } = await import(`${R}/server/sampler/index.ts`);
const STEP = 60000, DAY = 86400000;
const now = Date.now();
const h = openHistory({ ...DEFAULT_HISTORY_FLAGS, dir: '/tmp/kvh10k' }, STEP, () => {});
const sampler = new Sampler({ stepMs: STEP, clock: new ManualClock(now) });
let t = performance.now();
const restored = h.restore(sampler, now);
console.log('restore', restored, (performance.now() - t).toFixed(0));
const req = { series: 2, fromUnixMs: now - 28 * DAY, toUnixMs: 0, rows: 1024 };
for (let i = 0; i < 6; i++) {
  const c0 = process.cpuUsage();
  t = performance.now();
  const m = h.matrix(sampler, req);
  const c = process.cpuUsage(c0);
  console.log('28d', (performance.now() - t).toFixed(0), 'cpu', ((c.user + c.system) / 1000).toFixed(0), m.columnUnixMs.length, m.rows.length);
}
