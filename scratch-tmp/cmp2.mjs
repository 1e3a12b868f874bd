function compareBytes(a, b) { const n = a.length < b.length ? a.length : b.length; for (let i = 0; i < n; i++) { const d = a[i] - b[i]; if (d !== 0) return d; } return a.length - b.length; }
const a = new Uint8Array([1,2,3,4,5,6,7,8,9,10]); const b = new Uint8Array([1,2,3,4,5,6,7,8,9,11]);
let s = 0; const N = 1e7;
for (let r = 0; r < 3; r++) { const t0 = process.hrtime.bigint(); for (let i = 0; i < N; i++) s += compareBytes(a, b); console.log(Number(process.hrtime.bigint() - t0) / N, 'ns'); }
let x = 0; const t0 = process.hrtime.bigint(); for (let i = 0; i < 1e8; i++) x = (x + i) | 0; console.log('add', Number(process.hrtime.bigint() - t0) / 1e8, x);
