// GET /admin/api/v1/keyviz/hotkeys in the real server (server/app.ts listening on
// a free port): role check, every parameter rule and message, the response keys
// in the node's order (then ours), the values against the sampler's own answer,
// past windows, the audit line, and the disabled states.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../server/app.ts';
import { parseFlags } from '../../server/flags.ts';
import { cookieFetch } from '../helpers/jsonApiFixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyviz-hotkeys-'));
const credsFile = join(dir, 'creds.json');
writeFileSync(
  credsFile,
  JSON.stringify([
    { access_key: 'AKFULL', secret_key: 'full-secret', role: 'full' },
    { access_key: 'AKRO', secret_key: 'ro-secret', role: 'read_only' },
  ]),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PATH = '/admin/api/v1/keyviz/hotkeys';
const NODE_KEYS = [
  'route_id',
  'series',
  'keys',
  'approximate',
  'sample_rate',
  'sampled_n',
  'dropped_samples',
  'skipped_long_keys',
  'degraded',
  'error_bound',
  'snapshot_at',
];
const OUR_KEYS = ['window_from_unix_ms', 'window_to_unix_ms', 'windows', 'capacity'];

async function start(extra: string[], log: string[] = []): Promise<App> {
  const flags = parseFlags([
    '--listen=127.0.0.1:0',
    '--grpcListen=127.0.0.1:0',
    '--routes=60',
    '--backfill=3h',
    // A 1 h step: no flush can happen while the test runs.
    '--keyvizStep=1h',
    // No store in the working folder: a second run would restore this one's history.
    '--history=off',
    `--static=${join(dir, 'no-page')}`,
    `--adminCredentialsFile=${credsFile}`,
    ...extra,
  ]);
  flags.staticExplicit = false;
  return startApp(flags, { log: (l) => log.push(l) });
}

async function signIn(app: App, key: string, secret: string) {
  const jar = cookieFetch();
  const r = await jar.fetch(`${app.http}/admin/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ access_key: key, secret_key: secret }),
  });
  expect(r.status).toBe(200);
  return async (query: string, init: RequestInit = {}) => {
    const res = await jar.fetch(`${app.http}${PATH}${query}`, init);
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
}

/** The route with most sampled writes in the latest window. */
function busiestRoute(app: App): { id: number; label: string } {
  const w = app.sampler!.hotKeyTracker!.history.latest()!;
  const s = [...w.slots.values()].sort((a, b) => b.sampledN - a.sampledN)[0];
  return { id: s.routeId, label: s.label };
}

describe('hot keys over the JSON API', () => {
  const log: string[] = [];
  let app: App;
  let full: Awaited<ReturnType<typeof signIn>>;
  let ro: Awaited<ReturnType<typeof signIn>>;
  beforeAll(async () => {
    app = await start(['--keyvizKeyBucketsPerRoute=4'], log);
    full = await signIn(app, 'AKFULL', 'full-secret');
    ro = await signIn(app, 'AKRO', 'ro-secret');
  });
  afterAll(() => app.shutdown());

  it('needs a session, and full access', async () => {
    const anon = await fetch(`${app.http}${PATH}?route_id=1`);
    expect(anon.status).toBe(401);
    expect(await anon.json()).toEqual({ error: 'unauthenticated', message: 'sign in required' });
    const r = await ro('?route_id=1');
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text)).toEqual({
      error: 'forbidden',
      message: 'this endpoint requires admin.full_access_keys membership',
    });
    const post = await full('?route_id=1', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(JSON.parse(post.text).error).toBe('method_not_allowed');
  });

  it("checks every parameter with the node's messages", async () => {
    const cases: [string, number, string, string][] = [
      ['', 400, 'invalid_query', 'route_id is required'],
      ['?route_id=', 400, 'invalid_query', 'route_id is required'],
      ['?route_id=-1', 400, 'invalid_query', 'route_id must be an unsigned 64-bit integer'],
      ['?route_id=x', 400, 'invalid_query', 'route_id must be an unsigned 64-bit integer'],
      [
        '?route_id=18446744073709551616',
        400,
        'invalid_query',
        'route_id must be an unsigned 64-bit integer',
      ],
      [
        '?route_id=1&label=mongo',
        400,
        'invalid_query',
        'label must be a known KeyViz adapter label',
      ],
      [
        '?route_id=1&sub_bucket=-1',
        400,
        'invalid_query',
        'sub_bucket must be a non-negative integer',
      ],
      [
        '?route_id=1&sub_bucket=a',
        400,
        'invalid_query',
        'sub_bucket must be a non-negative integer',
      ],
      [
        '?route_id=1&series=reads',
        400,
        'invalid_query',
        "series: v1 supports only 'writes' (design §5)",
      ],
      ['?route_id=1&top=0', 400, 'invalid_query', 'top must be a positive integer'],
      ['?route_id=1&top=-4', 400, 'invalid_query', 'top must be a positive integer'],
      ['?route_id=1&top=1.5', 400, 'invalid_query', 'top must be a positive integer'],
      ['?route_id=1&from_unix_ms=x', 400, 'invalid_query', 'from_unix_ms must be an integer'],
      [
        '?route_id=1&from_unix_ms=9&to_unix_ms=8',
        400,
        'invalid_query',
        'from_unix_ms must be <= to_unix_ms',
      ],
      ['?route_id=999999', 404, 'no_snapshot', 'no hot-key snapshot for this route yet'],
      [
        '?route_id=18446744073709551615',
        404,
        'no_snapshot',
        'no hot-key snapshot for this route yet',
      ],
      [
        '?route_id=1&from_unix_ms=1000&to_unix_ms=2000',
        400,
        'out_of_snapshot_window',
        'requested window does not overlap a hot-key window held by this node',
      ],
    ];
    for (const [q, status, error, message] of cases) {
      const r = await full(q);
      expect([q, r.status, JSON.parse(r.text)]).toEqual([q, status, { error, message }]);
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
    const { id } = busiestRoute(app);
    const range = app.sampler!.getRoute(id)!;
    expect(range).toBeDefined();
    const r = await full(`?route_id=${id}&sub_bucket=256`);
    expect([r.status, JSON.parse(r.text)]).toEqual([
      400,
      { error: 'invalid_query', message: 'sub_bucket is out of range for this route' },
    ]);
  });

  it("answers the latest window with the node's keys in order, then ours", async () => {
    const { id, label } = busiestRoute(app);
    const q = label ? `&label=${label}` : '';
    const r = await full(`?route_id=${id}${q}&top=5`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    const body = JSON.parse(r.text) as Record<string, unknown>;
    const expectedKeys = [...NODE_KEYS];
    if (label) expectedKeys.splice(1, 0, 'label');
    expect(Object.keys(body)).toEqual([...expectedKeys, ...OUR_KEYS]);
    const own = app.sampler!.hotKeys({
      routeId: id,
      label,
      subBucket: null,
      top: 5,
      fromMs: 0,
      toMs: 0,
    });
    if (!own?.ok) throw new Error('sampler has no answer');
    const a = own.result;
    expect(body).toEqual({
      route_id: id,
      ...(label ? { label } : {}),
      series: 'writes',
      keys: a.keys.map((k) => ({ key_b64: Buffer.from(k.key).toString('base64'), count: k.count })),
      approximate: true,
      sample_rate: 16,
      sampled_n: a.sampledN,
      dropped_samples: a.droppedSamples,
      skipped_long_keys: a.skippedLongKeys,
      degraded: a.droppedSamples + a.skippedLongKeys > 0,
      error_bound: Math.floor((16 * a.sampledN) / 64),
      snapshot_at: new Date(a.snapshotAtMs).toISOString(),
      window_from_unix_ms: a.windowFromMs,
      window_to_unix_ms: a.windowToMs,
      windows: 1,
      capacity: 64,
    });
    const keys = body.keys as { count: number }[];
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.length).toBeLessThanOrEqual(5);
    for (const k of keys) expect(k.count % 16).toBe(0);
    for (let i = 1; i < keys.length; i++)
      expect(keys[i].count).toBeLessThanOrEqual(keys[i - 1].count);
    // snapshot_at is the newest matrix column.
    expect(a.snapshotAtMs).toBe(app.sampler!.latestColumn()!.unixMs);
    // The audit line names the call without key bytes.
    const line = log.find((l) => l.includes('component=admin.keyviz.hotkeys'))!;
    expect(line).toContain(`route_id=${id}`);
    expect(line).toContain('top=5 series=writes');
    expect(line).toContain(`returned=${keys.length}`);
    expect(line).toContain('sub_bucket=-1 principal=AKFULL');
    for (const k of a.keys) expect(line).not.toContain(Buffer.from(k.key).toString('latin1'));
  });

  it('top above 1024 clamps to the capacity; sub_bucket filters and is echoed', async () => {
    const { id, label } = busiestRoute(app);
    const q = label ? `&label=${label}` : '';
    const all = JSON.parse((await full(`?route_id=${id}${q}&top=100000`)).text);
    expect(all.keys.length).toBeLessThanOrEqual(64);
    let seen = 0;
    for (let i = 0; i < 4; i++) {
      const r = await full(`?route_id=${id}${q}&top=64&sub_bucket=${i}`);
      if (r.status === 400) break; // the route splits into fewer than 4
      const body = JSON.parse(r.text);
      expect(Object.keys(body).indexOf('sub_bucket')).toBe(label ? 2 : 1);
      expect(body.sub_bucket).toBe(i);
      seen += body.keys.length;
    }
    // The sub-buckets partition the route's keys.
    expect(seen).toBe(all.keys.length);
  });

  it('answers a past window with that window, and a selection merged', async () => {
    const cols = app.sampler!.snapshot().map((c) => c.unixMs);
    expect(cols.length).toBeGreaterThanOrEqual(3);
    const { id, label } = busiestRoute(app);
    const q = label ? `&label=${label}` : '';
    const first = JSON.parse(
      (await full(`?route_id=${id}${q}&from_unix_ms=${cols[0]}&to_unix_ms=${cols[0] + 1}`)).text,
    );
    expect(first.window_to_unix_ms).toBe(cols[0]);
    expect(first.snapshot_at).toBe(new Date(cols[0]).toISOString());
    expect(first.windows).toBe(1);
    const merged = JSON.parse(
      (await full(`?route_id=${id}${q}&from_unix_ms=${cols[0]}&to_unix_ms=${cols.at(-1)! + 1}`))
        .text,
    );
    expect(merged.windows).toBe(cols.length);
    expect(merged.window_to_unix_ms).toBe(cols.at(-1));
    expect(merged.window_from_unix_ms).toBe(cols[0] - 3_600_000);
  });
});

describe('hot keys switched off', () => {
  it('answers 503 hotkeys_disabled, and keyviz_disabled without a sampler', async () => {
    for (const [flag, code, message] of [
      [
        '--keyvizHotKeysEnabled=false',
        'hotkeys_disabled',
        'hot-keys drill-down is not enabled on this node (--keyvizHotKeysEnabled)',
      ],
      ['--keyvizEnabled=false', 'keyviz_disabled', 'keyviz sampler not configured on this node'],
    ]) {
      const app = await start([flag]);
      try {
        const full = await signIn(app, 'AKFULL', 'full-secret');
        const r = await full('?route_id=1');
        expect([r.status, JSON.parse(r.text)]).toEqual([503, { error: code, message }]);
      } finally {
        await app.shutdown();
      }
    }
  });
});
