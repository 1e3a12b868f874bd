// The JSON admin API as mounted in the real server (server/app.ts): flags, credentials
// file, sign-in, and the same matrix over JSON and over Connect from one running server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '@connectrpc/connect';
import { startApp, type App } from '../../server/app.ts';
import { parseFlags } from '../../server/flags.ts';
import { classifyError, createAdminClient } from '../../src/api/client.ts';
import { RpcError } from '../../src/api/leanRpc.ts';
import { createJsonAdminClient, JsonApiError } from '../../src/api/jsonSource.ts';
import { cookieFetch } from '../helpers/jsonApiFixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyviz-jsonapi-'));
const credsFile = join(dir, 'creds.json');
const keyFile = join(dir, 'signing.key');
writeFileSync(
  credsFile,
  JSON.stringify([{ access_key: 'AKOPS', secret_key: 's3cret', role: 'read_only' }]),
);
writeFileSync(keyFile, `${'k'.repeat(40)}\n`);

function start(extra: string[]): Promise<App> {
  const flags = parseFlags([
    '--listen=127.0.0.1:0',
    '--grpcListen=127.0.0.1:0',
    '--routes=40',
    '--backfill=30m',
    '--nodeId=node-7',
    '--history=off',
    `--static=${join(dir, 'no-page')}`,
    `--adminCredentialsFile=${credsFile}`,
    `--adminSigningKeyFile=${keyFile}`,
    ...extra,
  ]);
  flags.staticExplicit = false; // no page needed here
  return startApp(flags, { log: () => {} });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JSON API in the real server', () => {
  let app: App;
  beforeAll(async () => {
    // Few tracked routes: aggregates with virtual ids above 2^53 take part too.
    app = await start(['--keyvizMaxTrackedRoutes=10', '--keyvizMaxMemberRoutesPerSlot=3']);
  });
  afterAll(() => app.shutdown());

  it('answers /admin/healthz and refuses the matrix without sign-in', async () => {
    const h = await fetch(`${app.http}/admin/healthz`);
    expect([h.status, await h.text()]).toEqual([200, 'ok']);
    const m = await fetch(`${app.http}/admin/api/v1/keyviz/matrix`);
    expect(m.status).toBe(401);
    expect(await m.json()).toEqual({ error: 'unauthenticated', message: 'sign in required' });
  });

  it('serves one matrix in two encodings: JSON equals Connect', async () => {
    const jar = cookieFetch();
    const json = createJsonAdminClient({
      baseUrl: app.http,
      fetch: jar.fetch,
      cookies: jar.cookies,
    });
    await json.login('AKOPS', 's3cret');
    const connect = createAdminClient({ baseUrl: app.http, transport: 'connect' });
    const probe = await json.getMatrix({ series: 'writes', rows: 0 });
    expect(probe.colCount).toBeGreaterThan(10);
    // A closed window: a live flush during the test cannot change it.
    const window = { fromMs: probe.columns[0], toMs: probe.columns[probe.colCount - 1] + 1 };
    for (const series of ['writes', 'reads', 'write_bytes', 'read_bytes'] as const) {
      for (const rows of [0, 7]) {
        const a = await json.getMatrix({ series, rows, ...window });
        const b = await connect.getMatrix({ series, rows, ...window });
        expect(a.rowCount).toBeGreaterThan(0);
        if (rows === 0) expect(a.rows.some((r) => r.aggregate && r.routeIdsTruncated)).toBe(true);
        expect(a).toEqual({
          ...b,
          rows: b.rows.map((r) => (r.aggregate ? r : { ...r, routeIds: [] })),
        });
      }
    }
    expect(await json.getOverview()).toEqual({ nodeId: 'node-7', upstreams: [] });
    await json.logout();
    expect(jar.jar.size).toBe(0);
  });

  it('lists the simulated cluster groups', async () => {
    const jar = cookieFetch();
    const json = createJsonAdminClient({
      baseUrl: app.http,
      fetch: jar.fetch,
      cookies: jar.cookies,
    });
    await json.login('AKOPS', 's3cret');
    const res = await jar.fetch(`${app.http}/admin/api/v1/cluster`);
    const body = (await res.json()) as { node_id: string; version: string; groups: unknown[] };
    expect(body.node_id).toBe('node-7');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.groups.length).toBeGreaterThan(0);
    expect(Object.keys(body.groups[0] as object)).toEqual([
      'group_id',
      'leader_id',
      'members',
      'is_leader',
      'leader_term',
    ]);
  });
});

describe('keyviz switched off', () => {
  let app: App;
  beforeAll(async () => {
    app = await start(['--keyvizEnabled=false']);
  });
  afterAll(() => app.shutdown());

  it('is 503 keyviz_disabled over JSON and Unavailable over Connect', async () => {
    const jar = cookieFetch();
    const json = createJsonAdminClient({
      baseUrl: app.http,
      fetch: jar.fetch,
      cookies: jar.cookies,
    });
    await json.login('AKOPS', 's3cret');
    const e: unknown = await json.getMatrix({ series: 'writes', rows: 0 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(JsonApiError);
    expect((e as JsonApiError).keyvizDisabled).toBe(true);
    const c: unknown = await createAdminClient({ baseUrl: app.http, transport: 'connect' })
      .getMatrix({ series: 'writes', rows: 0 })
      .catch((x: unknown) => x);
    // The page's matrix call is plain fetch (src/api/leanRpc.ts): its error is an RpcError with
    // ConnectError's code numbers, classified as "keyviz disabled" like the JSON one.
    expect(c).toBeInstanceOf(RpcError);
    expect((c as RpcError).code).toBe(Code.Unavailable);
    expect(classifyError(c).kind).toBe('disabled');
  });
});

describe('a malformed credentials file', () => {
  it('stops the server, naming the entry and field', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ access_key: 'A', secret_key: 'B', role: 'admin' }]));
    await expect(start([`--adminCredentialsFile=${bad}`])).rejects.toThrow(
      /entry 0: "role" must be "read_only" or "full", got "admin"/,
    );
    writeFileSync(bad, '{"access_key":');
    await expect(start([`--adminCredentialsFile=${bad}`])).rejects.toThrow(/not valid JSON/);
  });
});
