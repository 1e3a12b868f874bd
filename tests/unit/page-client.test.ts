// The Admin client against a fake fetch: paths, headers, both browser protocols, User Timing
// marks, and errors with connect's codes. The matrix call is plain fetch (src/api/leanRpc.ts):
// its errors are RpcErrors, which carry ConnectError's code numbers and rawMessage.
import { afterEach, describe, expect, it } from 'vitest';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  GetClusterOverviewResponseSchema,
  GetKeyVizMatrixRequestSchema,
  GetKeyVizMatrixResponseSchema,
  KeyVizSeries,
} from '../../src/gen/admin_pb.ts';
import { classifyError, createAdminClient, encodeMatrixRequest } from '../../src/api/client.ts';
import { RpcError } from '../../src/api/leanRpc.ts';

interface Seen {
  url: string;
  headers: Headers;
  body: Uint8Array;
}

const matrixBytes = toBinary(
  GetKeyVizMatrixResponseSchema,
  create(GetKeyVizMatrixResponseSchema, {
    columnUnixMs: [1000n, 2000n],
    rows: [
      {
        bucketId: 'route:1',
        start: new Uint8Array([0x61]),
        values: [3n, 4n],
        raftGroupIds: [1n, 1n],
        leaderTerms: [2n, 2n],
        routeCount: 1n,
      },
    ],
  }),
);

function grpcWebFrame(msg: Uint8Array, status = 0, message = ''): Uint8Array {
  const trailer = new TextEncoder().encode(
    `grpc-status: ${status}\r\n` +
      (message ? `grpc-message: ${encodeURIComponent(message)}\r\n` : ''),
  );
  const out = new Uint8Array(5 + msg.length + 5 + trailer.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(1, msg.length);
  out.set(msg, 5);
  out[5 + msg.length] = 0x80;
  dv.setUint32(5 + msg.length + 1, trailer.length);
  out.set(trailer, 10 + msg.length);
  return status === 0 ? out : out.subarray(5 + msg.length);
}

async function bodyBytes(init: RequestInit | undefined): Promise<Uint8Array> {
  const b = init?.body;
  if (b instanceof Uint8Array) return b;
  return new Uint8Array(await new Response(b as BodyInit).arrayBuffer());
}

function fakeFetch(respond: (s: Seen) => Response, seen: Seen[]): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const s: Seen = {
      url: String(input instanceof Request ? input.url : input),
      headers: new Headers(init?.headers),
      body: await bodyBytes(init),
    };
    seen.push(s);
    return respond(s);
  }) as typeof fetch;
}

afterEach(() => performance.clearMeasures());

/** A Response body from bytes (TS 6's BodyInit wants an ArrayBuffer-backed view). */
const body = (b: Uint8Array): ArrayBuffer => b.slice().buffer as ArrayBuffer;

