import { ManualClock } from '../server/sampler/clock.ts';
import { Sampler } from '../server/sampler/sampler.ts';
import { OP_WRITE, OP_READ } from '../server/sampler/types.ts';
const ROUTES = 10000; const enc = new TextEncoder();
const key = (i: number) => enc.encode(`t/${String(i).padStart(8, '0')}`);
const LABELS = ['', 'redis', 'dynamo', '', 's3'];
const s = new Sampler({ clock: new ManualClock(0), stepMs: 60000, historyColumns: 10, keyBucketsPerRoute: 16, labelsEnabled: true, ...(process.argv[2] === 'hot' ? { hotKeys: {} } : {}) });
for (let i = 0; i < ROUTES; i++) s.registerRoute({ id: i + 1, start: i === 0 ? new Uint8Array(0) : key(i * 10), end: i === ROUTES - 1 ? new Uint8Array(0) : key((i + 1) * 10), label: 'rawkv', raftGroupId: 1 });
const M = 1 << 16; const ids: number[] = []; const keys: Uint8Array[] = []; const labels: string[] = []; const ops: number[] = [];
let seed = 1;
for (let i = 0; i < M; i++) { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; const r = seed % ROUTES; ids.push(1 + r); keys.push(key(r * 10 + ((seed >>> 16) % 10))); ops.push(seed & 1); labels.push(LABELS[(seed >>> 8) % 5]); }
for (let run = 0; run < 4; run++) {
  const c0 = process.cpuUsage();
  for (let rep = 0; rep < 20; rep++) for (let j = 0; j < M; j++) s.observe(ids[j], keys[j], ops[j] ? OP_WRITE : OP_READ, 100, labels[j]);
  const c = process.cpuUsage(c0);
  console.log(run, ((c.user + c.system) * 1000 / (20 * M)).toFixed(1), 'ns/call', s.stats());
  s.flush();
}
