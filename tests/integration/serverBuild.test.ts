// The compiled server (issue 17, "the server in production"): scripts/serverBuild.mjs bundles
// server/ into dist-server/, which runs on plain Node (no TypeScript loader) and answers every
// protocol; the build is redone only when an input changed.
import { readFileSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module without types (it runs without a TypeScript loader).
import { ensureServerBuilt, serverBuildReason } from '../../scripts/serverBuild.mjs';
import {
  REPO_ROOT,
  spawnServer,
  workloadFlags,
  type SpawnedServer,
} from '../helpers/spawnServer.ts';
import { clientsFor } from './support.ts';

const build = ensureServerBuilt as (force?: boolean) => Promise<number>;
const reason = serverBuildReason as () => string | null;
let compiled: SpawnedServer;

beforeAll(async () => {
  await build();
  const flags = workloadFlags({ backfill: '2h', routes: 30, seed: 9 });
  compiled = await spawnServer(flags, { compiled: true });
}, 120_000);

afterAll(async () => {
  await compiled?.stop();
});

describe('the compiled server', () => {
  it('runs without tsx and answers one matrix on every protocol', async () => {
    expect(compiled.proc.spawnargs).not.toContain('tsx');
    expect(
      compiled.proc.spawnargs.some(
        (a) => a.endsWith(path.join('dist-server', 'main.js')) || a === 'dist-server/main.js',
      ),
    ).toBe(true);
    const c = clientsFor(compiled);
    try {
      // A 10-minute step: no flush between the calls, so every protocol sees one history.
      const want = await c.all[0].client.getKeyVizMatrix({ series: 2, rows: 64 });
      expect(want.rows.length).toBeGreaterThan(0);
      for (const x of c.all) {
        const got = await x.client.getKeyVizMatrix({ series: 2, rows: 64 });
        expect(got.columnUnixMs.length, x.name).toBe(want.columnUnixMs.length);
        expect(
          got.rows.map((r) => r.bucketId),
          x.name,
        ).toEqual(want.rows.map((r) => r.bucketId));
      }
      const health = await fetch(`${compiled.http}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      c.close();
    }
  });

  it('is rebuilt only when an input is newer than the build', async () => {
    expect(reason()).toBeNull();
    expect(await build()).toBe(0);
    const meta = path.join(REPO_ROOT, 'dist-server', 'meta.json');
    const inputs = Object.keys(
      (JSON.parse(readFileSync(meta, 'utf8')) as { inputs: Record<string, unknown> }).inputs,
    );
    expect(inputs).toContain('server/main.ts');
    // Make the build look older than its inputs.
    const before = statSync(meta);
    const old = new Date(Date.UTC(2001, 0, 1));
    utimesSync(meta, old, old);
    try {
      expect(reason()).toMatch(/changed since the last build/);
      expect(await build()).toBeGreaterThan(0);
      expect(reason()).toBeNull();
    } finally {
      if (statSync(meta).mtimeMs < before.mtimeMs) utimesSync(meta, before.atime, before.mtime);
    }
  });
});
