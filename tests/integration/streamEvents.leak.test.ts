// No leak of streams or timers after 1,000 connects and disconnects of StreamEvents,
// on each protocol (Connect, gRPC-Web, gRPC, the JSON API's server-sent events),
// against our server and through the gateway (whose streams each hold one on the
// node behind it: those must close too). Idle means, on every process involved:
// no open stream, no heartbeat timer, every stream opened also closed, and no more
// referenced timeouts in the process than before (a gateway's back-off sleep, a
// socket's timer): all from GET /healthz/streams.
import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, KeyVizSeries } from '../../src/gen/admin_pb.ts';
import { signIn, writeCredentials } from '../helpers/jsonAdmin.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { tempDir } from './support.ts';

const CYCLES = 1000;
/** Streams in flight at once (a pool, not waves: no wave waits for its slowest). */
const CONCURRENCY = 100;
const PROTOCOLS = ['connect', 'grpc-web', 'grpc', 'sse'] as const;
type Protocol = (typeof PROTOCOLS)[number];

interface Stats {
  open: number;
  opened: number;
  closed: number;
  droppedSlow: number;
  timers: number;
  processTimeouts: number;
  /** Connections of open streams the server watches (streamWatch.ts). */
  watched: number;
  /** Streams the watch's sweep ended with no close event (each one a missed event). */
  sweptGone: number;
}

interface Target {
  name: 'server' | 'gateway';
  /** What the clients talk to. */
  front: SpawnedServer;
  /** Every process whose streams a client stream holds (the gateway and its node). */
  watched: { name: string; s: SpawnedServer; idleTimeouts: number }[];
  cookie: string;
  clients: Record<Exclude<Protocol, 'sse'>, Client<typeof Admin>>;
}

const sessions: Http2SessionManager[] = [];
/** gRPC calls refused by a GOAWAY and retried (see cycle). */
let refused = 0;
const spawned: SpawnedServer[] = [];
const targets: Target[] = [];

async function stats(s: SpawnedServer): Promise<Stats> {
  return (await (await fetch(`${s.http}/healthz/streams`)).json()) as Stats;
}

function isIdle(st: Stats, idleTimeouts: number): boolean {
  return (
    st.open === 0 &&
    st.timers === 0 &&
    st.watched === 0 &&
    st.closed === st.opened &&
    st.processTimeouts <= idleTimeouts
  );
}

/** Polls until idle (a disconnect reaches the server a little later); the last stats. */
async function settle(s: SpawnedServer, idleTimeouts: number): Promise<Stats> {
  let st = await stats(s);
  for (let i = 0; i < 100 && !isIdle(st, idleTimeouts); i++) {
    await new Promise((r) => setTimeout(r, 100));
    st = await stats(s);
  }
  return st;
}

function clientsOf(s: SpawnedServer): Target['clients'] {
  const sm = new Http2SessionManager(`http://${s.grpc}`);
  sessions.push(sm);
  return {
    connect: createClient(Admin, createConnectTransport({ baseUrl: s.http })),
    'grpc-web': createClient(Admin, createGrpcWebTransport({ baseUrl: s.http })),
    grpc: createClient(
      Admin,
      createGrpcTransport({ baseUrl: `http://${s.grpc}`, sessionManager: sm }),
    ),
  };
}

/**
 * One stream: `early` aborts it 5 ms in (often before the server sees it);
 * otherwise it reads the first event the server sends (a column, through the
 * gateway one that came from the node) and then disconnects. Resolves whether it got
 * something.
 */
async function cycle(t: Target, proto: Protocol, early: boolean): Promise<boolean> {
  const ac = new AbortController();
  if (early) setTimeout(() => ac.abort(), 5);
  try {
    if (proto === 'sse') {
      const res = await fetch(`${t.front.http}/admin/api/v1/keyviz/events?series=writes`, {
        headers: { cookie: t.cookie },
        signal: ac.signal,
      });
      if (res.status !== 200) throw new Error(`events answered ${res.status}`);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      while (!text.includes('event: ')) {
        const r = await reader.read();
        if (r.done) return false;
        text += r.value;
      }
      return true;
    }
    for await (const e of t.clients[proto].streamEvents(
      { series: [KeyVizSeries.KEYVIZ_SERIES_WRITES] },
      { signal: ac.signal },
    )) {
      void e;
      return true;
    }
    return false;
  } catch (e) {
    if (ac.signal.aborted) return false; // the early abort
    // After ~500 resets on one connection the server asks the client to reconnect
    // (a graceful GOAWAY, listeners.ts guardResets); calls the client started before
    // it saw the GOAWAY are refused, unprocessed. connect-node does not retry them.
    if (proto === 'grpc' && String(e).includes('REFUSED_STREAM')) {
      refused++;
      return cycle(t, proto, early);
    }
    throw e;
  } finally {
    ac.abort();
  }
}

