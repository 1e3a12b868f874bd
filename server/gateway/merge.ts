// The cluster view: several nodes' GetKeyVizMatrix answers folded into one.
// Pure: no I/O, no clock, inputs never mutated. Rules (docs/gateway.md):
// - columns: the sorted union of every node's column times inside the request window
//   (the node's merge). When the nodes' times differ (they flush at unaligned times), by
//   default each is aligned up to the step (the smallest of the nodes' median column
//   spacings), so a cluster view has as many columns as one node; exactColumns keeps
//   the node's union;
// - reads / read bytes: each node served its own reads, so they add up;
// - writes / write bytes: every replica may report the leader's writes, so one value
//   per (raft group, leader term) per cell; two nodes disagreeing on the same
//   (group, term) is a conflict (kept: the larger value). Distinct terms in one cell
//   (a leader change inside a step) add up. A cell where some contribution has an
//   unknown group or term (0, an older node) falls back to the maximum, conflict
//   when two non-zero values differ: summing could double-count;
// - zero write values contribute nothing (a follower that saw only reads);
// - rows re-budgeted like the node's pivot (sum desc, bucket_id asc), then ordered
//   by start key (empty first), ties bucket_id.
import { compareBytes, compareEnds, compareStrings as compareIds } from '../sampler/keys.ts';
import {
  COUNTER_READ_BYTES,
  COUNTER_READS,
  inWindow,
  rowBudget,
  seriesCounter,
} from '../sampler/request.ts';
import { addSaturating, EXACT_FROM, exactCell } from '../wire/exact.ts';
import type {
  BucketMeta,
  CellConflictInfo,
  MatrixAnswer,
  MatrixRequest,
  MatrixRow,
} from '../sampler/types.ts';

export interface NodeAnswer {
  /** The upstream as configured (HOST:PORT). */
  node: string;
  answer: MatrixAnswer;
}

/** Reads and read bytes add up across nodes; everything else (writes, unknown) dedupes. */
export function seriesAddsUp(series: number): boolean {
  // Via seriesCounter so unknown values follow the same "means writes" rule.
  const c = seriesCounter(series);
  return c === COUNTER_READS || c === COUNTER_READ_BYTES;
}

interface Source {
  answer: number; // index into answers
  row: MatrixRow;
}

interface Group {
  bucketId: string;
  sources: Source[];
}

interface MergedRow {
  row: MatrixRow;
  total: number;
  contributors: string[];
  /** Conflicts of this row; `row` is set once the final order is known. */
  conflicts: { column: number; nodes: string[] }[];
}

/** Median spacing of one answer's columns; 0 with fewer than two. */
function medianSpacing(cols: readonly number[]): number {
  if (cols.length < 2) return 0;
  const d: number[] = [];
  for (let i = 1; i < cols.length; i++) if (cols[i] > cols[i - 1]) d.push(cols[i] - cols[i - 1]);
  if (d.length === 0) return 0;
  d.sort((a, b) => a - b);
  return d[d.length >> 1];
}

/**
 * The step to align to: the smallest of the nodes' median column spacings (a node
 * that missed flushes has wider gaps, never narrower), 0 when no node shows two columns.
 */
export function inferStepMs(answers: readonly NodeAnswer[]): number {
  let step = 0;
  for (const a of answers) {
    const s = medianSpacing(a.answer.columnUnixMs);
    if (s > 0 && (step === 0 || s < step)) step = s;
  }
  return step;
}

/** A flush at t covers the step ending at t: it joins the column at the next step boundary. */
export function alignedTime(t: number, stepMs: number): number {
  return stepMs > 0 ? Math.ceil(t / stepMs) * stepMs : t;
}

/** The most columns one node has inside the window. */
function mostColumns(answers: readonly NodeAnswer[], req: MatrixRequest): number {
  let most = 0;
  for (const a of answers) {
    let n = 0;
    for (const t of a.answer.columnUnixMs) if (inWindow(t, req.fromUnixMs, req.toUnixMs)) n++;
    most = Math.max(most, n);
  }
  return most;
}

function unionColumns(answers: readonly NodeAnswer[], req: MatrixRequest, step: number): number[] {
  const all: number[] = [];
  for (const a of answers)
    for (const t of a.answer.columnUnixMs)
      if (inWindow(t, req.fromUnixMs, req.toUnixMs)) all.push(alignedTime(t, step));
  all.sort((x, y) => x - y);
  const out: number[] = [];
  for (const t of all) if (out.length === 0 || out[out.length - 1] !== t) out.push(t);
  return out;
}

