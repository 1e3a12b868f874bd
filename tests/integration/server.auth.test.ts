// Bearer-token auth on every protocol; keyviz switched off; an empty sampler.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, ConnectError } from '@connectrpc/connect';
import { KEYVIZ_DISABLED_MESSAGE } from '../../server/backend.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { clientsFor, tempDir } from './support.ts';

const TOKEN = 's3cr3t-token-for-tests';

async function codeOf(p: Promise<unknown>): Promise<Code | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return ConnectError.from(e).code;
  }
}

describe('with --adminTokenFile', () => {
  let s: SpawnedServer;
  beforeAll(async () => {
    const file = path.join(tempDir('auth'), 'token');
    writeFileSync(file, `  ${TOKEN}\n`); // surrounding whitespace is trimmed
    s = await spawnServer(['--backfill', '30m', '--routes', '50', '--adminTokenFile', file]);
  });
  afterAll(() => s?.stop());

  for (const [label, token, want] of [
    ['the right token', TOKEN, 'ok'],
    ['no token', undefined, Code.Unauthenticated],
    ['a wrong token', 'nope', Code.Unauthenticated],
    ['a longer wrong token', `${TOKEN}x`, Code.Unauthenticated],
  ] as const) {
    it(`${label}: ${want === 'ok' ? 'accepted' : 'Unauthenticated'} on every protocol`, async () => {
      const c = clientsFor(s, token);
      try {
        for (const { name, client } of c.all) {
          expect(await codeOf(client.getKeyVizMatrix({ rows: 3 })), name).toBe(want);
          expect(await codeOf(client.getClusterOverview({})), name).toBe(want);
          expect(await codeOf(client.getRaftGroups({})), name).toBe(want);
        }
      } finally {
        c.close();
      }
    });
  }

  it('the page and /healthz need no token', async () => {
    expect((await fetch(`${s.http}/healthz`)).status).toBe(200);
    expect((await fetch(s.keyviz)).status).toBe(200);
  });
});

describe('--keyvizEnabled=false', () => {
  let s: SpawnedServer;
  beforeAll(async () => {
    s = await spawnServer(['--keyvizEnabled=false', '--routes', '50']);
  });
  afterAll(() => s?.stop());

  it('answers Unavailable with the node message on every protocol; the cluster still answers', async () => {
    const c = clientsFor(s);
    try {
      for (const { name, client } of c.all) {
        const e = await client.getKeyVizMatrix({}).catch((x: unknown) => ConnectError.from(x));
        expect(e, name).toBeInstanceOf(ConnectError);
        expect((e as ConnectError).code, name).toBe(Code.Unavailable);
        expect((e as ConnectError).rawMessage, name).toBe(KEYVIZ_DISABLED_MESSAGE);
        const ov = await client.getClusterOverview({});
        expect(ov.capabilities).toEqual({ keyviz: false });
      }
    } finally {
      c.close();
    }
  });
});

describe('an empty sampler (--workload=false)', () => {
  let s: SpawnedServer;
  beforeAll(async () => {
    s = await spawnServer(['--workload=false']);
  });
  afterAll(() => s?.stop());

  it('answers an empty success on every protocol', async () => {
    const c = clientsFor(s);
    try {
      for (const { name, client } of c.all) {
        const m = await client.getKeyVizMatrix({ rows: 10 });
        expect(m.columnUnixMs.length, name).toBe(0);
        expect(m.rows.length, name).toBe(0);
      }
    } finally {
      c.close();
    }
  });
});
