// A server that stops mid-stream, seen by a client on each protocol (Connect,
// gRPC-Web, gRPC, the JSON API's server-sent events): an orderly stop (SIGTERM)
// ends every stream cleanly; a crash (SIGKILL) fails every one with an error. No
// client hangs: each sees its end within a few seconds of the stop.
import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { afterAll, describe, expect, it } from 'vitest';
import { Admin, KeyVizSeries } from '../../src/gen/admin_pb.ts';
import { signIn, writeCredentials } from '../helpers/jsonAdmin.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { tempDir } from './support.ts';

/** How long a client may take to see the end after the stop. */
const END_WITHIN_MS = 5_000;

const sessions: Http2SessionManager[] = [];
const spawned: SpawnedServer[] = [];
afterAll(async () => {
  sessions.forEach((sm) => sm.abort());
  await Promise.all(spawned.map((s) => s.stop('SIGKILL')));
});

type Outcome = { name: string; ended: 'clean' | 'error'; detail: string; afterStopMs: number };

/**
 * Opens one stream per protocol, waits for a column on each, stops the server with
 * `signal`, and resolves how each stream ended and how long after the stop.
 */
async function stopMidStream(signal: NodeJS.Signals): Promise<Outcome[]> {
  const dir = tempDir('streamstop');
  const creds = writeCredentials(dir, [{ access: 'AKSTOP', secret: 's3cret', role: 'read_only' }]);
  const s = await spawnServer([
    '--keyvizStep=250ms',
    '--backfill=10s',
    '--routes=16',
    `--adminCredentialsFile=${creds}`,
  ]);
  spawned.push(s);
  const cookie = await signIn(s.http, 'AKSTOP', 's3cret');
  const sm = new Http2SessionManager(`http://${s.grpc}`);
  sessions.push(sm);
  const rpc: [string, Client<typeof Admin>][] = [
    ['connect', createClient(Admin, createConnectTransport({ baseUrl: s.http }))],
    ['grpc-web', createClient(Admin, createGrpcWebTransport({ baseUrl: s.http }))],
    [
      'grpc',
      createClient(Admin, createGrpcTransport({ baseUrl: `http://${s.grpc}`, sessionManager: sm })),
    ],
  ];
  let stoppedAt = 0;
  // A hang fails the test here rather than at the test's timeout.
  const guard = new AbortController();
  const readers = rpc.map(async ([name, client]): Promise<[Promise<void>, Promise<Outcome>]> => {
    const stream = client.streamEvents(
      { series: [KeyVizSeries.KEYVIZ_SERIES_WRITES] },
      { signal: guard.signal },
    );
    const it = stream[Symbol.asyncIterator]();
    let first!: () => void;
    const firstColumn = new Promise<void>((r) => (first = r));
    const outcome = (async (): Promise<Outcome> => {
      try {
        for (;;) {
          const r = await it.next();
          if (r.done) break;
          if (r.value.event.case === 'keyvizColumn') first();
        }
        return { name, ended: 'clean', detail: '', afterStopMs: performance.now() - stoppedAt };
      } catch (e) {
        return {
          name,
          ended: 'error',
          detail: String(e),
          afterStopMs: performance.now() - stoppedAt,
        };
      }
    })();
    return [firstColumn, outcome];
  });
  const sse = (async (): Promise<[Promise<void>, Promise<Outcome>]> => {
    const res = await fetch(`${s.http}/admin/api/v1/keyviz/events?series=writes`, {
      headers: { cookie },
      signal: guard.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let first!: () => void;
    const firstColumn = new Promise<void>((r) => (first = r));
    const outcome = (async (): Promise<Outcome> => {
      try {
        for (;;) {
          const r = await reader.read();
          if (r.done) break;
          if (r.value.includes('event: keyviz_column')) first();
        }
        return {
          name: 'sse',
          ended: 'clean',
          detail: '',
          afterStopMs: performance.now() - stoppedAt,
        };
      } catch (e) {
        const detail = `${String(e)} ${String((e as { cause?: unknown }).cause ?? '')}`;
        return { name: 'sse', ended: 'error', detail, afterStopMs: performance.now() - stoppedAt };
      }
    })();
    return [firstColumn, outcome];
  })();
  const all = await Promise.all([...readers, sse]);
  await Promise.all(all.map(([f]) => f));
  stoppedAt = performance.now();
  const code = s.stop(signal);
  const hang = setTimeout(() => guard.abort(new Error('hung')), END_WITHIN_MS * 2);
  const outcomes = await Promise.all(all.map(([, o]) => o));
  clearTimeout(hang);
  if (signal === 'SIGTERM') expect(await code).toBe(0);
  return outcomes;
}

describe('a server that stops mid-stream', () => {
  it('SIGTERM: every protocol sees its stream end cleanly, at once', async () => {
    const outcomes = await stopMidStream('SIGTERM');
    for (const o of outcomes) {
      expect(o, o.name).toMatchObject({ ended: 'clean' });
      expect(o.afterStopMs, o.name).toBeLessThan(END_WITHIN_MS);
    }
  }, 60_000);

  it('SIGKILL: every protocol sees an error, not a hang and not a clean end', async () => {
    const outcomes = await stopMidStream('SIGKILL');
    for (const o of outcomes) {
      expect(o, o.name).toMatchObject({ ended: 'error' });
      expect(o.detail, o.name).not.toMatch(/hung/);
      expect(o.afterStopMs, o.name).toBeLessThan(END_WITHIN_MS);
    }
  }, 60_000);
});
