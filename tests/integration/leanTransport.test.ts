// The page's fetch-based calls against a real server on both browser protocols: the matrix
// (leanRpc.ts, no protobuf-es), connect's Transport on fetch (leanTransport.ts: unary) and the
// StreamEvents server stream decoded by hand (liveRpc.ts) give what connect-web's own
// transports with protobuf-es give.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web';
import {
  Admin,
  GetClusterOverviewRequestSchema,
  GetKeyVizMatrixRequestSchema,
  KeyVizSeries,
} from '../../src/gen/admin_pb.ts';
import { GetKeyVizMatrixResponseWireSchema } from '../../src/gen/keyviz_wire_pb.ts';
import { createAdminClient } from '../../src/api/client.ts';
import { decodeMatrixWire } from '../../src/api/decodeMatrix.ts';
import { leanTransport } from '../../src/api/leanTransport.ts';
import { LiveUnimplemented, type LiveEvent } from '../../src/api/liveEvents.ts';
import { connectLiveStream } from '../helpers/genericLiveEvents.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';

let s: SpawnedServer;

beforeAll(async () => {
  s = await spawnServer(['--backfill=10m', '--keyvizStep=1s', '--routes=30', '--seed=4']);
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

const KINDS = ['connect', 'grpc-web'] as const;

function reference(kind: (typeof KINDS)[number]): Transport {
  const opts = { baseUrl: s.http, useBinaryFormat: true };
  return kind === 'connect' ? createConnectTransport(opts) : createGrpcWebTransport(opts);
}

describe.each(KINDS)('%s', (kind) => {
  it('the matrix through leanRpc equals connect-web with protobuf-es', async () => {
    const req = { series: 'writes' as const, rows: 64, fromMs: 0, toMs: 0 };
    const ours = await createAdminClient({ baseUrl: s.http, transport: kind }).getMatrix(req);
    const theirs = await reference(kind).unary(
      { ...Admin.method.getKeyVizMatrix, output: GetKeyVizMatrixResponseWireSchema },
      undefined,
      undefined,
      undefined,
      create(GetKeyVizMatrixRequestSchema, { series: KeyVizSeries.KEYVIZ_SERIES_WRITES, rows: 64 }),
    );
    const want = decodeMatrixWire(theirs.message, 'writes', { lazyRaft: false });
    // The columns a flush may add between the two calls: compare the common prefix.
    expect(ours.rowCount).toBeGreaterThan(0);
    expect(ours.rows.map((r) => r.bucketId).slice(0, 5)).toEqual(
      want.rows.map((r) => r.bucketId).slice(0, 5),
    );
    expect(Array.from(ours.columns.subarray(0, 5))).toEqual(
      Array.from(want.columns.subarray(0, 5)),
    );
    expect(Array.from(ours.values.subarray(0, 3))).toEqual(Array.from(want.values.subarray(0, 3)));
  });

  it('unary: GetClusterOverview equals connect-web; an unknown method is Unimplemented', async () => {
    const t = leanTransport({ baseUrl: s.http, transport: kind });
    const input = create(GetClusterOverviewRequestSchema);
    const ours = await t.unary(Admin.method.getClusterOverview, undefined, 5000, undefined, input);
    const theirs = await reference(kind).unary(
      Admin.method.getClusterOverview,
      undefined,
      5000,
      undefined,
      input,
    );
    expect(ours.message.self?.nodeId).toBeTruthy();
    expect(ours.message.self).toEqual(theirs.message.self);
    expect(ours.message.members).toEqual(theirs.message.members);

    const missing = { ...Admin.method.getClusterOverview, name: 'NoSuchMethod' };
    const err = await t.unary(missing, undefined, 5000, undefined, input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unimplemented);
  });

  it('StreamEvents through the page client (decoded by hand) equals protobuf-es', async () => {
    const ac = new AbortController();
    const deadline = setTimeout(() => ac.abort(), 20_000);
    const req = { series: ['writes' as const], rows: 32 };
    const columns = async (stream: AsyncIterable<LiveEvent>) => {
      const out = new Map<number, LiveEvent>();
      let opened = false;
      for await (const e of stream) {
        if (e.kind === 'open') opened = true;
        if (e.kind === 'column') out.set(e.column.unixMs, e);
        if (out.size >= 3) break;
      }
      expect(opened).toBe(true);
      return out;
    };
    try {
      const client = createAdminClient({ baseUrl: s.http, transport: kind });
      const [ours, theirs] = await Promise.all([
        columns(client.liveStream!(req, ac.signal)),
        columns(connectLiveStream(reference(kind))(req, ac.signal)),
      ]);
      // Both streams saw the same flushes (one may have joined a flush later).
      const both = [...ours.keys()].filter((t) => theirs.has(t));
      expect(both.length).toBeGreaterThanOrEqual(1);
      for (const t of both) expect(ours.get(t)).toEqual(theirs.get(t));
      const one = ours.get(both[0]);
      expect(one?.kind === 'column' && one.column.rows.length).toBeGreaterThan(0);
    } finally {
      clearTimeout(deadline);
      ac.abort();
    }
  }, 30_000);

  it('StreamEvents where a server has no such route (404) ends in LiveUnimplemented', async () => {
    // A plain HTTP server without the route, as a real node's HTTP listener answers it.
    const bare = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((ok) => bare.listen(0, '127.0.0.1', ok));
    try {
      const { port } = bare.address() as AddressInfo;
      const client = createAdminClient({ baseUrl: `http://127.0.0.1:${port}`, transport: kind });
      const ac = new AbortController();
      const err = await (async () => {
        for await (const _e of client.liveStream!({ series: ['writes'], rows: 8 }, ac.signal));
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LiveUnimplemented);
    } finally {
      bare.close();
    }
  });

  it('StreamEvents: opens, then one column per flush; abort ends it', async () => {
    const t = leanTransport({ baseUrl: s.http, transport: kind });
    const ac = new AbortController();
    const seen: LiveEvent[] = [];
    const client = createAdminClient({ baseUrl: s.http, transport: kind });
    const stream = client.liveStream!({ series: ['writes'], rows: 32 }, ac.signal);
    const deadline = setTimeout(() => ac.abort(), 15_000);
    try {
      for await (const e of stream) {
        seen.push(e);
        if (seen.filter((x) => x.kind === 'column').length >= 2) break;
      }
    } finally {
      clearTimeout(deadline);
      ac.abort();
    }
    expect(seen[0].kind).toBe('open');
    const cols = seen.filter((x) => x.kind === 'column');
    expect(cols).toHaveLength(2);
    for (const c of cols) {
      if (c.kind !== 'column') continue;
      expect(c.series).toBe('writes');
      expect(c.column.rows.length).toBeGreaterThan(0);
    }
    // A call aborted before it starts is Canceled.
    const gone = new AbortController();
    gone.abort();
    const err = await t
      .unary(Admin.method.getClusterOverview, gone.signal, undefined, undefined, {})
      .catch((e: unknown) => e);
    expect((err as ConnectError).code).toBe(Code.Canceled);
  }, 30_000);
});
