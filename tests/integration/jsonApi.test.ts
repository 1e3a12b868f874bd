// The node's JSON admin API (contract.md §2) against a real listening server and a real
// sampler backend: field by field, sign-in, CSRF, limits, and one matrix in two encodings.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Code, ConnectError } from '@connectrpc/connect';
import type { AdminBackend } from '../../server/backend.ts';
import type { MatrixAnswer } from '../../server/sampler/types.ts';
import {
  CREDENTIALS,
  listenJsonApi,
  samplerBackend,
  T0,
  type RunningApi,
  type TestBackend,
} from '../helpers/jsonApiFixture.ts';

const MATRIX = '/admin/api/v1/keyviz/matrix';
const LOGIN = '/admin/api/v1/auth/login';
const LOGOUT = '/admin/api/v1/auth/logout';
const NOW = T0 + 10 * 60_000;

interface Signed {
  session: string;
  csrf: string;
  cookie: string;
  setCookies: string[];
}

async function login(
  base: string,
  accessKey = 'AKREAD',
  secretKey = 'read-secret',
  headers: Record<string, string> = {},
): Promise<Signed> {
  const res = await fetch(base + LOGIN, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ access_key: accessKey, secret_key: secretKey }),
  });
  expect(res.status).toBe(200);
  const setCookies = res.headers.getSetCookie();
  const value = (name: string) =>
    setCookies
      .find((c) => c.startsWith(`${name}=`))!
      .split(';')[0]
      .slice(name.length + 1);
  const session = value('admin_session');
  const csrf = value('admin_csrf');
  return { session, csrf, cookie: `admin_session=${session}; admin_csrf=${csrf}`, setCookies };
}

async function expectJsonError(res: Response, status: number, code: string): Promise<unknown> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = (await res.json()) as { error: string; message?: string };
  expect(body.error).toBe(code);
  expect(Object.keys(body).every((k) => k === 'error' || k === 'message')).toBe(true);
  return body;
}