describe('createAdminClient', () => {
  it('Connect: binary POST to /Admin/GetKeyVizMatrix with the bearer token; decodes the matrix', async () => {
    const seen: Seen[] = [];
    const client = createAdminClient({
      baseUrl: 'https://kv.example/base',
      transport: 'connect',
      token: () => 'sekret',
      fetch: fakeFetch(
        () => new Response(body(matrixBytes), { headers: { 'content-type': 'application/proto' } }),
        seen,
      ),
    });
    const m = await client.getMatrix({ series: 'read_bytes', rows: 64, fromMs: 1500, toMs: 0 });
    expect(seen[0].url).toBe('https://kv.example/base/Admin/GetKeyVizMatrix');
    expect(seen[0].headers.get('content-type')).toBe('application/proto');
    expect(seen[0].headers.get('authorization')).toBe('Bearer sekret');
    const req = fromBinary(GetKeyVizMatrixRequestSchema, seen[0].body);
    expect(req.series).toBe(KeyVizSeries.KEYVIZ_SERIES_READ_BYTES);
    expect(req.rows).toBe(64);
    expect(req.fromUnixMs).toBe(1500n);
    expect(req.toUnixMs).toBe(0n);
    expect(m.series).toBe('read_bytes');
    expect(Array.from(m.values)).toEqual([3, 4]);
    expect(Array.from(m.leaderTerms!)).toEqual([2, 2]);
    expect(m.rows[0].bucketId).toBe('route:1');
    const names = performance.getEntriesByType('measure').map((e) => e.name);
    expect(names).toContain('keyviz:fetch');
    expect(names).toContain('keyviz:decode');
  });

  it('gRPC-Web: framed binary body, no token header when none is set', async () => {
    const seen: Seen[] = [];
    const client = createAdminClient({
      baseUrl: 'http://127.0.0.1:8080',
      transport: 'grpc-web',
      fetch: fakeFetch(
        () =>
          new Response(body(grpcWebFrame(matrixBytes)), {
            headers: { 'content-type': 'application/grpc-web+proto' },
          }),
        seen,
      ),
    });
    const m = await client.getMatrix({ series: 'writes', rows: 5000 });
    expect(seen[0].url).toBe('http://127.0.0.1:8080/Admin/GetKeyVizMatrix');
    expect(seen[0].headers.get('content-type')).toBe('application/grpc-web+proto');
    expect(seen[0].headers.get('authorization')).toBeNull();
    const req = fromBinary(GetKeyVizMatrixRequestSchema, seen[0].body.subarray(5));
    expect(req.rows).toBe(1024); // clamped client-side too
    expect(req.series).toBe(KeyVizSeries.KEYVIZ_SERIES_WRITES);
    expect(m.rowCount).toBe(1);
  });

  // Was "stays a ConnectError": the matrix call no longer goes through connect-web (issue 17's
  // first-paint bundle), so the error is leanRpc's RpcError with the same code and message.
  it('keyviz disabled: Unavailable with the same code as ConnectError, classified as disabled', async () => {
    const client = createAdminClient({
      baseUrl: 'http://x',
      transport: 'connect',
      fetch: fakeFetch(
        () =>
          new Response(
            JSON.stringify({
              code: 'unavailable',
              message: 'keyviz sampler not configured on this node',
            }),
            { status: 503, headers: { 'content-type': 'application/json' } },
          ),
        [],
      ),
    });
    const err = await client.getMatrix({ series: 'writes', rows: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe(Code.Unavailable);
    expect((err as RpcError).message).toBe(
      '[unavailable] keyviz sampler not configured on this node',
    );
    expect(classifyError(err)).toEqual({
      kind: 'disabled',
      code: 'Unavailable',
      message: 'keyviz sampler not configured on this node',
    });
  });

  it('a ConnectError (console pages, hot keys) classifies as before', () => {
    const e = new ConnectError('keyviz sampler not configured on this node', Code.Unavailable);
    expect(classifyError(e)).toEqual({
      kind: 'disabled',
      code: 'Unavailable',
      message: 'keyviz sampler not configured on this node',
    });
    expect(classifyError(new ConnectError('x', Code.PermissionDenied))).toEqual({
      kind: 'other',
      code: 'PermissionDenied',
      message: 'x',
    });
  });

  it('encodes the request exactly as protobuf-es does', () => {
    for (const req of [
      { series: 'reads' as const, rows: 0 },
      { series: 'writes' as const, rows: 1024, fromMs: 1_700_000_000_123, toMs: 2 ** 53 + 10 },
      { series: 'write_bytes' as const, rows: 3, fromMs: -5, toMs: 0.5 },
    ]) {
      const ours = encodeMatrixRequest(req);
      const theirs = toBinary(
        GetKeyVizMatrixRequestSchema,
        create(GetKeyVizMatrixRequestSchema, {
          series: {
            reads: KeyVizSeries.KEYVIZ_SERIES_READS,
            writes: KeyVizSeries.KEYVIZ_SERIES_WRITES,
            read_bytes: KeyVizSeries.KEYVIZ_SERIES_READ_BYTES,
            write_bytes: KeyVizSeries.KEYVIZ_SERIES_WRITE_BYTES,
          }[req.series],
          rows: req.rows === 0 ? 0 : Math.min(1024, req.rows),
          fromUnixMs: req.fromMs && req.fromMs > 0 ? BigInt(Math.floor(req.fromMs)) : 0n,
          toUnixMs:
            req.toMs && req.toMs > 0
              ? BigInt(Math.min(Math.floor(req.toMs), Number.MAX_SAFE_INTEGER))
              : 0n,
        }),
      );
      expect(Array.from(ours)).toEqual(Array.from(theirs));
    }
  });

  it('gRPC-Web: a trailers-only answer (status in the headers), and HTML where an answer was due', async () => {
    const trailersOnly = createAdminClient({
      baseUrl: 'http://x',
      transport: 'grpc-web',
      fetch: fakeFetch(
        () =>
          new Response(null, {
            headers: {
              'content-type': 'application/grpc-web+proto',
              'grpc-status': '16',
              'grpc-message': 'no%20token',
            },
          }),
        [],
      ),
    });
    const e1 = await trailersOnly
      .getMatrix({ series: 'writes', rows: 10 })
      .catch((e: unknown) => e);
    expect(classifyError(e1)).toEqual({
      kind: 'unauthenticated',
      code: 'Unauthenticated',
      message: 'no token',
    });
    // A misrouted call that met the SPA fallback: a clear error, not a protobuf decode failure.
    const html = createAdminClient({
      baseUrl: 'http://x',
      transport: 'connect',
      fetch: fakeFetch(
        () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }),
        [],
      ),
    });
    const e2 = await html.getMatrix({ series: 'writes', rows: 10 }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(RpcError);
    expect((e2 as RpcError).rawMessage).toBe('unsupported content type text/html');
  });

  it('gRPC-Web Unauthenticated in trailers', async () => {
    const client = createAdminClient({
      baseUrl: 'http://x',
      transport: 'grpc-web',
      fetch: fakeFetch(
        () =>
          new Response(body(grpcWebFrame(new Uint8Array(0), 16, 'bad token')), {
            headers: { 'content-type': 'application/grpc-web+proto' },
          }),
        [],
      ),
    });
    const err = await client.getMatrix({ series: 'writes', rows: 10 }).catch((e: unknown) => e);
    expect(classifyError(err).kind).toBe('unauthenticated');
  });

  it('network failure is Unknown (unreachable); abort is Canceled', async () => {
    const client = createAdminClient({
      baseUrl: 'http://x',
      transport: 'connect',
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
    });
    const err = await client.getMatrix({ series: 'writes', rows: 10 }).catch((e: unknown) => e);
    expect(classifyError(err).kind).toBe('unreachable');

    const ac = new AbortController();
    ac.abort();
    const aborted = await client
      .getMatrix({ series: 'writes', rows: 10 }, ac.signal)
      .catch((e: unknown) => e);
    expect(classifyError(aborted).kind).toBe('aborted');
  });

  it('getOverview: the generic message, or null when unimplemented', async () => {
    const ok = createAdminClient({
      baseUrl: 'http://x',
      transport: 'connect',
      fetch: fakeFetch(
        () =>
          new Response(
            toBinary(
              GetClusterOverviewResponseSchema,
              create(GetClusterOverviewResponseSchema, {
                self: { nodeId: 'n1' },
                aggregateQps: 7n,
              }),
            ),
            { headers: { 'content-type': 'application/proto' } },
          ),
        [],
      ),
    });
    const ov = await ok.getOverview();
    expect(ov?.self?.nodeId).toBe('n1');
    expect(ov?.aggregateQps).toBe(7n);

    const missing = createAdminClient({
      baseUrl: 'http://x',
      transport: 'connect',
      fetch: fakeFetch(
        () =>
          new Response(JSON.stringify({ code: 'unimplemented', message: 'no' }), {
            status: 404,
            headers: { 'content-type': 'application/json' },
          }),
        [],
      ),
    });
    expect(await missing.getOverview()).toBeNull();
  });
});
