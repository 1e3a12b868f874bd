// kill -9 exactly mid-flush: a test-only hook (KEYVIZ_TEST_STALL_HISTORY_WRITE, see
// server/history/sqliteStore.ts) blocks the server inside a write transaction, after its
// inserts and before the commit; the test kills it there, restarts on the same directory and
// checks that the file opens, every column committed before is answered cell for cell as
// before, only the column of that write is missing, and its time stays a gap.
import { afterEach, describe, expect, it } from 'vitest';
import type { GetKeyVizMatrixResponse as KeyVizMatrix } from '../../src/gen/admin_pb.ts';
import { KeyVizSeries } from '../../src/gen/admin_pb.ts';
import {
  openSqliteStore,
  STALL_WRITE_ENV,
  STALLED_MARKER,
} from '../../server/history/sqliteStore.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { clientsFor, tempDir } from './support.ts';

const TIERS = '1s:1h,10s:1d,1m:28d';
const STEP_MS = 1000;
const servers: SpawnedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop('SIGKILL');
});

async function start(dir: string, env: NodeJS.ProcessEnv = {}): Promise<SpawnedServer> {
  const s = await spawnServer(
    [
      '--historyDir',
      dir,
      '--historyTiers',
      TIERS,
      '--keyvizStep',
      '1s',
      '--routes',
      '50',
      '--seed',
      '7',
      // No synthetic fill after the restart: the time the server was down stays empty.
      '--backfill',
      '0',
    ],
    { env: { ...process.env, ...env } },
  );
  servers.push(s);
  return s;
}

/** Every column, every row (50 routes, no aggregation), the writes series, over Connect. */
async function matrix(s: SpawnedServer, timeoutMs: number): Promise<KeyVizMatrix> {
  const c = clientsFor(s);
  try {
    const client = c.all.find((x) => x.name === 'connect+proto')!.client;
    return await client.getKeyVizMatrix(
      { series: KeyVizSeries.KEYVIZ_SERIES_WRITES, fromUnixMs: 0n, rows: 1024 },
      { timeoutMs },
    );
  } finally {
    c.close();
  }
}

/** column time -> bucket id -> value as a decimal string (every digit). */
function cells(m: KeyVizMatrix): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  m.columnUnixMs.forEach((t, j) => {
    const col = new Map<string, string>();
    for (const r of m.rows) {
      expect(r.aggregate, 'rows=1024 over 50 routes aggregates nothing').toBe(false);
      col.set(r.bucketId, String(r.values[j]));
    }
    out.set(Number(t), col);
  });
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kill -9 mid-flush', () => {
  it('loses only the column being written; committed columns are answered as before and the lost time is a gap', async () => {
    const dir = tempDir('history-midflush');
    // The 5th write with columns stalls inside its transaction (4 committed before it).
    const a = await start(dir, { [STALL_WRITE_ENV]: '5' });
    let reference: KeyVizMatrix | null = null;
    const stalled = () => a.output().includes(STALLED_MARKER);
    const deadline = Date.now() + 60_000;
    while (!stalled()) {
      expect(Date.now(), 'the stalled write did not come').toBeLessThan(deadline);
      try {
        const m = await matrix(a, 1500);
        // An answer that raced the stall is still a view from before the kill.
        if (m.columnUnixMs.length > 0) reference = m;
      } catch {
        // The server blocked while answering: it is stalled now.
      }
      await sleep(150);
    }
    const line = a
      .output()
      .split('\n')
      .find((l) => l.startsWith(STALLED_MARKER))!;
    const inFlight = JSON.parse(line.slice(STALLED_MARKER.length + 1)) as {
      tier: number;
      t: number;
    }[];
    // One flush in that write: one raw column (perhaps with a roll-up it closed).
    const lost = inFlight.filter((c) => c.tier === 0).map((c) => c.t);
    expect(lost).toHaveLength(1);
    expect(await a.stop('SIGKILL')).toBe(137);
    servers.splice(servers.indexOf(a), 1);
    expect(reference, 'no answer before the stall').not.toBeNull();
    const before = cells(reference!);

    const b = await start(dir);
    expect(b.output()).not.toMatch(/damaged|not a readable|left untouched|cannot open/);
    const afterM = await matrix(b, 30_000);
    const after = cells(afterM);
    const times = afterM.columnUnixMs.map(Number);

    // Every column answered before the kill and committed is answered identically.
    const committed = [...before.keys()].filter((t) => !lost.includes(t));
    expect(committed.length).toBeGreaterThanOrEqual(3);
    for (const t of committed) {
      expect(after.has(t), `committed column ${t} is back`).toBe(true);
      const want = before.get(t)!;
      const got = after.get(t)!;
      for (const [bucket, v] of want) {
        // A bucket with no entry in a column reads 0 either way.
        expect(got.get(bucket) ?? '0', `column ${t} ${bucket}`).toBe(v);
      }
      for (const [bucket, v] of got)
        expect(want.get(bucket) ?? '0', `column ${t} ${bucket}`).toBe(v);
    }
    // At most the column being written is missing: before the lost one, the stored columns
    // are the committed ones, one step apart, none skipped.
    const lastCommitted = Math.max(...committed);
    expect(lost[0]).toBeGreaterThan(lastCommitted);
    const restored = times.filter((t) => t <= lastCommitted);
    expect(restored).toEqual([...before.keys()].filter((t) => t <= lastCommitted));
    for (let i = 1; i < restored.length; i++) expect(restored[i] - restored[i - 1]).toBe(STEP_MS);
    // The lost time is a gap: no column at it (not a zero column, not a column written over
    // it after the restart), and the next column is a new flush well after it.
    expect(times).not.toContain(lost[0]);
    const next = times.find((t) => t > lastCommitted);
    if (next !== undefined) expect(next).toBeGreaterThan(lost[0]);
    // The file itself: the committed raw columns, nothing at the lost time.
    expect(await b.stop('SIGTERM')).toBe(0);
    servers.splice(servers.indexOf(b), 1);
    const st = openSqliteStore(dir);
    const stored = st.readSeries(0, -Infinity, Infinity, 1).map((c) => c.unixMs);
    st.close();
    expect(stored).not.toContain(lost[0]);
    expect(stored.filter((t) => t <= lastCommitted)).toEqual(restored);
  }, 120_000);
});
