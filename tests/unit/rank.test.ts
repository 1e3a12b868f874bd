// The pivot ranks rows with a bounded selection (server/sampler/rank.ts) instead of sorting
// every active bucket. These tests would catch a ranking change: the selection keeps exactly
// the rows the full sort keeps (series sum desc, ties by bucket_id in Go string order) on
// random data with many ties, and the whole pivot (ranking, key order, every cell's value,
// group and term) equals a reference written here from contract.md §1 on random histories.
import { describe, expect, it } from 'vitest';
import { topBuckets, topBucketsBySort } from '../../server/sampler/rank.ts';
import { appendColumns } from '../../server/sampler/column-view.ts';
import { ColumnRing } from '../../server/sampler/column-store.ts';
import { pivotRing, pivotRingSliced } from '../../server/sampler/pivot.ts';
import { compareBytes } from '../../server/sampler/keys.ts';
import type { BucketMeta, Column, ColumnRow, MatrixRequest } from '../../server/sampler/types.ts';
import { Rng } from '../../server/workload/prng.ts';

const sorted = (a: Int32Array) => Array.from(a).sort((x, y) => x - y);

describe('topBuckets (bounded selection)', () => {
  it('keeps the same buckets as the full sort, ties included, for any budget', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 300; trial++) {
      const nb = 1 + rng.int(400);
      // Few distinct sums: most buckets tie with many others.
      const distinct = 1 + rng.int(trial % 3 === 0 ? 3 : 40);
      const sums = new Float64Array(nb);
      for (let b = 0; b < nb; b++) sums[b] = rng.int(distinct) * (trial % 2 ? 1 : 0.5);
      // Ids whose string order differs from their number order ("route:10" < "route:9").
      const names = Array.from({ length: nb }, () => `route:${rng.int(100_000)}`);
      for (let b = 0; b < nb; b++) names[b] += `:${b}`; // unique, as bucket ids are
      const count = rng.int(nb + 1);
      const cands = new Int32Array(nb);
      for (let b = 0; b < nb; b++) cands[b] = b;
      for (let i = nb - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [cands[i], cands[j]] = [cands[j], cands[i]];
      }
      for (const budget of [0, 1, 2, count >> 1, count - 1, count, count + 5, 1 + rng.int(nb)]) {
        const got = topBuckets(cands, count, budget, sums, names);
        const want = topBucketsBySort(cands, count, budget, sums, names);
        expect(sorted(got)).toEqual(sorted(want));
      }
    }
  });

  it('drops exactly the tied bucket whose id sorts last', () => {
    const sums = Float64Array.from([5, 5, 5, 9]);
    const names = ['route:9', 'route:10', 'route:2', 'route:1'];
    const all = Int32Array.from([0, 1, 2, 3]);
    // route:1 (9) first, then the 5s in string order: route:10, route:2, route:9.
    expect(sorted(topBuckets(all, 4, 3, sums, names))).toEqual([1, 2, 3]);
    expect(sorted(topBuckets(all, 4, 2, sums, names))).toEqual([1, 3]);
  });
});

const enc = new TextEncoder();

function meta(id: number, start: string): BucketMeta {
  return {
    bucketId: `route:${id}`,
    start: enc.encode(start),
    end: new Uint8Array(0),
    label: '',
    aggregate: false,
    routeIds: [String(id)],
    routeCount: 1,
  };
}

/** Random columns: many buckets, sparse and dense steps, tied sums, idle entries. */
function randomHistory(rng: Rng, nb: number, nc: number): Column[] {
  const metas = Array.from({ length: nb }, (_, i) =>
    meta(i + 1, `k${String(rng.int(nb * 2)).padStart(5, '0')}`),
  );
  const cols: Column[] = [];
  for (let j = 0; j < nc; j++) {
    const dense = rng.float() < 0.5;
    const rows: ColumnRow[] = [];
    for (const m of metas) {
      if (!dense && rng.float() < 0.6) continue;
      const idle = rng.float() < 0.1;
      const v = () => (idle ? 0 : rng.int(4));
      rows.push({
        meta: m,
        reads: v(),
        writes: v(),
        readBytes: v(),
        writeBytes: v(),
        raftGroupId: 1 + rng.int(3),
        leaderTerm: 1 + rng.int(2),
      });
    }
    rows.sort((a, b) => compareBytes(a.meta.start, b.meta.start));
    cols.push({ unixMs: 1000 * (j + 1), rows });
  }
  return cols;
}

const SERIES: (keyof ColumnRow)[] = ['reads', 'writes', 'readBytes', 'writeBytes'];

/** contract.md §1 written out plainly: rank, budget, key order, cells. */
function reference(cols: Column[], req: MatrixRequest, k: number) {
  const inWin = cols.filter(
    (c) =>
      (req.fromUnixMs === 0 || c.unixMs >= req.fromUnixMs) &&
      (req.toUnixMs === 0 || c.unixMs < req.toUnixMs),
  );
  const sum = new Map<string, number>();
  const metaOf = new Map<string, BucketMeta>();
  for (const c of inWin) {
    for (const r of c.rows) {
      if (!r.reads && !r.writes && !r.readBytes && !r.writeBytes) continue;
      sum.set(r.meta.bucketId, (sum.get(r.meta.bucketId) ?? 0) + (r[SERIES[k]] as number));
      metaOf.set(r.meta.bucketId, r.meta);
    }
  }
  let ids = [...sum.keys()];
  const budget = req.rows > 0 ? Math.min(req.rows, 1024) : 1024;
  ids.sort((a, b) => sum.get(b)! - sum.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
  ids = ids.slice(0, budget);
  ids.sort(
    (a, b) =>
      compareBytes(metaOf.get(a)!.start, metaOf.get(b)!.start) || (a < b ? -1 : a > b ? 1 : 0),
  );
  return ids.map((id) => {
    const cells = inWin.map((c) => {
      const r = c.rows.find((x) => x.meta.bucketId === id);
      const active = r && (r.reads || r.writes || r.readBytes || r.writeBytes);
      return active
        ? [r[SERIES[k]] as number, r.raftGroupId, r.leaderTerm]
        : [r ? (r[SERIES[k]] as number) : 0, 0, 0];
    });
    return { id, cells };
  });
}

describe('the pivot on random histories equals the plain reference', () => {
  it('rows, their order and every cell, whole history and windows, every series', async () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 12; trial++) {
      const nb = 20 + rng.int(120);
      const nc = 1 + rng.int(40);
      const cols = randomHistory(rng, nb, nc);
      const ring = new ColumnRing(nc);
      appendColumns(ring, cols);
      for (const k of [0, 1, 2, 3]) {
        const from = rng.float() < 0.5 ? 0 : 1000 * (1 + rng.int(nc));
        const rows = [0, 1, 3, rng.int(nb), nb][rng.int(5)];
        const req: MatrixRequest = { series: [1, 2, 3, 4][k], fromUnixMs: from, toUnixMs: 0, rows };
        const want = reference(cols, req, k);
        for (const got of [
          pivotRing(ring, req),
          pivotRing(ring, req, false),
          await pivotRingSliced(ring, req, () => Promise.resolve(), 7),
        ]) {
          expect(got.rows.map((r) => r.meta.bucketId)).toEqual(want.map((w) => w.id));
          got.rows.forEach((r, i) => {
            const cells = Array.from(r.values, (v, j) => [v, r.raftGroupIds[j], r.leaderTerms[j]]);
            expect(cells).toEqual(want[i].cells);
          });
        }
      }
    }
  });
});
