// Hot keys through the gateway: two live nodes (our own server, same seed, so the
// same hot keys), one node with hot keys off and one address nobody listens on.
// The merged answer is checked against the nodes' own answers merged by hand.
import { writeFileSync } from 'node:fs';
import * as net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, ConnectError } from '@connectrpc/connect';
import { KeyVizSeries, type KeyVizHotKeysResponse } from '../../src/gen/admin_pb.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { signIn, writeCredentials } from '../helpers/jsonAdmin.ts';
import { clientsFor, tempDir, type Clients } from './support.ts';

const NODE_TOKEN = 'hotkeys-node-token';
const PAGE_TOKEN = 'hotkeys-page-token';
let dir: string;
const servers: SpawnedServer[] = [];
const clients: Clients[] = [];
let a: Clients, b: Clients, gw: Clients;
let downAddr: string;
let gateway: SpawnedServer;
let nodeAddrs: string[];

async function freePort(): Promise<string> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return `127.0.0.1:${port}`;
}

beforeAll(async () => {
  dir = tempDir('hotkeys-gw');
  writeFileSync(path.join(dir, 'node.token'), `${NODE_TOKEN}\n`);
  writeFileSync(path.join(dir, 'page.token'), `${PAGE_TOKEN}\n`);
  const node = (extra: string[]) =>
    spawnServer([
      '--adminTokenFile',
      path.join(dir, 'node.token'),
      '--backfill',
      '2h',
      '--keyvizStep',
      '1h',
      '--routes',
      '80',
      '--seed',
      '7',
      ...extra,
    ]);
  const [na, nb, off] = await Promise.all([
    node([]),
    node([]),
    node(['--keyvizHotKeysEnabled=false']),
  ]);
  servers.push(na, nb, off);
  downAddr = await freePort();
  const creds = writeCredentials(dir, [
    { access: 'AKFULL', secret: 'full-secret', role: 'full' },
    { access: 'AKRO', secret: 'ro-secret', role: 'read_only' },
  ]);
  const g = await spawnServer([
    '--upstream',
    [na.grpc, nb.grpc, off.grpc, downAddr].join(','),
    '--upstreamTokenFile',
    path.join(dir, 'node.token'),
    '--adminTokenFile',
    path.join(dir, 'page.token'),
    '--adminCredentialsFile',
    creds,
    '--upstreamTimeout',
    '3s',
  ]);
  servers.push(g);
  gateway = g;
  nodeAddrs = [na.grpc, nb.grpc, off.grpc, downAddr];
  a = clientsFor(na, NODE_TOKEN);
  b = clientsFor(nb, NODE_TOKEN);
  gw = clientsFor(g, PAGE_TOKEN);
  clients.push(a, b, gw);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(servers.map((s) => s.stop()));
});

/** The node's merge, written out again: sum per key, count desc, key_b64 asc, top after. */
function mergeByHand(parts: KeyVizHotKeysResponse[], top: number) {
  const sums = new Map<string, bigint>();
  for (const p of parts) {
    for (const k of p.keys) {
      const id = Buffer.from(k.key).toString('base64');
      sums.set(id, (sums.get(id) ?? 0n) + k.count);
    }
  }
  return [...sums]
    .sort((x, y) => (x[1] === y[1] ? (x[0] < y[0] ? -1 : 1) : x[1] > y[1] ? -1 : 1))
    .slice(0, top)
    .map(([key_b64, count]) => ({ key_b64, count }));
}

