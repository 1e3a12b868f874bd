// createUpstreamBackend against in-process fake nodes over real h2c gRPC: pass-through,
// cluster merge, partial views, and every error mapping. (The process-level tests
// against real servers live in tests/integration/gateway.test.ts.)
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as http2 from 'node:http2';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as net from 'node:net';
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBinary } from '@bufbuild/protobuf';
import {
  Admin,
  GetKeyVizMatrixResponseSchema,
  type GetKeyVizMatrixRequest,
} from '../../src/gen/admin_pb.ts';
import { GetKeyVizMatrixResponseWireSchema } from '../../src/gen/keyviz_wire_pb.ts';
import { decodeMatrixWire, toGenericResponse } from '../../server/wire/index.ts';
import {
  createUpstreamBackend,
  type UpstreamBackendOptions,
} from '../../server/gateway/upstream.ts';

const TOKEN = 'tok-5f2a9c-do-not-leak';

// A throwaway self-signed certificate for 127.0.0.1 / localhost (test only, valid to 2036).
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBmjCCAT+gAwIBAgIUO6O1utyr4fQBEu3WXC2gX2frYdkwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2MTEyNDA3NDIzOVoXDTM2MTEyMTA3
NDIzOVowFDESMBAGA1UEAwwJbG9jYWxob3N0MFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEY1UW6z087RUt6WnPV3mPbGS+nAfkeCljBaMiHoTGuxbFs4T7/OuQtUzU
0lZPFPno/wxTKklCN55vtNrrvZcSx6NvMG0wHQYDVR0OBBYEFAUo27UxQZOEt0fa
iD7nN8cYm0dnMB8GA1UdIwQYMBaAFAUo27UxQZOEt0faiD7nN8cYm0dnMA8GA1Ud
EwEB/wQFMAMBAf8wGgYDVR0RBBMwEYcEfwAAAYIJbG9jYWxob3N0MAoGCCqGSM49
BAMCA0kAMEYCIQD8aPyDOHY/pHSj+QLuoTUwXzztnIqBZkorRWs28XHe+QIhAL+h
56d7I9EgzlNe9lbf0zabtb9J7ibVF5HbUTX9yWbs
-----END CERTIFICATE-----`;
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgtJaFtcB5gLaQrcYD
w12tjDIBhZffsdzptjkgSTA7x72hRANCAARjVRbrPTztFS3pac9XeY9sZL6cB+R4
KWMFoyIehMa7FsWzhPv865C1TNTSVk8U+ej/DFMqSUI3nm+02uu9lxLH
-----END PRIVATE KEY-----`;
const enc = new TextEncoder();

interface FakeNode {
  addr: string;
  calls: GetKeyVizMatrixRequest[];
  close(): Promise<void>;
}

type RowInit = { id: string; start: string; values: number[]; terms?: number[] };

async function listen(server: net.Server | http2.Http2Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address() as net.AddressInfo;
  return `127.0.0.1:${a.port}`;
}

async function fakeNode(
  columns: number[],
  rows: RowInit[],
  opts: { disabled?: boolean; token?: string; failWith?: ConnectError } = {},
): Promise<FakeNode> {
  const calls: GetKeyVizMatrixRequest[] = [];
  const auth = (ctx: HandlerContext) => {
    if (ctx.requestHeader.get('authorization') !== `Bearer ${opts.token ?? TOKEN}`) {
      throw new ConnectError('missing or invalid bearer token', Code.Unauthenticated);
    }
  };
  const routes = (router: ConnectRouter) =>
    router.service(Admin, {
      getKeyVizMatrix(req, ctx) {
        auth(ctx);
        calls.push(req);
        if (opts.failWith) throw opts.failWith;
        if (opts.disabled) {
          throw new ConnectError('keyviz sampler not configured on this node', Code.Unavailable);
        }
        return {
          columnUnixMs: columns.map(BigInt),
          rows: rows.map((r) => ({
            bucketId: r.id,
            start: enc.encode(r.start),
            routeCount: 1n,
            values: r.values.map(BigInt),
            raftGroupIds: r.values.map(() => 1n),
            leaderTerms: (r.terms ?? r.values.map(() => 1)).map(BigInt),
          })),
        };
      },
      getClusterOverview(_req, ctx) {
        auth(ctx);
        return { self: { nodeId: `node-${columns[0]}` }, aggregateQps: BigInt(columns[0]) };
      },
      getRaftGroups(_req, ctx) {
        auth(ctx);
        return { groups: [{ raftGroupId: 1n, leaderTerm: BigInt(columns[0]) }] };
      },
    });
  const server = http2.createServer(connectNodeAdapter({ routes }));
  const addr = await listen(server);
  return {
    addr,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        (server as unknown as { closeAllSessions?: () => void }).closeAllSessions?.();
      }),
  };
}

