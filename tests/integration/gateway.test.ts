// The gateway against real nodes: other instances of our own server (real processes,
// plain gRPC over h2c, bearer tokens) replaying hand-built fixtures, so every merged
// cell below is computed by hand. Plus: a node down, a node that accepts TCP and never
// answers, a wrong token, keyviz switched off, and the token never leaking.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import path from 'node:path';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, type GetKeyVizMatrixResponse } from '../../src/gen/admin_pb.ts';
import { runServer, spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { clientsFor, tempDir } from './support.ts';

const NODE_TOKEN = 'node-token-7c1e0b-never-in-the-browser';
const PAGE_TOKEN = 'page-token-for-the-gateway';
const T = 1_700_000_000_000;
const MIN = 60_000;
const b64 = (s: string) => Buffer.from(s).toString('base64');

// Buckets shared by the three nodes: [ref, id, start, end].
const BUCKETS: [number, string, string, string][] = [
  [1, 'route:1', 'a', 'b'],
  [2, 'route:2', 'b', 'c'],
  [3, 'route:3', '', 'a'],
  [4, 'route:4', 'c', ''],
];

/** Row: [bucketRef, reads, writes, readBytes, writeBytes, raftGroupId, leaderTerm]. */
type Row = [number, number, number, number, number, number, number];

function fixture(dir: string, name: string, columns: [number, Row[]][]): string {
  const lines: unknown[] = [
    {
      format: 'keyviz-fixture',
      version: 1,
      keyEncoding: 'base64',
      stepMs: MIN,
      recordedAtUnixMs: T + 10 * MIN,
      columns: columns.length,
    },
    ...BUCKETS.map(([ref, bucketId, start, end]) => ({
      kind: 'bucket',
      ref,
      bucketId,
      start: b64(start),
      end: b64(end),
      label: 'rawkv',
      aggregate: false,
      routeIds: [],
      routeCount: 1,
    })),
    ...columns.map(([unixMs, rows]) => ({ kind: 'column', unixMs, rows })),
  ];
  const file = path.join(dir, `${name}.jsonl`);
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

let dir: string;
let nodeA: SpawnedServer, nodeB: SpawnedServer, nodeC: SpawnedServer, nodeOff: SpawnedServer;
let gw1: SpawnedServer, gw3: SpawnedServer, gwPartial: SpawnedServer, gwWrong: SpawnedServer;
let gwOff: SpawnedServer, gwSlow1: SpawnedServer;
let silent: net.Server;
const silentSockets: net.Socket[] = [];
let downAddr: string;
let silentAddr: string;
const servers: SpawnedServer[] = [];

async function start(args: string[]): Promise<SpawnedServer> {
  // An empty page directory of our own: a concurrent `vite build` rewriting dist/ cannot race us.
  const s = await spawnServer(['--static', path.join(dir, 'static'), ...args]);
  servers.push(s);
  return s;
}

function gatewayArgs(upstreams: string[], tokenFile: string, extra: string[] = []): string[] {
  return [
    '--upstream',
    upstreams.join(','),
    '--upstreamTokenFile',
    tokenFile,
    '--adminTokenFile',
    path.join(dir, 'page.token'),
    ...extra,
  ];
}

beforeAll(async () => {
  dir = tempDir('gateway');
  mkdirSync(path.join(dir, 'static'));
  writeFileSync(path.join(dir, 'node.token'), `${NODE_TOKEN}\n`);
  writeFileSync(path.join(dir, 'page.token'), `${PAGE_TOKEN}\n`);
  writeFileSync(path.join(dir, 'wrong.token'), 'not-the-node-token\n');
  const fa = fixture(dir, 'a', [
    [
      T + MIN,
      [
        [1, 5, 3, 50, 30, 1, 7],
        [2, 1, 0, 10, 0, 2, 4],
      ],
    ],
    [T + 2 * MIN, [[1, 1, 2, 10, 20, 1, 7]]],
  ]);
  const fb = fixture(dir, 'b', [
    [
      T + 2 * MIN,
      [
        [1, 2, 2, 20, 20, 1, 7],
        [3, 4, 9, 40, 90, 3, 1],
      ],
    ],
    [
      T + 3 * MIN,
      [
        [1, 3, 4, 30, 40, 1, 8],
        [2, 0, 6, 0, 60, 2, 4],
      ],
    ],
  ]);
  const fc = fixture(dir, 'c', [
    [
      T + MIN,
      [
        [1, 7, 5, 70, 50, 1, 7],
        [4, 1, 1, 1, 1, 2, 4],
      ],
    ],
    [
      T + 3 * MIN,
      [
        [1, 1, 4, 10, 40, 1, 8],
        [2, 2, 8, 20, 80, 2, 4],
      ],
    ],
  ]);
  const node = (f: string, id: string, extra: string[] = []) =>
    start([
      '--fixture',
      f,
      '--nodeId',
      id,
      '--adminTokenFile',
      path.join(dir, 'node.token'),
      ...extra,
    ]);
  [nodeA, nodeB, nodeC, nodeOff] = await Promise.all([
    node(fa, 'a'),
    node(fb, 'b'),
    node(fc, 'c'),
    node(fa, 'off', ['--keyvizEnabled=false']),
  ]);

  // A port nobody listens on, and a host that accepts TCP and never says a word.
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  downAddr = `127.0.0.1:${(probe.address() as net.AddressInfo).port}`;
  await new Promise<void>((r) => probe.close(() => r()));
  silent = net.createServer((s) => silentSockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentAddr = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;

  const tok = path.join(dir, 'node.token');
  [gw1, gw3, gwPartial, gwWrong, gwOff, gwSlow1] = await Promise.all([
    start(gatewayArgs([nodeA.grpc], tok)),
    start(gatewayArgs([nodeA.grpc, nodeB.grpc, nodeC.grpc], tok)),
    start(gatewayArgs([nodeA.grpc, downAddr, silentAddr], tok, ['--upstreamTimeout', '700ms'])),
    start(gatewayArgs([nodeA.grpc], path.join(dir, 'wrong.token'))),
    start(gatewayArgs([nodeOff.grpc], tok)),
    start(gatewayArgs([silentAddr], tok, ['--upstreamTimeout', '500ms'])),
  ]);
}, 90_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  silentSockets.forEach((s) => s.destroy());
  silent?.close();
});

/** Direct plain-gRPC client to a node, with the node token. */
function direct(s: SpawnedServer) {
  const url = `http://${s.grpc}`;
  const sessions = new Http2SessionManager(url);
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
  return { client: createClient(Admin, transport), close: () => sessions.abort() };
}

/** The page's way in: Connect over HTTP/1.1 with the page's own token. */
function page(s: SpawnedServer) {
  const c = clientsFor(s, PAGE_TOKEN);
  const connect = c.all.find((x) => x.name === 'connect+proto');
  if (!connect) throw new Error('no connect client');
  return { client: connect.client, all: c.all, close: c.close };
}

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error('expected a failure');
}

/** [bucketId, values as numbers] per row. */
function cells(m: GetKeyVizMatrixResponse): [string, number[]][] {
  return m.rows.map((r) => [r.bucketId, r.values.map(Number)]);
}

const COLUMNS = [T + MIN, T + 2 * MIN, T + 3 * MIN].map(BigInt);

describe('gateway, one upstream', () => {
  it("answers exactly the node's matrix, over every protocol the page may use", async () => {
    const d = direct(nodeA);
    const p = page(gw1);
    try {
      for (const series of [1, 2, 3, 4]) {
        const want = await d.client.getKeyVizMatrix({ series, rows: 3 });
        expect(want.rows.length).toBeGreaterThan(0);
        for (const { name, client } of p.all) {
          const got = await client.getKeyVizMatrix({ series, rows: 3 });
          expect({ name, series, got }).toEqual({ name, series, got: want });
        }
      }
    } finally {
      d.close();
      p.close();
    }
  });

  it('passes fold_key_space on: the node folds, the gateway answers what it folded', async () => {
    const d = direct(nodeA);
    const p = page(gw1);
    try {
      const want = await d.client.getKeyVizMatrix({ series: 1, rows: 1, foldKeySpace: true });
      expect(want.keySpaceFolded).toBe(true);
      expect(want.rows.map((r) => r.foldedBuckets)).toEqual([2n]);
      const got = await p.client.getKeyVizMatrix({ series: 1, rows: 1, foldKeySpace: true });
      expect(got).toEqual(want);
    } finally {
      d.close();
      p.close();
    }
  });

  it("keeps the page's auth separate: the node's token does not open the gateway", async () => {
    const c = clientsFor(gw1, NODE_TOKEN);
    try {
      const e = await failure(c.all[0].client.getKeyVizMatrix({}));
      expect(e.code).toBe(Code.Unauthenticated);
    } finally {
      c.close();
    }
  });

  it('keyviz switched off on the node stays "keyviz disabled"', async () => {
    const p = page(gwOff);
    try {
      const e = await failure(p.client.getKeyVizMatrix({}));
      expect([e.code, e.rawMessage]).toEqual([
        Code.Unavailable,
        'keyviz sampler not configured on this node',
      ]);
    } finally {
      p.close();
    }
  });

  it('a rejected token is a gateway misconfiguration (not Unauthenticated), without the token', async () => {
    const p = page(gwWrong);
    try {
      const e = await failure(p.client.getKeyVizMatrix({}));
      expect(e.code).toBe(Code.FailedPrecondition);
      expect(e.rawMessage).toBe(
        `gateway misconfigured: upstream ${nodeA.grpc} rejected the gateway's token (check --upstreamTokenFile)`,
      );
      expect(e.message).not.toContain('not-the-node-token');
      expect(e.message).not.toContain(NODE_TOKEN);
    } finally {
      p.close();
    }
  });

  it('a node that never answers: Unavailable naming it, within about the timeout', async () => {
    const p = page(gwSlow1);
    try {
      const t0 = performance.now();
      const e = await failure(p.client.getKeyVizMatrix({}));
      const took = performance.now() - t0;
      expect([e.code, e.message]).toEqual([Code.Unavailable, expect.any(String)]);
      expect(e.rawMessage).toBe(
        `upstream ${silentAddr} did not answer within 500 ms (--upstreamTimeout)`,
      );
      expect(took).toBeGreaterThanOrEqual(450);
      expect(took).toBeLessThan(2500);
    } finally {
      p.close();
    }
  });

  it('overview and raft groups come from the node, and say a gateway serves them', async () => {
    const d = direct(nodeA);
    const p = page(gw1);
    try {
      // Commit indexes and contact times move on their own; groups, leaders and terms do not.
      const shape = (g: Awaited<ReturnType<typeof d.client.getRaftGroups>>) =>
        g.groups.map((x) => [x.raftGroupId, x.leaderNodeId, x.leaderTerm]);
      const want = await d.client.getRaftGroups({});
      const groups = await p.client.getRaftGroups({});
      expect(shape(groups)).toEqual(shape(want));
      const o = await p.client.getClusterOverview({});
      expect(o.self?.nodeId).toBe('a');
      // One upstream is listed too: the page names the gateway and the node behind it rather
      // than calling the node it never talks to "this node". A node lists none.
      for (const nodes of [o.nodes, groups.nodes]) {
        expect(nodes.map((n) => [n.node, n.ok])).toEqual([[nodeA.grpc, true]]);
      }
      expect((await d.client.getClusterOverview({})).nodes).toEqual([]);
      // One node has no per-node replicas to compare.
      expect(groups.groups.every((g) => g.replicas.length === 0)).toBe(true);
    } finally {
      d.close();
      p.close();
    }
  });
});

describe('gateway, three upstreams (cluster view)', () => {
  const names = () => [nodeA.grpc, nodeB.grpc, nodeC.grpc];

  it('reads add up over the union of columns; rows re-sorted by start key', async () => {
    const p = page(gw3);
    try {
      // The node's merge: the union of exact times.
      const m = await p.client.getKeyVizMatrix({ series: 1, exactColumns: true });
      expect(m.columnUnixMs).toEqual(COLUMNS);
      expect(m.alignedStepMs).toBe(0n);
      expect(cells(m)).toEqual([
        ['route:3', [0, 4, 0]],
        ['route:1', [12, 3, 4]],
        ['route:2', [1, 0, 2]],
        ['route:4', [1, 0, 0]],
      ]);
      expect(m.conflicts).toEqual([]);
      const bytes = await p.client.getKeyVizMatrix({ series: 3, exactColumns: true });
      expect(cells(bytes)[1]).toEqual(['route:1', [120, 30, 40]]);
      // By default the nodes' columns (not all the same) are aligned up to the 1 min step:
      // the same cells, at step boundaries, and the answer says so.
      const aligned = await p.client.getKeyVizMatrix({ series: 1 });
      expect(aligned.alignedStepMs).toBe(BigInt(MIN));
      expect(aligned.columnUnixMs).toEqual(
        COLUMNS.map((t) => BigInt(Math.ceil(Number(t) / MIN) * MIN)),
      );
      expect(cells(aligned)).toEqual(cells(m));
    } finally {
      p.close();
    }
  });

  it('writes keep one value per (group, term) and flag disagreeing cells', async () => {
    const p = page(gw3);
    const [a, b, c] = names();
    try {
      const m = await p.client.getKeyVizMatrix({ series: 2 });
      expect(cells(m)).toEqual([
        ['route:3', [0, 9, 0]],
        ['route:1', [5, 2, 4]], // 60s: a says 3, c says 5 for (1, 7): conflict, keeps 5
        ['route:2', [0, 0, 8]], // 180s: b 6 vs c 8 for (2, 4)
        ['route:4', [1, 0, 0]],
      ]);
      expect(m.conflicts.map((x) => [x.row, x.column, x.nodes])).toEqual([
        [1, 0, [a, c]],
        [2, 2, [b, c]],
      ]);
      expect(m.rows.map((r) => r.contributingNodes)).toEqual([[b], [a, b, c], [a, b, c], [c]]);
      expect(m.rows[1].leaderTerms.map(Number)).toEqual([7, 7, 8]);
      expect(m.nodes.map((n) => [n.node, n.ok, n.code])).toEqual([
        [a, true, ''],
        [b, true, ''],
        [c, true, ''],
      ]);
      const wb = await p.client.getKeyVizMatrix({ series: 4 });
      expect(cells(wb)[1]).toEqual(['route:1', [50, 20, 40]]);
      expect(wb.conflicts.map((x) => [x.row, x.column])).toEqual([
        [1, 0],
        [2, 2],
      ]);
    } finally {
      p.close();
    }
  });

  it('re-budgets the merged rows like the node (sum desc, ties bucket id), window respected', async () => {
    const p = page(gw3);
    try {
      // Write totals: route:1 11, route:3 9, route:2 8, route:4 1.
      const m = await p.client.getKeyVizMatrix({ series: 2, rows: 2 });
      expect(cells(m)).toEqual([
        ['route:3', [0, 9, 0]],
        ['route:1', [5, 2, 4]],
      ]);
      expect(m.conflicts.map((x) => [x.row, x.column])).toEqual([[1, 0]]);
      const w = await p.client.getKeyVizMatrix({
        series: 1,
        fromUnixMs: BigInt(T + 2 * MIN),
        toUnixMs: BigInt(T + 3 * MIN),
      });
      expect(w.columnUnixMs).toEqual([BigInt(T + 2 * MIN)]);
      expect(cells(w)).toEqual([
        ['route:3', [4]],
        ['route:1', [3]],
      ]);
    } finally {
      p.close();
    }
  });

  it('folds the merged rows to tile the key space (fold_key_space), counts kept', async () => {
    const p = page(gw3);
    try {
      // Read totals: route:1 19, route:3 4, route:2 3, route:4 1; key order 3, 1, 2, 4. Three
      // rows: the two busiest whole (they are adjacent from the low end), the rest one row.
      const req = { series: 1, rows: 3, exactColumns: true, foldKeySpace: true };
      for (const { name, client } of p.all) {
        const m = await client.getKeyVizMatrix(req);
        expect(m.keySpaceFolded, name).toBe(true);
        expect(cells(m), name).toEqual([
          ['route:3', [0, 4, 0]],
          ['route:1', [12, 3, 4]],
          ['fold:route:2+2', [2, 0, 2]],
        ]);
        expect(m.rows.map((r) => r.foldedBuckets)).toEqual([undefined, undefined, 2n]);
        // The folded rows span the keys between: they tile.
        expect(
          m.rows.map((r) => [Buffer.from(r.start).toString(), Buffer.from(r.end).toString()]),
        ).toEqual([
          ['', 'a'],
          ['a', 'b'],
          ['b', ''],
        ]);
      }
      // One row: the whole key space in one folded row.
      const one = await p.client.getKeyVizMatrix({ ...req, rows: 1 });
      expect(cells(one)).toEqual([['fold:route:3+4', [14, 7, 6]]]);
    } finally {
      p.close();
    }
  });

  it('one node down, one silent: a partial view, reported, nothing else lost', async () => {
    const d = direct(nodeA);
    const p = page(gwPartial);
    try {
      const t0 = performance.now();
      const m = await p.client.getKeyVizMatrix({ series: 2 });
      const took = performance.now() - t0;
      const alone = await d.client.getKeyVizMatrix({ series: 2 });
      expect(took).toBeLessThan(2500); // the silent node costs its 700 ms timeout, no more
      expect(m.columnUnixMs).toEqual(alone.columnUnixMs);
      expect(cells(m)).toEqual(cells(alone));
      expect(m.nodes.map((n) => [n.node, n.ok, n.code])).toEqual([
        [nodeA.grpc, true, ''],
        [downAddr, false, 'unavailable'],
        [silentAddr, false, 'deadline_exceeded'],
      ]);
      expect(m.nodes[1].error).toMatch(
        new RegExp(`^unavailable: upstream unreachable: ${downAddr}`),
      );
      expect(m.nodes[2].error).toBe(
        `deadline_exceeded: upstream ${silentAddr} did not answer within 700 ms (--upstreamTimeout)`,
      );
      expect(m.nodes[2].latencyMs).toBeGreaterThanOrEqual(650);
    } finally {
      d.close();
      p.close();
    }
  });

  it('overview and raft groups name every upstream node and how it answered', async () => {
    const p = page(gwPartial);
    try {
      const [o, g] = await Promise.all([
        p.client.getClusterOverview({}),
        p.client.getRaftGroups({}),
      ]);
      for (const nodes of [o.nodes, g.nodes]) {
        expect(nodes.map((n) => [n.node, n.ok, n.code])).toEqual([
          [nodeA.grpc, true, ''],
          [downAddr, false, 'unavailable'],
          [silentAddr, false, 'deadline_exceeded'],
        ]);
      }
      // The answering node's view is still there.
      expect(o.self?.nodeId).toBe('a');
      expect(g.groups.length).toBeGreaterThan(0);
    } finally {
      p.close();
    }
  });
});

describe('gateway start-up and secrets', () => {
  it('refuses to start without a token file or the insecure switch', async () => {
    const r = await runServer([
      '--upstream',
      '127.0.0.1:1',
      '--adminInsecureNoAuth',
      '--listen',
      '127.0.0.1:0',
      '--grpcListen',
      '127.0.0.1:0',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--upstreamTokenFile FILE/);
  });

  it('the node token never appears in any gateway output or answer', async () => {
    const p = page(gwPartial);
    const w = page(gwWrong);
    try {
      const m = await p.client.getKeyVizMatrix({ series: 2 });
      expect(JSON.stringify(m.nodes)).not.toContain(NODE_TOKEN);
      await failure(w.client.getKeyVizMatrix({}));
    } finally {
      p.close();
      w.close();
    }
    for (const g of [gw1, gw3, gwPartial, gwWrong, gwOff, gwSlow1]) {
      expect(g.output()).not.toContain(NODE_TOKEN);
      expect(g.output()).not.toContain('not-the-node-token');
    }
  });
});
