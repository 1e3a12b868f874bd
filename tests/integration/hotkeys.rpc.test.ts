// GetKeyVizHotKeys on a spawned server over Connect, gRPC-Web and gRPC (binary and
// JSON each): one answer everywhere, equal to the JSON endpoint's data, and the
// error codes of server/hotkeys/errors.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equals } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { KeyVizHotKeysResponseSchema, KeyVizSeries } from '../../src/gen/admin_pb.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { clientsFor, type Clients } from './support.ts';

let s: SpawnedServer;
let c: Clients;

beforeAll(async () => {
  s = await spawnServer([
    '--backfill',
    '3h',
    '--keyvizStep',
    '1h',
    '--routes',
    '80',
    '--keyvizKeyBucketsPerRoute',
    '4',
  ]);
  c = clientsFor(s);
});
afterAll(async () => {
  c?.close();
  await s?.stop();
});

/** Route ids of the matrix's rows, busiest first. */
async function busyRoutes(): Promise<bigint[]> {
  const m = await c.all[1].client.getKeyVizMatrix({
    series: KeyVizSeries.KEYVIZ_SERIES_WRITES,
    rows: 0,
  });
  return m.rows
    .filter((r) => r.bucketId.startsWith('route:') && r.values.length > 0)
    .sort((a, b) => Number(b.values.at(-1)! - a.values.at(-1)!))
    .map((r) => BigInt(/^route:(\d+)/.exec(r.bucketId)![1]));
}

async function expectCode(p: Promise<unknown>, code: Code, message: string): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => ConnectError.from(e),
  );
  expect(err?.code).toBe(code);
  expect(err?.rawMessage).toBe(message);
}

describe('GetKeyVizHotKeys', () => {
  it('gives the same answer on every protocol and codec', async () => {
    const ids = await busyRoutes();
    let withKeys = 0;
    for (const routeId of ids.slice(0, 6)) {
      const answers = await Promise.all(
        c.all.map((x) => x.client.getKeyVizHotKeys({ routeId, top: 10 })),
      );
      const ref = answers[0];
      expect(ref.routeId).toBe(routeId);
      expect(ref.series).toBe(KeyVizSeries.KEYVIZ_SERIES_WRITES);
      expect(ref.approximate).toBe(true);
      expect(ref.sampleRate).toBe(16);
      expect(ref.capacity).toBe(64);
      expect(ref.subBucket).toBeUndefined();
      expect(ref.errorBound).toBe((16n * ref.sampledN) / 64n);
      expect(ref.windowToUnixMs).toBe(ref.snapshotAtUnixMs);
      expect(ref.windowToUnixMs - ref.windowFromUnixMs).toBe(3_600_000n);
      expect(ref.keys.length).toBeLessThanOrEqual(10);
      for (const k of ref.keys) expect(k.count % 16n).toBe(0n);
      if (ref.keys.length > 0) withKeys++;
      answers.forEach((a, i) =>
        expect(equals(KeyVizHotKeysResponseSchema, a, ref), c.all[i].name).toBe(true),
      );
    }
    expect(withKeys).toBeGreaterThan(0);
  });

  it('matches the JSON endpoint data (sub_bucket echoed)', async () => {
    const [routeId] = await busyRoutes();
    const a = await c.all[4].client.getKeyVizHotKeys({ routeId, subBucket: 0, top: 64 });
    expect(a.subBucket).toBe(0);
    const b = await c.all[0].client.getKeyVizHotKeys({ routeId, subBucket: 0, top: 64 });
    expect(equals(KeyVizHotKeysResponseSchema, a, b)).toBe(true);
  });

  it('writes one admin_audit line a call, as the JSON endpoint does, without key bytes', async () => {
    const [routeId] = await busyRoutes();
    const before = s.output().length;
    const answers = [];
    for (const x of c.all) {
      answers.push(
        await x.client.getKeyVizHotKeys({ routeId, top: 7, fromUnixMs: 5n, toUnixMs: 0n }),
      );
    }
    // Written before each answer, but stderr is another pipe than the answers': wait for it.
    const auditLines = () =>
      s
        .output()
        .slice(before)
        .split('\n')
        .filter((l) => l.startsWith('admin_audit component=admin.keyviz.hotkeys'));
    for (let i = 0; i < 100 && auditLines().length < c.all.length; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const lines = auditLines();
    expect(lines).toHaveLength(c.all.length);
    expect(lines.map((l) => /protocol=(\S+)/.exec(l)![1])).toEqual([
      'connect',
      'connect',
      'grpc_web',
      'grpc_web',
      'grpc',
      'grpc',
    ]);
    const keys = answers.flatMap((a) => a.keys.map((k) => k.key));
    expect(keys.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l).toMatch(
        new RegExp(
          `^admin_audit component=admin\\.keyviz\\.hotkeys method=POST path=/Admin/GetKeyVizHotKeys ` +
            `protocol=\\S+ route_id=${routeId} label= top=7 series=writes returned=\\d+ ` +
            `degraded=(true|false) sub_bucket=-1 from_unix_ms=5 to_unix_ms=0 ` +
            `principal=none peer=127\\.0\\.0\\.1:\\d+$`,
        ),
      );
      // No key bytes, in any spelling.
      for (const k of keys) {
        expect(l).not.toContain(Buffer.from(k).toString('latin1'));
        expect(l).not.toContain(Buffer.from(k).toString('base64'));
        expect(l).not.toContain(Buffer.from(k).toString('hex'));
      }
    }
  });

  it('maps errors to Connect codes', async () => {
    const [routeId] = await busyRoutes();
    for (const { client } of c.all) {
      await expectCode(
        client.getKeyVizHotKeys({ routeId, label: 'mongo' }),
        Code.InvalidArgument,
        'label must be a known KeyViz adapter label',
      );
      await expectCode(
        client.getKeyVizHotKeys({ routeId, series: KeyVizSeries.KEYVIZ_SERIES_READS }),
        Code.InvalidArgument,
        "series: v1 supports only 'writes' (design §5)",
      );
      await expectCode(
        client.getKeyVizHotKeys({ routeId, fromUnixMs: 9n, toUnixMs: 8n }),
        Code.InvalidArgument,
        'from_unix_ms must be <= to_unix_ms',
      );
      await expectCode(
        client.getKeyVizHotKeys({ routeId, subBucket: 300 }),
        Code.InvalidArgument,
        'sub_bucket is out of range for this route',
      );
      await expectCode(
        client.getKeyVizHotKeys({ routeId: 1n << 60n }),
        Code.NotFound,
        'no hot-key snapshot for this route yet',
      );
      await expectCode(
        client.getKeyVizHotKeys({ routeId, fromUnixMs: 1000n, toUnixMs: 2000n }),
        Code.OutOfRange,
        'requested window does not overlap a hot-key window held by this node',
      );
    }
  });
});

