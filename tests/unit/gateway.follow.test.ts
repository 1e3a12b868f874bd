// The follow state (server/gateway/follow.ts) against the fan-out merge it replaces:
// simulated nodes keep a ring of flushed columns (four counters, group, term per
// bucket) and answer like the node's pivot; after every round the state's answer must
// equal a fresh fan-out merge of the same nodes, and across a restart (the node's ring
// lost) every flushed count must be held exactly once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/history/sqliteStore.ts';
import { ClusterFollower, type FetchOutcome } from '../../server/gateway/follow.ts';
import { mergeMatrices } from '../../server/gateway/merge.ts';
import { inWindow, seriesCounter } from '../../server/sampler/request.ts';
import type { MatrixAnswer, MatrixRequest, MatrixRow } from '../../server/sampler/types.ts';

const STEP = 60_000;
const READS = 1;
const T0 = 1_700_000_000_000; // not a step boundary: times are aligned by the state
const BUCKETS = 12;
const enc = new TextEncoder();

interface Col {
  t: number;
  /** [bucket] -> [reads, writes, readBytes, writeBytes, group, term] or undefined (absent). */
  cells: ([number, number, number, number, number, number] | undefined)[];
}

class SimNode {
  ring: Col[] = [];
  up = true;
  constructor(
    readonly name: string,
    readonly offsetMs: number,
    private seed: number,
  ) {}
  private rand(): number {
    this.seed = (this.seed * 1103515245 + 12345) % 2147483648;
    return this.seed / 2147483648;
  }
  /**
   * Flush step k: a column at T0 + k * STEP + offset. Writes agree between nodes per (bucket, k).
   * A bucket is absent from it with probability `absent`.
   */
  flush(k: number, term = 7, absent = 0.3): void {
    const cells: Col['cells'] = [];
    for (let b = 0; b < BUCKETS; b++) {
      if (this.rand() < absent) {
        cells.push(undefined);
        continue;
      }
      const reads = Math.floor(this.rand() * 100);
      const writes = ((b * 31 + k * 17) % 23) * (b % 3 === 0 ? 0 : 1);
      cells.push([reads, writes, reads * 10, writes * 20, 1 + (b % 4), term]);
    }
    this.ring.push({ t: T0 + k * STEP + this.offsetMs, cells });
  }
  restart(): void {
    this.ring = [];
  }
  answer(series: number, from: number, to: number): MatrixAnswer {
    const cols = this.ring.filter((c) => inWindow(c.t, from, to));
    const counter = seriesCounter(series);
    const rows: MatrixRow[] = [];
    for (let b = 0; b < BUCKETS; b++) {
      if (!cols.some((c) => c.cells[b] !== undefined)) continue;
      rows.push({
        meta: {
          bucketId: `route:${b + 1}`,
          start: enc.encode(`k${String(b).padStart(3, '0')}`),
          end: enc.encode(`k${String(b + 1).padStart(3, '0')}`),
          label: '',
          aggregate: false,
          routeIds: [],
          routeCount: 1,
        },
        values: Float64Array.from(cols, (c) => c.cells[b]?.[counter] ?? 0),
        raftGroupIds: Float64Array.from(cols, (c) => c.cells[b]?.[4] ?? 0),
        leaderTerms: Float64Array.from(cols, (c) => c.cells[b]?.[5] ?? 0),
      });
    }
    return { columnUnixMs: cols.map((c) => c.t), rows, nodes: [], conflicts: [] };
  }
}

function follower(nodes: SimNode[]): ClusterFollower {
  return new ClusterFollower({
    nodes: nodes.map((n) => n.name),
    fetch: (i, series, from, to): Promise<FetchOutcome> => {
      const n = nodes[i];
      if (!n.up) {
        return Promise.resolve({
          ok: false,
          status: {
            node: n.name,
            ok: false,
            error: 'unavailable: down',
            code: 'unavailable',
            latencyMs: 0,
          },
        });
      }
      return Promise.resolve({ ok: true, value: n.answer(series, from, to), latencyMs: 0 });
    },
  });
}