/**
 * Per answer: its column index -> merged column index, -1 when outside the window.
 * Aligned, two columns of one node can share a merged column (a restart flushes
 * early): reads add up there, writes dedupe like two nodes' would.
 */
function columnMaps(
  answers: readonly NodeAnswer[],
  columns: number[],
  req: MatrixRequest,
  step: number,
): Int32Array[] {
  const index = new Map<number, number>();
  columns.forEach((t, i) => index.set(t, i));
  return answers.map((a) =>
    Int32Array.from(a.answer.columnUnixMs, (t) =>
      inWindow(t, req.fromUnixMs, req.toUnixMs) ? (index.get(alignedTime(t, step)) ?? -1) : -1,
    ),
  );
}

function hasIds(row: MatrixRow): boolean {
  return row.raftGroupIds.length === row.values.length && row.values.length > 0;
}

/** Meta of the first node that has the row; an aggregate widens to cover every node's view. */
function mergeMeta(sources: Source[]): BucketMeta {
  const first = sources[0].row.meta;
  const meta: BucketMeta = { ...first, routeIds: [...first.routeIds] };
  for (let i = 1; i < sources.length; i++) {
    const m = sources[i].row.meta;
    if (compareBytes(m.start, meta.start) < 0) meta.start = m.start;
    if (compareEnds(m.end, meta.end) > 0) meta.end = m.end; // empty = unbounded tail

    if (m.routeCount > meta.routeCount) meta.routeCount = m.routeCount;
    const cap = Math.max(meta.routeIds.length, m.routeIds.length);
    for (const id of m.routeIds) {
      if (meta.routeIds.length >= cap) break;
      if (!meta.routeIds.includes(id)) meta.routeIds.push(id);
    }
    meta.aggregate = meta.aggregate || m.aggregate;
  }
  return meta;
}

/**
 * Row arrays carved out of one large buffer: thousands of separate typed arrays
 * (3 per row) measurably add allocation and GC time to a full merge.
 */
class Slab {
  private buf = new Float64Array(0);
  private used = 0;
  constructor(
    private readonly width: number,
    private readonly chunkRows: number,
  ) {}
  next(): Float64Array {
    if (this.used + this.width > this.buf.length) {
      this.buf = new Float64Array(Math.max(1, this.width * this.chunkRows));
      this.used = 0;
    }
    const out = this.buf.subarray(this.used, this.used + this.width);
    this.used += this.width;
    return out;
  }
}

/**
 * Scratch space for one row's cells, reused across rows (a 1024 x 1440 merge would
 * otherwise allocate millions of small objects). Contributions of cell c live at
 * [c * k, c * k + count[c]).
 */
class Scratch {
  /** One contested cell's contributions (at most k: one per source of the row). */
  value: Float64Array;
  group: Float64Array;
  term: Float64Array;
  node: Int32Array;
  /** 1 where a contribution took part in a disagreement (see resolveWrites). */
  bad: Uint8Array;
  /** Per column: largest contribution so far (identity), 0/1 seen. */
  bestValue: Float64Array;
  seen: Uint8Array;
  /** Per write column: 0 nothing non-zero yet, 1 one agreed (group, term, value), 2 contested. */
  state: Uint8Array;
  writeValue: Float64Array;
  writeGroup: Float64Array;
  writeTerm: Float64Array;
  /** The current row's contested columns (state 2), in discovery order. */
  contested: Int32Array;
  contestedCount = 0;
  /** Where merged rows' arrays are carved from. */
  out: Slab;
  /** Conflict node lists, shared between cells with the same set of nodes. */
  private lists = new Map<string, string[]>();
  constructor(columns: number, k: number, rows: number) {
    this.out = new Slab(columns, rows * 3);
    this.value = new Float64Array(k);
    this.group = new Float64Array(k);
    this.term = new Float64Array(k);
    this.node = new Int32Array(k);
    this.bad = new Uint8Array(k);
    this.bestValue = new Float64Array(columns);
    this.seen = new Uint8Array(columns);
    this.state = new Uint8Array(columns);
    this.writeValue = new Float64Array(columns);
    this.writeGroup = new Float64Array(columns);
    this.writeTerm = new Float64Array(columns);
    this.contested = new Int32Array(columns);
  }