/** Accepts TCP connections and never says a word. */
async function silentNode(): Promise<{ addr: string; close(): Promise<void> }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  const addr = await listen(server);
  return {
    addr,
    close: () =>
      new Promise<void>((r) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => r());
      }),
  };
}

async function closedPort(): Promise<string> {
  const server = net.createServer();
  const addr = await listen(server);
  await new Promise<void>((r) => server.close(() => r()));
  return addr;
}

const signal = () => new AbortController().signal;
const req = { series: 2, fromUnixMs: 0, toUnixMs: 0, rows: 0 };

let n1: FakeNode,
  n2: FakeNode,
  n3: FakeNode,
  off: FakeNode,
  slow: { addr: string; close(): Promise<void> };
let down: string;

beforeAll(async () => {
  n1 = await fakeNode([10, 20], [{ id: 'route:1', start: 'a', values: [5, 1] }]);
  n2 = await fakeNode(
    [20, 30],
    [
      { id: 'route:1', start: 'a', values: [1, 4] },
      { id: 'route:2', start: '', values: [0, 2] },
    ],
  );
  n3 = await fakeNode([10, 20], [{ id: 'route:1', start: 'a', values: [7, 1] }]); // disagrees at 10
  off = await fakeNode([1], [], { disabled: true });
  slow = await silentNode();
  down = await closedPort();
});

afterAll(async () => {
  await Promise.all([n1, n2, n3, off, slow].map((n) => n.close()));
});

function backend(upstreams: string[], extra: Partial<UpstreamBackendOptions> = {}) {
  return createUpstreamBackend({
    upstreams,
    token: TOKEN,
    insecureNoAuth: false,
    tls: false,
    timeoutMs: 500,
    ...extra,
  });
}

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error('expected a failure');
}

describe('gateway backend, one upstream', () => {
  it("passes the node's answer through and forwards the request as asked", async () => {
    const b = backend([n2.addr]);
    const a = await b.getKeyVizMatrix({ ...req, rows: 7, fromUnixMs: 5 }, signal());
    b.close();
    expect(a.columnUnixMs).toEqual([20, 30]);
    expect(a.rows.map((r) => [r.meta.bucketId, [...r.values]])).toEqual([
      ['route:1', [1, 4]],
      ['route:2', [0, 2]],
    ]);
    expect(a.nodes).toEqual([]);
    const last = n2.calls[n2.calls.length - 1];
    expect([last.rows, last.fromUnixMs, last.series]).toEqual([7, 5n, 2]);
    // 0 ("as many as allowed") goes out as 1024: a real node's gRPC path reads 0 as no cap.
    const b2 = backend([n2.addr]);
    await b2.getKeyVizMatrix({ ...req, rows: 0 }, signal());
    b2.close();
    expect(n2.calls[n2.calls.length - 1].rows).toBe(1024);
  });

  it('keyviz disabled stays keyviz disabled', async () => {
    const b = backend([off.addr]);
    const e = await failure(b.getKeyVizMatrix(req, signal()));
    b.close();
    expect([e.code, e.rawMessage]).toEqual([
      Code.Unavailable,
      'keyviz sampler not configured on this node',
    ]);
  });

  it('a wrong token is a gateway misconfiguration, and the token is never in the message', async () => {
    const b = backend([n1.addr], { token: 'wrong-' + TOKEN });
    const e = await failure(b.getKeyVizMatrix(req, signal()));
    b.close();
    expect(e.code).toBe(Code.FailedPrecondition);
    expect(e.rawMessage).toBe(
      `gateway misconfigured: upstream ${n1.addr} rejected the gateway's token (check --upstreamTokenFile)`,
    );
    expect(e.message).not.toContain(TOKEN);
  });

  it('a silent node times out within about the timeout, named', async () => {
    const b = backend([slow.addr], { timeoutMs: 300 });
    const t0 = performance.now();
    const e = await failure(b.getKeyVizMatrix(req, signal()));
    const took = performance.now() - t0;
    b.close();
    // The caller's own deadline did not pass: to it the service is unavailable (retryable).
    expect(e.code).toBe(Code.Unavailable);
    expect(e.rawMessage).toBe(
      `upstream ${slow.addr} did not answer within 300 ms (--upstreamTimeout)`,
    );
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(1500);
  });

  it('concurrent calls to a silent node each time out on their own (none cut short)', async () => {
    const b = backend([slow.addr], { timeoutMs: 300 });
    const first = failure(b.getKeyVizMatrix(req, signal()));
    await new Promise((r) => setTimeout(r, 100));
    const second = failure(b.getKeyVizMatrix(req, signal()));
    const [e1, e2] = await Promise.all([first, second]);
    // And the next call gets a fresh connection attempt, timing out the same way.
    const e3 = await failure(b.getKeyVizMatrix(req, signal()));
    b.close();
    expect([e1.code, e2.code, e3.code]).toEqual([
      Code.Unavailable,
      Code.Unavailable,
      Code.Unavailable,
    ]);
    for (const e of [e1, e2, e3]) expect(e.rawMessage).toMatch(/did not answer within 300 ms/);
  });

  it('an unreachable node is Unavailable "upstream unreachable", named', async () => {
    const b = backend([down]);
    const e = await failure(b.getKeyVizMatrix(req, signal()));
    b.close();
    expect(e.code).toBe(Code.Unavailable);
    expect(e.rawMessage).toMatch(new RegExp(`^upstream unreachable: ${down} \\(.*ECONNREFUSED`));
  });
});

