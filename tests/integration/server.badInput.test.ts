// Hostile input gets the right Connect / gRPC code and the server keeps serving.
import http from 'node:http';
import { networkInterfaces } from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { GetKeyVizMatrixRequestSchema, type KeyVizSeries } from '../../src/gen/admin_pb.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { clientsFor, type Clients } from './support.ts';

let s: SpawnedServer;
let c: Clients;

beforeAll(async () => {
  s = await spawnServer(['--backfill', '2h', '--keyvizStep', '1h', '--routes', '100']);
  c = clientsFor(s);
});
afterAll(async () => {
  c?.close();
  await s?.stop();
});

const post = (
  path: string,
  ct: string,
  body: Uint8Array | string,
  extra: Record<string, string> = {},
) =>
  fetch(`${s.http}${path}`, {
    method: 'POST',
    headers: { 'content-type': ct, ...extra },
    // A copy owns a plain ArrayBuffer, which is what fetch's BodyInit type wants.
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });

async function stillServes(): Promise<void> {
  const m = await c.all[0].client.getKeyVizMatrix({ rows: 2 });
  expect(m.rows.length).toBe(2);
  expect(await (await fetch(`${s.http}/healthz`)).text()).toBe('ok');
}

describe('malformed bodies', () => {
  it('garbage protobuf: internal "parse binary" (connect-es, like grpc-go\'s unmarshal error)', async () => {
    const r = await post(
      '/Admin/GetKeyVizMatrix',
      'application/proto',
      new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]),
    );
    expect(r.status).toBe(500);
    const body = (await r.json()) as { code: string; message: string };
    expect(body.code).toBe('internal');
    expect(body.message).toMatch(/^parse binary/);
    await stillServes();
  });

  it('garbage JSON: invalid_argument', async () => {
    const r = await post('/Admin/GetKeyVizMatrix', 'application/json', '{"rows": ');
    expect(r.status).toBe(400);
    expect(((await r.json()) as { code: string }).code).toBe('invalid_argument');
    const w = await post('/Admin/GetKeyVizMatrix', 'application/json', '{"rows": "lots"}');
    expect(w.status).toBe(400);
    await stillServes();
  });

  it('a 2 MiB body: resource_exhausted, no crash', async () => {
    const big = new Uint8Array(2 << 20).fill(0x41);
    const r = await post('/Admin/GetKeyVizMatrix', 'application/proto', big).catch(() => null);
    // The server may answer before reading everything, and then drop the connection.
    if (r) {
      expect(r.status).toBe(429); // Connect maps resource_exhausted to 429
      expect(((await r.json()) as { code: string }).code).toBe('resource_exhausted');
    }
    await stillServes();
  });

  it('a gzip bomb (small body, 2 MiB inflated): resource_exhausted', async () => {
    const bomb = gzipSync(new Uint8Array(2 << 20));
    expect(bomb.length).toBeLessThan(10_000);
    const r = await post('/Admin/GetKeyVizMatrix', 'application/proto', bomb, {
      'content-encoding': 'gzip',
    });
    expect(r.status).toBe(429);
    expect(((await r.json()) as { code: string }).code).toBe('resource_exhausted');
    await stillServes();
  });

  it('a bad gRPC-Web frame: an error status in the trailer', async () => {
    const r = await post(
      '/Admin/GetKeyVizMatrix',
      'application/grpc-web+proto',
      new Uint8Array([0, 0, 0, 0, 9, 1]),
    );
    expect(r.status).toBe(200);
    const text = new TextDecoder().decode(new Uint8Array(await r.arrayBuffer()));
    expect(text).toMatch(/grpc-status:\s*(3|13)/); // invalid_argument (or internal for a short frame)
    await stillServes();
  });
});

describe('unknown paths and methods', () => {
  it('an unknown RPC is 404 (Connect) / Unimplemented (gRPC)', async () => {
    const r = await post('/Admin/GetEverything', 'application/json', '{}');
    expect(r.status).toBe(404);
    const g = await post(
      '/Admin/GetEverything',
      'application/grpc-web+proto',
      new Uint8Array([0, 0, 0, 0, 0]),
    );
    expect([200, 404]).toContain(g.status);
    await stillServes();
  });

  it('GET on an RPC path is refused without the page', async () => {
    const r = await fetch(`${s.http}/Admin/GetKeyVizMatrix`);
    expect([404, 405]).toContain(r.status);
    expect(r.headers.get('content-type') ?? '').not.toMatch(/html/);
  });

  it('an unsupported content type is 415', async () => {
    const r = await post('/Admin/GetKeyVizMatrix', 'text/plain', 'hello');
    expect(r.status).toBe(415);
  });
});

