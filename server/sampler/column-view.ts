// Conversions between the compact ring and the plain `Column` view that tests,
// fixtures (record/replay) and snapshot() use.
import { ColumnRing } from './column-store.ts';
import { pivotRing, windowColumns } from './pivot.ts';
import type { Column, ColumnRow, MatrixRequest, MatrixResult } from './types.ts';

/** Appends plain columns (oldest first) to a ring; rows keep their given order. */
export function appendColumns(ring: ColumnRing, columns: readonly Column[]): void {
  for (const col of columns) {
    const n = col.rows.length;
    const buckets = new Uint32Array(n);
    const reads = new Float64Array(n);
    const writes = new Float64Array(n);
    const readBytes = new Float64Array(n);
    const writeBytes = new Float64Array(n);
    const groups = new Float64Array(n);
    const terms = new Float64Array(n);
    const seq = ring.upcomingSeq;
    let exact: Map<number, bigint> | undefined;
    for (let i = 0; i < n; i++) {
      const row = col.rows[i];
      if (row.exact) {
        for (let k = 0; k < 4; k++) {
          const e = row.exact[k];
          if (e !== undefined) (exact ??= new Map()).set(k * n + i, e);
        }
      }
      const b = ring.identities.intern(row.meta.bucketId);
      ring.identities.recordMeta(b, seq, row.meta);
      buckets[i] = b;
      reads[i] = row.reads;
      writes[i] = row.writes;
      readBytes[i] = row.readBytes;
      writeBytes[i] = row.writeBytes;
      groups[i] = row.raftGroupId;
      terms[i] = row.leaderTerm;
    }
    ring.append({
      unixMs: col.unixMs,
      n,
      buckets,
      reads,
      writes,
      readBytes,
      writeBytes,
      groups,
      terms,
      ...(exact ? { exact } : {}),
    });
  }
}

/** Plain columns of the ring whose flush time is in [fromMs, toMs) (0 = unbounded). */
export function ringToColumns(ring: ColumnRing, fromMs: number, toMs: number): Column[] {
  const out: Column[] = [];
  // The pivot's window rule, so snapshots and matrices agree on the columns.
  for (const col of windowColumns(ring, fromMs, toMs)) {
    const rows: ColumnRow[] = [];
    const { buckets, counters, groups, terms, exact } = col;
    const n = buckets.length;
    for (let i = 0; i < n; i++) {
      const idle =
        counters[i] === 0 &&
        counters[n + i] === 0 &&
        counters[2 * n + i] === 0 &&
        counters[3 * n + i] === 0;
      if (idle) continue; // stored only to share a bucket list; not a row of the column
      rows.push({
        meta: ring.identities.metaAt(buckets[i], col.seq),
        reads: counters[i],
        writes: counters[n + i],
        readBytes: counters[2 * n + i],
        writeBytes: counters[3 * n + i],
        raftGroupId: groups[i],
        leaderTerm: terms[i],
        ...(exact ? exactRow(exact, n, i) : {}),
      });
    }
    out.push({ unixMs: col.unixMs, rows });
  }
  return out;
}

/** Entry i's exact counters as a row's `exact`, or nothing when it has none. */
function exactRow(
  exact: ReadonlyMap<number, bigint>,
  n: number,
  i: number,
): Pick<ColumnRow, 'exact'> {
  const e = [0, 1, 2, 3].map((k) => exact.get(k * n + i));
  return e.some((v) => v !== undefined) ? { exact: e } : {};
}

/**
 * The pivot over plain columns (contract.md §1). Loads them into a scratch ring
 * so there is one implementation; the sampler's matrix() skips this copy.
 */
export function buildMatrix(columns: readonly Column[], req: MatrixRequest): MatrixResult {
  const ring = new ColumnRing(Math.max(1, columns.length));
  appendColumns(ring, columns);
  return pivotRing(ring, req);
}