  /** Nodes (in upstream order) marked bad among the first n contributions, or null. */
  disagreeing(n: number, answers: readonly NodeAnswer[]): string[] | null {
    let key = '';
    let last = -1;
    // Contributions are in answer order, so the node indexes come sorted.
    for (let i = 0; i < n; i++) {
      if (this.bad[i] === 1 && this.node[i] !== last) {
        last = this.node[i];
        key += `${last},`;
      }
    }
    if (key === '') return null;
    let list = this.lists.get(key);
    if (!list) {
      list = key
        .slice(0, -1)
        .split(',')
        .map((a) => answers[Number(a)].node);
      this.lists.set(key, list);
    }
    return list;
  }
}

function mergeGroup(
  group: Group,
  answers: readonly NodeAnswer[],
  maps: Int32Array[],
  inverse: Int32Array[],
  columns: number,
  adds: boolean,
  s: Scratch,
): MergedRow {
  const values = s.out.next();
  const withIds = group.sources.some((src) => hasIds(src.row));
  const groups = withIds ? s.out.next() : new Float64Array(0);
  const terms = withIds ? s.out.next() : new Float64Array(0);
  const conflicts: MergedRow['conflicts'] = [];
  s.seen.fill(0);
  s.state.fill(0);
  s.contestedCount = 0;
  // Pass 1, straight through the typed arrays: sums, identity, and for writes the one
  // agreed value per cell (the overwhelmingly common case). Small monomorphic loops
  // in their own functions: V8 optimizes those far better than one big body.
  for (const src of group.sources) {
    const map = maps[src.answer];
    const row = src.row;
    const n = Math.min(row.values.length, map.length);
    const g = hasIds(row) ? row.raftGroupIds : null;
    const t = hasIds(row) ? row.leaderTerms : null;
    if (adds) passReads(s, map, n, row.values, g, t, withIds ? groups : null, terms, values);
    else passWrites(s, map, n, row.values, g, t, withIds ? groups : null, terms);
  }
  if (!adds) {
    const { state, writeValue, writeGroup, writeTerm } = s;
    for (let c = 0; c < columns; c++) {
      if (state[c] !== 1) continue;
      values[c] = writeValue[c];
      if (withIds) {
        // The agreed contribution is the largest; the earliest with it has its (group, term).
        groups[c] = writeGroup[c];
        terms[c] = writeTerm[c];
      }
    }
    if (s.contestedCount > 0) {
      resolveContested(
        group,
        answers,
        inverse,
        s,
        values,
        withIds ? groups : null,
        terms,
        conflicts,
      );
    }
  }
  const exact = mergeExact(group, inverse, columns, adds, values);
  let total = 0;
  for (let c = 0; c < columns; c++) total += values[c];
  const row: MatrixRow = {
    meta: mergeMeta(group.sources),
    values,
    raftGroupIds: groups,
    leaderTerms: terms,
  };
  if (exact) row.exactValues = exact;
  return {
    row,
    total,
    contributors: [...new Set(group.sources.map((src) => answers[src.answer].node))],
    conflicts,
  };
}

/**
 * Cells at or above 2^53 again, in exact uint64 arithmetic (the doubles of the
 * passes above round there): reads add up, saturating at 2^64-1; writes keep
 * the largest value per (group, term) and add distinct terms, or the largest
 * when a contribution's group or term is unknown. Skipped (one scan of the
 * merged doubles) when no value is that large.
 */
function mergeExact(
  group: Group,
  inverse: Int32Array[],
  columns: number,
  adds: boolean,
  values: Float64Array,
): Map<number, bigint> | undefined {
  const anyExact = group.sources.some((src) => (src.row.exactValues?.size ?? 0) > 0);
  let out: Map<number, bigint> | undefined;
  for (let c = 0; c < columns; c++) {
    if (!(values[c] >= EXACT_FROM) && !anyExact) continue;
    let result = 0n;
    if (adds) {
      for (const src of group.sources) {
        const j = inverse[src.answer][c];
        if (j >= 0 && j < src.row.values.length)
          result = addSaturating(result, exactCell(src.row, j));
      }
    } else {
      const perTerm = new Map<string, bigint>();
      let max = 0n;
      let unknown = false;
      for (const src of group.sources) {
        const j = inverse[src.answer][c];
        if (j < 0 || j >= src.row.values.length) continue;
        const x = exactCell(src.row, j);
        if (x === 0n) continue;
        if (x > max) max = x;
        const ids = hasIds(src.row);
        const g = ids ? src.row.raftGroupIds[j] : 0;
        const t = ids ? src.row.leaderTerms[j] : 0;
        if (g === 0 || t === 0) unknown = true;
        const k = `${g}:${t}`;
        const had = perTerm.get(k);
        if (had === undefined || x > had) perTerm.set(k, x);
      }
      if (unknown) result = max;
      else for (const x of perTerm.values()) result = addSaturating(result, x);
    }
    if (result >= BigInt(EXACT_FROM)) {
      (out ??= new Map()).set(c, result);
      values[c] = Number(result);
    }
  }
  return out;
}

