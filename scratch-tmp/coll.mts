import { hashBytes } from '../server/sampler/hotkeys/spaceSaving.ts';
const enc = new TextEncoder();
const seen = new Map<number, string>();
for (let i = 0; ; i++) { const k = `c${i}`; const h = hashBytes(enc.encode(k), 0, k.length); const o = seen.get(h); if (o !== undefined) { console.log(o, k, h); break; } seen.set(h, k); }
