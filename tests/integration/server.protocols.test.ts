// One running server, six protocol/codec pairs: Connect, gRPC-Web (HTTP/1.1) and
// gRPC (h2c), each binary and JSON, give the same GetKeyVizMatrix answer; the
// binary fast path decodes with the generic schema to the JSON answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, equals, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  GetKeyVizMatrixRequestSchema,
  GetKeyVizMatrixResponseSchema,
  KeyVizSeries,
} from '../../src/gen/admin_pb.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { clientsFor, type Clients } from './support.ts';

let s: SpawnedServer;
let c: Clients;

beforeAll(async () => {
  // A 1 h step: no flush (and no split or merge) can happen while the test runs.
  s = await spawnServer([
    '--backfill',
    '12h',
    '--keyvizStep',
    '1h',
    '--routes',
    '300',
    '--seed',
    '7',
  ]);
  c = clientsFor(s);
});
afterAll(async () => {
  c?.close();
  await s?.stop();
});

describe('the same answer on every protocol', () => {
  for (const req of [
    { series: KeyVizSeries.KEYVIZ_SERIES_WRITES, rows: 0 },
    { series: KeyVizSeries.KEYVIZ_SERIES_READS, rows: 16 },
    { series: KeyVizSeries.KEYVIZ_SERIES_READ_BYTES, rows: 5 },
  ]) {
    it(`GetKeyVizMatrix series ${req.series} rows ${req.rows}`, async () => {
      const answers = await Promise.all(c.all.map((x) => x.client.getKeyVizMatrix(req)));
      const ref = answers[1]; // connect+json: the generic message
      expect(ref.columnUnixMs.length).toBe(12);
      // ~300 routes (splits and merges move the count a little).
      if (req.rows === 0) expect(ref.rows.length).toBeGreaterThan(250);
      else expect(ref.rows.length).toBe(req.rows);
      for (const r of ref.rows) {
        expect(r.values.length).toBe(12);
        expect(r.raftGroupIds.length).toBe(12);
        expect(r.leaderTerms.length).toBe(12);
      }
      answers.forEach((a, i) => {
        expect(equals(GetKeyVizMatrixResponseSchema, a, ref), c.all[i].name).toBe(true);
      });
    });
  }

  it('GetClusterOverview and GetRaftGroups agree too', async () => {
    const ov = await Promise.all(c.all.map((x) => x.client.getClusterOverview({})));
    const rg = await Promise.all(c.all.map((x) => x.client.getRaftGroups({})));
    expect(ov[0].self?.grpcAddress).toBe(s.grpc);
    expect(ov[0].members.length).toBe(3);
    expect(ov[0].capabilities).toEqual({ keyviz: true });
    // aggregate_qps = requests in the newest column / step; a 1 h step rounds it to ~0 here.
    expect(ov[0].aggregateQps).toBeGreaterThanOrEqual(0n);
    expect(ov[0].groupLeaders.length).toBeGreaterThan(0);
    for (const o of ov) expect(o.groupLeaders).toEqual(ov[0].groupLeaders);
    for (const r of rg)
      expect(r.groups.map((g) => g.raftGroupId)).toEqual(rg[0].groups.map((g) => g.raftGroupId));
  });

  it('matrix cells carry the raft group and a term that changes now and then', async () => {
    const m = await c.all[0].client.getKeyVizMatrix({ rows: 0 });
    let changed = 0;
    for (const r of m.rows) {
      for (let j = 0; j < r.values.length; j++) {
        if (r.values[j] === 0n) continue;
        expect(r.raftGroupIds[j]).toBeGreaterThan(0n);
        expect(r.leaderTerms[j]).toBeGreaterThan(0n);
        if (j > 0 && r.leaderTerms[j - 1] > 0n && r.leaderTerms[j] !== r.leaderTerms[j - 1])
          changed++;
      }
    }
    expect(changed).toBeGreaterThan(0);
  });
});

describe('raw Connect requests', () => {
  const post = (ct: string, body: Uint8Array | string) =>
    fetch(`${s.http}/Admin/GetKeyVizMatrix`, {
      method: 'POST',
      headers: { 'content-type': ct },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });

  it('the binary (pre-encoded rows) answer decodes generically to the JSON answer', async () => {
    const req = create(GetKeyVizMatrixRequestSchema, {
      series: KeyVizSeries.KEYVIZ_SERIES_WRITES,
      rows: 50,
    });
    const bin = await post('application/proto', toBinary(GetKeyVizMatrixRequestSchema, req));
    expect(bin.status).toBe(200);
    expect(bin.headers.get('content-type')).toBe('application/proto');
    const fromBin = fromBinary(
      GetKeyVizMatrixResponseSchema,
      new Uint8Array(await bin.arrayBuffer()),
    );
    const js = await post(
      'application/json',
      JSON.stringify({ series: 'KEYVIZ_SERIES_WRITES', rows: 50 }),
    );
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('application/json');
    const body = (await js.json()) as {
      rows: { bucketId: string; start?: string; values: string[] }[];
    };
    // Real GetKeyVizMatrixResponse JSON: named fields, uint64 as strings, keys as base64.
    expect(body.rows.length).toBe(50);
    expect(typeof body.rows[0].bucketId).toBe('string');
    expect(body.rows[0].values.every((v) => /^\d+$/.test(v))).toBe(true);
    const viaClient = await clientsFor(s).all[1].client.getKeyVizMatrix(req);
    expect(equals(GetKeyVizMatrixResponseSchema, fromBin, viaClient)).toBe(true);
    expect(fromBin.rows.map((r) => r.bucketId)).toEqual(body.rows.map((r) => r.bucketId));
  });
});

describe('answers follow the flushes (no stale cache)', () => {
  it('a new column appears after each step, on every protocol', async () => {
    const fast = await spawnServer(['--backfill', '5s', '--keyvizStep', '1s', '--routes', '50']);
    const fc = clientsFor(fast);
    try {
      const first = await Promise.all(fc.all.map((x) => x.client.getKeyVizMatrix({ rows: 10 })));
      await new Promise((r) => setTimeout(r, 2200));
      const later = await Promise.all(fc.all.map((x) => x.client.getKeyVizMatrix({ rows: 10 })));
      fc.all.forEach((x, i) => {
        const a = first[i].columnUnixMs;
        const b = later[i].columnUnixMs;
        expect(b.at(-1)! > a.at(-1)!, x.name).toBe(true);
        expect(b.length, x.name).toBeGreaterThan(a.length);
      });
    } finally {
      fc.close();
      await fast.stop();
    }
  });
});
