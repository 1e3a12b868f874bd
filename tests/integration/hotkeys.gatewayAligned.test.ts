// Hot keys of an old, aligned gateway column. Two real nodes started apart flush at
// unaligned times; the gateway aligns their columns up to the step (its default), so
// its column T holds each node's flush in (T - step, T]. The page asks hot keys for
// that column as [T, T + 1): every node must answer the flush aligned into T (not its
// latest window), over every protocol and the JSON endpoint, and the answer must say
// it describes [T - step, T). exact_columns passes the window on unchanged.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyVizSeries, type KeyVizHotKeysResponse } from '../../src/gen/admin_pb.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { signIn, writeCredentials } from '../helpers/jsonAdmin.ts';
import { clientsFor, tempDir, type Clients } from './support.ts';
import { writeFileSync } from 'node:fs';

const STEP = 3_600_000;
const NODE_TOKEN = 'aligned-node-token';
const PAGE_TOKEN = 'aligned-page-token';
const servers: SpawnedServer[] = [];
const clients: Clients[] = [];
let a: Clients, b: Clients, gw: Clients;
let gateway: SpawnedServer;
let cookie: string;

beforeAll(async () => {
  const dir = tempDir('hotkeys-aligned');
  writeFileSync(path.join(dir, 'node.token'), `${NODE_TOKEN}\n`);
  writeFileSync(path.join(dir, 'page.token'), `${PAGE_TOKEN}\n`);
  const creds = writeCredentials(dir, [{ access: 'AKFULL', secret: 'full-secret', role: 'full' }]);
  const node = () =>
    spawnServer([
      '--adminTokenFile',
      path.join(dir, 'node.token'),
      // A 1 h step: no live flush while the test runs; the backfill flushes at now - k * step.
      '--backfill',
      '5h',
      '--keyvizStep',
      '1h',
      '--routes',
      '60',
      '--seed',
      '11',
    ]);
  // One after the other: their backfills start at different `now`, so unaligned flushes.
  const na = await node();
  servers.push(na);
  await new Promise((r) => setTimeout(r, 25));
  const nb = await node();
  servers.push(nb);
  gateway = await spawnServer([
    '--upstream',
    [na.grpc, nb.grpc].join(','),
    '--upstreamTokenFile',
    path.join(dir, 'node.token'),
    '--adminTokenFile',
    path.join(dir, 'page.token'),
    '--adminCredentialsFile',
    creds,
    '--upstreamTimeout',
    '5s',
  ]);
  servers.push(gateway);
  a = clientsFor(na, NODE_TOKEN);
  b = clientsFor(nb, NODE_TOKEN);
  gw = clientsFor(gateway, PAGE_TOKEN);
  clients.push(a, b, gw);
  cookie = await signIn(gateway.http, 'AKFULL', 'full-secret');
}, 90_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(servers.map((s) => s.stop()));
});

const writes = { series: KeyVizSeries.KEYVIZ_SERIES_WRITES, rows: 1024 };

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
    .map(([key_b64, count]) => ({ key_b64, count: Number(count) }));
}

const keysOf = (r: KeyVizHotKeysResponse) =>
  r.keys.map((k) => ({ key_b64: Buffer.from(k.key).toString('base64'), count: Number(k.count) }));