function fanOut(nodes: SimNode[], req: MatrixRequest): MatrixAnswer {
  return mergeMatrices(
    nodes
      .filter((n) => n.up)
      .map((n) => ({ node: n.name, answer: n.answer(req.series, req.fromUnixMs, req.toUnixMs) })),
    req,
  );
}

/**
 * The comparable part of an answer. Identities only where a cell has a value: where it
 * has none, the fan-out shows the first node's row even at a column where that node did
 * not hold the bucket (0), the state the identity of a node that held it there.
 */
function shape(a: MatrixAnswer) {
  const id = (r: MatrixRow, x: Float64Array) =>
    Array.from(x, (v, j) => (r.values[j] === 0 ? 0 : v));
  return {
    columns: a.columnUnixMs,
    aligned: a.alignedStepMs ?? 0,
    rows: a.rows.map((r) => [
      r.meta.bucketId,
      [...r.values],
      id(r, r.raftGroupIds),
      id(r, r.leaderTerms),
    ]),
    conflicts: a.conflicts,
    tracked: a.trackedBuckets,
  };
}

const req = (series: number, rows = 0, fromUnixMs = 0, toUnixMs = 0): MatrixRequest => ({
  series,
  fromUnixMs,
  toUnixMs,
  rows,
});

describe('follow state', () => {
  it('answers every round exactly like a fan-out merge (aligned, reads and writes, budgets, windows)', async () => {
    const nodes = [
      new SimNode('a', 1_000, 1),
      new SimNode('b', 21_000, 2),
      new SimNode('c', 41_000, 3),
    ];
    const f = follower(nodes);
    for (const n of nodes) for (let k = 0; k < 3; k++) n.flush(k);
    for (let k = 3; k < 12; k++) {
      await f.round();
      for (const series of [1, 2, 3, 4]) {
        const got = f.answer(req(series));
        expect(got).not.toBeNull();
        expect(shape(got!)).toEqual(shape(fanOut(nodes, req(series))));
        expect(got!.alignedStepMs).toBe(STEP);
      }
      // A row budget and a window on step boundaries (it cuts no aligned column).
      const edge = (i: number) => Math.ceil(T0 / STEP) * STEP + i * STEP + 1;
      const win = req(2, 5, edge(1), edge(k - 1));
      if (k >= 5) expect(shape(f.answer(win)!)).toEqual(shape(fanOut(nodes, win)));
      for (const n of nodes) n.flush(k);
    }
    // The node's exact union is never from the state.
    expect(f.answer({ ...req(2), exactColumns: true })).toBeNull();
  });

  it('a node down for several steps, then back: its late columns merged once, none lost', async () => {
    const nodes = [new SimNode('a', 1_000, 4), new SimNode('b', 30_000, 5)];
    const f = follower(nodes);
    for (const n of nodes) for (let k = 0; k < 2; k++) n.flush(k);
    await f.round();
    nodes[1].up = false;
    for (let k = 2; k < 12; k++) {
      for (const n of nodes) n.flush(k); // b still flushes: it is only unreachable
      await f.round();
    }
    expect(f.statuses[1].ok).toBe(false);
    nodes[1].up = true;
    await f.round();
    await f.round(); // the repair of the late span runs inside the round; one more settles nothing new
    expect(f.stats.repairs).toBeGreaterThan(0);
    for (const series of [1, 2]) {
      expect(shape(f.answer(req(series))!)).toEqual(shape(fanOut(nodes, req(series))));
    }
  });

  it('a restarted node (its ring lost) keeps what the state held and adds its new columns once', async () => {
    const nodes = [new SimNode('a', 5_000, 6), new SimNode('b', 35_000, 7)];
    const f = follower(nodes);
    const reads = (cols: Col[]) =>
      cols.reduce((s, c) => s + c.cells.reduce((a, x) => a + (x?.[0] ?? 0), 0), 0);
    const total = () => reads(nodes[0].ring) + reads(nodes[1].ring);
    for (const n of nodes) for (let k = 0; k < 4; k++) n.flush(k);
    await f.round();
    const before = total();
    nodes[0].restart();
    nodes[0].flush(4, 8);
    nodes[1].flush(4, 8);
    await f.round();
    nodes[0].flush(5, 8);
    nodes[1].flush(5, 8);
    await f.round();
    const held = f.answer(req(1))!;
    let sum = 0;
    for (const r of held.rows) for (const v of r.values) sum += v;
    // Every read flushed by either node, before and after the restart, exactly once.
    // (b's ring still holds its steps 0-3, counted in `before`.)
    expect(sum).toBe(before + total() - reads(nodes[1].ring.slice(0, 4)));
    expect(held.columnUnixMs.length).toBe(6);
  });
});

