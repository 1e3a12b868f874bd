// The bucket page's data model (pure): the page built from matrices when the node has no
// GetRouteDetail, the Raft group / leader term changes, the same route's other rows, and
// the bucket's splits, merges and gaps.
import type { BucketIdent, RouteDetail } from '../../api/consoleClient.ts';
import { formatInt } from '../../data/format.ts';
import type { Matrix, RowMeta, Series } from '../../data/matrix.ts';
import {
  bucketEvents,
  columnGaps,
  inferredTransitions,
  type TimeEvent,
} from '../../data/timeEvents.ts';
import { newestFirstPage, pageRows, type PageSlice } from './paging.ts';

export const SERIES_ORDER: readonly Series[] = ['reads', 'writes', 'read_bytes', 'write_bytes'];

function ident(m: RowMeta): BucketIdent {
  return {
    bucketId: m.bucketId,
    start: m.start,
    end: m.end,
    label: m.label,
    aggregate: m.aggregate,
    routeIds: m.routeIds,
    routeIdsTruncated: m.routeIdsTruncated,
    routeCount: m.routeCount,
  };
}

/**
 * A node without GetRouteDetail: the bucket from the matrices of the series that were
 * loaded (each up to 1024 rows: a quiet bucket may be missing from some). Null when no
 * matrix has the row.
 */
export function detailFromMatrices(
  bucketId: string,
  matrices: Partial<Record<Series, Matrix>>,
): { detail: RouteDetail; missing: Series[] } | null {
  let base: { m: Matrix; r: number } | null = null;
  for (const s of SERIES_ORDER) {
    const m = matrices[s];
    if (!m) continue;
    const r = m.rows.findIndex((x) => x.bucketId === bucketId);
    if (r >= 0 && (!base || s === 'writes')) base = { m, r };
  }
  if (!base) return null;
  const columns = Array.from(base.m.columns);
  const C = columns.length;
  const missing: Series[] = [];
  const series = {} as Record<Series, number[]>;
  for (const s of SERIES_ORDER) {
    const m = matrices[s];
    const r = m ? m.rows.findIndex((x) => x.bucketId === bucketId) : -1;
    if (!m || r < 0 || m.colCount !== C) {
      missing.push(s);
      series[s] = [];
      continue;
    }
    series[s] = Array.from(m.values.subarray(r * C, (r + 1) * C));
  }
  const { m, r } = base;
  const cells = (a: Float64Array | null) =>
    a ? Array.from(a.subarray(r * C, (r + 1) * C), (v) => String(v)) : [];
  return {
    detail: {
      columns,
      row: ident(m.rows[r]),
      series,
      groups: cells(m.raftGroupIds),
      terms: cells(m.leaderTerms),
      before: r > 0 ? ident(m.rows[r - 1]) : null,
      after: r + 1 < m.rowCount ? ident(m.rows[r + 1]) : null,
      perAdapter: [],
      nodes: [],
    },
    missing,
  };
}

export interface TermChange {
  /** Column index where the new (group, term) starts. */
  col: number;
  t: number;
  group: string;
  term: string;
  kind: 'first' | 'group' | 'term';
}

/** Every change of Raft group or leader term over the known (non-zero) cells. */
export function termChanges(
  columns: readonly number[],
  groups: readonly string[],
  terms: readonly string[],
): TermChange[] {
  const out: TermChange[] = [];
  let g = '';
  let t = '';
  for (let c = 0; c < Math.min(columns.length, groups.length, terms.length); c++) {
    if (groups[c] === '0' && terms[c] === '0') continue; // idle or unknown
    if (groups[c] === g && terms[c] === t) continue;
    out.push({
      col: c,
      t: columns[c],
      group: groups[c],
      term: terms[c],
      kind: g === '' ? 'first' : groups[c] !== g ? 'group' : 'term',
    });
    g = groups[c];
    t = terms[c];
  }
  return out;
}

