// A gateway in front of ONE node whose ring lost columns in its MIDDLE (the node stored
// all but a few, then restarted from its store): the gateway followed those columns, so its
// answer carries them (from its state) where the node's own answer has a hole; the time the
// node was down, which neither holds, stays a gap.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import type { GetKeyVizMatrixResponse } from '../../src/gen/admin_pb.ts';
import { HISTORY_FILE } from '../../server/history/sqliteStore.ts';
import { workloadFlags } from '../helpers/spawnServer.ts';
import { clientsFor, grpcClientAt, serverPool, tempDir } from './support.ts';

const STEP = 1000;
const READS = 1;
const { start, closers } = serverPool();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const aligned = (t: number) => Math.ceil(t / STEP) * STEP;

/** aligned time -> bucket id -> reads (non-zero cells only). */
function cellsOf(m: GetKeyVizMatrixResponse): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  m.columnUnixMs.forEach((t, j) => {
    const col: Record<string, number> = {};
    for (const r of m.rows) {
      const v = Number(r.values[j]);
      if (v !== 0) col[r.bucketId] = v;
    }
    out.set(aligned(Number(t)), col);
  });
  return out;
}

it('one upstream: columns missing in the middle of the node ring are filled from what the gateway followed', async () => {
  const dir = tempDir('gwmidgap');
  mkdirSync(path.join(dir, 'static'));
  const nodeDir = path.join(dir, 'node-history');
  const nodeArgs = (backfill: string) => [
    '--static',
    path.join(dir, 'static'),
    ...workloadFlags({ step: '1s', backfill, routes: 12, seed: 4 }),
    '--history',
    'on',
    '--historyDir',
    nodeDir,
    '--historyTiers',
    '1s:1h,10s:1d',
  ];
  const a = await start(nodeArgs('10s'));
  const gw = await start([
    '--static',
    path.join(dir, 'static'),
    '--upstream',
    a.grpc,
    '--upstreamInsecureNoAuth',
    '--adminInsecureNoAuth',
    '--upstreamFollow',
    '250ms',
    '--history',
    'on',
    '--historyDir',
    path.join(dir, 'gw-history'),
    '--historyTiers',
    '1s:1h,10s:1d',
  ]);
  const node = grpcClientAt(a.grpc);
  closers.push(node.close);
  const c = clientsFor(gw);
  closers.push(c.close);
  const page = c.all.find((x) => x.name === 'connect+proto')!.client;
  await sleep(4000);
  const seenRaw = await node.client.getKeyVizMatrix({ series: READS, rows: 1024 });
  const seen = cellsOf(seenRaw);
  const times = [...seen.keys()];
  expect(times.length).toBeGreaterThanOrEqual(10);
  // Three columns in the middle of the ring, which the gateway has followed by now.
  const lost = times.slice(3, 6);
  const viaGw = cellsOf(await page.getKeyVizMatrix({ series: READS, rows: 1024 }));
  for (const t of lost) expect([t, viaGw.get(t)]).toEqual([t, seen.get(t)]);

  // The node stops and its file loses those columns (as writes that failed before a crash),
  // then it restarts on the same address from that file, with no backfill: its ring has a
  // hole at `lost` and another for the time it was down.
  expect(await a.stop('SIGTERM')).toBe(0);
  const db = new Database(path.join(nodeDir, HISTORY_FILE));
  const rawTimes = seenRaw.columnUnixMs.map(Number).filter((t) => lost.includes(aligned(t)));
  expect(rawTimes).toHaveLength(3);
  const marks = rawTimes.map(() => '?').join(',');
  // Bucket lists, groups and terms (kinds 0, 5, 6) stay: later columns may read them.
  db.prepare(`DELETE FROM columns WHERE tier = 0 AND t IN (${marks})`).run(...rawTimes);
  db.prepare(`DELETE FROM blobs WHERE tier = 0 AND kind NOT IN (0, 5, 6) AND t IN (${marks})`).run(
    ...rawTimes,
  );
  db.close();
  const stoppedAt = Date.now();
  await sleep(4000);
  await start([...nodeArgs('0s'), '--listen', '127.0.0.1:0', '--grpcListen', a.grpc], true);
  await sleep(2500);

  const nodeNow = cellsOf(await node.client.getKeyVizMatrix({ series: READS, rows: 1024 }));
  // The node's own answer: the columns before and after the hole, not the hole.
  for (const t of lost) expect(nodeNow.has(t), `node column ${t}`).toBe(false);
  expect(nodeNow.has(times[2]) && nodeNow.has(times[6])).toBe(true);

  for (const from of [0, times[0] - 1]) {
    const got = cellsOf(
      await page.getKeyVizMatrix({ series: READS, rows: 1024, fromUnixMs: BigInt(from) }),
    );
    // The hole is filled with the very cells the node had answered before.
    for (const t of [...times.slice(1, 8)]) {
      expect([from, t, got.get(t)]).toEqual([from, t, seen.get(t)]);
    }
    // The time the node was down is held by no one: still a gap (no column, no zeros).
    const downFrom = aligned(stoppedAt) + STEP;
    const downTo = aligned(stoppedAt) + 3 * STEP;
    expect(
      [...got.keys()].filter((t) => t >= downFrom && t < downTo),
      `from ${from}`,
    ).toEqual([]);
    // The restarted node's new columns are there.
    expect(Math.max(...got.keys())).toBeGreaterThan(stoppedAt + 4000);
  }
}, 90_000);
