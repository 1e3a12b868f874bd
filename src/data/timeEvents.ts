// Events on the time axis, found in the matrix the page holds: leader changes
// (from per-cell leader terms), splits and merges (reported by StreamEvents, or
// inferred from bucket identity changes where there is no stream), and gaps in
// the column times. Pure: markers, lines and the bucket page build on it.
import type { Matrix } from './matrix.ts';
import { appendOrigin } from './matrixOrigin.ts';
import { COLS_PER_STEP_MASK, ROWS_PER_STEP_MASK, runSteps } from './steps.ts';
import { compareKeys } from './view/keyOrder.ts';

interface EventBase {
  /** Column the event is drawn at (its first column after the change). */
  col: number;
  /** When it happened (ms): the transition time, or the column's flush time. */
  unixMs: number;
  /** Bucket ids of the rows it touches. */
  buckets: string[];
}

export interface LeaderEvent extends EventBase {
  kind: 'leader';
  raftGroupId: number;
  oldTerm: number;
  newTerm: number;
}

export interface RouteEvent extends EventBase {
  kind: 'split' | 'merge';
  /** Route ids (decimal strings): split = [parent, ...children]; merge = [survivor, ...folded]. */
  routeIds: string[];
  /** 'stream' = reported by StreamEvents; 'inferred' = a bucket appeared or vanished next to another. */
  source: 'stream' | 'inferred';
  lineageId: string;
}

export interface GapEvent extends EventBase {
  kind: 'gap';
  /** The last column before the gap and how long nothing was flushed. */
  fromMs: number;
  missingMs: number;
  /**
   * The page's own hole, not the server's: the window fetched for the view ends here and the
   * columns after it were appended by Live (a zoom into the past). The server may well have
   * flushed every column in it.
   */
  notLoaded?: true;
}

export type TimeEvent = LeaderEvent | RouteEvent | GapEvent;

/** A reported split or merge (StreamEvents' RouteTransition). */
export interface ReportedTransition {
  transition: 'split' | 'merge';
  parentRouteId: string;
  childRouteIds: string[];
  lineageId: string;
  unixMs: number;
  start: Uint8Array;
  end: Uint8Array;
}

/** Median column spacing (ms); 0 with fewer than two columns. */
export function medianStepMs(columns: Float64Array): number {
  if (columns.length < 2) return 0;
  const d: number[] = [];
  for (let j = 1; j < columns.length; j++) d.push(columns[j] - columns[j - 1]);
  d.sort((a, b) => a - b);
  return d[d.length >> 1];
}

