// The gateway's answer cache over real nodes (our own server, synthetic workload,
// 10 s step, plain gRPC with a token) and a real listening gateway following them:
// - two calls whose `from` differs by 1 ms inside one column are one assembly
//   (/healthz/detail counters) with identical answers, and so is the JSON API's call
//   for the same columns; identical calls at once share one assembly (single flight);
// - a new column brought by a follow round is a miss, and the answer has it;
// - a node going down and coming back shows at once in a window whose columns do
//   not change (a key of the columns alone would keep serving the old answer: node
//   health is in the key).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { workloadFlags, type SpawnedServer } from '../helpers/spawnServer.ts';
import { clientsFor, getJson, serverPool, tempDir } from './support.ts';
import { signIn, writeCredentials } from '../helpers/jsonAdmin.ts';

const NODE_TOKEN = 'node-token-cache-test';
const STEP = 10_000;
const READS = 1;
const { start, closers } = serverPool();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Detail {
  matrixCache: { computed: number; hits: number; entries: number; bytes: number; maxBytes: number };
  follow: { rounds: number; version: number };
}

let dir = '';
let nodeArgs: (seed: number) => string[] = () => [];
let a: SpawnedServer;
let b: SpawnedServer;
let gw: SpawnedServer;
let client: ReturnType<typeof clientsFor>['all'][number]['client'];
let cookie = '';
/** The JSON API's matrix (reads), as the columns and rows it lists. */
const askJson = async (fromUnixMs: number, rows: number) => {
  const res = await fetch(
    `${gw.http}/admin/api/v1/keyviz/matrix?series=reads&rows=${rows}&from_unix_ms=${fromUnixMs}`,
    { headers: { cookie } },
  );
  if (res.status !== 200) throw new Error(`JSON API matrix: ${res.status}`);
  return (await res.json()) as { column_unix_ms: number[]; rows: unknown[] };
};
const detail = () => getJson<Detail>(`${gw.http}/healthz/detail`);
const ask = (fromUnixMs = 0, toUnixMs = 0, rows = 1024) =>
  client.getKeyVizMatrix({
    series: READS,
    rows,
    fromUnixMs: BigInt(fromUnixMs),
    toUnixMs: BigInt(toUnixMs),
  });

beforeAll(async () => {
  dir = tempDir('gwcache');
  mkdirSync(path.join(dir, 'static'));
  const nodeTok = path.join(dir, 'node.token');
  writeFileSync(nodeTok, `${NODE_TOKEN}\n`);
  nodeArgs = (seed: number) => [
    '--static',
    path.join(dir, 'static'),
    ...workloadFlags({ step: '10s', backfill: '60s', routes: 12, seed }),
    '--adminTokenFile',
    nodeTok,
  ];
  [a, b] = await Promise.all([start(nodeArgs(1)), start(nodeArgs(2))]);
  gw = await start([
    '--static',
    path.join(dir, 'static'),
    '--upstream',
    `${a.grpc},${b.grpc}`,
    '--upstreamTokenFile',
    nodeTok,
    '--adminInsecureNoAuth',
    '--adminCredentialsFile',
    writeCredentials(dir, [{ access: 'AKOPS', secret: 'cache-secret', role: 'read_only' }]),
    '--upstreamFollow',
    '250ms',
  ]);
  cookie = await signIn(gw.http, 'AKOPS', 'cache-secret');
  const c = clientsFor(gw);
  closers.push(c.close);
  client = c.all.find((x) => x.name === 'connect+proto')!.client;
  // Warm: answered from the state (aligned), both nodes in.
  for (let i = 0; i < 100; i++) {
    const m = await ask();
    if (m.alignedStepMs === BigInt(STEP) && m.nodes.every((n) => n.ok) && m.columnUnixMs.length > 4)
      return;
    await sleep(200);
  }
  throw new Error('the gateway never answered from its follow state');
}, 60_000);

