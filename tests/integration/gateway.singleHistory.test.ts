// A gateway in front of ONE real node keeps history (docs/gateway.md, "History through
// the gateway"): it follows the node into its store, and after the gateway restarts
// (and the node too, its ring gone) a window reaching before the node's memory is
// answered from what the gateway stored, read through real clients (binary and JSON).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { GetKeyVizMatrixResponse } from '../../src/gen/admin_pb.ts';
import { openSqliteStore } from '../../server/history/sqliteStore.ts';
import { startNodeLike } from '../helpers/nodeLikeProcess.ts';
import { workloadFlags, type SpawnedServer } from '../helpers/spawnServer.ts';
import { clientsFor, getJson, grpcClientAt, serverPool, tempDir } from './support.ts';

const NODE_TOKEN = 'node-token-single-history';
const PAGE_TOKEN = 'page-token-single-history';
const STEP = 1000;
const READS = 1;
const { start, closers } = serverPool();

function direct(addr: string) {
  const d = grpcClientAt(addr, NODE_TOKEN);
  closers.push(d.close);
  return d.client;
}

function pageClients(s: SpawnedServer) {
  const c = clientsFor(s, PAGE_TOKEN);
  closers.push(c.close);
  const pick = (name: string) => {
    const x = c.all.find((n) => n.name === name);
    if (!x) throw new Error(`no ${name} client`);
    return x.client;
  };
  return { proto: pick('connect+proto'), json: pick('connect+json') };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const aligned = (t: number) => Math.ceil(t / STEP) * STEP;

/** aligned time -> bucket id -> reads (non-zero cells only). */
function cellsOf(m: GetKeyVizMatrixResponse, align: boolean): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  m.columnUnixMs.forEach((t, j) => {
    const col: Record<string, number> = {};
    for (const r of m.rows) {
      const v = Number(r.values[j]);
      if (v !== 0) col[r.bucketId] = v;
    }
    out.set(align ? aligned(Number(t)) : Number(t), col);
  });
  return out;
}

it('one upstream: the gateway stores what it follows; restarted (and the node restarted), it still answers the old window', async () => {
  const dir = tempDir('gwsingle');
  mkdirSync(path.join(dir, 'static'));
  const nodeTok = path.join(dir, 'node.token');
  const pageTok = path.join(dir, 'page.token');
  writeFileSync(nodeTok, `${NODE_TOKEN}\n`);
  writeFileSync(pageTok, `${PAGE_TOKEN}\n`);
  const nodeArgs = (seed: number, backfill: string) => [
    '--static',
    path.join(dir, 'static'),
    ...workloadFlags({ step: '1s', backfill, routes: 12, seed }),
    '--adminTokenFile',
    nodeTok,
  ];
  const gatewayArgs = (node: string) => [
    '--static',
    path.join(dir, 'static'),
    '--upstream',
    node,
    '--upstreamTokenFile',
    nodeTok,
    '--adminTokenFile',
    pageTok,
    '--upstreamFollow',
    '250ms',
    '--history',
    'on',
    '--historyDir',
    path.join(dir, 'history'),
    '--historyTiers',
    '1s:1h,10s:1d',
  ];
  const a = await start(nodeArgs(1, '5s'));
  let gw = await start(gatewayArgs(a.grpc));
  await sleep(5000);
  // What the node holds now; the gateway settles all but its newest few columns.
  const seenRaw = await direct(a.grpc).getKeyVizMatrix({ series: READS, rows: 1024 });
  const seen = cellsOf(seenRaw, true);
  const firstSeen = Number(seenRaw.columnUnixMs[0]);
  const detail = await getJson<{ history: { enabled: boolean; columnsWritten?: number } }>(
    `${gw.http}/healthz/detail`,
  );
  expect(detail.history.enabled).toBe(true);
  expect(detail.history.columnsWritten ?? 0).toBeGreaterThan(3);

  // Gateway and node both restarted: the node's ring is new (no backfill), same address.
  expect(await gw.stop()).toBe(0);
  await a.stop('SIGKILL');
  const a2 = await start(
    [...nodeArgs(3, '0s'), '--listen', '127.0.0.1:0', '--grpcListen', a.grpc],
    true,
  );
  gw = await start(gatewayArgs(a.grpc));
  await sleep(2000);
  const nodeNow = await direct(a2.grpc).getKeyVizMatrix({
    series: READS,
    rows: 1024,
    fromUnixMs: BigInt(firstSeen - 1),
  });
  // The node itself has none of the old window.
  expect(Number(nodeNow.columnUnixMs[0])).toBeGreaterThan(Math.max(...seen.keys()));

  const { proto, json } = pageClients(gw);
  for (const [name, client] of [
    ['connect+proto', proto],
    ['connect+json', json],
  ] as const) {
    const got = await client.getKeyVizMatrix({
      series: READS,
      rows: 1024,
      fromUnixMs: BigInt(firstSeen - 1),
    });
    // One node answering: no node list (the page would call it a cluster view).
    expect(got.nodes, name).toEqual([]);
    const cells = cellsOf(got, false);
    const newestSeen = Math.max(...seen.keys());
    let compared = 0;
    for (const [T, col] of seen) {
      // The newest columns were still in the fresh span when the first gateway stopped.
      if (T > newestSeen - 5 * STEP) continue;
      expect([name, T, cells.get(T)]).toEqual([name, T, col]);
      compared++;
    }
    expect(compared, name).toBeGreaterThan(3);
    // The restarted node's columns follow the stored ones.
    expect(Math.max(...cells.keys()), name).toBeGreaterThan(newestSeen);
  }

  // The node gone: the gateway still answers from what it holds, and says the node failed.
  await a2.stop('SIGKILL');
  const down = await proto.getKeyVizMatrix({
    series: READS,
    rows: 1024,
    fromUnixMs: BigInt(firstSeen - 1),
  });
  expect(down.nodes.map((n) => n.ok)).toEqual([false]);
  const downCells = cellsOf(down, false);
  const oldest = [...seen.keys()].slice(0, 3);
  for (const T of oldest) expect([T, downCells.get(T)]).toEqual([T, seen.get(T)]);
}, 90_000);

