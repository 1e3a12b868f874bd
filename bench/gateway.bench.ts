// Gateway benchmarks: what the gateway adds over calling a node directly, for a full
// 1024 x 1440 matrix over real h2c gRPC, and merging three such matrices.
// Topology as deployed, one process each: the "nodes" (a child process of this
// bench answering pre-encoded full matrices, so a node's own pivot cost is in
// neither figure), the gateway (the real server, server/main.ts --upstream ...), and
// the client here. Direct and gateway calls use the same client (plain gRPC, the
// gateway's own unary client) and the same decoding.
//   node --import tsx bench/gateway.bench.ts
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http2 from 'node:http2';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { create, toBinary } from '@bufbuild/protobuf';
import type { ConnectRouter } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { Admin, GetKeyVizMatrixRequestSchema } from '../src/gen/admin_pb.ts';
import { GetKeyVizMatrixResponseWireSchema } from '../src/gen/keyviz_wire_pb.ts';
import { GrpcClient } from '../server/gateway/grpcClient.ts';
import { mergeMatrices, type NodeAnswer } from '../server/gateway/merge.ts';
import type { MatrixAnswer, MatrixRow } from '../server/sampler/types.ts';
import { spawnServer, type SpawnedServer } from '../tests/helpers/spawnServer.ts';
import { decodeMatrixWire, encodeMatrixWire } from '../server/wire/index.ts';
import { median } from './stats.ts';

const ROWS = 1024;
const COLS = 1440;
const TOKEN = 'bench-token';
const WRITES = 2;

const wireMethod = { ...Admin.method.getKeyVizMatrix, output: GetKeyVizMatrixResponseWireSchema };

async function timeAsync(fn: () => Promise<unknown>, runs = 9, warm = 2): Promise<number> {
  for (let i = 0; i < warm; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

function timeSync(fn: () => unknown, runs = 9, warm = 2): number {
  for (let i = 0; i < warm; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

/** Deterministic xorshift, so every run measures the same matrices. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/**
 * One node's full answer. Writes: every replica reports the leader's counts, so the
 * three nodes agree (a handful of cells disagree, like a real conflict); a skewed
 * distribution (mostly small counters, some hot rows) like a real heatmap.
 */
export function buildAnswer(node: number, columnShiftMs = 0): MatrixAnswer {
  const rand = rng(42);
  const noise = rng(1000 + node);
  const enc = new TextEncoder();
  const columnUnixMs = Array.from(
    { length: COLS },
    (_, c) => 1_700_000_000_000 + c * 60_000 + columnShiftMs,
  );
  const rows: MatrixRow[] = [];
  for (let r = 0; r < ROWS; r++) {
    const hot = r % 97 === 0 ? 50_000 : 200;
    const values = new Float64Array(COLS);
    const raftGroupIds = new Float64Array(COLS).fill(1 + (r % 16));
    const leaderTerms = new Float64Array(COLS).fill(7);
    for (let c = 0; c < COLS; c++) {
      values[c] = Math.floor(rand() * rand() * hot);
      if (c > COLS / 2) leaderTerms[c] = 8;
      if (noise() < 0.0005) values[c] += 1; // the odd disagreeing cell
    }
    rows.push({
      meta: {
        bucketId: `route:${r + 1}`,
        start: enc.encode(`user:${String(r).padStart(6, '0')}`),
        end: enc.encode(`user:${String(r + 1).padStart(6, '0')}`),
        label: 'rawkv',
        aggregate: false,
        routeIds: [],
        routeCount: 1,
      },
      values,
      raftGroupIds,
      leaderTerms,
    });
  }
  return { columnUnixMs, rows, nodes: [], conflicts: [] };
}

async function listen(server: http2.Http2Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A node answering pre-encoded bytes (behind a token check, as a real node). */
async function fakeNode(
  answer: MatrixAnswer,
): Promise<{ addr: string; server: http2.Http2Server }> {
  const body = encodeMatrixWire(answer);
  const routes = (router: ConnectRouter) =>
    router.rpc(wireMethod, (_req, ctx) => {
      if (ctx.requestHeader.get('authorization') !== `Bearer ${TOKEN}`)
        throw new Error('unauthenticated');
      return body;
    });
  const server = http2.createServer(connectNodeAdapter({ routes }));
  return { addr: await listen(server), server };
}

/** The same neutral gRPC client for both paths: the gateway's own (fast) unary client. */
function client(addr: string): () => Promise<MatrixAnswer> {
  const c = new GrpcClient({ baseUrl: `http://${addr}` });
  const request = toBinary(
    GetKeyVizMatrixRequestSchema,
    create(GetKeyVizMatrixRequestSchema, { series: WRITES, rows: ROWS }),
  );
  const headers = { authorization: `Bearer ${TOKEN}` };
  const signal = new AbortController().signal;
  return async () => {
    const bytes = await c.unary({
      path: '/Admin/GetKeyVizMatrix',
      request,
      headers,
      timeoutMs: 10_000,
      signal,
    });
    return decodeMatrixWire(bytes);
  };
}

function line(name: string, ms: number, note = ''): void {
  console.log(
    `gateway  ${name.padEnd(52)} ${ms.toFixed(1).padStart(8)} ms${note ? '  ' + note : ''}`,
  );
}

async function startNodes(): Promise<{ addrs: string[]; stop(): void }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--role=nodes'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const addrs = await new Promise<string[]>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /NODES (\S+)\n/.exec(out); // the whole line, not a partial chunk
      if (m) resolve(m[1].split(','));
    });
    proc.once('exit', (code) => {
      process.stderr.write(`gateway bench: nodes process exited (${code})\n`);
      reject(new Error(`bench nodes exited (${code})`));
    });
  });
  proc.removeAllListeners('exit');
  return { addrs, stop: () => proc.kill('SIGKILL') };
}

