// The page's JSON data source against the real JSON admin API server: sign-in with cookies
// carried by hand, CSRF on writes, typed errors, and the same Matrix the Connect path decodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBinary } from '@bufbuild/protobuf';
import { GetKeyVizMatrixResponseWireSchema } from '../../src/gen/keyviz_wire_pb.ts';
import { encodeMatrixWire } from '../../server/wire/index.ts';
import { decodeMatrixBytes } from '../../src/api/decodeMatrix.ts';
import {
  classifyJsonError,
  createJsonAdminClient,
  JsonApiError,
  quoteRouteIds,
  type JsonAdminClient,
} from '../../src/api/jsonSource.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import type { AdminBackend } from '../../server/backend.ts';
import type { MatrixAnswer } from '../../server/sampler/types.ts';
import {
  cookieFetch,
  CREDENTIALS,
  listenJsonApi,
  samplerBackend,
  T0,
  type RunningApi,
  type TestBackend,
} from '../helpers/jsonApiFixture.ts';

const SERIES_ENUM = { reads: 1, writes: 2, read_bytes: 3, write_bytes: 4 } as const;

async function rejection(p: Promise<unknown>): Promise<JsonApiError> {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(JsonApiError);
  return e as JsonApiError;
}

/** The JSON API leaves route ids of single-route rows out; Connect sends them. */
function withoutSingleRouteIds(m: Matrix): Matrix {
  return { ...m, rows: m.rows.map((r) => (r.aggregate ? r : { ...r, routeIds: [] })) };
}

describe('JSON data source', () => {
  let backend: TestBackend;
  let api: RunningApi;
  let jar: ReturnType<typeof cookieFetch>;
  let client: JsonAdminClient;

  beforeAll(async () => {
    backend = samplerBackend();
    api = await listenJsonApi({ backend, credentials: CREDENTIALS, nodeId: 'n1', version: '1' });
    jar = cookieFetch();
    client = createJsonAdminClient({
      baseUrl: `${api.url}/`,
      fetch: jar.fetch,
      cookies: jar.cookies,
    });
  });
  afterAll(() => api.close());

  it('throws a typed 401 before sign-in, and on bad keys', async () => {
    const e = await rejection(client.getMatrix({ series: 'writes', rows: 0 }));
    expect([e.status, e.code, e.unauthenticated, e.keyvizDisabled]).toEqual([
      401,
      'unauthenticated',
      true,
      false,
    ]);
    expect(classifyJsonError(e).kind).toBe('unauthenticated');
    const bad = await rejection(client.login('AKREAD', 'wrong'));
    expect([bad.status, bad.code]).toEqual([401, 'invalid_credentials']);
    expect(jar.jar.size).toBe(0);
  });

  it('signs in and gets the same Matrix the Connect path decodes', async () => {
    await client.login('AKREAD', 'read-secret');
    expect([...jar.jar.keys()].sort()).toEqual(['admin_csrf', 'admin_session']);
    for (const series of ['writes', 'reads', 'read_bytes', 'write_bytes'] as const) {
      const viaJson = await client.getMatrix({ series, rows: 0 });
      const answer = await backend.getKeyVizMatrix(
        { series: SERIES_ENUM[series], fromUnixMs: 0, toUnixMs: 0, rows: 0 },
        new AbortController().signal,
      );
      const bytes = toBinary(GetKeyVizMatrixResponseWireSchema, encodeMatrixWire(answer));
      const viaConnect = decodeMatrixBytes(bytes, series);
      expect(viaJson).toEqual(withoutSingleRouteIds(viaConnect));
      expect(viaJson.rowCount).toBe(4);
      expect(viaJson.rows[3].routeIds).toEqual(['4', '5']);
      expect(viaJson.rows[3].routeIdsTruncated).toBe(true);
      expect(viaJson.rows[0].start).toEqual(new Uint8Array(0));
    }
  });

  it('sends rows and the window', async () => {
    backend.requests.length = 0;
    const m = await client.getMatrix({
      series: 'reads',
      rows: 2.7,
      fromMs: T0 + 60_000,
      toMs: T0 + 180_000,
    });
    expect(backend.requests[0]).toEqual({
      series: 1,
      fromUnixMs: T0 + 60_000,
      toUnixMs: T0 + 180_000,
      rows: 2,
    });
    expect(Array.from(m.columns)).toEqual([T0 + 60_000, T0 + 120_000]);
    expect(m.rowCount).toBe(2);
  });

  it('tells keyviz disabled apart', async () => {
    backend.enabled = false;
    try {
      const e = await rejection(client.getMatrix({ series: 'writes', rows: 10 }));
      expect([e.status, e.code, e.keyvizDisabled]).toEqual([503, 'keyviz_disabled', true]);
      expect(classifyJsonError(e)).toEqual({
        kind: 'disabled',
        code: 'keyviz_disabled',
        message: 'keyviz sampler not configured on this node',
      });
    } finally {
      backend.enabled = true;
    }
  });

  it('reads the node id from the cluster endpoint', async () => {
    expect(await client.getOverview()).toEqual({ nodeId: 'n1', upstreams: [] });
  });

  it('passes an abort through as an abort', async () => {
    const ac = new AbortController();
    ac.abort();
    const e: unknown = await client
      .getMatrix({ series: 'writes', rows: 1 }, ac.signal)
      .catch((x: unknown) => x);
    expect(classifyJsonError(e).kind).toBe('aborted');
  });

  it('logs out with the CSRF header, and refuses without it', async () => {
    const noCsrf = createJsonAdminClient({ baseUrl: api.url, fetch: jar.fetch, cookies: () => '' });
    const e = await rejection(noCsrf.logout());
    expect([e.status, e.code]).toEqual([403, 'forbidden']);
    await client.logout();
    expect(jar.jar.size).toBe(0);
    expect((await rejection(client.getMatrix({ series: 'writes', rows: 1 }))).status).toBe(401);
    await client.logout(); // already signed out: fine
  });

  it('reports the login limit with Retry-After', async () => {
    // The earlier tests used 2 attempts; 3 more reach the limit of 5.
    for (let i = 0; i < 3; i++) await client.login('AKREAD', 'read-secret');
    const e = await rejection(client.login('AKREAD', 'read-secret'));
    expect([e.status, e.code]).toEqual([429, 'rate_limited']);
    expect(e.retryAfterSec).toBeGreaterThan(0);
  });

  it('names an unreachable server', async () => {
    const gone = createJsonAdminClient({ baseUrl: 'http://127.0.0.1:1' });
    const e = await rejection(gone.getMatrix({ series: 'writes', rows: 1 }));
    expect([e.status, e.code, classifyJsonError(e).kind]).toEqual([
      0,
      'unreachable',
      'unreachable',
    ]);
  });
});