/** First column whose flush time is >= t (colCount when none). */
function columnAt(columns: Float64Array, t: number): number {
  let lo = 0;
  let hi = columns.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (columns[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rows whose [start, end) overlaps [start, end) (empty end = unbounded). */
function rowsOverlapping(m: Matrix, start: Uint8Array, end: Uint8Array): string[] {
  const out: string[] = [];
  for (const r of m.rows) {
    const beforeEnd = end.length === 0 || compareKeys(r.start, end) < 0;
    const afterStart = r.end.length === 0 || compareKeys(r.end, start) > 0;
    if (beforeEnd && afterStart) out.push(r.bucketId);
  }
  return out;
}

/** Most (column, group) slots leaderChanges tabulates; past it, it walks column by column. */
const MAX_GROUP_SLOTS = 1 << 21;

/**
 * Leader term changes per Raft group: one event per group and column where its term moved (the
 * highest term any of the group's cells saw in that column), in the order the group's first row
 * comes in the column.
 *
 * One row-major sweep puts the groups' terms per column into a small group x column table, then
 * the table is read column by column. A live page runs this on every appended column, and the
 * column-by-column walk it replaces read the matrix with a stride of a whole row for every
 * column in which any cell came or went (on the default workload: all of them).
 */
export function leaderChanges(m: Matrix): LeaderEvent[] {
  return runSteps(leaderChangesSteps(m));
}

/** leaderChanges in steps (steps.ts): yields every few rows and columns, for a sliced run. */
export function* leaderChangesSteps(m: Matrix): Generator<void, LeaderEvent[], void> {
  const { raftGroupIds: groups, leaderTerms: terms, rowCount: R, colCount: C } = m;
  if (!groups || !terms) return [];
  const t = yield* groupTableSteps(m, groups, terms);
  if (!t) return yield* leaderChangesByColumnSteps(m);
  const { ids, top, first } = t;
  const G = ids.length;
  const last = new Float64Array(G);
  const seen = new Uint8Array(G);
  const out: LeaderEvent[] = [];
  for (let j = 0; j < C; j++) {
    if ((j & COLS_PER_STEP_MASK) === COLS_PER_STEP_MASK) yield;
    let moved: LeaderEvent[] | null = null;
    for (let g = 0; g < G; g++) {
      const s = g * C + j;
      if (first[s] < 0) continue;
      if (seen[g] && last[g] !== top[s]) {
        (moved ??= []).push({
          kind: 'leader',
          col: j,
          unixMs: m.columns[j],
          buckets: [],
          raftGroupId: ids[g],
          oldTerm: last[g],
          newTerm: top[s],
        });
      }
      last[g] = top[s];
      seen[g] = 1;
    }
    if (!moved) continue;
    // Groups in the order of their first row in the column (as the column walk met them).
    const firstRow = (e: LeaderEvent) => first[t.index.get(e.raftGroupId)! * C + j];
    moved.sort((a, b) => firstRow(a) - firstRow(b));
    const byId = new Map<number, LeaderEvent>();
    for (const e of moved) {
      byId.set(e.raftGroupId, e);
      out.push(e);
    }
    // Only a moved group's rows are listed (most columns move none or one).
    for (let i = 0; i < R; i++) {
      const g = groups[i * C + j];
      if (g === 0 || terms[i * C + j] === 0) continue;
      byId.get(g)?.buckets.push(m.rows[i].bucketId);
    }
  }
  return out;
}

/** Each matrix's table, kept while the matrix lives: the next live column starts from it. */
const tables = new WeakMap<Matrix, GroupTable>();

/**
 * The matrix's group x column table (null when it would outgrow MAX_GROUP_SLOTS). A live
 * matrix appended to one whose table is known, with the same rows, carries that table over
 * (shifted by the columns the window dropped) and reads only its new column: its kept cells are
 * the older matrix's, unchanged (matrixOrigin.ts). Otherwise one row-major sweep builds it.
 */
function* groupTableSteps(
  m: Matrix,
  groups: Float64Array,
  terms: Float64Array,
): Generator<void, GroupTable | null, void> {
  const known = tables.get(m);
  if (known) return known;
  const { rowCount: R, colCount: C } = m;
  const o = appendOrigin(m);
  const base = o?.sameRows ? o.base.deref() : undefined;
  const prev = base && tables.get(base);
  let t: GroupTable | null;
  if (prev && o && C > 0 && prev.C - o.dropped + 1 === C) {
    t = slideTable(prev, o.dropped, C);
    if (!tabulateColumn(groups, terms, R, C - 1, t)) t = null;
  } else {
    t = { index: new Map(), ids: [], C, top: new Float64Array(0), first: new Int32Array(0) };
    for (let i = 0; i < R && t; i++) {
      if (!tabulateRow(groups, terms, i, t)) t = null;
      if ((i & ROWS_PER_STEP_MASK) === ROWS_PER_STEP_MASK) yield;
    }
  }
  if (t) tables.set(m, t);
  return t;
}

/** `prev` with its first `dropped` columns gone and an empty last column: C columns in all. */
function slideTable(prev: GroupTable, dropped: number, C: number): GroupTable {
  const G = prev.ids.length;
  const top = new Float64Array(G * C);
  const first = new Int32Array(G * C).fill(-1);
  const n = C - 1;
  for (let g = 0; g < G; g++) {
    const from = g * prev.C + dropped;
    top.set(prev.top.subarray(from, from + n), g * C);
    first.set(prev.first.subarray(from, from + n), g * C);
  }
  return { index: new Map(prev.index), ids: prev.ids.slice(), C, top, first };
}

/** Column j's cells into the table (rows in order); false when it would outgrow the cap. */
function tabulateColumn(
  groups: Float64Array,
  terms: Float64Array,
  R: number,
  j: number,
  t: GroupTable,
): boolean {
  const { C } = t;
  for (let i = 0; i < R; i++) {
    const g = groups[i * C + j];
    const term = terms[i * C + j];
    if (g === 0 || term === 0) continue;
    const gi = groupSlot(t, g);
    if (gi < 0) return false;
    const s = gi * C + j;
    if (t.first[s] < 0) {
      t.first[s] = i;
      t.top[s] = term;
    } else if (term > t.top[s]) t.top[s] = term;
  }
  return true;
}

/** Per group (dense index) and column: the highest term there, and the first row seen. */
interface GroupTable {
  index: Map<number, number>;
  /** Group id of each dense index. */
  ids: number[];
  C: number;
  /** top[g * C + j]; first[g * C + j] = -1 where the group has no cell in column j. */
  top: Float64Array;
  first: Int32Array;
}

/** Row i's cells into the table; false when the table would outgrow MAX_GROUP_SLOTS. */
function tabulateRow(groups: Float64Array, terms: Float64Array, i: number, t: GroupTable): boolean {
  const { C } = t;
  const base = i * C;
  let lastG = 0;
  let at = 0;
  for (let j = 0; j < C; j++) {
    const g = groups[base + j];
    const term = terms[base + j];
    if (g === 0 || term === 0) continue;
    if (g !== lastG) {
      // A row keeps its group for long runs: few lookups.
      lastG = g;
      const gi = groupSlot(t, g);
      if (gi < 0) return false;
      at = gi * C;
    }
    const s = at + j;
    if (t.first[s] < 0) {
      t.first[s] = i;
      t.top[s] = term;
    } else if (term > t.top[s]) t.top[s] = term;
  }
  return true;
}

/** Room for at least `groups` groups (doubling); false past MAX_GROUP_SLOTS. */
/** Group g's dense index, added (and the table grown) on first sight; -1 past MAX_GROUP_SLOTS. */
function groupSlot(t: GroupTable, g: number): number {
  const known = t.index.get(g);
  if (known !== undefined) return known;
  const gi = t.ids.length;
  if ((gi + 1) * t.C > t.top.length && !growTable(t, gi + 1)) return -1;
  t.index.set(g, gi);
  t.ids.push(g);
  return gi;
}

function growTable(t: GroupTable, groups: number): boolean {
  const cap = Math.max(groups, (t.top.length / Math.max(1, t.C)) * 2, 8);
  if (cap * t.C > MAX_GROUP_SLOTS) return false;
  const top = new Float64Array(cap * t.C);
  const first = new Int32Array(cap * t.C).fill(-1);
  top.set(t.top);
  first.set(t.first);
  t.top = top;
  t.first = first;
  return true;
}

/** leaderChanges walking the matrix column by column (for a table too large to build). */
export function leaderChangesByColumn(m: Matrix): LeaderEvent[] {
  return runSteps(leaderChangesByColumnSteps(m));
}

function* leaderChangesByColumnSteps(m: Matrix): Generator<void, LeaderEvent[], void> {
  const { raftGroupIds: groups, leaderTerms: terms, rowCount: R, colCount: C } = m;
  if (!groups || !terms) return [];
  const last = new Map<number, number>();
  const out: LeaderEvent[] = [];
  const changed = new Uint8Array(C);
  if (C > 0) changed[0] = 1;
  for (let i = 0; i < R; i++) {
    markChanges(groups, terms, i * C, C, changed);
    if ((i & ROWS_PER_STEP_MASK) === ROWS_PER_STEP_MASK) yield;
  }
  for (let j = 0; j < C; j++) {
    if ((j & COLS_PER_STEP_MASK) === COLS_PER_STEP_MASK) yield;
    // A column whose every row has the group and term of the previous column has the same
    // groups at the same terms: no event, and `last` already holds them.
    if (!changed[j]) continue;
    // The group's term in this column: the highest any of its cells saw.
    const now = new Map<number, number>();
    for (let i = 0; i < R; i++) {
      const g = groups[i * C + j];
      const t = terms[i * C + j];
      if (g === 0 || t === 0) continue;
      const e = now.get(g);
      if (e === undefined || t > e) now.set(g, t);
    }
    let moved: Map<number, LeaderEvent> | null = null;
    for (const [g, term] of now) {
      const prev = last.get(g);
      if (prev !== undefined && prev !== term) {
        const e: LeaderEvent = {
          kind: 'leader',
          col: j,
          unixMs: m.columns[j],
          buckets: [],
          raftGroupId: g,
          oldTerm: prev,
          newTerm: term,
        };
        (moved ??= new Map()).set(g, e);
        out.push(e);
      }
      last.set(g, term);
    }
    // Only a moved group's rows are listed (most columns move none or one).
    if (moved) {
      for (let i = 0; i < R; i++) {
        const g = groups[i * C + j];
        if (g === 0 || terms[i * C + j] === 0) continue;
        moved.get(g)?.buckets.push(m.rows[i].bucketId);
      }
    }
  }
  return out;
}

/** Marks (1) the columns where row `base`'s (group, term) differs from the previous column's. */
function markChanges(
  groups: Float64Array,
  terms: Float64Array,
  base: number,
  C: number,
  changed: Uint8Array,
): void {
  for (let j = 1; j < C; j++) {
    const k = base + j;
    if (groups[k] !== groups[k - 1] || terms[k] !== terms[k - 1]) changed[j] = 1;
  }
}

/**
 * Pauses longer than 1.5 median steps between columns. `loadedToMs`: the end (a flush time,
 * exclusive; 0 = open) of the window the matrix was fetched for; a pause across it is where that
 * window meets the columns Live appended after it (notLoaded), not a pause of the server.
 */
export function columnGaps(m: Matrix, loadedToMs = 0): GapEvent[] {
  const step = medianStepMs(m.columns);
  if (step <= 0) return [];
  const out: GapEvent[] = [];
  const all = m.rows.map((r) => r.bucketId);
  for (let j = 1; j < m.colCount; j++) {
    const d = m.columns[j] - m.columns[j - 1];
    if (d > step * 1.5) {
      const stitch = loadedToMs > 0 && m.columns[j - 1] < loadedToMs && m.columns[j] >= loadedToMs;
      out.push({
        kind: 'gap',
        col: j,
        unixMs: m.columns[j],
        buckets: all,
        fromMs: m.columns[j - 1],
        missingMs: d - step,
        ...(stitch && { notLoaded: true as const }),
      });
    }
  }
  return out;
}

const routeIdOf = (bucketId: string): string | null => /^route:(\d+)/.exec(bucketId)?.[1] ?? null;

/**
 * Splits and merges inferred from bucket identity: a route that first shows up
 * after the first column, with an id above every id seen in that first column, just
 * after a row whose range now ends where it starts, is the right half of a split; a
 * route whose last column is before the newest one, inside the range a row
 * present after it now covers, was merged into that row. Rows carry their newest
 * range, which is what makes both tests work.
 */
export function inferredTransitions(m: Matrix): RouteEvent[] {
  const { rowCount: R, colCount: C } = m;
  if (C < 2) return [];
  const first = new Int32Array(R).fill(-1);
  const last = new Int32Array(R).fill(-1);
  // From each end of a row to its first present cell: most rows are present at both ends, so
  // this reads a few cells per row instead of all of them.
  for (let i = 0; i < R; i++) {
    first[i] = firstPresent(m.values, m.raftGroupIds, i * C, C);
    if (first[i] >= 0) last[i] = lastPresent(m.values, m.raftGroupIds, i * C, C);
  }
  let maxEarly = -1n;
  for (let i = 0; i < R; i++) {
    const id = routeIdOf(m.rows[i].bucketId);
    if (id !== null && first[i] === 0 && BigInt(id) > maxEarly) maxEarly = BigInt(id);
  }
  const out: RouteEvent[] = [];
  for (let i = 0; i < R; i++) {
    const id = routeIdOf(m.rows[i].bucketId);
    if (id === null || first[i] < 0) continue;
    const row = m.rows[i];
    // Split: a new id right after a row that was there before and now ends where it starts.
    if (first[i] > 0 && BigInt(id) > maxEarly && i > 0) {
      const left = m.rows[i - 1];
      const lid = routeIdOf(left.bucketId);
      if (
        lid !== null &&
        first[i - 1] >= 0 &&
        first[i - 1] < first[i] &&
        compareKeys(left.end, row.start) === 0 &&
        left.end.length > 0
      ) {
        const j = first[i];
        out.push({
          kind: 'split',
          col: j,
          unixMs: m.columns[j],
          buckets: [left.bucketId, row.bucketId],
          routeIds: [lid, lid, id],
          source: 'inferred',
          lineageId: '',
        });
      }
    }
    // Merge: gone before the newest column, inside a row that outlives it and now covers it.
    if (last[i] < C - 1) {
      for (let k = i - 1; k >= 0; k--) {
        const cover = m.rows[k];
        if (compareKeys(cover.start, row.start) > 0) continue;
        const covers =
          cover.end.length === 0 || (row.end.length > 0 && compareKeys(cover.end, row.end) >= 0);
        const cid = routeIdOf(cover.bucketId);
        if (covers && cid !== null && last[k] > last[i]) {
          const j = last[i] + 1;
          out.push({
            kind: 'merge',
            col: j,
            unixMs: m.columns[j],
            buckets: [cover.bucketId, row.bucketId],
            routeIds: [cid, cid, id],
            source: 'inferred',
            lineageId: '',
          });
        }
        break;
      }
    }
  }
  return out;
}

/** Column of the first cell of the row at `base` with traffic or a Raft group; -1 if none. */
function firstPresent(
  values: Float64Array,
  groups: Float64Array | null,
  base: number,
  C: number,
): number {
  for (let j = 0; j < C; j++) {
    if (values[base + j] !== 0 || (groups !== null && groups[base + j] !== 0)) return j;
  }
  return -1;
}

/** Column of the last such cell; -1 if none. */
function lastPresent(
  values: Float64Array,
  groups: Float64Array | null,
  base: number,
  C: number,
): number {
  for (let j = C - 1; j >= 0; j--) {
    if (values[base + j] !== 0 || (groups !== null && groups[base + j] !== 0)) return j;
  }
  return -1;
}

/** Reported transitions placed on the matrix's columns (those inside its time span). */
export function reportedTransitions(
  m: Matrix,
  reported: readonly ReportedTransition[],
): RouteEvent[] {
  const out: RouteEvent[] = [];
  if (m.colCount === 0) return out;
  const startMs = m.columns[0];
  for (const t of reported) {
    if (t.unixMs < startMs) continue;
    const col = Math.min(columnAt(m.columns, t.unixMs), m.colCount - 1);
    out.push({
      kind: t.transition,
      col,
      unixMs: t.unixMs,
      buckets: rowsOverlapping(m, t.start, t.end),
      routeIds: [t.parentRouteId, ...t.childRouteIds],
      source: 'stream',
      lineageId: t.lineageId,
    });
  }
  return out;
}

/**
 * Every event of the matrix in time order. Reported transitions win over
 * inferred ones: an inferred split or merge is kept only for a column with no
 * reported one on its rows. `loadedToMs`: see columnGaps.
 */
export function timeEvents(
  m: Matrix,
  reported: readonly ReportedTransition[] = [],
  loadedToMs = 0,
): TimeEvent[] {
  return runSteps(timeEventsSteps(m, reported, loadedToMs));
}

/**
 * timeEvents in steps (steps.ts): the leader changes read every cell of two matrix-sized arrays
 * (20-60 ms on a 1024 x 1440 answer), so a page runs this sliced between frames.
 */
export function* timeEventsSteps(
  m: Matrix,
  reported: readonly ReportedTransition[] = [],
  loadedToMs = 0,
): Generator<void, TimeEvent[], void> {
  const leaders = yield* leaderChangesSteps(m);
  const stream = reportedTransitions(m, reported);
  const covered = new Set(stream.flatMap((e) => e.buckets.map((b) => `${e.col}/${b}`)));
  const inferred = inferredTransitions(m).filter(
    (e) => !e.buckets.some((b) => covered.has(`${e.col}/${b}`) || covered.has(`${e.col - 1}/${b}`)),
  );
  const all: TimeEvent[] = [...leaders, ...stream, ...inferred, ...columnGaps(m, loadedToMs)];
  return all.sort((a, b) => a.col - b.col || a.unixMs - b.unixMs);
}

/**
 * Events computed for another matrix, placed on `m`'s columns by time (those whose column `m`
 * has; the rest are left out): what the page shows while `m`'s own events are computed, so a
 * live column or a refetch does not blank the markers for a few frames.
 */
export function eventsOnto(events: readonly TimeEvent[], m: Matrix): TimeEvent[] {
  const cols = m.columns;
  const out: TimeEvent[] = [];
  for (const e of events) {
    let lo = 0;
    let hi = cols.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cols[mid] < e.unixMs) lo = mid + 1;
      else hi = mid;
    }
    if (lo < cols.length && cols[lo] === e.unixMs) out.push(lo === e.col ? e : { ...e, col: lo });
  }
  return out;
}

/** The events that touch one bucket (the bucket page's list). */
export function bucketEvents(events: readonly TimeEvent[], bucketId: string): TimeEvent[] {
  return events.filter((e) => e.buckets.includes(bucketId));
}

/** One line of words for a marker's hover and the bucket page. */
export function describeEvent(e: TimeEvent, fmtTime: (ms: number) => string): string {
  const when = fmtTime(e.unixMs);
  switch (e.kind) {
    case 'leader':
      return `${when}: leader change in Raft group ${e.raftGroupId}, term ${e.oldTerm} → ${e.newTerm} (${e.buckets.length} row${e.buckets.length === 1 ? '' : 's'})`;
    case 'split': {
      const [parent, ...children] = e.routeIds;
      const how = e.source === 'stream' ? 'reported' : 'inferred from the rows';
      return `${when}: route ${parent} split into ${children.join(' + ')} (${how})`;
    }
    case 'merge': {
      const [survivor, ...folded] = e.routeIds;
      const how = e.source === 'stream' ? 'reported' : 'inferred from the rows';
      return `${when}: routes ${folded.join(' + ')} merged into ${survivor} (${how})`;
    }
    case 'gap': {
      const s = Math.round(e.missingMs / 1000);
      return e.notLoaded
        ? `${when}: ${s} s before this not loaded at this zoom (the window fetched for the view ends there; Live's columns follow)`
        : `${when}: no columns for ${s} s before this (a gap: server down or paused)`;
    }
  }
}