it("a node with more than 1,024 buckets: the gateway's store keeps every bucket of each column", async () => {
  const dir = tempDir('gwtail');
  mkdirSync(path.join(dir, 'static'));
  const hdir = path.join(dir, 'history');
  // A node-like upstream that reads rows 0 as "no cap", as the node's gRPC path does.
  const node = await startNodeLike(
    [...workloadFlags({ step: '1s', backfill: '2s', routes: 8000, seed: 5 }), '--history=off'],
    { ...process.env, NODE_LIKE_ROWS_ZERO_UNCAPPED: '1' },
  );
  closers.push(node.stop);
  const all = await direct(node.addr).getKeyVizMatrix({ series: READS, rows: 0 });
  const perColumn = all.columnUnixMs.map((_, j) =>
    all.rows.reduce((n, r) => n + (r.values[j] !== 0n ? 1 : 0), 0),
  );
  // The node has more buckets with reads in a column than a 1,024-row call brings.
  expect(Math.max(...perColumn)).toBeGreaterThan(1100);
  const gw = await start([
    '--static',
    path.join(dir, 'static'),
    '--upstream',
    node.addr,
    '--upstreamInsecureNoAuth',
    '--adminInsecureNoAuth',
    '--upstreamFollow',
    '250ms',
    '--history',
    'on',
    '--historyDir',
    hdir,
    '--historyTiers',
    '1s:1h,10s:1d',
  ]);
  // The warm-up (the node's whole ring, 1,024 rows) first; then 8 more columns settled,
  // each followed on its own (the fresh span holds the warm-up's newest 4 a little longer).
  type Detail = { history: { columnsWritten?: number }; follow: { rounds: number } };
  const detail = () => getJson<Detail>(`${gw.http}/healthz/detail`);
  const written = async () => (await detail()).history.columnsWritten ?? 0;
  for (let i = 0; i < 100 && (await detail()).follow.rounds < 2; i++) await sleep(200);
  const afterWarmUp = await written();
  for (let i = 0; i < 150 && (await written()) < afterWarmUp + 8; i++) await sleep(200);
  expect(await written()).toBeGreaterThanOrEqual(afterWarmUp + 8);
  expect(await gw.stop()).toBe(0);
  const st = openSqliteStore(hdir);
  try {
    const cols = st.readSeries(0, -Infinity, Infinity, READS - 1);
    expect(cols.length).toBeGreaterThan(2);
    // Columns the gateway followed one by one (not its first whole-ring call) keep every
    // bucket with reads, not the 1,024 busiest (the union of the four series' top 1,024
    // may hold more entries, but never more than 1,024 with reads).
    const withReads = cols.map((c) => Array.from(c.series).filter((v) => v !== 0).length);
    expect(Math.max(...withReads)).toBeGreaterThan(1100);
  } finally {
    st.close();
  }
}, 90_000);