/**
 * Pass 1 for reads: add up, and track each cell's identity (the (group, term) of its
 * largest contribution, ties the earlier node: sources come in node order).
 */
function passReads(
  s: Scratch,
  map: Int32Array,
  n: number,
  v: Float64Array,
  g: Float64Array | null,
  t: Float64Array | null,
  groups: Float64Array | null,
  terms: Float64Array,
  values: Float64Array,
): void {
  const { seen, bestValue } = s;
  for (let j = 0; j < n; j++) {
    const c = map[j];
    if (c < 0) continue;
    const x = v[j];
    values[c] += x;
    if (seen[c] === 0 || x > bestValue[c]) {
      seen[c] = 1;
      bestValue[c] = x;
      if (groups !== null) {
        groups[c] = g === null ? 0 : g[j];
        terms[c] = t === null ? 0 : t[j];
      }
    }
  }
}

/**
 * Pass 1 for writes: one agreed (group, term, value) per cell; a cell where that does
 * not hold is contested (state 2, listed in s.contested). Identity is settled after
 * the pass: the agreed (group, term), else the first node's (all zero), else pass 2.
 */
function passWrites(
  s: Scratch,
  map: Int32Array,
  n: number,
  v: Float64Array,
  g: Float64Array | null,
  t: Float64Array | null,
  groups: Float64Array | null,
  terms: Float64Array,
): void {
  const { seen, state, writeValue, writeGroup, writeTerm } = s;
  for (let j = 0; j < n; j++) {
    const c = map[j];
    if (c < 0) continue;
    const x = v[j];
    const gj = g === null ? 0 : g[j];
    const tj = t === null ? 0 : t[j];
    if (seen[c] === 0) {
      seen[c] = 1;
      if (groups !== null) {
        groups[c] = gj;
        terms[c] = tj;
      }
    }
    if (x === 0) continue; // a zero write contributes nothing
    const st = state[c];
    if (st === 0 && gj !== 0 && tj !== 0) {
      state[c] = 1;
      writeValue[c] = x;
      writeGroup[c] = gj;
      writeTerm[c] = tj;
    } else if (
      st === 2 ||
      gj === 0 ||
      tj === 0 ||
      x !== writeValue[c] ||
      gj !== writeGroup[c] ||
      tj !== writeTerm[c]
    ) {
      if (st !== 2) s.contested[s.contestedCount++] = c;
      state[c] = 2;
    }
  }
}

/**
 * Pass 2, only for contested write cells (rare): gather each one's contributions
 * through the inverse column maps, then resolve it.
 */
function resolveContested(
  group: Group,
  answers: readonly NodeAnswer[],
  inverse: Int32Array[],
  s: Scratch,
  values: Float64Array,
  groups: Float64Array | null,
  terms: Float64Array,
  conflicts: MergedRow['conflicts'],
): void {
  const cols = s.contested.subarray(0, s.contestedCount).sort();
  for (const c of cols) {
    let n = 0;
    for (const src of group.sources) {
      const j = inverse[src.answer][c];
      const { values: v, raftGroupIds: g, leaderTerms: t } = src.row;
      if (j < 0 || j >= v.length) continue;
      const ids = hasIds(src.row);
      s.value[n] = v[j];
      s.group[n] = ids ? g[j] : 0;
      s.term[n] = ids ? t[j] : 0;
      s.node[n] = src.answer;
      n++;
    }
    values[c] = resolveWrites(s, 0, n);
    if (groups !== null) {
      // Identity: the largest contribution, ties the earlier node.
      let best = 0;
      for (let i = 1; i < n; i++) if (s.value[i] > s.value[best]) best = i;
      groups[c] = s.group[best];
      terms[c] = s.term[best];
    }
    const nodes = s.disagreeing(n, answers);
    if (nodes) conflicts.push({ column: c, nodes });
  }
}

/**
 * A write cell with several contributions: its value; contributions that took part in
 * a disagreement get `s.bad[i] = 1`.
 */
