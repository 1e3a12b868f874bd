// Hot keys through the gateway in front of real-node stand-ins (tests/helpers/
// nodeLikeUpstream.ts: the node's gRPC surface, no GetKeyVizHotKeys). Every node
// answering Unimplemented is not "hot keys off" (their flag may well be on: a node names
// hot keys on its own JSON admin API only): the gateway says Unimplemented, naming the
// nodes, and its JSON endpoint 501 not_implemented (the page's "cannot name hot keys").
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, ConnectError } from '@connectrpc/connect';
import { REPO_ROOT, spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { signIn, writeCredentials } from '../helpers/jsonAdmin.ts';
import { clientsFor, tempDir, type Clients } from './support.ts';
import { writeFileSync } from 'node:fs';

const PAGE_TOKEN = 'real-nodes-page-token';
const WORKLOAD = ['--routes', '20', '--backfill', '1h', '--keyvizStep', '1h', '--history=off'];
const stand: ChildProcess[] = [];
let gateway: SpawnedServer;
let gw: Clients;
let cookie: string;
let nodes: string[];

function startNodeLike(): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/helpers/nodeLikeUpstream.ts', ...WORKLOAD],
      { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    stand.push(p);
    let out = '';
    p.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /on (127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    p.once('exit', (code) => reject(new Error(`node-like upstream exited ${code}`)));
  });
}

beforeAll(async () => {
  const dir = tempDir('hotkeys-real-nodes');
  writeFileSync(path.join(dir, 'page.token'), `${PAGE_TOKEN}\n`);
  const creds = writeCredentials(dir, [{ access: 'AKFULL', secret: 'full-secret', role: 'full' }]);
  nodes = await Promise.all([startNodeLike(), startNodeLike()]);
  gateway = await spawnServer([
    '--upstream',
    nodes.join(','),
    '--upstreamInsecureNoAuth',
    '--adminTokenFile',
    path.join(dir, 'page.token'),
    '--adminCredentialsFile',
    creds,
  ]);
  gw = clientsFor(gateway, PAGE_TOKEN);
  cookie = await signIn(gateway.http, 'AKFULL', 'full-secret');
}, 90_000);
afterAll(async () => {
  gw?.close();
  await gateway?.stop();
  for (const p of stand) if (p.pid !== undefined) process.kill(-p.pid, 'SIGTERM');
});

describe('hot keys through the gateway, real nodes behind it', () => {
  it('answers Unimplemented naming the nodes, not "hot keys off"', async () => {
    for (const { name, client } of gw.all) {
      const err = await client.getKeyVizHotKeys({ routeId: 1n }).then(
        () => null,
        (e: unknown) => ConnectError.from(e),
      );
      expect(err?.code, name).toBe(Code.Unimplemented);
      expect(err?.rawMessage, name).toContain(`${nodes[0]}, ${nodes[1]} answered Unimplemented`);
      expect(err?.rawMessage, name).not.toContain('--keyvizHotKeysEnabled');
    }
  });

  it('answers the JSON endpoint 501 not_implemented', async () => {
    const res = await fetch(`${gateway.http}/admin/api/v1/keyviz/hotkeys?route_id=1`, {
      headers: { cookie },
    });
    expect(res.status).toBe(501);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('not_implemented');
    expect(body.message).toContain(nodes[0]);
    expect(body.message).toContain(nodes[1]);
  });
});