describe('follow state with a slow node', () => {
  it('merges a fast node as soon as its four answers are in, and asks the four series at once', async () => {
    const nodes = [new SimNode('a', 1_000, 5), new SimNode('b', 21_000, 6)];
    for (let k = 0; k < 5; k++) nodes.forEach((n) => n.flush(k));
    let slowMs = 0;
    let inFlightB = 0;
    let mostInFlightB = 0;
    const f = new ClusterFollower({
      nodes: nodes.map((n) => n.name),
      fetch: async (i, series, from, to): Promise<FetchOutcome> => {
        const n = nodes[i];
        if (i === 1) {
          inFlightB++;
          mostInFlightB = Math.max(mostInFlightB, inFlightB);
          await new Promise((r) => setTimeout(r, slowMs));
          inFlightB--;
        }
        return { ok: true, value: n.answer(series, from, to), latencyMs: 0 };
      },
    });
    await f.round();
    const before = f.columnsOf(READS).at(-1)!.t;
    nodes.forEach((n) => n.flush(5));
    slowMs = 400;
    const round = f.round();
    await new Promise((r) => setTimeout(r, 100));
    // A's new column is merged while B's answers are still on their way.
    const mid = f.columnsOf(READS).at(-1)!;
    expect(mid.t).toBe(before + STEP);
    expect(mid.nodeMask).toBe(0b01);
    await round;
    const after = f.columnsOf(READS).at(-1)!;
    expect(after.t).toBe(before + STEP);
    expect(after.nodeMask).toBe(0b11);
    // Its four series were asked at once (one deadline per round), not in turn.
    expect(mostInFlightB).toBe(4);
    // The merged column equals a fan-out of the same nodes.
    expect(shape(f.answer(req(READS))!)).toEqual(shape(fanOut(nodes, req(READS))));
  });
});

describe('follow state: every bucket to the store, a bounded state', () => {
  it('hands the history hook every entry of a settled column, then keeps its largest in memory', async () => {
    const nodes = [new SimNode('a', 1_000, 7), new SimNode('b', 21_000, 8)];
    const settled = new Map<number, { buckets: number; values: number[] }>();
    const f = new ClusterFollower({
      nodes: nodes.map((n) => n.name),
      keptEntriesPerColumn: 4,
      onSettled: (c) => {
        const reads = c.series[READS - 1];
        settled.set(c.t, { buckets: reads.buckets.length, values: [...reads.values] });
      },
      fetch: (i, series, from, to): Promise<FetchOutcome> =>
        Promise.resolve({ ok: true, value: nodes[i].answer(series, from, to), latencyMs: 0 }),
    });
    for (let k = 0; k < 10; k++) {
      nodes.forEach((n) => n.flush(k));
      await f.round();
    }
    expect(settled.size).toBeGreaterThan(3);
    const cols = f.columnsOf(READS);
    for (const [t, whole] of settled) {
      expect(whole.buckets).toBeGreaterThan(4);
      const kept = cols.find((c) => c.t === t)!;
      expect(kept.buckets.length).toBe(4);
      // The four largest values of the whole column (any order inside the column).
      const top = [...whole.values].sort((a, b) => b - a).slice(0, 4);
      expect([...kept.values].sort((a, b) => b - a)).toEqual(top);
    }
    // The fresh span keeps every entry (a late part may still be merged into it).
    expect(cols.at(-1)!.buckets.length).toBeGreaterThan(4);
  });
});

