// GetRouteDetail and GetAdapterSummary (contract §6) on a real listening server:
// the same answer on Connect, gRPC-Web and gRPC (binary and JSON), consistent with
// GetKeyVizMatrix, the JSON API equivalents, and the gateway merging two nodes
// (hand-built fixtures, every merged cell computed by hand) with a third one down.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import path from 'node:path';
import { equals } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GetAdapterSummaryResponseSchema,
  GetRouteDetailResponseSchema,
  KeyVizSeries,
} from '../../src/gen/admin_pb.ts';
import { signIn } from '../helpers/jsonAdmin.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { clientsFor, tempDir, type Clients } from './support.ts';

const T = 1_700_000_000_000;
const MIN = 60_000;
const b64 = (s: string) => Buffer.from(s).toString('base64');
/** Row: [bucketRef, reads, writes, readBytes, writeBytes, raftGroupId, leaderTerm]. */
type Row = [number, number, number, number, number, number, number];
const BUCKETS: [number, string, string, string, string][] = [
  [1, 'route:1', '', 'a', 'redis'],
  [2, 'route:2', 'a', 'b', 'redis'],
  [3, 'route:3', 'b', '', 'dynamo'],
];

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
    ...BUCKETS.map(([ref, bucketId, start, end, label]) => ({
      kind: 'bucket',
      ref,
      bucketId,
      start: b64(start),
      end: b64(end),
      label,
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

/** Signs in to the JSON API; a fetch with its cookie. */
async function signedFetch(base: string): Promise<(p: string) => Promise<Response>> {
  const cookie = await signIn(base, 'ops', 'pw');
  return (p) => fetch(base + p, { headers: { cookie } });
}

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error('expected a failure');
}

const servers: SpawnedServer[] = [];
let live: SpawnedServer, nodeA: SpawnedServer, nodeB: SpawnedServer, gw: SpawnedServer;
let c: Clients, g: Clients;
let dir: string;

beforeAll(async () => {
  dir = tempDir('console-rpc');
  mkdirSync(path.join(dir, 'static'));
  const creds = path.join(dir, 'creds.json');
  writeFileSync(
    creds,
    JSON.stringify([{ access_key: 'ops', secret_key: 'pw', role: 'read_only' }]),
  );
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
    [T + 3 * MIN, [[1, 3, 4, 30, 40, 1, 8]]],
  ]);
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const downAddr = `127.0.0.1:${(probe.address() as net.AddressInfo).port}`;
  await new Promise<void>((r) => probe.close(() => r()));
  const start = async (args: string[]) => {
    const s = await spawnServer([
      '--static',
      path.join(dir, 'static'),
      `--adminCredentialsFile=${creds}`,
      ...args,
    ]);
    servers.push(s);
    return s;
  };
  [live, nodeA, nodeB] = await Promise.all([
    // A 1 h step: no flush can happen while the test runs.
    start(['--backfill', '6h', '--keyvizStep', '1h', '--routes', '200', '--seed', '3']),
    start(['--fixture', fa, '--nodeId', 'a']),
    start(['--fixture', fb, '--nodeId', 'b']),
  ]);
  gw = await start([
    '--upstream',
    [nodeA.grpc, nodeB.grpc, downAddr].join(','),
    '--upstreamInsecureNoAuth',
    '--upstreamTimeout',
    '700ms',
  ]);
  c = clientsFor(live);
  g = clientsFor(gw);
}, 90_000);