describe('hot keys of an old aligned gateway column', () => {
  it('asks every node for the flush aligned into the column, not its latest window', async () => {
    const m = await gw.all[0].client.getKeyVizMatrix(writes);
    expect(m.alignedStepMs).toBe(BigInt(STEP));
    const cols = m.columnUnixMs.map(Number);
    expect(cols.length).toBeGreaterThanOrEqual(4);
    // An old column: two before the newest.
    const c = cols.length - 3;
    const T = cols[c];
    expect(T % STEP).toBe(0);
    // Each node's own flush aligned into T, strictly older than its newest.
    const raw = await Promise.all(
      [a, b].map(async (n) => {
        const nm = await n.all[0].client.getKeyVizMatrix(writes);
        const times = nm.columnUnixMs.map(Number);
        const t = times.filter((x) => x > T - STEP && x <= T);
        expect(t).toHaveLength(1);
        expect(t[0]).toBeLessThan(times[times.length - 1]);
        return t[0];
      }),
    );
    // The nodes really flush at unaligned times (else there is nothing to widen).
    expect(raw[0]).not.toBe(T);
    expect(raw[0]).not.toBe(raw[1]);
    // The route bucket with the most writes in that column.
    let best = -1;
    let bestVal = -1n;
    m.rows.forEach((r, i) => {
      if (!/^route:\d+$/.test(r.bucketId)) return;
      const v = BigInt(r.values[c] ?? 0);
      if (v > bestVal) {
        bestVal = v;
        best = i;
      }
    });
    expect(best).toBeGreaterThanOrEqual(0);
    const routeId = BigInt(/^route:(\d+)$/.exec(m.rows[best].bucketId)![1]);
    // What each node holds for its flush in that column, and its latest window.
    const own = await Promise.all(
      [a, b].map((n, i) =>
        n.all[0].client.getKeyVizHotKeys({
          routeId,
          top: 1024,
          fromUnixMs: BigInt(raw[i]),
          toUnixMs: BigInt(raw[i] + 1),
        }),
      ),
    );
    const latest = await Promise.all(
      [a, b].map((n) => n.all[0].client.getKeyVizHotKeys({ routeId, top: 1024 })),
    );
    own.forEach((p, i) => {
      expect(Number(p.windowToUnixMs)).toBe(raw[i]);
      expect(Number(p.windowFromUnixMs)).toBe(raw[i] - STEP);
      expect(p.keys.length).toBeGreaterThan(0);
      expect(p.snapshotAtUnixMs).toBeLessThan(latest[i].snapshotAtUnixMs);
    });
    const want = mergeByHand(own, 64);
    for (const { name, client } of gw.all) {
      const g = await client.getKeyVizHotKeys({
        routeId,
        top: 64,
        fromUnixMs: BigInt(T),
        toUnixMs: BigInt(T + 1),
      });
      expect(keysOf(g), name).toEqual(want);
      expect(g.sampledN, name).toBe(own[0].sampledN + own[1].sampledN);
      expect(g.errorBound, name).toBe(own[0].errorBound + own[1].errorBound);
      // The column's own window, in the gateway's aligned times; snapshot_at the newest flush.
      expect([Number(g.windowFromUnixMs), Number(g.windowToUnixMs)], name).toEqual([T - STEP, T]);
      expect(Number(g.snapshotAtUnixMs), name).toBe(Math.max(...raw));
      expect(
        g.nodes.map((n) => n.ok),
        name,
      ).toEqual([true, true]);
    }
    // Each node logged the gateway's calls: the admin token (full access), the gateway's
    // address, and the one time T - step + 1 it was asked for.
    const asked = `from_unix_ms=${T - STEP + 1} to_unix_ms=${T - STEP + 2}`;
    for (const n of servers.slice(0, 2)) {
      const audited = () =>
        n
          .output()
          .split('\n')
          .filter((l) => l.startsWith('admin_audit') && l.includes(asked));
      for (let i = 0; i < 100 && audited().length < gw.all.length; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(audited()).toHaveLength(gw.all.length);
      expect(audited()[0]).toMatch(/ top=64 .* principal=admin_token peer=127\.0\.0\.1:\d+$/);
    }
    // The JSON endpoint (the node's page over our gateway) answers the same.
    const res = await fetch(
      `${gateway.http}/admin/api/v1/keyviz/hotkeys?route_id=${routeId}&top=64` +
        `&from_unix_ms=${T}&to_unix_ms=${T + 1}`,
      { headers: { cookie } },
    );
    expect(res.status).toBe(200);
    const j = (await res.json()) as {
      keys: { key_b64: string; count: number }[];
      window_from_unix_ms: number;
      window_to_unix_ms: number;
      fanout: { responded: number; expected: number };
    };
    expect(j.keys).toEqual(want);
    expect([j.window_from_unix_ms, j.window_to_unix_ms]).toEqual([T - STEP, T]);
    expect([j.fanout.responded, j.fanout.expected]).toEqual([2, 2]);
  });

  it('passes exact flush times on unchanged with exact_columns', async () => {
    const [na, nb] = await Promise.all(
      [a, b].map(async (n) =>
        (await n.all[0].client.getKeyVizMatrix(writes)).columnUnixMs.map(Number),
      ),
    );
    const t = na[na.length - 3];
    // Node b's flush whose traffic (t_b - step, t_b] holds t: the window it answers.
    const tb = nb.find((x) => x >= t && x < t + STEP)!;
    const m = await gw.all[0].client.getKeyVizMatrix(writes);
    const bucket = m.rows.find((r) => /^route:\d+$/.test(r.bucketId))!.bucketId;
    const routeId = BigInt(bucket.slice('route:'.length));
    const ask = { routeId, fromUnixMs: BigInt(t), toUnixMs: BigInt(t + 1) };
    for (const exactColumns of [true, false]) {
      // Without exact_columns, [t, t + 1) holds no step boundary: no aligned column, unchanged.
      const g = await gw.all[0].client.getKeyVizHotKeys({ ...ask, exactColumns });
      expect(g.nodes.map((n) => n.ok)).toEqual([true, true]);
      expect([Number(g.windowFromUnixMs), Number(g.windowToUnixMs)]).toEqual([t - STEP, tb]);
    }
  });
});
