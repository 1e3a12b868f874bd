// Record on shutdown, replay with --fixture: the same matrix. SIGTERM exits 0
// within 2 s with the open step harvested into a last column.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { equals } from '@bufbuild/protobuf';
import { GetKeyVizMatrixResponseSchema, KeyVizSeries } from '../../src/gen/admin_pb.ts';
import { runServer, spawnServer } from '../helpers/spawnServer.ts';
import { clientsFor, tempDir } from './support.ts';

const dir = tempDir('fixture');
const file = path.join(dir, 'history.jsonl');

function lines(f: string): Record<string, unknown>[] {
  return readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('record, shut down, replay', () => {
  it('round-trips the history and exits cleanly', async () => {
    const live = await spawnServer([
      '--backfill',
      '3h',
      '--keyvizStep',
      '1h',
      '--routes',
      '120',
      '--seed',
      '3',
      '--record',
      file,
    ]);
    const c = clientsFor(live);
    const before = await c.all[0].client.getKeyVizMatrix({ rows: 0 });
    c.close();
    expect(before.columnUnixMs.length).toBe(3);
    const t0 = Date.now();
    const code = await live.stop('SIGTERM');
    const took = Date.now() - t0;
    expect(code).toBe(0);
    expect(took).toBeLessThan(2000);
    expect(live.output()).toContain('recorded 4 columns');

    const recorded = lines(file);
    expect(recorded[0]).toMatchObject({
      format: 'keyviz-fixture',
      version: 1,
      keyEncoding: 'base64',
      stepMs: 3_600_000,
    });
    const cols = recorded.filter((l) => l.kind === 'column');
    // The final flush harvested the open step at shutdown time.
    expect(cols.length).toBe(4);
    const lastT = cols[3].unixMs as number;
    expect(lastT).toBeGreaterThanOrEqual(t0 - 50);
    expect(lastT).toBeLessThanOrEqual(Date.now());

    const replay = await spawnServer(['--fixture', file]);
    const rc = clientsFor(replay);
    try {
      const old = before.columnUnixMs;
      for (const series of [KeyVizSeries.KEYVIZ_SERIES_WRITES, KeyVizSeries.KEYVIZ_SERIES_READS]) {
        const want =
          series === KeyVizSeries.KEYVIZ_SERIES_WRITES ? before : await Promise.resolve(null);
        const window = { fromUnixMs: old[0], toUnixMs: old[2] + 1n, rows: 0, series };
        const got = await rc.all[0].client.getKeyVizMatrix(window);
        if (want) expect(equals(GetKeyVizMatrixResponseSchema, got, want)).toBe(true);
        // Every protocol answers the replay identically.
        for (const x of rc.all) {
          expect(
            equals(GetKeyVizMatrixResponseSchema, await x.client.getKeyVizMatrix(window), got),
            x.name,
          ).toBe(true);
        }
      }
      const all = await rc.all[0].client.getKeyVizMatrix({ rows: 0 });
      expect(all.columnUnixMs.length).toBe(4);
      expect(Number(all.columnUnixMs[3])).toBe(lastT);
      const ov = await rc.all[0].client.getClusterOverview({});
      expect(ov.groupLeaders.length).toBeGreaterThan(0);
    } finally {
      rc.close();
      expect(await replay.stop()).toBe(0);
    }
  });

  it('the final flush harvests the traffic of the open step', async () => {
    const f = path.join(dir, 'short-step.jsonl');
    const s = await spawnServer([
      '--backfill',
      '20s',
      '--keyvizStep',
      '2s',
      '--routes',
      '100',
      '--record',
      f,
    ]);
    await new Promise((r) => setTimeout(r, 1200));
    const t0 = Date.now();
    expect(await s.stop('SIGTERM')).toBe(0);
    expect(Date.now() - t0).toBeLessThan(2000);
    const cols = lines(f).filter((l) => l.kind === 'column');
    const last = cols.at(-1)!;
    expect(last.unixMs as number).toBeGreaterThanOrEqual(t0 - 50);
    expect((last.rows as unknown[]).length).toBeGreaterThan(0);
  });

  it('SIGUSR2 records without stopping', async () => {
    const f = path.join(dir, 'usr2.jsonl');
    const s = await spawnServer(['--backfill', '30m', '--routes', '30', '--record', f]);
    s.proc.kill('SIGUSR2');
    for (let i = 0; i < 50 && !s.output().includes('recorded'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(s.output()).toContain('recorded 30 columns');
    expect(s.output()).toContain('(from memory)'); // --history=off: the ring
    expect(lines(f).filter((l) => l.kind === 'column').length).toBe(30);
    expect(await (await fetch(`${s.http}/healthz`)).text()).toBe('ok');
    expect(await s.stop()).toBe(0);
  });

  it('with history on, records what the store holds: the same file as history:export', async () => {
    const hdir = path.join(dir, 'history-record');
    const f = path.join(dir, 'from-store.jsonl');
    // split-merge: routes split and merge inside the window, so the ring's per-column metas
    // and the store's latest metas differ (a recording of the ring would disagree).
    const args = ['--historyDir', hdir, '--scenario', 'split-merge', '--routes', '30'];
    const s = await spawnServer([...args, '--backfill', '40m', '--seed', '5', '--record', f]);
    const exportFile = (out: string, from: number, to?: number) =>
      execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/historyExport.ts',
          '--historyDir',
          hdir,
          '--out',
          out,
          '--from',
          String(from),
          ...(to === undefined ? [] : ['--to', String(to)]),
        ],
        { encoding: 'utf8' },
      );
    // The file less its header's recording time.
    const body = (file: string) => {
      const [head, ...rest] = lines(file);
      return [{ ...head, recordedAtUnixMs: 0 }, ...rest];
    };
    s.proc.kill('SIGUSR2');
    for (let i = 0; i < 50 && !s.output().includes('recorded'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(s.output()).toContain('(from the history store)');
    const running = lines(f).filter((l) => l.kind === 'column');
    expect(running.length).toBe(40);
    // The server keeps writing: export the recorded window only.
    const first = running[0].unixMs as number;
    const e1 = path.join(dir, 'export-running.jsonl');
    exportFile(e1, first, (running.at(-1)!.unixMs as number) + 1);
    expect(body(f)).toEqual(body(e1));

    // Shut down: the last column is harvested, written, then recorded from the store.
    expect(await s.stop('SIGTERM')).toBe(0);
    const e2 = path.join(dir, 'export-final.jsonl');
    exportFile(e2, first);
    const cols = lines(f).filter((l) => l.kind === 'column');
    expect(cols.length).toBe(41);
    expect(body(f)).toEqual(body(e2));
  });

  it('SIGINT also exits 0 quickly, with an idle keep-alive connection open', async () => {
    const s = await spawnServer(['--backfill', '10m', '--routes', '20']);
    const agentRes = await fetch(`${s.http}/healthz`, { keepalive: true });
    expect(await agentRes.text()).toBe('ok');
    const t0 = Date.now();
    expect(await s.stop('SIGINT')).toBe(0);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

// Independent child processes: run them side by side.
describe.concurrent('a malformed fixture stops start-up, naming what is wrong', () => {
  const header = JSON.stringify({
    format: 'keyviz-fixture',
    version: 1,
    keyEncoding: 'base64',
    stepMs: 60000,
    recordedAtUnixMs: 1,
    columns: 1,
  });
  const bucket = JSON.stringify({
    kind: 'bucket',
    ref: 0,
    bucketId: 'route:1',
    start: '',
    end: 'YQ==',
    label: 'redis',
    aggregate: false,
    routeIds: ['1'],
    routeCount: 1,
  });
  const cases: [string, string, RegExp][] = [
    ['not json', `${header}\n{oops\n`, /line 2: not JSON/],
    [
      'wrong version',
      header.replace('"version":1', '"version":7'),
      /line 1: unsupported "version" 7/,
    ],
    ['no header', '', /line 1: empty file/],
    [
      'bad key',
      `${header}\n${bucket.replace('"YQ=="', '"Y!"')}\n`,
      /line 2: field "end" is not padded base64/,
    ],
    [
      'negative counter',
      `${header}\n${bucket}\n{"kind":"column","unixMs":5,"rows":[[0,1,-2,3,4,1,1]]}\n`,
      /line 3: rows\[0\]\[2\] must be a non-negative integer/,
    ],
    [
      'unknown ref',
      `${header}\n${bucket}\n{"kind":"column","unixMs":5,"rows":[[9,1,2,3,4,1,1]]}\n`,
      /line 3: rows\[0\]\[0\]: bucket ref 9 is not defined/,
    ],
    ['missing field', `${header}\n{"kind":"column","rows":[]}\n`, /line 2: missing field "unixMs"/],
  ];
  for (const [name, text, want] of cases) {
    it(name, async () => {
      const f = path.join(dir, `bad-${name.replace(/\W/g, '_')}.jsonl`);
      writeFileSync(f, text);
      const r = await runServer([
        '--fixture',
        f,
        '--listen',
        '127.0.0.1:0',
        '--grpcListen',
        '127.0.0.1:0',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(want);
      expect(r.stderr).toContain(f);
      expect(r.stdout).not.toContain('KEYVIZ_READY');
    });
  }

  it('a missing file', async () => {
    const r = await runServer(['--fixture', path.join(dir, 'nope.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fixture: cannot read .*nope\.jsonl \(ENOENT\)/);
  });
});