describe('follow state with the gateway history store', () => {
  it('finds a hole inside a node answer that the state holds columns for, not one it does not', async () => {
    const node = new SimNode('a', 1_000, 5);
    for (let k = 0; k < 8; k++) node.flush(k);
    const f = follower([node]);
    await f.round();
    const raw = node.ring.map((c) => c.t);
    // The node lost steps 3 and 4 (its ring restored from a file that lacks them).
    const holed = raw.filter((_, k) => k !== 3 && k !== 4);
    expect(f.holdsInGap(req(READS), holed)).toBe(true);
    expect(f.holdsInGap(req(READS), holed.map(BigInt))).toBe(true);
    // No hole, or a hole the state does not hold either (after its newest column), or one column.
    expect(f.holdsInGap(req(READS), raw)).toBe(false);
    expect(f.holdsInGap(req(READS), [raw[7], raw[7] + 5 * STEP])).toBe(false);
    expect(f.holdsInGap(req(READS), [raw[2]])).toBe(false);
    // Only the first gaps are looked up: many empty ones before the filled one hide it.
    const empty = Array.from({ length: 10 }, (_, i) => raw[0] - (20 - 2 * i) * STEP);
    expect(f.holdsInGap(req(READS), [...empty, ...holed], 8)).toBe(false);
    expect(f.holdsInGap(req(READS), [...empty, ...holed], 16)).toBe(true);
  });

  it('answers a window older than the state from the stored tiers, with their widths', async () => {
    const store = openSqliteStore(mkdtempSync(path.join(tmpdir(), 'keyviz-gwstore-')));
    try {
      const meta = (b: number) => ({
        bucketId: `route:${b + 1}`,
        start: enc.encode(`k${String(b).padStart(3, '0')}`),
        end: enc.encode(`k${String(b + 1).padStart(3, '0')}`),
        label: '',
        aggregate: false,
        routeIds: [],
        routeCount: 1,
      });
      const TEN = 600_000;
      const base = Math.ceil(T0 / TEN) * TEN - 6 * TEN; // an hour of 10-minute roll-ups
      // Counters series-major (reads, writes, read bytes, write bytes) for buckets 0 and 1.
      const rolled = (i: number) => ({
        unixMs: base + i * TEN,
        widthMs: TEN,
        keys: Uint32Array.of(0, 1),
        counters: Float64Array.of(10 + i, 20 + i, 1, 2, 3, 4, 5, 6),
        groups: Float64Array.of(1, 2),
        terms: Float64Array.of(7, 7),
        idle: null,
        changed: null,
      });
      store.write({
        newBuckets: [0, 1].map((b) => ({ key: b, bucketId: `route:${b + 1}`, meta: meta(b) })),
        metaUpdates: [],
        columns: [0, 1, 2, 3, 4, 5].map((i) => ({ tier: 1, column: rolled(i) })),
      });
      const nodes = [new SimNode('a', 1_000, 8), new SimNode('b', 21_000, 9)];
      for (const n of nodes) for (let k = 0; k < 4; k++) n.flush(k);
      const f = follower(nodes);
      f.attachStore({ store, tierWidths: [0, TEN] });
      await f.round();
      const a = f.answer(req(1, 0, base, 0))!;
      const stateCols = f.columnsOf(1).length;
      expect(a.columnUnixMs.slice(0, 6)).toEqual([0, 1, 2, 3, 4, 5].map((i) => base + i * TEN));
      expect(a.columnUnixMs.length).toBe(6 + stateCols);
      expect(a.columnWidthMs?.slice(0, 7)).toEqual([TEN, TEN, TEN, TEN, TEN, TEN, STEP]);
      const r1 = a.rows.find((r) => r.meta.bucketId === 'route:1')!;
      expect([...r1.values.slice(0, 6)]).toEqual([10, 11, 12, 13, 14, 15]);
      // The server's path (store read and assembly in slices) gives the same answer.
      let pauses = 0;
      const sliced = await f.answerSliced(req(1, 0, base, 0), () => {
        pauses++;
        return Promise.resolve();
      });
      expect(sliced).toEqual(a);
      expect(pauses).toBeGreaterThan(1);
      // A window the state covers does not touch the store.
      expect(f.answer(req(1))!.columnUnixMs.length).toBe(stateCols);

      // Cache keys of a stored window: `from` moved inside a stored column is the same key;
      // a roll-up written into the window (the store's span there changes) is a new one, one
      // written outside it is not.
      const key = (from: number) => f.answerKey(req(1, 0, from, base + 3 * TEN));
      const inside = key(base + TEN + 1);
      const wide = key(base - TEN);
      expect(inside).not.toBeNull();
      expect(key(base + TEN + 2)).toBe(inside);
      store.write({ newBuckets: [], metaUpdates: [], columns: [{ tier: 1, column: rolled(-1) }] });
      expect(key(base + TEN + 1)).toBe(inside);
      expect(key(base - TEN)).not.toBe(wide);
    } finally {
      store.close();
    }
  });
});