describe('JSON admin API on a sampler backend', () => {
  let backend: TestBackend;
  let api: RunningApi;
  // Each test starts a minute later, so the login limit (5 a minute) never carries over.
  let base = NOW;
  let now = NOW;
  let signed: Signed;

  beforeAll(async () => {
    backend = samplerBackend();
    api = await listenJsonApi({
      backend,
      credentials: CREDENTIALS,
      now: () => now,
      nodeId: 'n1',
      version: '9.9.9',
    });
    signed = await login(api.url);
  });
  afterAll(() => api.close());
  afterEach(() => {
    base += 60_000;
    now = base;
    backend.enabled = true;
  });

  const get = (path: string, cookie = signed.cookie) =>
    fetch(api.url + path, { headers: { cookie } });

  it('answers healthz with a plain ok, without sign-in', async () => {
    const res = await fetch(`${api.url}/admin/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('ok');
  });

  it('needs the session cookie for GETs', async () => {
    await expectJsonError(await get(MATRIX, ''), 401, 'unauthenticated');
    await expectJsonError(await get(MATRIX, 'admin_session=bogus.sig'), 401, 'unauthenticated');
    await expectJsonError(await get('/admin/api/v1/cluster', ''), 401, 'unauthenticated');
    // A tampered payload with the old signature is refused.
    const [payload, sig] = signed.session.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), r: 'full' }),
    ).toString('base64url');
    await expectJsonError(
      await get(MATRIX, `admin_session=${forged}.${sig}`),
      401,
      'unauthenticated',
    );
  });

  it('sets both cookies with exactly the node attributes', async () => {
    const [s, c] = [
      signed.setCookies.find((x) => x.startsWith('admin_session='))!,
      signed.setCookies.find((x) => x.startsWith('admin_csrf='))!,
    ];
    expect(s).toBe(
      `admin_session=${signed.session}; Path=/admin; Max-Age=3600; HttpOnly; SameSite=Strict`,
    );
    expect(c).toBe(`admin_csrf=${signed.csrf}; Path=/admin; Max-Age=3600; SameSite=Strict`);
    expect(signed.session).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(signed.csrf).toMatch(/^[\w-]{43}$/);
  });

  it('marks cookies Secure when the browser came over https (X-Forwarded-Proto)', async () => {
    const tls = await login(api.url, 'AKFULL', 'full-secret', { 'x-forwarded-proto': 'https' });
    for (const line of tls.setCookies) expect(line).toMatch(/; Secure; SameSite=Strict$/);
  });

  it('answers login with role and expiry', async () => {
    const res = await fetch(api.url + LOGIN, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ access_key: 'AKFULL', secret_key: 'full-secret' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      role: 'full',
      expires_at: new Date(base + 3_600_000).toISOString(),
    });
  });

  it('refuses bad logins with the right codes', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(api.url + LOGIN, { method: 'POST', headers: { 'content-type': type }, body });
    await expectJsonError(
      await post(JSON.stringify({ access_key: 'AKREAD', secret_key: 'nope' })),
      401,
      'invalid_credentials',
    );
    await expectJsonError(
      await post(JSON.stringify({ access_key: 'AKNONE', secret_key: 'read-secret' })),
      401,
      'invalid_credentials',
    );
    await expectJsonError(await post('{"access_key":'), 400, 'invalid_request');
  });

  it('expires the session after an hour', async () => {
    now = NOW + 3_600_000 - 1;
    expect((await get(MATRIX)).status).toBe(200);
    now = NOW + 3_600_000;
    const body = await expectJsonError(await get(MATRIX), 401, 'unauthenticated');
    expect(body).toEqual({ error: 'unauthenticated', message: 'session expired' });
  });

  it('writes the top-level keys in the node order, without fanout on one node', async () => {
    const res = await get(MATRIX);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['column_unix_ms', 'rows', 'series', 'generated_at']);
    expect(body.series).toBe('writes');
    expect(body.generated_at).toBe(new Date(base).toISOString());
    expect(body.generated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(body.column_unix_ms).toEqual([1, 2, 3, 4, 5, 6].map((i) => T0 + i * 60_000));
  });

  it('adds tracked_buckets (ours, after the node keys) only when the row budget left buckets out', async () => {
    const all = (await (await get(MATRIX)).json()) as { rows: unknown[] };
    expect(all.rows.length).toBeGreaterThan(1);
    const res = await get(`${MATRIX}?rows=1`);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'column_unix_ms',
      'rows',
      'series',
      'tracked_buckets',
      'generated_at',
    ]);
    expect(body.rows).toHaveLength(1);
    expect(body.tracked_buckets).toBe(all.rows.length);
  });

  it('writes each row field by field: order, omitted keys, null ends, base64', async () => {
    const body = (await (await get(MATRIX)).json()) as { rows: Record<string, unknown>[] };
    const [r1, r2, r3, agg] = body.rows;
    expect(body.rows).toHaveLength(4);
    expect(Object.keys(r1)).toEqual([
      'bucket_id',
      'label',
      'start',
      'end',
      'aggregate',
      'route_count',
      'values',
      'raft_group_ids',
      'leader_terms',
    ]);
    expect(r1).toEqual({
      bucket_id: 'route:1',
      label: 'redis',
      start: null, // open low end
      end: 'Yg==', // "b", standard padded base64
      aggregate: false,
      route_count: 1,
      values: [1, 2, 3, 4, 5, 0],
      raft_group_ids: [1, 1, 1, 1, 1, 0],
      leader_terms: [11, 11, 11, 11, 11, 0],
    });
    // An empty label is omitted, not "".
    expect(Object.keys(r2)).not.toContain('label');
    expect(r2.start).toBe('Yg==');
    expect(r2.end).toBe('ZA==');
    expect(r3.label).toBe('dynamo');
    expect(Object.keys(agg)).toEqual([
      'bucket_id',
      'start',
      'end',
      'aggregate',
      'route_ids',
      'route_ids_truncated',
      'route_count',
      'values',
      'raft_group_ids',
      'leader_terms',
    ]);
    expect(agg).toMatchObject({
      bucket_id: 'virtual:18446744073709551615',
      start: 'Zg==',
      end: null, // unbounded tail
      aggregate: true,
      route_ids: [4, 5],
      route_ids_truncated: true,
      route_count: 3,
    });
    for (const r of body.rows) expect(r).not.toHaveProperty('conflict');
  });

  it('maps the series names to the KeyVizSeries enum', async () => {
    const cases: [string, number][] = [
      ['reads', 1],
      ['writes', 2],
      ['read_bytes', 3],
      ['write_bytes', 4],
    ];
    for (const [name, value] of cases) {
      backend.requests.length = 0;
      const body = (await (await get(`${MATRIX}?series=${name}`)).json()) as { series: string };
      expect(body.series).toBe(name);
      expect(backend.requests[0].series).toBe(value);
    }
    backend.requests.length = 0;
    const def = (await (await get(`${MATRIX}?series=`)).json()) as { series: string };
    expect(def.series).toBe('writes');
    expect(backend.requests[0].series).toBe(2);
    for (const bad of ['WRITES', 'write', '2', 'unspecified']) {
      await expectJsonError(await get(`${MATRIX}?series=${bad}`), 400, 'invalid_query');
    }
  });

  it('clamps rows: omitted, 0, negative and above 1024 become 1024', async () => {
    const cases: [string, number][] = [
      ['', 1024],
      ['?rows=0', 1024],
      ['?rows=-5', 1024],
      ['?rows=1025', 1024],
      ['?rows=99999999999', 1024],
      ['?rows=1024', 1024],
      ['?rows=2', 2],
      ['?rows=%2B3', 3],
    ];
    for (const [q, rows] of cases) {
      backend.requests.length = 0;
      expect((await get(MATRIX + q)).status).toBe(200);
      expect(backend.requests[0].rows, q).toBe(rows);
    }
    const two = (await (await get(`${MATRIX}?rows=2`)).json()) as { rows: { bucket_id: string }[] };
    // The two busiest buckets, back in key order.
    expect(two.rows.map((r) => r.bucket_id)).toEqual(['route:3', 'virtual:18446744073709551615']);
  });

  it('passes the window and refuses non-integer parameters', async () => {
    backend.requests.length = 0;
    const from = T0 + 2 * 60_000;
    const to = T0 + 4 * 60_000;
    const body = (await (await get(`${MATRIX}?from_unix_ms=${from}&to_unix_ms=${to}`)).json()) as {
      column_unix_ms: number[];
    };
    expect(backend.requests[0]).toEqual({ series: 2, fromUnixMs: from, toUnixMs: to, rows: 1024 });
    expect(body.column_unix_ms).toEqual([from, from + 60_000]);
    for (const q of [
      'rows=1.5',
      'rows=abc',
      'rows=1e3',
      'from_unix_ms=abc',
      'from_unix_ms=1.0',
      'to_unix_ms=0x10',
      'to_unix_ms=99999999999999999999',
      'rows= 5',
    ]) {
      await expectJsonError(await get(`${MATRIX}?${q}`), 400, 'invalid_query');
    }
  });

  it('answers 503 keyviz_disabled when the sampler is off', async () => {
    backend.enabled = false;
    const body = await expectJsonError(await get(MATRIX), 503, 'keyviz_disabled');
    expect(body).toEqual({
      error: 'keyviz_disabled',
      message: 'keyviz sampler not configured on this node',
    });
  });

  it('is one matrix in two encodings: JSON equals the backend answer', async () => {
    for (const series of ['writes', 'reads', 'read_bytes', 'write_bytes'] as const) {
      const json = (await (await get(`${MATRIX}?series=${series}`)).json()) as {
        column_unix_ms: number[];
        rows: Record<string, unknown>[];
      };
      const direct = await backend.getKeyVizMatrix(
        {
          series: { reads: 1, writes: 2, read_bytes: 3, write_bytes: 4 }[series],
          fromUnixMs: 0,
          toUnixMs: 0,
          rows: 0,
        },
        new AbortController().signal,
      );
      expect(json.column_unix_ms).toEqual(direct.columnUnixMs);
      expect(json.rows).toHaveLength(direct.rows.length);
      direct.rows.forEach((r, i) => {
        const j = json.rows[i];
        const bytes = (v: unknown) =>
          v === null ? new Uint8Array(0) : new Uint8Array(Buffer.from(v as string, 'base64'));
        expect(j.bucket_id).toBe(r.meta.bucketId);
        expect(j.label ?? '').toBe(r.meta.label);
        expect(bytes(j.start)).toEqual(r.meta.start);
        expect(bytes(j.end)).toEqual(r.meta.end);
        expect(j.aggregate).toBe(r.meta.aggregate);
        if (r.meta.aggregate)
          expect((j.route_ids as number[]).map(String)).toEqual(r.meta.routeIds);
        expect(j.route_count).toBe(r.meta.routeCount);
        expect(j.values).toEqual([...r.values]);
        expect(j.raft_group_ids).toEqual([...r.raftGroupIds]);
        expect(j.leader_terms).toEqual([...r.leaderTerms]);
      });
    }
  });

  it('describes the cluster: node_id, version, timestamp, groups', async () => {
    const res = await get('/admin/api/v1/cluster');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['node_id', 'version', 'timestamp', 'groups']);
    expect(body).toEqual({
      node_id: 'n1',
      version: '9.9.9',
      timestamp: new Date(base).toISOString(),
      groups: [
        { group_id: 1, leader_id: 'n1', members: ['n1', 'n2'], is_leader: true, leader_term: 11 },
        { group_id: 2, leader_id: 'n2', members: ['n1', 'n2'], is_leader: false, leader_term: 12 },
      ],
    });
  });

  it('requires the CSRF header on logout, bound to the session', async () => {
    const me = await login(api.url, 'AKFULL', 'full-secret');
    const other = await login(api.url, 'AKREAD', 'read-secret');
    const post = (headers: Record<string, string>) =>
      fetch(api.url + LOGOUT, { method: 'POST', headers });
    await expectJsonError(await post({ cookie: me.cookie }), 403, 'forbidden');
    await expectJsonError(await post({ cookie: me.cookie, 'x-admin-csrf': 'x' }), 403, 'forbidden');
    // Double submit with another session's CSRF value (cookie and header agree) still fails.
    await expectJsonError(
      await post({
        cookie: `admin_session=${me.session}; admin_csrf=${other.csrf}`,
        'x-admin-csrf': other.csrf,
      }),
      403,
      'forbidden',
    );
    // Header right, cookie missing: not a double submit.
    await expectJsonError(
      await post({ cookie: `admin_session=${me.session}`, 'x-admin-csrf': me.csrf }),
      403,
      'forbidden',
    );
    await expectJsonError(await post({ 'x-admin-csrf': me.csrf }), 401, 'unauthenticated');
    const ok = await post({ cookie: me.cookie, 'x-admin-csrf': me.csrf });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(ok.headers.getSetCookie()).toEqual([
      'admin_session=; Path=/admin; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict',
      'admin_csrf=; Path=/admin; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Strict',
    ]);
  });

  it('answers unknown paths and wrong methods in JSON, and leaves other paths alone', async () => {
    await expectJsonError(await get('/admin/api/v1/nope'), 404, 'not_found');
    const post = await fetch(api.url + MATRIX, {
      method: 'POST',
      headers: { cookie: signed.cookie },
    });
    await expectJsonError(post, 405, 'method_not_allowed');
    expect(post.headers.get('allow')).toBe('GET');
    await expectJsonError(await get(LOGIN), 405, 'method_not_allowed');
    for (const p of ['/admin/', '/admin/index.html', '/keyviz', '/Admin/GetKeyVizMatrix']) {
      expect((await get(p)).status, p).toBe(418);
    }
  });

  it('refuses bodies above 64 KiB with 413 and non-JSON logins with 415', async () => {
    const big = JSON.stringify({ access_key: 'AKREAD', secret_key: 'x'.repeat(70 * 1024) });
    // A fresh address per limiter is not possible on loopback, so use a fresh server.
    const fresh = await listenJsonApi({
      backend,
      credentials: CREDENTIALS,
      nodeId: 'n1',
      version: '1',
    });
    try {
      const res = await fetch(fresh.url + LOGIN, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: big,
      });
      await expectJsonError(res, 413, 'payload_too_large');
      const form = await fetch(fresh.url + LOGIN, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'access_key=AKREAD&secret_key=read-secret',
      });
      await expectJsonError(form, 415, 'unsupported_media_type');
    } finally {
      await fresh.close();
    }
  });
});

describe('login limit', () => {
  it('allows 5 logins a minute per address; the 6th is 429 with Retry-After', async () => {
    let now = NOW;
    const api = await listenJsonApi({
      backend: samplerBackend(),
      credentials: CREDENTIALS,
      now: () => now,
      nodeId: 'n1',
      version: '1',
    });
    const attempt = (secret: string) =>
      fetch(api.url + LOGIN, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ access_key: 'AKREAD', secret_key: secret }),
      });
    try {
      // Failed attempts count too: the limit is what bounds guessing.
      expect((await attempt('wrong')).status).toBe(401);
      for (let i = 0; i < 4; i++) {
        now += 1000;
        expect((await attempt('read-secret')).status).toBe(200);
      }
      now += 1000;
      const sixth = await attempt('read-secret');
      await expectJsonError(sixth, 429, 'rate_limited');
      expect(sixth.headers.get('retry-after')).toBe('55');
      now = NOW + 60_000; // the first attempt leaves the window
      expect((await attempt('read-secret')).status).toBe(200);
      await expectJsonError(await attempt('read-secret'), 429, 'rate_limited');
    } finally {
      await api.close();
    }
  });
});

describe('without credentials configured', () => {
  it('answers 401 everywhere, naming the flag', async () => {
    const api = await listenJsonApi({
      backend: samplerBackend(),
      credentials: null,
      nodeId: 'n1',
      version: '1',
    });
    try {
      const m = (await expectJsonError(await fetch(api.url + MATRIX), 401, 'unauthenticated')) as {
        message: string;
      };
      expect(m.message).toContain('--adminCredentialsFile');
      const l = await fetch(api.url + LOGIN, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ access_key: 'AKREAD', secret_key: 'read-secret' }),
      });
      await expectJsonError(l, 401, 'invalid_credentials');
      expect((await fetch(`${api.url}/admin/healthz`)).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});

describe('cluster view (gateway answer)', () => {
  const enc = new TextEncoder();
  const answer: MatrixAnswer = {
    columnUnixMs: [T0, T0 + 60_000, T0 + 120_000],
    rows: [
      {
        meta: {
          bucketId: 'route:9007199254740993',
          start: enc.encode('a'),
          end: enc.encode('m'),
          label: '',
          aggregate: false,
          routeIds: ['9007199254740993'],
          routeCount: 1,
        },
        values: new Float64Array([1, 2, 3]),
        raftGroupIds: new Float64Array(0),
        leaderTerms: new Float64Array(0),
      },
      {
        meta: {
          bucketId: 'virtual:18446744073709551614',
          start: enc.encode('m'),
          end: new Uint8Array(0),
          label: 'rawkv',
          aggregate: true,
          routeIds: ['9007199254740993', '18446744073709551615'],
          routeCount: 2,
        },
        values: new Float64Array([4, 5, 6]),
        raftGroupIds: new Float64Array([3, 3, 3]),
        leaderTerms: new Float64Array([7, 7, 8]),
      },
    ],
    nodes: [
      { node: 'n1:50051', ok: true, error: '', code: '', latencyMs: 3 },
      {
        node: 'n2:50051',
        ok: false,
        error: 'unavailable: upstream unreachable',
        code: 'unavailable',
        latencyMs: 2000,
      },
    ],
    conflicts: [
      { row: 1, column: 2, nodes: ['n1:50051', 'n3:50051'] },
      { row: 5, column: 0, nodes: [] }, // out of range: ignored
    ],
  };
  const backend: AdminBackend = {
    getKeyVizMatrix: async () => answer,
    getClusterOverview: async () => {
      throw new ConnectError('no overview', Code.Unimplemented);
    },
    getRaftGroups: async () => {
      throw new ConnectError('no groups', Code.Unimplemented);
    },
  };
  let api: RunningApi;
  let cookie: string;
  beforeAll(async () => {
    api = await listenJsonApi({ backend, credentials: CREDENTIALS, nodeId: 'gw', version: '1' });
    cookie = (await login(api.url)).cookie;
  });
  afterAll(() => api.close());

  it('adds fanout and per-cell conflicts, and keeps uint64 ids exact', async () => {
    const res = await fetch(api.url + MATRIX, { headers: { cookie } });
    const text = await res.text();
    const body = JSON.parse(text) as { rows: Record<string, unknown>[] } & Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'column_unix_ms',
      'rows',
      'series',
      'generated_at',
      'fanout',
    ]);
    expect(body.fanout).toEqual({
      nodes: [
        { node: 'n1:50051', ok: true },
        { node: 'n2:50051', ok: false, error: 'unavailable: upstream unreachable' },
      ],
      responded: 1,
      expected: 2,
    });
    const [plain, agg] = body.rows;
    // No raft arrays (older node): omitted, as the node's omitempty does.
    expect(Object.keys(plain)).toEqual([
      'bucket_id',
      'start',
      'end',
      'aggregate',
      'route_count',
      'values',
    ]);
    expect(Object.keys(agg)).toEqual([
      'bucket_id',
      'label',
      'start',
      'end',
      'aggregate',
      'route_ids',
      'route_count',
      'values',
      'conflict',
      'conflicts',
      'raft_group_ids',
      'leader_terms',
    ]);
    expect(agg.conflict).toBe(true);
    expect(agg.conflicts).toEqual([false, false, true]);
    // Bare digits: a JSON number, exact for a parser that keeps big integers.
    expect(text).toContain('"route_ids":[9007199254740993,18446744073709551615]');
    expect(text).toContain('"bucket_id":"virtual:18446744073709551614"');
  });

  it('falls back to a 501 when neither cluster RPC exists', async () => {
    const res = await fetch(`${api.url}/admin/api/v1/cluster`, { headers: { cookie } });
    await expectJsonError(res, 501, 'not_implemented');
  });
});