describe('gateway answer cache', () => {
  it('two calls whose from differs by 1 ms inside a column are one assembly, same answer', async () => {
    // The nodes' own flush times (exact merge: a fan-out, never cached): `from` must not
    // sit on one, or moving it by 1 ms would rightly select another column set.
    const exact = await client.getKeyVizMatrix({ series: READS, rows: 1024, exactColumns: true });
    const raw = new Set(exact.columnUnixMs.map(Number));
    let checked = false;
    for (let attempt = 0; attempt < 8 && !checked; attempt++) {
      const m = await ask();
      const cols = m.columnUnixMs.map(Number);
      let from = cols[Math.floor(cols.length / 2)] - STEP / 2;
      while (raw.has(from) || raw.has(from + 1) || raw.has(from + 2)) from += 3;
      // Row budgets of this attempt only: an earlier attempt's answers (cached, rightly, if
      // the round that made it retry did not touch them) are not asked again.
      const rows = 1000 - attempt;
      const before = await detail();
      const one = await ask(from, 0, rows);
      const two = await ask(from + 1, 0, rows);
      const json = await askJson(from + 2, rows);
      // Three identical calls at once (another row budget: another key): one assembly.
      const together = await Promise.all([0, 0, 0].map(() => ask(from, 0, rows - 500)));
      const after = await detail();
      // A follow round changed the state in between (a node flushed): misses, rightly.
      if (after.follow.version !== before.follow.version) continue;
      expect(after.matrixCache.computed - before.matrixCache.computed).toBe(2);
      expect(after.matrixCache.hits - before.matrixCache.hits).toBe(4);
      expect(two).toEqual(one);
      expect(json.column_unix_ms).toEqual(one.columnUnixMs.map(Number));
      expect(json.rows.length).toBe(one.rows.length);
      expect(together[1]).toEqual(together[0]);
      expect(together[2]).toEqual(together[0]);
      expect(one.columnUnixMs.length).toBeGreaterThan(0);
      expect(Number(one.columnUnixMs[0])).toBeGreaterThanOrEqual(from - STEP);
      expect(after.matrixCache.entries).toBeGreaterThan(0);
      expect(after.matrixCache.bytes).toBeGreaterThan(0);
      expect(after.matrixCache.bytes).toBeLessThanOrEqual(after.matrixCache.maxBytes);
      checked = true;
    }
    expect(checked).toBe(true);
  }, 60_000);

  it('a new column after a follow round is a miss, and the answer has it', async () => {
    const first = await ask();
    const newest = (m: typeof first) => Number(m.columnUnixMs[m.columnUnixMs.length - 1]);
    const before = await detail();
    // The same call again before anything changed: a hit.
    const again = await ask();
    const mid = await detail();
    if (mid.follow.version === before.follow.version) {
      expect(mid.matrixCache.computed).toBe(before.matrixCache.computed);
      expect(again).toEqual(first);
    }
    // A column newer than the first answer's newest arrives with a follow round.
    let next = first;
    for (let i = 0; i < 100 && newest(next) <= newest(first); i++) {
      await sleep(250);
      next = await ask();
    }
    const after = await detail();
    expect(newest(next)).toBeGreaterThan(newest(first));
    expect(after.follow.version).toBeGreaterThan(before.follow.version);
    expect(after.matrixCache.computed).toBeGreaterThan(mid.matrixCache.computed);
  }, 60_000);

  it('a node down and back shows at once in a window whose columns do not change', async () => {
    // A closed window in the past: its key (columns first, last, count) stays the same.
    const m = await ask();
    const cols = m.columnUnixMs.map(Number);
    const from = cols[1] - STEP / 2;
    const to = cols[cols.length - 3];
    const closed = await ask(from, to);
    expect(closed.nodes.map((n) => n.ok)).toEqual([true, true]);
    const held = closed.columnUnixMs;

    await b.stop('SIGKILL');
    let down = closed;
    for (let i = 0; i < 40 && down.nodes[1].ok; i++) {
      await sleep(250);
      down = await ask(from, to);
    }
    // Partial, and said so: the failed node is listed as failed, the columns are kept.
    expect(down.nodes.map((n) => n.ok)).toEqual([true, false]);
    expect(down.columnUnixMs).toEqual(held);
    const whileDown = await detail();

    // B again on the same address: the answer says so as soon as a round has seen it.
    const b2 = await start(
      [...nodeArgs(3), '--listen', '127.0.0.1:0', '--grpcListen', b.grpc],
      true,
    );
    let up = down;
    for (let i = 0; i < 60 && !up.nodes[1].ok; i++) {
      await sleep(250);
      up = await ask(from, to);
    }
    expect(up.nodes.map((n) => n.ok)).toEqual([true, true]);
    expect((await detail()).matrixCache.computed).toBeGreaterThan(whileDown.matrixCache.computed);
    expect(b2.grpc).toBe(b.grpc);
  }, 60_000);
});
