// StreamEvents through the gateway, against real processes: a node of ours that
// is killed mid-stream (reported, re-dialled, its columns come back; seen by a
// gRPC, a Connect and a gRPC-Web client at once), a client
// that disconnects (no stream left on the gateway), and a node without
// StreamEvents (an imitation of a real node today: only GetKeyVizMatrix) that the
// gateway polls, synthesising column events.
import { writeFileSync } from 'node:fs';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import path from 'node:path';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web';
import {
  connectNodeAdapter,
  createGrpcTransport,
  Http2SessionManager,
} from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, KeyVizSeries, type StreamEventsEvent } from '../../src/gen/admin_pb.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { tempDir } from './support.ts';

const TOKEN = 'node-token-stream-test';
let dir: string;
let port: number;
let node: SpawnedServer | undefined;
let gw: SpawnedServer;
let gwPoll: SpawnedServer;
let fakeNode: http2.Http2Server;
const sessions: Http2SessionManager[] = [];

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const p = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return p;
}

function startNode(): Promise<SpawnedServer> {
  return spawnServer(
    [
      '--listen=127.0.0.1:0',
      `--grpcListen=127.0.0.1:${port}`,
      '--keyvizStep=1s',
      '--backfill=1m',
      '--routes=30',
      `--adminTokenFile=${path.join(dir, 'node.token')}`,
      `--static=${dir}`,
    ],
    { noDefaultListen: true },
  );
}

function grpcClient(addr: string) {
  const sm = new Http2SessionManager(`http://${addr}`);
  sessions.push(sm);
  return createClient(
    Admin,
    createGrpcTransport({ baseUrl: `http://${addr}`, sessionManager: sm }),
  );
}

beforeAll(async () => {
  dir = tempDir('gwstream');
  writeFileSync(path.join(dir, 'node.token'), `${TOKEN}\n`);
  port = await freePort();
  node = await startNode();
  // A node with the matrix only (StreamEvents answers Unimplemented, as on a real node).
  const upstream = grpcClient(node.grpc);
  const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
  fakeNode = http2.createServer(
    connectNodeAdapter({
      routes: (r) =>
        r.service(Admin, {
          getKeyVizMatrix: (req) => upstream.getKeyVizMatrix(req, auth),
        }),
    }),
  );
  await new Promise<void>((r) => fakeNode.listen(0, '127.0.0.1', r));
  const fakeAddr = `127.0.0.1:${(fakeNode.address() as net.AddressInfo).port}`;
  const gwArgs = (up: string) => [
    `--upstream=${up}`,
    `--upstreamTokenFile=${path.join(dir, 'node.token')}`,
    `--static=${dir}`,
  ];
  [gw, gwPoll] = await Promise.all([
    spawnServer(gwArgs(`127.0.0.1:${port}`)),
    spawnServer(gwArgs(fakeAddr)),
  ]);
}, 60_000);

afterAll(async () => {
  sessions.forEach((s) => s.abort());
  await Promise.all([node?.stop(), gw?.stop(), gwPoll?.stop()]);
  await new Promise<void>((r) => fakeNode?.close(() => r()));
});

async function stats(s: SpawnedServer): Promise<Record<string, number>> {
  return (await (await fetch(`${s.http}/healthz/streams`)).json()) as Record<string, number>;
}

describe('StreamEvents through the gateway', () => {
  it("forwards a node's columns; a node killed mid-stream is reported, re-dialled and resumes, on gRPC, Connect and gRPC-Web", async () => {
    // One stream per protocol, all open across the same kill and restart.
    const clients = {
      grpc: grpcClient(gw.grpc),
      connect: createClient(Admin, createConnectTransport({ baseUrl: gw.http })),
      'grpc-web': createClient(Admin, createGrpcWebTransport({ baseUrl: gw.http })),
    };
    const ac = new AbortController();
    const streams = Object.entries(clients).map(([name, client]) => {
      const stream = client.streamEvents(
        { series: [KeyVizSeries.KEYVIZ_SERIES_WRITES] },
        { signal: ac.signal },
      );
      const iter = stream[Symbol.asyncIterator]();
      const until = async (pred: (e: StreamEventsEvent) => boolean) => {
        for (;;) {
          const r = await iter.next();
          if (r.done) throw new Error(`${name}: stream ended`);
          if (pred(r.value)) return r.value;
        }
      };
      return { name, until };
    });
    const each = <T>(f: (s: (typeof streams)[number]) => Promise<T>) => Promise.all(streams.map(f));
    const col1 = await each((s) => s.until((e) => e.event.case === 'keyvizColumn'));
    for (const c of col1) expect(c.node).toBe(`127.0.0.1:${port}`);
    await node!.stop('SIGKILL');
    const down = await each((s) => s.until((e) => e.nodeStatus !== undefined));
    down.forEach((d, i) => {
      expect(d.nodeStatus?.ok, streams[i].name).toBe(false);
      expect(d.nodeStatus?.node).toBe(`127.0.0.1:${port}`);
      expect(d.nodeStatus?.error).toMatch(/re-dialling/);
    });
    node = await startNode();
    const back = await each((s) => s.until((e) => e.nodeStatus?.ok === true));
    for (const b of back) expect(b.nodeStatus?.node).toBe(`127.0.0.1:${port}`);
    const col2 = await each((s) => s.until((e) => e.event.case === 'keyvizColumn'));
    col2.forEach((c, i) => {
      const a = col1[i];
      if (c.event.case !== 'keyvizColumn' || a.event.case !== 'keyvizColumn') throw new Error();
      expect(c.event.value.columnUnixMs, streams[i].name).toBeGreaterThan(
        a.event.value.columnUnixMs,
      );
    });
    ac.abort();
    // The clients left: the gateway closes their streams and followers, and the node its.
    for (const s of [gw, node!]) {
      let st = await stats(s);
      for (let i = 0; i < 50 && st.open > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        st = await stats(s);
      }
      expect(st).toMatchObject({ open: 0, timers: 0 });
      expect(st.closed).toBe(st.opened);
    }
  }, 60_000);

  it('polls a node without StreamEvents and synthesises its column events', async () => {
    const client = grpcClient(gwPoll.grpc);
    const ac = new AbortController();
    const got: StreamEventsEvent[] = [];
    for await (const e of client.streamEvents(
      { series: [KeyVizSeries.KEYVIZ_SERIES_WRITES] },
      { signal: ac.signal },
    )) {
      got.push(e);
      if (e.event.case === 'keyvizColumn') break;
    }
    ac.abort();
    expect(got[0].nodeStatus).toMatchObject({ ok: true, code: 'polling' });
    const col = got.at(-1)!;
    if (col.event.case !== 'keyvizColumn') throw new Error('no column');
    expect(col.event.value.rows.length).toBeGreaterThan(0);
    for (const r of col.event.value.rows) expect(r.values.length).toBe(1);
  }, 30_000);
});
