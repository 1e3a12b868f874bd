// The whole-key-space fold (fold_key_space, 1027) on a real server: Connect, gRPC-Web and gRPC
// (binary and JSON codecs) and the node's JSON API give the same folded answer; the rows tile
// the key space, the busiest rows are the unfolded answer's own, and every count is kept.
// Without the field the answer stays the node's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equals } from '@bufbuild/protobuf';
import {
  GetKeyVizMatrixResponseSchema,
  KeyVizSeries,
  type GetKeyVizMatrixResponse,
  type KeyVizRow,
} from '../../src/gen/admin_pb.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { cookieFetch } from '../helpers/jsonApiFixture.ts';
import { clientsFor, type Clients } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyviz-fold-'));
const credsFile = join(dir, 'creds.json');
writeFileSync(
  credsFile,
  JSON.stringify([{ access_key: 'AKOPS', secret_key: 's3cret', role: 'read_only' }]),
);

let s: SpawnedServer;
let c: Clients;

beforeAll(async () => {
  // A 1 h step: no flush while the test runs, so every call sees the same columns.
  s = await spawnServer([
    '--backfill=12h',
    '--keyvizStep=1h',
    '--routes=300',
    '--seed=7',
    `--adminCredentialsFile=${credsFile}`,
  ]);
  c = clientsFor(s);
});
afterAll(async () => {
  c?.close();
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const WRITES = KeyVizSeries.KEYVIZ_SERIES_WRITES;

function compare(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function expectTiles(rows: readonly KeyVizRow[]): void {
  expect(rows[0].start.length).toBe(0);
  for (let i = 1; i < rows.length; i++) expect(compare(rows[i - 1].end, rows[i].start)).toBe(0);
  expect(rows[rows.length - 1].end.length).toBe(0);
}

function columnSums(a: GetKeyVizMatrixResponse): bigint[] {
  return a.columnUnixMs.map((_, j) => a.rows.reduce((s, r) => s + r.values[j], 0n));
}

describe('fold_key_space', () => {
  it('every protocol and codec gives the same folded answer: tiled, hot rows whole, counts kept', async () => {
    const req = { series: WRITES, rows: 8, foldKeySpace: true };
    const answers = await Promise.all(c.all.map((x) => x.client.getKeyVizMatrix(req)));
    const ref = answers[1];
    answers.forEach((a, i) =>
      expect(equals(GetKeyVizMatrixResponseSchema, a, ref), c.all[i].name).toBe(true),
    );
    expect(ref.keySpaceFolded).toBe(true);
    expect(ref.rows.length).toBeLessThanOrEqual(8);
    expectTiles(ref.rows);

    const all = await c.all[0].client.getKeyVizMatrix({ series: WRITES, rows: 0 });
    expect(all.rows.length).toBeGreaterThan(250); // every bucket (~300 routes) fits 1024
    expect(columnSums(ref)).toEqual(columnSums(all));
    const byId = new Map(all.rows.map((r) => [r.bucketId, r]));
    let members = 0;
    for (const r of ref.rows) {
      if (r.foldedBuckets === undefined) {
        // A hot row is the node's own row, cell for cell.
        expect(r.values).toEqual(byId.get(r.bucketId)!.values);
        members++;
      } else {
        expect(r.bucketId.startsWith('fold:')).toBe(true);
        expect(r.aggregate).toBe(true);
        members += Number(r.foldedBuckets);
      }
    }
    expect(members).toBe(all.rows.length);
    expect(ref.trackedBuckets).toBe(BigInt(all.rows.length));
  });

  it('not asked: the node answer, no fold fields', async () => {
    const a = await c.all[0].client.getKeyVizMatrix({ series: WRITES, rows: 8 });
    expect(a.keySpaceFolded).toBe(false);
    expect(a.rows).toHaveLength(8);
    for (const r of a.rows) {
      expect(r.foldedBuckets).toBeUndefined();
      expect(r.bucketId).toMatch(/^(route|virtual):/);
    }
  });

  it('the JSON API: ?fold_key_space=true gives the same rows, its own keys after the node', async () => {
    const jar = cookieFetch();
    const login = await jar.fetch(`${s.http}/admin/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ access_key: 'AKOPS', secret_key: 's3cret' }),
    });
    expect(login.status).toBe(200);
    const get = (q: string) => jar.fetch(`${s.http}/admin/api/v1/keyviz/matrix?${q}`);
    interface Row {
      bucket_id: string;
      values: number[];
      folded_buckets?: number;
    }
    const res = await get('series=writes&rows=8&fold_key_space=true');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown> & { rows: Row[] };
    expect(body.key_space_folded).toBe(true);
    expect(Object.keys(body)).toEqual([
      'column_unix_ms',
      'rows',
      'series',
      'tracked_buckets',
      'key_space_folded',
      'generated_at',
    ]);
    const connect = await c.all[0].client.getKeyVizMatrix({
      series: WRITES,
      rows: 8,
      foldKeySpace: true,
    });
    expect(body.rows.map((r) => [r.bucket_id, r.values, r.folded_buckets])).toEqual(
      connect.rows.map((r) => [
        r.bucketId,
        r.values.map(Number),
        r.foldedBuckets === undefined ? undefined : Number(r.foldedBuckets),
      ]),
    );
    // The folded rows' key is the last of the row, after the node's.
    const folded = body.rows.find((r) => r.folded_buckets !== undefined)!;
    expect(Object.keys(folded).at(-1)).toBe('folded_buckets');

    // Not asked: no fold key anywhere.
    const plain = (await (await get('series=writes&rows=8')).json()) as Record<string, unknown> & {
      rows: Row[];
    };
    expect('key_space_folded' in plain).toBe(false);
    expect(plain.rows.some((r) => 'folded_buckets' in r)).toBe(false);

    const bad = await get('series=writes&fold_key_space=yes');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_query');
  });
});