/** Rows a page of the change table lists (every change stays marked on the series). */
export const CHANGE_ROWS = 50;

/**
 * The change table's caption. `entries` counts its rows (the first (group, term) seen, then
 * one per change); when the table lists only some of them (a page), the caption says which.
 */
export function changeCaption(
  entries: number,
  slice: PageSlice = newestFirstPage(entries, CHANGE_ROWS, 1),
): string {
  const n = Math.max(0, entries - 1);
  if (n === 0) return 'No change in the window';
  const changes = `${formatInt(n)} change${n === 1 ? '' : 's'} in the window`;
  if (slice.pages === 1) return changes;
  // Every change stays marked on the series; the caption says the table's rows are not all.
  return `${changes}: ${pageRows(slice, entries)} listed`;
}

/** `route:<id>` of a bucket id, or null for a virtual bucket. */
export function routeOf(bucketId: string): string | null {
  const m = /^route:(\d+)/.exec(bucketId);
  return m ? m[1] : null;
}

/** Rows of the same route with another label or sub-range (contract §5.3). */
export function relatedRows(rows: readonly RowMeta[], bucketId: string): RowMeta[] {
  const route = routeOf(bucketId);
  if (route === null) return [];
  return rows.filter((r) => r.bucketId !== bucketId && routeOf(r.bucketId) === route);
}

/** A split, merge or gap that touches the bucket, as the bucket page lists it. */
export interface BucketEventRow {
  kind: 'split' | 'merge' | 'gap';
  /** When: the transition's first column, or the first column after a gap. */
  unixMs: number;
  /** A gap: the last column before it. */
  fromMs?: number;
  /** What happened to this bucket, in words, ending where `others` follow. */
  what: string;
  /** The other buckets involved (the page links them). */
  others: string[];
  /** Words after the links, if any. */
  after: string;
}

/**
 * The bucket's splits and merges (inferred from the matrix's bucket identities,
 * timeEvents.ts) and the window's gaps, oldest first. Leader and group changes are
 * the term table's. Takes the events of the matrix (timeEvents' kinds) so the
 * inference runs once per matrix.
 */
export function bucketEventRows(events: readonly TimeEvent[], bucketId: string): BucketEventRow[] {
  const out: BucketEventRow[] = [];
  // A gap is the whole window's: listed even for a bucket the matrix has no row for.
  const mine = new Set(bucketEvents(events, bucketId));
  for (const e of events) {
    if (e.kind !== 'gap' && !mine.has(e)) continue;
    if (e.kind === 'gap') {
      const s = Math.round(e.missingMs / 1000);
      out.push({
        kind: 'gap',
        unixMs: e.unixMs,
        fromMs: e.fromMs,
        what: e.notLoaded
          ? `Gap: ${s} s not loaded for this view (not a server pause)`
          : `Gap: no column for ${s} s (the server was down or paused)`,
        others: [],
        after: '',
      });
      continue;
    }
    if (e.kind !== 'split' && e.kind !== 'merge') continue;
    const others = e.buckets.filter((b) => b !== bucketId);
    // buckets = [the row that stays, the row that came or went] (timeEvents.ts).
    const stays = e.buckets[0] === bucketId;
    const how = e.source === 'stream' ? ' (reported)' : ' (inferred from the rows)';
    const what =
      e.kind === 'split'
        ? stays
          ? 'Split: its higher keys became'
          : 'Split off from'
        : stays
          ? 'Merge: took in'
          : 'Merged into';
    const after = e.kind === 'merge' && !stays ? `; no traffic of its own after this${how}` : how;
    out.push({ kind: e.kind, unixMs: e.unixMs, what, others, after });
  }
  return out.sort((a, b) => a.unixMs - b.unixMs);
}

/** The events bucketEventRows reads, for one matrix: inferred splits, merges and gaps. */
export function structuralEvents(m: Matrix): TimeEvent[] {
  return [...inferredTransitions(m), ...columnGaps(m)];
}