describe('gateway backend, wire path and protocol details', () => {
  it("one upstream: the wire view carries the node's bytes unchanged", async () => {
    const b = backend([n2.addr]);
    const wire = await b.getKeyVizMatrixWire(req, signal());
    const decoded = await b.getKeyVizMatrix(req, signal());
    b.close();
    const viaWire = decodeMatrixWire(toBinary(GetKeyVizMatrixResponseWireSchema, wire));
    expect(viaWire).toEqual(decoded);
    // What the node itself would send, encoded generically.
    expect(toBinary(GetKeyVizMatrixResponseWireSchema, wire)).toEqual(
      toBinary(GetKeyVizMatrixResponseSchema, toGenericResponse(decoded)),
    );
  });

  it('several upstreams: the wire view is the encoded merge', async () => {
    const b = backend([n1.addr, n2.addr, n3.addr]);
    const wire = await b.getKeyVizMatrixWire(req, signal());
    const decoded = await b.getKeyVizMatrix(req, signal());
    b.close();
    const viaWire = decodeMatrixWire(toBinary(GetKeyVizMatrixResponseWireSchema, wire));
    expect(viaWire.rows).toEqual(decoded.rows);
    expect(viaWire.conflicts).toEqual(decoded.conflicts);
    expect(viaWire.contributingNodes).toEqual(decoded.contributingNodes);
    expect(viaWire.nodes.map((n) => n.node)).toEqual([n1.addr, n2.addr, n3.addr]);
  });

  it("keeps a node's error message exactly, percent-decoded", async () => {
    const odd = await fakeNode([1], [], {
      failWith: new ConnectError('bad window: 100% über [x]', Code.InvalidArgument),
    });
    const b = backend([odd.addr]);
    const e = await failure(b.getKeyVizMatrix(req, signal()));
    b.close();
    await odd.close();
    expect([e.code, e.rawMessage]).toEqual([Code.InvalidArgument, 'bad window: 100% über [x]']);
  });

  it('a caller that goes away cancels the upstream call', async () => {
    const b = backend([slow.addr], { timeoutMs: 5000 });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    const t0 = performance.now();
    const e = await failure(b.getKeyVizMatrix(req, ctl.signal));
    b.close();
    expect(e.code).toBe(Code.Canceled);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('something that is not a gRPC server is reported, not hung on', async () => {
    const server = http2.createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such thing');
    });
    const addr = await listen(server);
    const b = backend([addr]);
    const e = await failure(b.getKeyVizMatrix(req, signal()));
    b.close();
    await new Promise<void>((r) => server.close(() => r()));
    expect(e.code).toBe(Code.Unimplemented);
    expect(e.rawMessage).toBe('HTTP 404 from upstream');
  });
});

