// Drives load at a running server: N connect-binary + N gRPC + N JSON clients for S seconds; probes /healthz.
import http from 'node:http';
import http2 from 'node:http2';
import { create, toBinary } from '@bufbuild/protobuf';
import { GetKeyVizMatrixRequestSchema } from '../src/gen/admin_pb.ts';
const [base, grpc, cookie] = [process.env.BASE!, process.env.GRPC!, process.env.COOKIE ?? ''];
const N = Number(process.env.N ?? 8); const S = Number(process.env.S ?? 15);
const REQ = Buffer.from(toBinary(GetKeyVizMatrixRequestSchema, create(GetKeyVizMatrixRequestSchema, { rows: 0 })));
const end = Date.now() + S * 1000; const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const h1 = (json: boolean) => new Promise<void>((r) => { const q = http.request(`${base}${json ? '/admin/api/v1/keyviz/matrix?series=writes' : '/Admin/GetKeyVizMatrix'}`, { method: json ? 'GET' : 'POST', agent, headers: json ? { cookie } : { 'content-type': 'application/proto', 'connect-protocol-version': '1' } }, (res) => { res.resume(); res.on('end', r); }); q.on('error', () => r()); q.end(json ? undefined : REQ); });
const frame = Buffer.alloc(5 + REQ.length); frame.writeUInt32BE(REQ.length, 1); REQ.copy(frame, 5);
const g = (s: http2.ClientHttp2Session) => new Promise<void>((r) => { const st = s.request({ ':method': 'POST', ':path': '/Admin/GetKeyVizMatrix', 'content-type': 'application/grpc', te: 'trailers' }); st.on('data', () => {}); st.on('close', r); st.on('error', () => r()); st.end(frame); });
const hz: number[] = [];
const probe = async () => { while (Date.now() < end) { const t0 = performance.now(); await new Promise<void>((r) => http.get(`${base}/healthz`, { agent: false }, (res) => { res.resume(); res.on('end', r); }).on('error', () => r())); hz.push(performance.now() - t0); await new Promise((r) => setTimeout(r, 25)); } };
const loops: Promise<void>[] = [probe()];
for (let i = 0; i < N; i++) { loops.push((async () => { while (Date.now() < end) await h1(false); })()); loops.push((async () => { while (Date.now() < end) await h1(true); })()); loops.push((async () => { const s = http2.connect(`http://${grpc}`); s.on('error', () => {}); while (Date.now() < end) await g(s); s.close(); })()); }
await Promise.all(loops);
hz.sort((a, b) => a - b);
console.log('healthz n', hz.length, 'p50', hz[hz.length >> 1].toFixed(1), 'p99', hz[Math.floor(hz.length * 0.99)].toFixed(1), 'max', hz.at(-1)!.toFixed(1));
process.exit(0);