describe('follow state: answer cache keys', () => {
  it('one key for every from/to selecting the same columns; a new key for any change an answer shows', async () => {
    const a = new SimNode('a', 1_000, 11);
    const b = new SimNode('b', 31_000, 12);
    const nodes = [a, b];
    const f = follower(nodes);
    // a holds every bucket in every column: the largest tracked count (which answers show)
    // stays the same whatever b's columns hold, so only the columns move the keys below.
    const flushA = (k: number) => a.flush(k, 7, 0);
    for (let k = 0; k < 6; k++) {
      flushA(k);
      b.flush(k);
    }
    await f.round();
    await f.round();
    const cols = f.columnsOf(READS).map((c) => c.t);
    expect(cols.length).toBe(6);
    const key = (from: number, to = 0) => f.answerKey(req(READS, 0, from, to));

    // `from` moved by 1 ms between two flushes of the same aligned column: same key, same answer.
    const from = cols[2] - STEP + 10_000; // after a's flush of the column before, before b's
    expect(key(from)).not.toBeNull();
    expect(key(from + 1)).toBe(key(from));
    expect(f.answer(req(READS, 0, from + 1))).toEqual(f.answer(req(READS, 0, from)));
    // ...but a `from` past every flush of that column selects fewer columns: another key.
    expect(key(cols[2] + 1)).not.toBe(key(from));

    // A closed window keeps its key while new columns arrive after it.
    const closed = key(cols[1] - 1, cols[3]);
    const open = key(0);
    flushA(6);
    await f.round();
    expect(key(cols[1] - 1, cols[3])).toBe(closed);
    const withA = key(0);
    expect(withA).not.toBe(open);
    // b's part of the same aligned column arrives a round later: the column is merged again
    // (same time, same count of columns), and the key moves with it.
    const onlyA = f.answer(req(READS));
    b.flush(6);
    await f.round();
    expect(f.columnsOf(READS).length).toBe(7);
    expect(key(0)).not.toBe(withA);
    expect(f.answer(req(READS))).not.toEqual(onlyA);

    // A node down: the closed window's columns are the same, its answer's statuses are not.
    const up = key(cols[1] - 1, cols[3]);
    b.up = false;
    await f.round();
    expect(f.answer(req(READS, 0, cols[1] - 1, cols[3]))?.nodes[1].ok).toBe(false);
    const down = key(cols[1] - 1, cols[3]);
    expect(down).not.toBe(up);
    // Back: another key (the same as before it went down: the same answer).
    b.up = true;
    await f.round();
    expect(key(cols[1] - 1, cols[3])).toBe(up);

    // Not from the state (exact columns, fold): no key, the caller fans out.
    expect(f.answerKey({ ...req(READS), exactColumns: true })).toBeNull();
    expect(f.answerKey({ ...req(READS), foldKeySpace: true })).toBeNull();
  });
});