describe('gateway backend over TLS', () => {
  async function tlsNode() {
    const routes = (router: ConnectRouter) =>
      router.service(Admin, {
        getKeyVizMatrix: (_req, ctx) => {
          if (ctx.requestHeader.get('authorization') !== `Bearer ${TOKEN}`) {
            throw new ConnectError('no', Code.Unauthenticated);
          }
          return { columnUnixMs: [5n], rows: [{ bucketId: 'route:9', values: [3n] }] };
        },
      });
    const server = http2.createSecureServer(
      { key: TEST_KEY, cert: TEST_CERT },
      connectNodeAdapter({ routes }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, addr: `127.0.0.1:${(server.address() as net.AddressInfo).port}` };
  }

  it('verifies the node against --upstreamCaFile and calls it over TLS', async () => {
    const { server, addr } = await tlsNode();
    const caFile = path.join(mkdtempSync(path.join(tmpdir(), 'keyviz-gw-')), 'ca.pem');
    writeFileSync(caFile, TEST_CERT);
    const b = backend([addr], { tls: true, caFile });
    const a = await b.getKeyVizMatrix(req, signal());
    b.close();
    expect(a.rows.map((r) => [r.meta.bucketId, [...r.values]])).toEqual([['route:9', [3]]]);
    // Without the CA the self-signed node is not trusted: unreachable, named.
    const untrusted = backend([addr], { tls: true });
    const e = await failure(untrusted.getKeyVizMatrix(req, signal()));
    untrusted.close();
    server.close();
    expect(e.code).toBe(Code.Unavailable);
    expect(e.rawMessage).toMatch(new RegExp(`^upstream unreachable: ${addr} \\(.*certificate`));
  });
});

describe('gateway backend, several upstreams', () => {
  it('merges, asks every node for 1024 rows, reports each node', async () => {
    const b = backend([n1.addr, n2.addr, n3.addr]);
    const a = await b.getKeyVizMatrix({ ...req, rows: 5 }, signal());
    b.close();
    expect(n1.calls[n1.calls.length - 1].rows).toBe(1024);
    expect(a.columnUnixMs).toEqual([10, 20, 30]);
    expect(a.rows.map((r) => [r.meta.bucketId, [...r.values]])).toEqual([
      ['route:2', [0, 0, 2]],
      ['route:1', [7, 1, 4]],
    ]);
    expect(a.conflicts).toEqual([{ row: 1, column: 0, nodes: [n1.addr, n3.addr] }]);
    expect(a.contributingNodes).toEqual([[n2.addr], [n1.addr, n2.addr, n3.addr]]);
    expect(a.nodes.map((n) => [n.node, n.ok, n.code, n.error])).toEqual([
      [n1.addr, true, '', ''],
      [n2.addr, true, '', ''],
      [n3.addr, true, '', ''],
    ]);
  });

  it('a partial view when some nodes fail: still a success, failures reported', async () => {
    const b = backend([n1.addr, down, slow.addr, off.addr], { timeoutMs: 300 });
    const t0 = performance.now();
    const a = await b.getKeyVizMatrix(req, signal());
    const took = performance.now() - t0;
    b.close();
    expect(took).toBeLessThan(1500);
    expect(a.rows.map((r) => [r.meta.bucketId, [...r.values]])).toEqual([['route:1', [5, 1]]]);
    expect(a.nodes.map((n) => [n.node, n.ok, n.code])).toEqual([
      [n1.addr, true, ''],
      [down, false, 'unavailable'],
      [slow.addr, false, 'deadline_exceeded'],
      [off.addr, false, 'unavailable'],
    ]);
    expect(a.nodes[1].error).toMatch(/^unavailable: upstream unreachable: /);
    expect(a.nodes[3].error).toBe('unavailable: keyviz sampler not configured on this node');
  });

  it('all failing: the most telling error, with every reason', async () => {
    const b = backend([down, off.addr]);
    const e = await failure(b.getKeyVizMatrix(req, signal()));
    b.close();
    expect(e.code).toBe(Code.Unavailable);
    expect(e.rawMessage).toMatch(
      /^keyviz sampler not configured on this node \(all 2 upstreams failed: /,
    );
    expect(e.rawMessage).toContain(`${down}: unavailable: upstream unreachable`);
  });

  it('cluster overview and raft groups from the nodes that answer', async () => {
    const b = backend([down, n1.addr, n2.addr]);
    const o = await b.getClusterOverview(signal());
    const g = await b.getRaftGroups(signal());
    b.close();
    expect(o.self?.nodeId).toBe('node-10');
    expect(o.members.map((m) => m.nodeId)).toEqual(['node-10', 'node-20']);
    expect(g.groups.map((x) => x.leaderTerm)).toEqual([20n]);
  });

  it('insecureNoAuth sends no token; a node wanting one is a misconfiguration', async () => {
    const b = backend([n1.addr], { token: null, insecureNoAuth: true });
    const e = await failure(b.getKeyVizMatrix(req, signal()));
    b.close();
    expect(e.code).toBe(Code.FailedPrecondition);
    expect(e.rawMessage).toMatch(/requires a token but the gateway sends none/);
  });
});
