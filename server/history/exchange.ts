// Export and import of a window of the store as a record file (docs/fixture-format.md), so a
// recording and the database hold the same columns: `npm run history:export` writes what the
// store holds, `npm run history:import` writes a recording into a store (never over time it
// holds). The file is the one --record writes, --fixture replays and the page opens.
import type { Column, ColumnRow } from '../sampler/types.ts';
import { Sampler } from '../sampler/index.ts';
import { compareBytes } from '../sampler/keys.ts';
import type { HistoryStore } from './types.ts';
import type { HistoryWriter } from './writer.ts';

/**
 * The columns of `tier` starting in [from, to), oldest first, in the record file's shape. A
 * flush time ends its step; a roll-up stored at window start s is named s + width - step, as
 * GetKeyVizMatrix names it (query.ts). Idle entries (all four counters zero) are left out.
 */
export function exportColumns(
  store: HistoryStore,
  tier: number,
  from: number,
  to: number,
  stepMs: number,
): Column[] {
  const out: Column[] = [];
  for (const c of store.readFull(tier, from, to)) {
    const n = c.keys.length;
    const rows: ColumnRow[] = [];
    let p = 0;
    for (let i = 0; i < n; i++) {
      if (c.idle && p < c.idle.length && c.idle[p] === i) {
        p++;
        continue;
      }
      const meta = store.metaOf(c.keys[i]);
      if (!meta)
        throw new Error(`${store.path}: column ${tier}/${c.unixMs} names unknown key ${c.keys[i]}`);
      rows.push({
        meta,
        reads: c.counters[i],
        writes: c.counters[n + i],
        readBytes: c.counters[2 * n + i],
        writeBytes: c.counters[3 * n + i],
        raftGroupId: c.groups[i],
        leaderTerm: c.terms[i],
      });
    }
    rows.sort((a, b) => compareBytes(a.meta.start, b.meta.start));
    const rolled = c.widthMs > stepMs;
    out.push({ unixMs: rolled ? c.unixMs + c.widthMs - stepMs : c.unixMs, rows });
  }
  return out;
}

export interface ImportResult {
  written: number;
  /** Columns at or before the store's newest raw column: never written over. */
  skipped: number;
}

/**
 * Writes a recording's columns through `writer` (the raw tier and the roll-ups, as live flushes
 * are), oldest first, skipping every column not newer than the store's newest. Closes the writer
 * (and with it the store) when done. The recording's step must be the store's.
 */
export function importColumns(
  writer: HistoryWriter,
  columns: readonly Column[],
  stepMs: number,
): ImportResult {
  if (stepMs !== writer.stepMs) {
    throw new Error(
      `the recording's step is ${stepMs} ms, the store's ${writer.stepMs} ms (give --keyvizStep)`,
    );
  }
  if (!writer.rawTier0) throw new Error('the store keeps no raw tier to import into');
  const s = Sampler.fromColumns(columns, { stepMs, historyColumns: Math.max(1, columns.length) });
  const ring = s.columnRing;
  let written = 0;
  for (let i = 0; i < ring.length; i++) {
    const before = writer.lastRawMs;
    writer.onColumn(ring.at(i), ring.identities);
    if (writer.lastRawMs !== before) written++;
    // One transaction per few columns, as the live writer drains: memory stays flat.
    if (written % 30 === 0 && !writer.drain())
      throw new Error(writer.health.lastError ?? 'write failed');
  }
  writer.close();
  if (writer.health.failedWrites > 0) throw new Error(writer.health.lastError ?? 'write failed');
  return { written, skipped: ring.length - written };
}