describe('hot keys through the gateway', () => {
  it('merges the nodes by the node rules, with a status per node', async () => {
    const m = await a.all[0].client.getKeyVizMatrix({
      series: KeyVizSeries.KEYVIZ_SERIES_WRITES,
      rows: 10,
    });
    const routeIds = m.rows
      .filter((r) => r.bucketId.startsWith('route:'))
      .map((r) => BigInt(/^route:(\d+)/.exec(r.bucketId)![1]));
    let checked = 0;
    for (const routeId of routeIds) {
      const req = { routeId, top: 7 };
      const [pa, pb] = await Promise.all([
        a.all[0].client.getKeyVizHotKeys({ ...req, top: 1024 }),
        b.all[0].client.getKeyVizHotKeys({ ...req, top: 1024 }),
      ]);
      if (pa.keys.length === 0 && pb.keys.length === 0) continue;
      for (const { name, client } of gw.all) {
        const g = await client.getKeyVizHotKeys(req);
        expect(
          g.keys.map((k) => ({ key_b64: Buffer.from(k.key).toString('base64'), count: k.count })),
          name,
        ).toEqual(mergeByHand([pa, pb], 7));
        expect(g.sampledN).toBe(pa.sampledN + pb.sampledN);
        expect(g.errorBound).toBe(pa.errorBound + pb.errorBound);
        expect(g.droppedSamples).toBe(pa.droppedSamples + pb.droppedSamples);
        expect(g.skippedLongKeys).toBe(pa.skippedLongKeys + pb.skippedLongKeys);
        expect(g.degraded).toBe(pa.degraded || pb.degraded);
        expect(g.sampleRate).toBe(16);
        expect(g.snapshotAtUnixMs).toBe(
          pa.snapshotAtUnixMs > pb.snapshotAtUnixMs ? pa.snapshotAtUnixMs : pb.snapshotAtUnixMs,
        );
        expect(g.routeId).toBe(routeId);
        expect(g.nodes.map((n) => [n.ok, n.code])).toEqual([
          [true, ''],
          [true, ''],
          [false, 'failed_precondition'],
          [false, 'unavailable'],
        ]);
        expect(g.nodes[2].error).toContain('--keyvizHotKeysEnabled');
      }
      checked++;
      if (checked === 3) break;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('404s only when no node has a snapshot; passes a bad request on', async () => {
    const err = await gw.all[0].client.getKeyVizHotKeys({ routeId: 1n << 50n }).catch((e) => e);
    expect(ConnectError.from(err).code).toBe(Code.NotFound);
    expect(ConnectError.from(err).rawMessage).toBe(
      'no hot-key snapshot for this route yet on any node in the cluster',
    );
    const bad = await gw.all[0].client
      .getKeyVizHotKeys({ routeId: 1n, subBucket: 999 })
      .catch((e) => e);
    expect(ConnectError.from(bad).code).toBe(Code.InvalidArgument);
  });

  it('serves the JSON endpoint with one node down: fanout names every node and its state', async () => {
    const full = await signIn(gateway.http, 'AKFULL', 'full-secret');
    const get = async (query: string, cookie = full) => {
      const res = await fetch(`${gateway.http}/admin/api/v1/keyviz/hotkeys${query}`, {
        headers: { cookie },
      });
      return { status: res.status, text: await res.text() };
    };
    const m = await a.all[0].client.getKeyVizMatrix({
      series: KeyVizSeries.KEYVIZ_SERIES_WRITES,
      rows: 10,
    });
    let checked = 0;
    for (const r of m.rows) {
      const id = /^route:(\d+)$/.exec(r.bucketId)?.[1];
      if (!id) continue;
      const routeId = BigInt(id);
      const [pa, pb] = await Promise.all([
        a.all[0].client.getKeyVizHotKeys({ routeId, top: 1024 }),
        b.all[0].client.getKeyVizHotKeys({ routeId, top: 1024 }),
      ]);
      if (pa.keys.length + pb.keys.length === 0) continue;
      const res = await get(`?route_id=${id}&top=5`);
      expect(res.status).toBe(200);
      const body = JSON.parse(res.text) as Record<string, unknown>;
      // The node's keys in its order, fanout right after snapshot_at, then ours.
      expect(Object.keys(body)).toEqual([
        'route_id',
        'series',
        'keys',
        'approximate',
        'sample_rate',
        'sampled_n',
        'dropped_samples',
        'skipped_long_keys',
        'degraded',
        'error_bound',
        'snapshot_at',
        'fanout',
        'window_from_unix_ms',
        'window_to_unix_ms',
        'windows',
        'capacity',
      ]);
      expect(body.keys).toEqual(
        mergeByHand([pa, pb], 5).map((k) => ({ ...k, count: Number(k.count) })),
      );
      expect(body.sampled_n).toBe(Number(pa.sampledN + pb.sampledN));
      expect(body.error_bound).toBe(Number(pa.errorBound + pb.errorBound));
      const fanout = body.fanout as {
        nodes: { node: string; ok: boolean; error?: string }[];
        responded: number;
        expected: number;
      };
      expect(fanout.nodes.map((n) => n.node)).toEqual(nodeAddrs);
      expect(fanout.nodes.map((n) => n.ok)).toEqual([true, true, false, false]);
      expect(fanout.nodes[0].error).toBeUndefined();
      expect(fanout.nodes[1].error).toBeUndefined();
      expect(fanout.nodes[2].error).toBe(
        'failed_precondition: hot-keys drill-down is not enabled on this node (--keyvizHotKeysEnabled)',
      );
      expect(fanout.nodes[3].error).toMatch(/^unavailable: .*/);
      expect(fanout.nodes[3].error).toContain(downAddr);
      expect([fanout.responded, fanout.expected]).toEqual([2, 4]);
      checked++;
      break;
    }
    expect(checked).toBe(1);
    // Errors keep the node's JSON shape through the gateway: no snapshot anywhere is 404,
    // a read-only key 403 before any node is asked.
    const none = await get(`?route_id=${1n << 50n}`);
    expect(none.status).toBe(404);
    expect(JSON.parse(none.text)).toEqual({
      error: 'no_snapshot',
      message: 'no hot-key snapshot for this route yet on any node in the cluster',
    });
    const ro = await get('?route_id=1', await signIn(gateway.http, 'AKRO', 'ro-secret'));
    expect(ro.status).toBe(403);
    expect(JSON.parse(ro.text).error).toBe('forbidden');
  });
});
