// Retention: each tier's columns past its horizon go on schedule (through a real server, read
// back in /healthz/detail), and a pass over a large store never holds the event loop for long:
// it deletes a chunk of columns per turn, so timers (the sampler's flushes) keep running.
import { afterEach, describe, expect, it } from 'vitest';
import { parseTiers } from '../../server/history/flags.ts';
import { openSqliteStore } from '../../server/history/sqliteStore.ts';
import { synthesizeStore } from '../../server/history/synth.ts';
import type { HistoryHealth } from '../../server/history/writer.ts';
import { HistoryWriter } from '../../server/history/writer.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { getJson, tempDir } from './support.ts';

const servers: SpawnedServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop('SIGKILL');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Detail = { history: HistoryHealth };

describe('retention', () => {
  it('deletes each tier past its horizon on its schedule while flushes go on', async () => {
    const dir = tempDir('history-retention');
    // Horizons of 20 s, 40 s, 60 s (retention then runs every second) under 2 min of backfill.
    const horizons = [20_000, 40_000, 60_000];
    const widths = [1000, 5000, 10_000];
    const s = await spawnServer([
      '--historyDir',
      dir,
      '--historyTiers',
      '1s:20s,5s:40s,10s:1m',
      '--keyvizStep',
      '1s',
      '--routes',
      '30',
      '--backfill',
      '2m',
    ]);
    servers.push(s);
    const detail = async () => (await getJson<Detail>(`${s.http}/healthz/detail`)).history;
    // How late a pass may be seen: the schedule (1 s), a pass, a loaded machine's lag.
    const slackMs = 6000;
    const check = (h: HistoryHealth, at: number) => {
      h.tiers.forEach((t, i) => {
        expect(t.columns, `tier ${i} holds columns`).toBeGreaterThan(0);
        // Without retention the backfill's first column (2 min back) would still be here.
        expect(t.firstUnixMs!, `tier ${i} first column`).toBeGreaterThanOrEqual(
          at - horizons[i] - widths[i] - slackMs,
        );
        // And no more than the horizon is kept (plus the window still being filled).
        expect(t.columns, `tier ${i} columns`).toBeLessThanOrEqual(
          (horizons[i] + slackMs) / widths[i] + 2,
        );
      });
    };
    let h = await detail();
    for (let i = 0; i < 50 && h.retentionPasses < 2; i++) {
      await sleep(200);
      h = await detail();
    }
    expect(h.retentionPasses).toBeGreaterThanOrEqual(2);
    // The backfill's first two minutes: ~100 raw columns, ~16 of 5 s, ~6 of 10 s went.
    expect(h.retentionDeleted).toBeGreaterThanOrEqual(100);
    check(h, Date.now());
    const first = h.tiers.map((t) => t.firstUnixMs!);
    const { retentionPasses, retentionDeleted, columnsWritten } = h;

    // A few seconds on: later passes delete what aged past the horizon meanwhile.
    await sleep(5000);
    const later = await detail();
    check(later, Date.now());
    expect(later.retentionPasses).toBeGreaterThanOrEqual(retentionPasses + 2);
    expect(later.retentionDeleted).toBeGreaterThanOrEqual(retentionDeleted + 3);
    expect(later.tiers[0].firstUnixMs!).toBeGreaterThanOrEqual(first[0] + 3000);
    // Flushes went on: a column a second (generously) was written meanwhile.
    expect(later.columnsWritten).toBeGreaterThanOrEqual(columnsWritten + 3);
    expect(later.failedWrites).toBe(0);
  }, 90_000);

  it('a pass over 28 days at 2,000 routes yields to the event loop between short chunks', async () => {
    const dir = tempDir('history-retention-big');
    const now = Date.now();
    const st = openSqliteStore(dir);
    synthesizeStore(st, {
      routes: 2000,
      now,
      stepMs: 60_000,
      tiers: parseTiers('t', '1m:24h,10m:7d,1h:28d'),
    });
    // The writer keeps 1 h, 2 h, 3 h: a pass deletes nearly all of ~3,000 columns.
    const tiers = parseTiers('t', '1m:1h,10m:2h,1h:3h');
    const expected = tiers.map((t, i) => {
      const all = st.readSeries(i, -Infinity, Infinity, 1).map((c) => c.unixMs);
      return all.filter((x) => x < now - t.horizonMs).length;
    });
    const w = new HistoryWriter(st, tiers, 60_000, () => {});
    try {
      // A timer every 1 ms stands for the sampler's flush: its lateness is the loop's delay.
      let ticks = 0;
      let maxLagMs = 0;
      let last = performance.now();
      const timer = setInterval(() => {
        const t = performance.now();
        maxLagMs = Math.max(maxLagMs, t - last - 1);
        last = t;
        ticks++;
      }, 1);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const deleted = await w.retain(now);
      const cpu = process.cpuUsage(cpu0);
      const passMs = performance.now() - t0;
      clearInterval(timer);
      expect(deleted).toBe(expected.reduce((a, b) => a + b, 0));
      expect(deleted).toBeGreaterThan(2900);
      tiers.forEach((t, i) => {
        const b = st.bounds(i)!;
        expect(b.first, `tier ${i}`).toBeGreaterThanOrEqual(now - t.horizonMs);
      });
      // The columns kept still read whole (shared blobs copied forward before the deletes).
      expect(st.readFull(0, -Infinity, Infinity).every((c) => c.keys.length === 2000)).toBe(true);
      const h = w.health;
      console.log(
        `retention pass: ${deleted} columns, ${passMs.toFixed(0)} ms wall (loaded), ` +
          `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms cpu, longest chunk ` +
          `${h.maxRetentionChunkMs.toFixed(1)} ms, longest timer lag ${maxLagMs.toFixed(1)} ms, ` +
          `${ticks} timer ticks`,
      );
      expect(h.retentionPasses).toBe(1);
      expect(h.retentionDeleted).toBe(deleted);
      // The timer ran all through the pass, about once per chunk of 50 columns (~60 chunks);
      // one DELETE per tier would give it a handful of turns.
      expect(ticks).toBeGreaterThanOrEqual(30);
      // One chunk is a few ms here (unloaded); a loaded 2-core machine and a WAL checkpoint
      // landing in a chunk stretch it, hence the wide bounds, still well under one step.
      expect(h.maxRetentionChunkMs).toBeLessThan(500);
      expect(maxLagMs).toBeLessThan(750);
    } finally {
      w.close();
    }
  }, 120_000);
});
