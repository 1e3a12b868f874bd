// A gateway in front of ONE real node keeps history (docs/gateway.md, "History through
// the gateway"): it follows the node into its store, and after the gateway restarts
// (and the node too, its ring gone) a window reaching before the node's memory is
// answered from what the gateway stored, read through real clients (binary and JSON).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { afterAll, expect, it } from 'vitest';
import { Admin, type GetKeyVizMatrixResponse } from '../../src/gen/admin_pb.ts';
import { spawnServer, workloadFlags, type SpawnedServer } from '../helpers/spawnServer.ts';
import { clientsFor, tempDir } from './support.ts';

const NODE_TOKEN = 'node-token-single-history';
const PAGE_TOKEN = 'page-token-single-history';
const STEP = 1000;
const READS = 1;
const servers: SpawnedServer[] = [];
const closers: (() => void)[] = [];

afterAll(async () => {
  closers.forEach((c) => c());
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
});

async function start(args: string[], noDefaultListen = false): Promise<SpawnedServer> {
  const s = await spawnServer(args, noDefaultListen ? { noDefaultListen } : {});
  servers.push(s);
  return s;
}

function direct(addr: string) {
  const url = `http://${addr}`;
  const sessions = new Http2SessionManager(url);
  closers.push(() => sessions.abort());
  const transport = createGrpcTransport({
    baseUrl: url,
    sessionManager: sessions,
    interceptors: [
      (next) => (req) => {
        req.header.set('authorization', `Bearer ${NODE_TOKEN}`);
        return next(req);
      },
    ],
  });
  return createClient(Admin, transport);
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
  const detail = (await (await fetch(`${gw.http}/healthz/detail`)).json()) as {
    history: { enabled: boolean; columnsWritten?: number };
  };
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
    expect(
      got.nodes.map((n) => n.ok),
      name,
    ).toEqual([true]);
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
