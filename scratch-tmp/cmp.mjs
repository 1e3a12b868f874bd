function compareBytes(a, b) { const n = a.length < b.length ? a.length : b.length; for (let i = 0; i < n; i++) { const d = a[i] - b[i]; if (d !== 0) return d; } return a.length - b.length; }
function search(bounds, key) { let lo = 0, hi = bounds.length; while (lo < hi) { const mid = (lo + hi) >>> 1; if (compareBytes(bounds[mid], key) <= 0) lo = mid + 1; else hi = mid; } return lo; }
const enc = new TextEncoder();
const key = (i) => enc.encode(`t/${String(i).padStart(8, '0')}`);
const bounds = []; for (let i = 1; i < 16; i++) { const b = new Uint8Array(10); b.set(key(10)); b[9] = 48 + i; bounds.push(b.subarray(0, 10)); }
const ks = Array.from({ length: 10 }, (_, i) => key(10 + i));
const ks2 = ks.map((k) => new Uint8Array(k));
for (const [name, K] of [['encoded', ks], ['copied', ks2]]) {
let s = 0; const N = 5e6;
for (let r = 0; r < 3; r++) { const t0 = process.hrtime.bigint(); for (let i = 0; i < N; i++) s += search(bounds, K[i % 10]); if (r == 2) console.log(name, Number(process.hrtime.bigint() - t0) / N, 'ns'); }
}
