// Start-up refusals: a bad or unknown flag exits 2 naming the flag; a
// non-loopback listener without a token is refused; --help documents every flag.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runServer, spawnServer } from '../helpers/spawnServer.ts';
import { tempDir } from './support.ts';

const LISTEN = ['--listen', '127.0.0.1:0', '--grpcListen', '127.0.0.1:0'];

// Independent child processes: run them side by side.
describe.concurrent('bad flags exit 2 naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['--keyvizStep', 'soon'], /--keyvizStep: "soon" is not a duration/],
    [['--keyvizHistoryColumns=0'], /--keyvizHistoryColumns: 0 is outside/],
    [['--keyvizEnabled=maybe'], /--keyvizEnabled: "maybe" is not true or false/],
    [['--listen', 'nowhere'], /--listen: "nowhere" is not HOST:PORT/],
    [['--scenario', 'chaos'], /--scenario: unknown scenario "chaos"/],
    [['--frobnicate'], /--frobnicate: unknown flag/],
    [['--corsAllowOrigin', 'evil'], /--corsAllowOrigin: "evil" is not an origin/],
    [['--routes'], /--routes needs a value/],
    [['--static', '/definitely/not/here'], /--static: \/definitely\/not\/here is not a directory/],
    [['--adminTokenFile', '/definitely/not/here'], /--adminTokenFile: cannot read/],
  ];
  // Flag parsing fails before anything is built: these runs are quick.
  for (const [args, want] of cases) {
    it(args.join(' '), async () => {
      const r = await runServer([...LISTEN, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(want);
      expect(r.stdout).not.toContain('KEYVIZ_READY');
    });
  }
});

describe('auth on a non-loopback address', () => {
  it('is refused without a token', async () => {
    const r = await runServer(['--listen', '0.0.0.0:0', '--grpcListen', '127.0.0.1:0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--listen 0\.0\.0\.0:0 is not a loopback address: give --adminTokenFile/,
    );
    const g = await runServer(['--listen', '127.0.0.1:0', '--grpcListen', '0.0.0.0:0']);
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/--grpcListen/);
  });

  it('starts with a token, or with --adminInsecureNoAuth', async () => {
    const file = path.join(tempDir('tok'), 'token');
    writeFileSync(file, 'tok\n');
    for (const extra of [['--adminTokenFile', file], ['--adminInsecureNoAuth']]) {
      const s = await spawnServer(['--listen', '0.0.0.0:0', '--workload=false', ...extra]);
      expect(s.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await s.stop()).toBe(0);
    }
  });
});

describe('--help', () => {
  it('documents every flag and exits 0', async () => {
    const r = await runServer(['--help']);
    expect(r.code).toBe(0);
    for (const f of [
      'keyvizEnabled',
      'keyvizStep',
      'keyvizHistoryColumns',
      'keyvizMaxTrackedRoutes',
      'keyvizMaxMemberRoutesPerSlot',
      'listen',
      'grpcListen',
      'seed',
      'scenario',
      'routes',
      'backfill',
      'static',
      'fixture',
      'record',
      'adminTokenFile',
      'adminInsecureNoAuth',
      'pageApiBase',
      'workload',
      'upstream',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`--${f}\\b`));
    }
  });
});

describe('the ready line', () => {
  it('is printed exactly once, as JSON', async () => {
    const s = await spawnServer(['--workload=false']);
    const ready = s
      .output()
      .split('\n')
      .filter((l) => l.startsWith('KEYVIZ_READY '));
    expect(ready.length).toBe(1);
    const j = JSON.parse(ready[0].slice('KEYVIZ_READY '.length)) as Record<string, string>;
    expect(Object.keys(j)).toEqual(['http', 'grpc', 'keyviz']);
    expect(j.grpc).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(j.keyviz).toBe(`${j.http}/keyviz`);
    expect(await s.stop()).toBe(0);
  });
});