describe('JSON data source, cluster view', () => {
  const enc = new TextEncoder();
  const row = (id: string, start: string, values: number[], agg = false) => ({
    meta: {
      bucketId: id,
      start: enc.encode(start),
      end: new Uint8Array(0),
      label: '',
      aggregate: agg,
      routeIds: agg ? ['9007199254740993', '18446744073709551615'] : [id.slice(6)],
      routeCount: agg ? 5 : 1,
    },
    values: new Float64Array(values),
    raftGroupIds: new Float64Array([1, 1]),
    leaderTerms: new Float64Array([4, 5]),
  });
  // Merged rows in the order a node's cluster view may leave them: not sorted by start.
  const answer: MatrixAnswer = {
    columnUnixMs: [T0, T0 + 60_000],
    rows: [row('route:2', 'm', [5, 6]), row('virtual:18446744073709551615', 'a', [1, 9], true)],
    nodes: [
      { node: 'a:1', ok: true, error: '', code: '', latencyMs: 1 },
      {
        node: 'b:1',
        ok: false,
        error: 'deadline_exceeded: slow',
        code: 'deadline_exceeded',
        latencyMs: 2000,
      },
    ],
    conflicts: [{ row: 0, column: 1, nodes: ['a:1', 'b:1'] }],
  };
  const backend: AdminBackend = {
    getKeyVizMatrix: async () => answer,
    getClusterOverview: () => Promise.reject(new Error('unused')),
    getRaftGroups: () => Promise.reject(new Error('unused')),
  };
  let api: RunningApi;
  beforeAll(async () => {
    api = await listenJsonApi({ backend, credentials: CREDENTIALS, nodeId: 'gw', version: '1' });
  });
  afterAll(() => api.close());

  it('sorts rows by start, moves conflicts with them, keeps uint64 ids exact', async () => {
    const jar = cookieFetch();
    const client = createJsonAdminClient({ baseUrl: api.url, fetch: jar.fetch, cookies: () => '' });
    await client.login('AKFULL', 'full-secret');
    const m = await client.getMatrix({ series: 'writes', rows: 0 });
    expect(m.rows.map((r) => r.bucketId)).toEqual(['virtual:18446744073709551615', 'route:2']);
    expect(Array.from(m.values)).toEqual([1, 9, 5, 6]);
    expect(m.max).toBe(9);
    expect(m.rows.map((r) => r.total)).toEqual([10, 11]);
    expect(m.rows[0].routeIds).toEqual(['9007199254740993', '18446744073709551615']);
    expect(m.rows[0].routeCount).toBe('5');
    expect(Array.from(m.conflicts!)).toEqual([0, 0, 0, 1]);
    expect(Array.from(m.leaderTerms!)).toEqual([4, 5, 4, 5]);
    expect(m.nodes).toEqual([
      { node: 'a:1', ok: true, error: '', code: '', latencyMs: 0 },
      {
        node: 'b:1',
        ok: false,
        error: 'deadline_exceeded: slow',
        code: 'deadline_exceeded',
        latencyMs: 0,
      },
    ]);
  });

  it('quotes only route id lists', () => {
    expect(
      quoteRouteIds(
        '{"route_ids":[1, 18446744073709551615],"values":[1,2],"label":"\\"route_ids\\":[3]"}',
      ),
    ).toBe(
      '{"route_ids":["1","18446744073709551615"],"values":[1,2],"label":"\\"route_ids\\":[3]"}',
    );
  });
});