afterAll(async () => {
  c?.close();
  g?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

describe('GetRouteDetail on a sampler server', () => {
  it('answers the same on all six protocol/codec pairs, consistent with the matrix', async () => {
    const m = await c.all[0].client.getKeyVizMatrix({ rows: 0 });
    const reads = await c.all[0].client.getKeyVizMatrix({
      rows: 0,
      series: KeyVizSeries.KEYVIZ_SERIES_READS,
    });
    // The busiest bucket by writes.
    const row = [...m.rows].sort((a, b) =>
      Number(b.values.reduce((s, v) => s + v, 0n) - a.values.reduce((s, v) => s + v, 0n)),
    )[0];
    const answers = await Promise.all(
      c.all.map((x) => x.client.getRouteDetail({ bucketId: row.bucketId })),
    );
    const ref = answers[1];
    answers.forEach((a, i) =>
      expect(equals(GetRouteDetailResponseSchema, a, ref), c.all[i].name).toBe(true),
    );
    expect(ref.row?.bucketId).toBe(row.bucketId);
    expect(ref.columnUnixMs).toEqual(m.columnUnixMs);
    expect(ref.writes).toEqual(row.values);
    expect(ref.row?.values).toEqual(row.values);
    expect(ref.reads).toEqual(reads.rows.find((r) => r.bucketId === row.bucketId)?.values);
    expect(ref.readBytes.length).toBe(m.columnUnixMs.length);
    expect(ref.writeBytes.some((v) => v > 0n)).toBe(true);
    expect(ref.row?.raftGroupIds).toEqual(row.raftGroupIds);
    expect(ref.row?.leaderTerms).toEqual(row.leaderTerms);
    // Neighbours are the rows next to it in key order.
    const at = m.rows.findIndex((r) => r.bucketId === row.bucketId);
    if (at > 0) expect(ref.neighbourBefore?.bucketId).toBe(m.rows[at - 1].bucketId);
    if (at + 1 < m.rows.length) expect(ref.neighbourAfter?.bucketId).toBe(m.rows[at + 1].bucketId);
    expect(ref.perAdapter.length).toBeGreaterThan(0);
  });

  it('honours the window', async () => {
    const m = await c.all[0].client.getKeyVizMatrix({ rows: 0 });
    const from = m.columnUnixMs[2];
    const row = m.rows.find((r) => r.values.slice(2).some((v) => v > 0n))!;
    const d = await c.all[0].client.getRouteDetail({
      bucketId: row.bucketId,
      fromUnixMs: from,
    });
    expect(d.columnUnixMs).toEqual(m.columnUnixMs.slice(2));
    expect(d.writes).toEqual(row.values.slice(2));
  });

  it('NotFound for an unknown bucket, InvalidArgument for a malformed id', async () => {
    for (const x of c.all) {
      const nf = await failure(x.client.getRouteDetail({ bucketId: 'route:999999999' }));
      expect(nf.code, x.name).toBe(Code.NotFound);
      const bad = await failure(x.client.getRouteDetail({ bucketId: 'route:1/../x' }));
      expect(bad.code, x.name).toBe(Code.InvalidArgument);
    }
  });
});

describe('GetAdapterSummary on a sampler server', () => {
  it('answers the same everywhere: per adapter and operation, ordered percentiles', async () => {
    const answers = await Promise.all(c.all.map((x) => x.client.getAdapterSummary({})));
    answers.forEach((a, i) =>
      expect(equals(GetAdapterSummaryResponseSchema, a, answers[1]), c.all[i].name).toBe(true),
    );
    const s = answers[0].summaries;
    const adapters = new Set(s.map((x) => x.adapter));
    for (const a of ['dynamo', 'redis', 's3', 'sqs']) expect(adapters).toContain(a);
    for (const x of s) {
      expect(['read', 'write']).toContain(x.operation);
      expect(x.requests).toBeGreaterThan(0n);
      expect(x.p50Ns).toBeGreaterThan(0);
      expect(x.p95Ns).toBeGreaterThanOrEqual(x.p50Ns);
      expect(x.p99Ns).toBeGreaterThanOrEqual(x.p95Ns);
    }
    // Requests are the newest column's: reads + writes of the matrix's last column.
    const m = await c.all[0].client.getKeyVizMatrix({ rows: 0 });
    const r = await c.all[0].client.getKeyVizMatrix({
      rows: 0,
      series: KeyVizSeries.KEYVIZ_SERIES_READS,
    });
    const last = m.columnUnixMs.length - 1;
    const total = [...m.rows, ...r.rows].reduce((t, row) => t + row.values[last], 0n);
    expect(s.reduce((t, x) => t + x.requests, 0n)).toBe(total);
    expect(answers[0].windowToUnixMs).toBe(m.columnUnixMs[last]);
  });
});

describe('the JSON API equivalents', () => {
  it('route detail and adapter summary in the node style, errors in its shape', async () => {
    const m = await c.all[0].client.getKeyVizMatrix({ rows: 0 });
    const id = m.rows[0].bucketId;
    const get = await signedFetch(live.http);
    const res = await get(`/admin/api/v1/keyviz/route?bucket_id=${encodeURIComponent(id)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect((body.row as { bucket_id: string }).bucket_id).toBe(id);
    expect(body.writes).toEqual(m.rows[0].values.map(Number));
    expect(Object.keys(body)).toEqual(
      expect.arrayContaining([
        'per_adapter',
        'column_unix_ms',
        'reads',
        'read_bytes',
        'write_bytes',
      ]),
    );
    const nf = await get(`/admin/api/v1/keyviz/route?bucket_id=route:999999999`);
    expect(nf.status).toBe(404);
    expect(await nf.json()).toMatchObject({ error: 'unknown_bucket' });
    const bad = await get(`/admin/api/v1/keyviz/route?bucket_id=route:1&from_unix_ms=x`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_query' });
    const missing = await get(`/admin/api/v1/keyviz/route`);
    expect(await missing.json()).toEqual({
      error: 'invalid_query',
      message: 'bucket_id is required',
    });
    const a = await get(`/admin/api/v1/adapters/summary`);
    const ab = (await a.json()) as { summaries: Record<string, unknown>[] };
    expect(Object.keys(ab.summaries[0])).toEqual([
      'adapter',
      'operation',
      'requests',
      'in_flight',
      'bytes_in',
      'bytes_out',
      'p50_ns',
      'p95_ns',
      'p99_ns',
    ]);
  });
});

describe('through the gateway, one node down', () => {
  it('merges the route detail: reads add up, writes one per (group, term)', async () => {
    for (const x of g.all) {
      const d = await x.client.getRouteDetail({ bucketId: 'route:1' });
      // The nodes' columns differ: aligned up to the step, as the gateway's matrix is.
      expect(d.columnUnixMs.map(Number), x.name).toEqual(
        [T + MIN, T + 2 * MIN, T + 3 * MIN].map((t) => Math.ceil(t / MIN) * MIN),
      );
      // reads: a 5,1,- + b -,2,3
      expect(d.reads.map(Number)).toEqual([5, 3, 3]);
      // writes at T+2: both saw group 1 term 7 with 2: one value, not 4.
      expect(d.writes.map(Number)).toEqual([3, 2, 4]);
      expect(d.row?.values.map(Number)).toEqual([3, 2, 4]);
      expect(d.readBytes.map(Number)).toEqual([50, 30, 30]);
      expect(d.writeBytes.map(Number)).toEqual([30, 20, 40]);
      expect(d.row?.leaderTerms.map(Number)).toEqual([7, 7, 8]);
      expect(d.row?.contributingNodes).toEqual([nodeA.grpc, nodeB.grpc]);
      expect(d.nodes.map((n) => n.ok)).toEqual([true, true, false]);
      expect(d.nodes[2].code).toBe('unavailable');
    }
    // A bucket only node a had: node b's NotFound is no failure.
    const only = await g.all[0].client.getRouteDetail({ bucketId: 'route:2' });
    expect(only.reads.map(Number)).toEqual([1, 0]);
    const nf = await failure(g.all[0].client.getRouteDetail({ bucketId: 'route:77' }));
    expect(nf.code).toBe(Code.NotFound);
  });

  it('merges adapter summaries: counters summed, per-node rows kept', async () => {
    const direct = await Promise.all(
      [nodeA, nodeB].map(async (n) => {
        const cl = clientsFor(n);
        try {
          return await cl.all[0].client.getAdapterSummary({});
        } finally {
          cl.close();
        }
      }),
    );
    for (const x of g.all) {
      const s = await x.client.getAdapterSummary({});
      expect(
        s.nodes.map((n) => n.ok),
        x.name,
      ).toEqual([true, true, false]);
      const redisWrite = s.summaries.find((r) => r.adapter === 'redis' && r.operation === 'write');
      const parts = direct.flatMap((d) =>
        d.summaries.filter((r) => r.adapter === 'redis' && r.operation === 'write'),
      );
      expect(redisWrite?.requests).toBe(parts.reduce((t, p) => t + p.requests, 0n));
      expect(redisWrite?.p99Ns).toBe(Math.max(...parts.map((p) => p.p99Ns)));
      expect(new Set(s.nodeSummaries.map((r) => r.node))).toEqual(
        new Set([nodeA.grpc, nodeB.grpc]),
      );
    }
    const j = await (await signedFetch(gw.http))('/admin/api/v1/adapters/summary');
    const body = (await j.json()) as { fanout: { responded: number; expected: number } };
    expect(body.fanout).toMatchObject({ responded: 2, expected: 3 });
  });
});