function resolveWrites(s: Scratch, base: number, n: number): number {
  const end = base + n;
  s.bad.fill(0, base, end);
  let unknown = false;
  for (let i = base; i < end; i++) {
    if (s.value[i] !== 0 && (s.group[i] === 0 || s.term[i] === 0)) unknown = true;
  }
  let value = 0;
  if (unknown) {
    let first = -1;
    let differ = false;
    for (let i = base; i < end; i++) {
      const v = s.value[i];
      if (v === 0) continue;
      if (v > value) value = v;
      if (first < 0) first = i;
      else if (v !== s.value[first]) differ = true;
    }
    if (differ) for (let i = base; i < end; i++) if (s.value[i] !== 0) s.bad[i] = 1;
    return value;
  }
  // Each (group, term) once, at its first contribution: the largest value it got, and
  // every contribution to it marked when they did not all agree.
  for (let i = base; i < end; i++) {
    if (s.value[i] === 0) continue;
    let head = true;
    for (let j = base; j < i; j++) {
      if (s.value[j] !== 0 && s.group[j] === s.group[i] && s.term[j] === s.term[i]) {
        head = false;
        break;
      }
    }
    if (!head) continue;
    let max = s.value[i];
    let differ = false;
    for (let j = i + 1; j < end; j++) {
      if (s.value[j] === 0 || s.group[j] !== s.group[i] || s.term[j] !== s.term[i]) continue;
      if (s.value[j] !== s.value[i]) differ = true;
      if (s.value[j] > max) max = s.value[j];
    }
    value += max;
    if (differ) {
      for (let j = i; j < end; j++) {
        if (s.value[j] !== 0 && s.group[j] === s.group[i] && s.term[j] === s.term[i]) s.bad[j] = 1;
      }
    }
  }
  return value;
}

/**
 * Merge several nodes' answers into one cluster view. `nodes` of the result is left
 * empty: the caller knows how each upstream answered (and which failed).
 */
export function mergeMatrices(
  answers: readonly NodeAnswer[],
  req: MatrixRequest,
  // The follow state (follow.ts) merges whole columns, every bucket kept: Infinity.
  budget: number = rowBudget(req.rows),
): MatrixAnswer {
  let step = 0;
  let columnUnixMs = unionColumns(answers, req, 0);
  if (!req.exactColumns && columnUnixMs.length > mostColumns(answers, req)) {
    // The nodes' times differ: align (where they already coincide, exact times are kept).
    step = inferStepMs(answers);
    if (step > 0) columnUnixMs = unionColumns(answers, req, step);
  }
  const maps = columnMaps(answers, columnUnixMs, req, step);
  // Merged column -> each answer's column index (-1: the node has no such column).
  const inverse = maps.map((map) => {
    const inv = new Int32Array(columnUnixMs.length).fill(-1);
    map.forEach((c, j) => {
      if (c >= 0) inv[c] = j;
    });
    return inv;
  });
  const groups = new Map<string, Group>();
  answers.forEach((a, i) => {
    for (const row of a.answer.rows) {
      const id = row.meta.bucketId;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { bucketId: id, sources: [] }));
      g.sources.push({ answer: i, row });
    }
  });
  const adds = seriesAddsUp(req.series);
  // k = most contributions one cell can get (a node repeating a bucket id counts twice).
  let k = 1;
  for (const g of groups.values()) k = Math.max(k, g.sources.length);
  const scratch = new Scratch(columnUnixMs.length, k, groups.size);
  let merged: MergedRow[] = [];
  for (const g of groups.values()) {
    merged.push(mergeGroup(g, answers, maps, inverse, columnUnixMs.length, adds, scratch));
  }
  if (merged.length > budget) {
    // The node's pivot ranking: busiest first, ties bucket_id ascending.
    merged.sort(
      (a, b) => b.total - a.total || compareIds(a.row.meta.bucketId, b.row.meta.bucketId),
    );
    merged = merged.slice(0, budget);
  }
  merged.sort(
    (a, b) =>
      compareBytes(a.row.meta.start, b.row.meta.start) ||
      compareIds(a.row.meta.bucketId, b.row.meta.bucketId),
  );
  const conflicts: CellConflictInfo[] = [];
  merged.forEach((m, row) => {
    for (const c of m.conflicts) conflicts.push({ row, column: c.column, nodes: c.nodes });
  });
  return {
    columnUnixMs,
    rows: merged.map((m) => m.row),
    nodes: [],
    conflicts,
    contributingNodes: merged.map((m) => m.contributors),
    ...(step > 0 ? { alignedStepMs: step } : {}),
    // Distinct buckets the nodes sent, or a node's own count if larger: a lower bound, as
    // each node sends at most its row budget.
    trackedBuckets: Math.max(groups.size, ...answers.map((a) => a.answer.trackedBuckets ?? 0)),
  };
}