export async function runGatewayBench(): Promise<void> {
  const answers = [0, 1, 2].map((n) => buildAnswer(n));
  const bytes = toBinary(GetKeyVizMatrixResponseWireSchema, encodeMatrixWire(answers[0]));
  console.log(
    `gateway: ${ROWS} x ${COLS} matrix, ${(bytes.length / 1e6).toFixed(1)} MB on the wire per node`,
  );

  const nodes = await startNodes();
  const dir = mkdtempSync(path.join(tmpdir(), 'keyviz-bench-'));
  const tokenFile = path.join(dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  mkdirSync(path.join(dir, 'static'));
  const gw = (upstreams: string[]) =>
    spawnServer([
      '--static',
      path.join(dir, 'static'),
      '--upstream',
      upstreams.join(','),
      '--upstreamTokenFile',
      tokenFile,
      '--upstreamTimeout',
      '10s',
      // These fake nodes answer the same full matrix whatever `from` says: this bench
      // measures the fan-out (gateway8.bench.ts measures the follow state on real nodes).
      '--upstreamFollow',
      'off',
      '--adminInsecureNoAuth',
    ]);
  let gw1: SpawnedServer | undefined;
  let gw3: SpawnedServer | undefined;
  try {
    [gw1, gw3] = await Promise.all([gw(nodes.addrs.slice(0, 1)), gw(nodes.addrs)]);
    const direct = await timeAsync(client(nodes.addrs[0]));
    const via = await timeAsync(client(gw1.grpc));
    const added = via - direct;
    line('direct gRPC call to one node (median of 9)', direct);
    line('same call through the gateway (median of 9)', via);
    line(
      'added by the gateway',
      added,
      `ratio ${(via / direct).toFixed(2)}x  (budget 20 ms: ${added <= 20 ? 'ok' : 'OVER'})`,
    );

    const inputs: NodeAnswer[] = answers.map((answer, i) => ({ node: `n${i}`, answer }));
    const req = { series: WRITES, fromUnixMs: 0, toUnixMs: 0, rows: ROWS };
    const merge = timeSync(() => mergeMatrices(inputs, req));
    line(
      'mergeMatrices, 3 nodes, aligned columns, writes',
      merge,
      `(budget 150 ms: ${merge <= 150 ? 'ok' : 'OVER'})`,
    );
    const mergeReads = timeSync(() => mergeMatrices(inputs, { ...req, series: 1 }));
    line(
      'mergeMatrices, 3 nodes, aligned columns, reads',
      mergeReads,
      `(budget 150 ms: ${mergeReads <= 150 ? 'ok' : 'OVER'})`,
    );
    // Real nodes flush at their own wall-clock times: 3 x 1440 distinct columns.
    const shifted: NodeAnswer[] = [0, 1, 2].map((n) => ({
      node: `n${n}`,
      answer: buildAnswer(n, n * 1000),
    }));
    const alignedCols = mergeMatrices(shifted, req).columnUnixMs.length;
    const mergeShifted = timeSync(() => mergeMatrices(shifted, req), 7, 1);
    line(
      `mergeMatrices, 3 nodes, unaligned flushes, aligned (default): ${alignedCols} columns`,
      mergeShifted,
    );
    const exactReq = { ...req, exactColumns: true };
    const exactCols = mergeMatrices(shifted, exactReq).columnUnixMs.length;
    const mergeExact = timeSync(() => mergeMatrices(shifted, exactReq), 7, 1);
    line(
      `mergeMatrices, 3 nodes, unaligned flushes, exact_columns: ${exactCols} columns`,
      mergeExact,
      `aligned is ${(mergeExact / mergeShifted).toFixed(2)}x faster`,
    );
    const cluster = await timeAsync(client(gw3.grpc), 7, 1);
    line(
      'full cluster call through the gateway, 3 nodes',
      cluster,
      `ratio ${(cluster / direct).toFixed(2)}x direct`,
    );
  } finally {
    await Promise.all([gw1?.stop(), gw3?.stop()]);
    nodes.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Child role: three nodes with their full matrices; prints their addresses. */
async function serveNodes(): Promise<void> {
  const nodes = await Promise.all([0, 1, 2].map((n) => fakeNode(buildAnswer(n))));
  process.stdout.write(`NODES ${nodes.map((n) => n.addr).join(',')}\n`);
  process.on('disconnect', () => process.exit(0));
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (process.argv.includes('--role=nodes')) {
  await serveNodes();
} else if (isMain) {
  await runGatewayBench();
  process.exit(0);
}

/** For bench/run.ts, which imports every bench and awaits its run(). */
export const run = runGatewayBench;