describe('GetKeyVizHotKeys with hot keys off', () => {
  it("reads the node's KEYVIZ_HOT_KEYS_ENABLED, under the command line", async () => {
    const env = { ...process.env, KEYVIZ_HOT_KEYS_ENABLED: 'false' };
    const [off, on] = await Promise.all([
      spawnServer(['--backfill', '0'], { env }),
      spawnServer(['--backfill', '1h', '--keyvizStep', '1h', '--keyvizHotKeysEnabled'], { env }),
    ]);
    const [oc, nc] = [clientsFor(off), clientsFor(on)];
    try {
      await expectCode(
        oc.all[0].client.getKeyVizHotKeys({ routeId: 1n }),
        Code.FailedPrecondition,
        'hot-keys drill-down is not enabled on this node (--keyvizHotKeysEnabled)',
      );
      // The flag wins: hot keys are on (keys for a route, or no snapshot for it; never "off").
      const r = await nc.all[0].client.getKeyVizHotKeys({ routeId: 1n }).then(
        () => 'answered',
        (e: unknown) => Code[ConnectError.from(e).code],
      );
      expect(['answered', 'NotFound']).toContain(r);
    } finally {
      oc.close();
      nc.close();
      await Promise.all([off.stop(), on.stop()]);
    }
  });

  it('answers FailedPrecondition', async () => {
    const off = await spawnServer(['--backfill', '0', '--keyvizHotKeysEnabled=false']);
    const oc = clientsFor(off);
    try {
      for (const { client } of oc.all) {
        await expectCode(
          client.getKeyVizHotKeys({ routeId: 1n }),
          Code.FailedPrecondition,
          'hot-keys drill-down is not enabled on this node (--keyvizHotKeysEnabled)',
        );
      }
    } finally {
      oc.close();
      await off.stop();
    }
  });
});
