// GET /healthz/detail over real HTTP: the history section (writes, failures, tiers, retention)
// and the matrix answer cache; then the failure path. Writes are made to fail for real: the
// server's file-size limit is lowered to 1 byte after start (prlimit, util-linux), so every
// write to the database or its write-ahead log fails with EFBIG as on a full disk. The
// failures must be loud (logged, counted, `failing`) while GetKeyVizMatrix over Connect keeps
// answering new columns; once the limit is lifted the waiting columns are written.
import { execFileSync, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyVizSeries } from '../../src/gen/admin_pb.ts';
import type { HistoryHealth } from '../../server/history/writer.ts';
import type { MatrixCacheHealth } from '../../server/history/healthDetail.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { clientsFor, getJson, getText, tempDir } from './support.ts';

const servers: SpawnedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop('SIGKILL');
});

type Detail = {
  status: string;
  history: HistoryHealth & { failing: boolean };
  matrixCache: MatrixCacheHealth;
};

const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await sleep(200);
  }
}

/** The file-size limit of a process (soft only: the hard limit stays, so it can be lifted). */
function setFileSizeLimit(pid: number, soft: string): void {
  execFileSync('prlimit', [`--fsize=${soft}:`, '--pid', String(pid)]);
}

describe('/healthz/detail', () => {
  it('reports writes, tiers, retention and the answer cache; failing writes are loud while the live view keeps answering', async () => {
    // Not a skip: without it the failure path would go untested (.ci/run installs it).
    expect(hasPrlimit, 'prlimit (util-linux) is needed for this test').toBe(true);
    const dir = tempDir('history-health');
    const s = await spawnServer([
      '--historyDir',
      dir,
      '--historyTiers',
      '1s:1h,10s:1d,1m:28d',
      '--keyvizStep',
      '1s',
      '--routes',
      '40',
      '--backfill',
      '30s',
    ]);
    servers.push(s);
    const detail = () => getJson<Detail>(`${s.http}/healthz/detail`);
    const c = clientsFor(s);
    const client = c.all.find((x) => x.name === 'connect+proto')!.client;
    const live = () =>
      client.getKeyVizMatrix({
        series: KeyVizSeries.KEYVIZ_SERIES_WRITES,
        fromUnixMs: 0n,
        rows: 16,
      });
    try {
      // Healthy: the backfill and the live flushes are written, nothing failed.
      const ok = await until(
        'the backfill written',
        detail,
        (d) => d.history.columnsWritten >= 30 && d.history.retentionPasses >= 1,
      );
      expect(ok.status).toBe('ok');
      const h = ok.history;
      expect(h.enabled).toBe(true);
      expect(h.path).toContain(dir);
      expect(h).toMatchObject({ failedWrites: 0, droppedColumns: 0, lastError: null });
      expect(h.failing).toBe(false);
      expect(h.sizeBytes).toBeGreaterThan(0);
      // The decoded blobs kept between store reads: stated with their bound (24 MiB by default).
      expect(h.decodedCacheMaxBytes).toBe(24 << 20);
      expect(h.decodedCacheBytes).toBeLessThanOrEqual(h.decodedCacheMaxBytes);
      expect(h.maxWriteMs).toBeGreaterThan(0);
      expect(h.retentionDeleted).toBe(0); // nothing is past a horizon yet
      expect(h.lastRetentionAtMs).toBeGreaterThan(0);
      expect(h.tiers.map((t) => [t.resolutionMs, t.horizonMs])).toEqual([
        [1000, 3_600_000],
        [10_000, 86_400_000],
        [60_000, 28 * 86_400_000],
      ]);
      // 30 s of backfill: 30 raw columns and more, at least two 10 s roll-ups.
      expect(h.tiers[0].columns).toBeGreaterThanOrEqual(30);
      expect(h.tiers[1].columns).toBeGreaterThanOrEqual(2);
      expect(h.tiers[0].lastUnixMs! - h.tiers[0].firstUnixMs!).toBe(
        (h.tiers[0].columns - 1) * 1000,
      );

      // The answer cache counts an answer computed, then a hit for the same question.
      const m0 = (await detail()).matrixCache;
      let outcome = { computed: -1, hits: -1 };
      for (let i = 0; i < 5 && outcome.hits !== 1; i++) {
        // A flush (every second) between the two calls empties the cache: ask again.
        const before = (await detail()).matrixCache;
        await live();
        await live();
        const after = (await detail()).matrixCache;
        outcome = { computed: after.computed - before.computed, hits: after.hits - before.hits };
      }
      expect(outcome.hits).toBe(1);
      const m1 = (await detail()).matrixCache;
      expect(m1.computed).toBeGreaterThan(m0.computed);
      expect(m1.entries).toBeGreaterThan(0);
      expect(m1.bytes).toBeGreaterThan(0);

      // Writes fail from now on, as on a full disk.
      setFileSizeLimit(s.proc.pid!, '1');
      const failing = await until(
        'failed writes counted',
        detail,
        (d) => d.history.failedWrites >= 2 && d.history.pendingColumns >= 2,
      );
      expect(failing.status).toBe('ok');
      expect(failing.history.failing).toBe(true);
      expect(failing.history.lastError).toMatch(/disk|I\/O|full|large/i);
      expect(failing.history.lastErrorAtMs).toBeGreaterThan(0);
      expect(s.output()).toMatch(/HISTORY WRITE FAILED \(\d+ so far, \d+ columns waiting\)/);
      expect(await getText(`${s.http}/healthz`)).toMatch(/ok/);
      const storedLast = failing.history.tiers[0].lastUnixMs!;

      // The live view keeps working: new columns past the last stored one, every second.
      const a = await live();
      await sleep(2500);
      const b = await live();
      const lastA = Number(a.columnUnixMs.at(-1));
      const lastB = Number(b.columnUnixMs.at(-1));
      expect(lastA).toBeGreaterThan(storedLast);
      expect(lastB - lastA).toBeGreaterThanOrEqual(2000);
      expect(b.rows.length).toBe(16);
      expect(b.rows.some((r) => r.values.some((v) => v > 0n))).toBe(true);
      const stillFailing = await detail();
      expect(stillFailing.history.failedWrites).toBeGreaterThan(failing.history.failedWrites);
      expect(stillFailing.history.tiers[0].lastUnixMs).toBe(storedLast);

      // The disk has room again: the waiting columns are written, none dropped.
      setFileSizeLimit(s.proc.pid!, 'unlimited');
      const healed = await until(
        'the waiting columns written',
        detail,
        (d) => d.history.pendingColumns === 0 && d.history.tiers[0].lastUnixMs! >= lastB,
      );
      expect(healed.history.failing).toBe(false);
      expect(healed.history.droppedColumns).toBe(0);
      expect(healed.history.columnsWritten).toBeGreaterThan(h.columnsWritten);
      // Every second in between is stored: the failure lost no column.
      const t0 = healed.history.tiers[0];
      expect(t0.lastUnixMs! - t0.firstUnixMs!).toBe((t0.columns - 1) * 1000);
    } finally {
      c.close();
    }
  }, 120_000);
});