describe('hostile values are answered, not fatal', () => {
  for (const { name, client } of [0, 1, 4].map((i) => ({
    name: () => c.all[i].name,
    client: () => c.all[i].client,
  }))) {
    it(`rows=1e9, inverted and negative windows, unknown series (${[0, 1, 4].length} protocols)`, async () => {
      const huge = await client().getKeyVizMatrix({ rows: 1_000_000_000 });
      expect(huge.rows.length, name()).toBeLessThanOrEqual(1024);
      expect(huge.rows.length).toBeGreaterThan(50);
      const all = await client().getKeyVizMatrix({ rows: 5 });
      const t = all.columnUnixMs;
      const inverted = await client().getKeyVizMatrix({
        rows: 5,
        fromUnixMs: t[1],
        toUnixMs: t[0],
      });
      expect(inverted.columnUnixMs.length).toBe(0);
      expect(inverted.rows.length).toBe(0);
      const negFrom = await client().getKeyVizMatrix({ rows: 5, fromUnixMs: -5n });
      expect(negFrom.columnUnixMs).toEqual(t);
      const negTo = await client().getKeyVizMatrix({ rows: 5, toUnixMs: -5n });
      expect(negTo.columnUnixMs.length).toBe(0);
      const extreme = await client().getKeyVizMatrix({
        rows: 5,
        fromUnixMs: -(2n ** 63n),
        toUnixMs: 2n ** 63n - 1n,
      });
      expect(extreme.columnUnixMs).toEqual(t);
      // Unknown series means writes, like the node.
      const unknown = await client().getKeyVizMatrix({ rows: 5, series: 99 as KeyVizSeries });
      const writes = await client().getKeyVizMatrix({ rows: 5, series: 2 });
      expect(unknown).toEqual(writes);
    });
  }

  it('a raw request with every field at its limit', async () => {
    const req = create(GetKeyVizMatrixRequestSchema, {
      series: 0x7fffffff as KeyVizSeries,
      rows: 0xffffffff,
      fromUnixMs: -1n,
      toUnixMs: 1n,
    });
    const r = await post(
      '/Admin/GetKeyVizMatrix',
      'application/proto',
      toBinary(GetKeyVizMatrixRequestSchema, req),
    );
    expect(r.status).toBe(200);
    await stillServes();
  });

  it('a bad deadline header is refused cleanly', async () => {
    const e = await c.all[4].client
      .getKeyVizMatrix({}, { timeoutMs: 1 })
      .then(() => null)
      .catch((x: unknown) => ConnectError.from(x));
    if (e) expect([Code.DeadlineExceeded, Code.Canceled]).toContain(e.code);
    await stillServes();
  });
});

/** A POST of an empty matrix request to `base` with `accept-encoding: gzip`, read raw. */
function rawMatrix(base: string): Promise<{ enc: string | undefined; body: Buffer }> {
  const req = toBinary(
    GetKeyVizMatrixRequestSchema,
    create(GetKeyVizMatrixRequestSchema, { rows: 0 }),
  );
  return new Promise((resolve, reject) => {
    const u = new URL(base);
    const q = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: '/Admin/GetKeyVizMatrix',
        method: 'POST',
        headers: { 'content-type': 'application/proto', 'accept-encoding': 'gzip' },
      },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () =>
          resolve({ enc: r.headers['content-encoding'], body: Buffer.concat(chunks) }),
        );
      },
    );
    q.on('error', reject);
    q.end(Buffer.from(req));
  });
}

const externalIp = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe('response compression', () => {
  it('is skipped for loopback clients (it would only cost time)', async () => {
    const r = await rawMatrix(s.http);
    expect(r.enc).toBeUndefined();
    expect(r.body.length).toBeGreaterThan(1000);
  });

  it.skipIf(!externalIp)('gzips big answers for other clients that accept it', async () => {
    const wide = await spawnServer([
      '--listen',
      '0.0.0.0:0',
      '--adminInsecureNoAuth',
      '--backfill',
      '1h',
      '--routes',
      '100',
    ]);
    try {
      const port = new URL(wide.http).port;
      const r = await rawMatrix(`http://${externalIp}:${port}`);
      expect(r.enc).toBe('gzip');
      expect(gunzipSync(r.body).length).toBeGreaterThan(r.body.length);
    } finally {
      await wide.stop();
    }
  });
});
