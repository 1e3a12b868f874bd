import { subRangeLayout, subBucketOf } from '../server/sampler/subBuckets.ts';
const enc = new TextEncoder();
const key = (i: number) => enc.encode(`t/${String(i).padStart(8, '0')}`);
const L = subRangeLayout(key(10), key(20), 16);
console.log(L.count, L.bounds.map((b) => Buffer.from(b).toString('latin1')).slice(0, 4), L.bounds[0].constructor.name);
const ks = Array.from({ length: 10 }, (_, i) => key(10 + i));
let s = 0; const N = 5e6;
for (let r = 0; r < 3; r++) { const t0 = process.hrtime.bigint(); for (let i = 0; i < N; i++) s += subBucketOf(L.bounds, ks[i % 10]); console.log(Number(process.hrtime.bigint() - t0) / N, 'ns'); }
