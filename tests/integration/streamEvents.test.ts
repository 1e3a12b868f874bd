// StreamEvents on a live server: one column event per flush and series on every
// protocol (Connect, gRPC-Web, gRPC; binary and JSON), route transitions from the
// split-merge scenario, and the JSON API's server-sent events. The 1,000 connects and
// disconnects per protocol are streamEvents.leak.test.ts's; a server stopping
// mid-stream is streamEvents.stop.test.ts's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyVizSeries, type StreamEventsEvent } from '../../src/gen/admin_pb.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { cookieFetch } from '../helpers/jsonApiFixture.ts';
import { clientsFor, type Clients } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyviz-stream-'));
const credsFile = join(dir, 'creds.json');
writeFileSync(
  credsFile,
  JSON.stringify([{ access_key: 'AKOPS', secret_key: 's3cret', role: 'read_only' }]),
);

let s: SpawnedServer;
let c: Clients;

beforeAll(async () => {
  s = await spawnServer([
    '--backfill=2m',
    '--keyvizStep=1s',
    '--routes=40',
    '--scenario=split-merge',
    '--seed=3',
    `--adminCredentialsFile=${credsFile}`,
  ]);
  c = clientsFor(s);
});
afterAll(async () => {
  c?.close();
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Column = Extract<StreamEventsEvent['event'], { case: 'keyvizColumn' }>['value'];

async function take(
  it: AsyncIterable<StreamEventsEvent>,
  want: (e: StreamEventsEvent) => boolean,
  n: number,
): Promise<StreamEventsEvent[]> {
  const out: StreamEventsEvent[] = [];
  for await (const e of it) {
    if (want(e)) out.push(e);
    if (out.length >= n) break;
  }
  return out;
}

const isColumn = (e: StreamEventsEvent) => e.event.case === 'keyvizColumn';

describe('StreamEvents', () => {
  it('sends each flush as a one-column event equal to the matrix column, on every protocol', async () => {
    await Promise.all(
      c.all.map(async ({ name, client }) => {
        const ac = new AbortController();
        const events = await take(
          client.streamEvents(
            { series: [KeyVizSeries.KEYVIZ_SERIES_WRITES] },
            { signal: ac.signal },
          ),
          isColumn,
          2,
        );
        ac.abort();
        const cols = events.map((e) => e.event.value as Column);
        expect(cols[1].columnUnixMs, name).toBeGreaterThan(cols[0].columnUnixMs);
        for (const col of cols) {
          expect(col.series).toBe(KeyVizSeries.KEYVIZ_SERIES_WRITES);
          expect(col.rows.length, name).toBeGreaterThan(0);
          for (const r of col.rows) {
            expect(r.values.length).toBe(1);
            expect(r.raftGroupIds.length).toBe(1);
            expect(r.leaderTerms.length).toBe(1);
          }
          // The same column through GetKeyVizMatrix.
          const m = await client.getKeyVizMatrix({
            series: KeyVizSeries.KEYVIZ_SERIES_WRITES,
            fromUnixMs: col.columnUnixMs,
            toUnixMs: col.columnUnixMs + 1n,
          });
          expect(m.columnUnixMs).toEqual([col.columnUnixMs]);
          expect(m.rows.map((r) => [r.bucketId, r.values])).toEqual(
            col.rows.map((r) => [r.bucketId, r.values]),
          );
        }
      }),
    );
  });

  it('streams all four series by default, one event each per flush', async () => {
    const client = c.all[0].client;
    const ac = new AbortController();
    const events = await take(client.streamEvents({}, { signal: ac.signal }), isColumn, 8);
    ac.abort();
    const cols = events.map((e) => e.event.value as Column);
    const first = cols[0].columnUnixMs;
    const sameFlush = cols.filter((x) => x.columnUnixMs === cols[4].columnUnixMs);
    expect(sameFlush.map((x) => x.series).sort()).toEqual([1, 2, 3, 4]);
    expect(cols[4].columnUnixMs).toBeGreaterThan(first);
  });

  it('reports splits and merges with lineage ids', async () => {
    const client = c.all[4].client; // gRPC
    const ac = new AbortController();
    const [ev] = await take(
      client.streamEvents({ series: [KeyVizSeries.KEYVIZ_SERIES_READS] }, { signal: ac.signal }),
      (e) => e.event.case === 'routeTransition',
      1,
    );
    ac.abort();
    if (ev.event.case !== 'routeTransition') throw new Error('no transition');
    const t = ev.event.value;
    expect(['split', 'merge']).toContain(t.kind);
    expect(t.childRouteIds.length).toBe(2);
    expect(t.childRouteIds[0]).toBe(t.parentRouteId);
    expect(t.lineageId).toBe(`${t.kind}/${t.parentRouteId}/${t.unixMs}`);
    expect(t.boundary.length).toBeGreaterThan(0);
  });

  it('serves the JSON API equivalent as server-sent events, behind the same sign-in', async () => {
    const anon = await fetch(`${s.http}/admin/api/v1/keyviz/events`);
    expect(anon.status).toBe(401);
    const jar = cookieFetch();
    const login = await jar.fetch(`${s.http}/admin/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ access_key: 'AKOPS', secret_key: 's3cret' }),
    });
    expect(login.status).toBe(200);
    const bad = await jar.fetch(`${s.http}/admin/api/v1/keyviz/events?series=nope`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_query');
    const ac = new AbortController();
    const res = await jar.fetch(`${s.http}/admin/api/v1/keyviz/events?series=writes`, {
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while ((text.match(/event: keyviz_column/g) ?? []).length < 1) {
      const r = await reader.read();
      if (r.done) break;
      text += r.value;
    }
    ac.abort();
    const frame = text.split('\n\n').find((f) => f.startsWith('event: keyviz_column'))!;
    const data = JSON.parse(frame.split('\ndata: ')[1]) as {
      column_unix_ms: number;
      series: string;
      rows: { bucket_id: string; values: number[]; leader_terms: number[] }[];
    };
    expect(data.series).toBe('writes');
    expect(data.rows.length).toBeGreaterThan(0);
    for (const r of data.rows) {
      expect(r.bucket_id).toMatch(/^(route|virtual):/);
      expect(r.values.length).toBe(1);
      expect(r.leader_terms.length).toBe(1);
    }
  });
});