async function pool(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

beforeAll(async () => {
  const dir = tempDir('streamleak');
  const creds = writeCredentials(dir, [{ access: 'AKLEAK', secret: 's3cret', role: 'read_only' }]);
  // A short step so the waited-for half of the streams gets its first column soon.
  const sampler = ['--keyvizStep=200ms', '--backfill=10s', '--routes=16', '--seed=5'];
  const [server, node] = await Promise.all([
    spawnServer([...sampler, `--adminCredentialsFile=${creds}`]),
    spawnServer(sampler),
  ]);
  spawned.push(server, node);
  const gateway = await spawnServer([
    `--upstream=${node.grpc}`,
    '--upstreamInsecureNoAuth',
    `--adminCredentialsFile=${creds}`,
  ]);
  spawned.push(gateway);
  const [serverCookie, gatewayCookie] = await Promise.all([
    signIn(server.http, 'AKLEAK', 's3cret'),
    signIn(gateway.http, 'AKLEAK', 's3cret'),
  ]);
  const watch = (name: string, s: SpawnedServer) => ({ name, s, idleTimeouts: 0 });
  targets.push(
    {
      name: 'server',
      front: server,
      watched: [watch('server', server)],
      cookie: serverCookie,
      clients: clientsOf(server),
    },
    {
      name: 'gateway',
      front: gateway,
      watched: [watch('gateway', gateway), watch('node behind the gateway', node)],
      cookie: gatewayCookie,
      clients: clientsOf(gateway),
    },
  );
  // Every connection and lazy timer a stream brings up once is up (the gateway's
  // session to the node): the idle timeout counts are taken after one stream of each kind.
  for (const t of targets) {
    for (const p of PROTOCOLS) expect(await cycle(t, p, false)).toBe(true);
    for (const w of t.watched) {
      const st = await settle(w.s, Number.POSITIVE_INFINITY);
      w.idleTimeouts = st.processTimeouts;
    }
  }
}, 90_000);

afterAll(async () => {
  sessions.forEach((sm) => sm.abort());
  await Promise.all(spawned.map((s) => s.stop()));
});

describe.each(['server', 'gateway'] as const)('StreamEvents leak check: %s', (name) => {
  it.each(PROTOCOLS)(
    `${CYCLES} connects and disconnects over %s leave no stream or timer behind`,
    async (proto) => {
      const t = targets.find((x) => x.name === name)!;
      const before = await Promise.all(t.watched.map((w) => stats(w.s)));
      const started = performance.now();
      let got = 0;
      refused = 0;
      // Half disconnect after their first event (the server really
      // had them open), half while the call is still being set up.
      await pool(CYCLES, CONCURRENCY, async (i) => {
        if (await cycle(t, proto, i % 2 === 1)) got++;
      });
      const afterCycles = performance.now();
      const after = await Promise.all(t.watched.map((w) => settle(w.s, w.idleTimeouts)));
      console.log(
        `leak ${name}/${proto}: ${CYCLES} cycles in ${Math.round(afterCycles - started)} ms, ` +
          `idle ${Math.round(performance.now() - afterCycles)} ms later (loaded machine); ` +
          t.watched
            .map(
              (w, k) =>
                `${w.name} opened ${after[k].opened - before[k].opened}, ` +
                `swept ${after[k].sweptGone - before[k].sweptGone}`,
            )
            .join(', ') +
          (proto === 'grpc' ? `; ${refused} refused after a GOAWAY and retried` : ''),
      );
      expect(got).toBeGreaterThanOrEqual(CYCLES / 2);
      t.watched.forEach((w, k) => {
        const a = after[k];
        // Some early aborts never reach the server; the waited-for half all did.
        expect(a.opened - before[k].opened, w.name).toBeGreaterThanOrEqual(CYCLES / 2);
        expect(a, w.name).toMatchObject({ open: 0, timers: 0, watched: 0, closed: a.opened });
        expect(a.processTimeouts, `${w.name}: referenced timeouts`).toBeLessThanOrEqual(
          w.idleTimeouts,
        );
      });
    },
    120_000,
  );
});
