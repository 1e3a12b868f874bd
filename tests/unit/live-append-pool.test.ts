// The live append writing into reused arrays: a reused array holds an older matrix's cells, so
// every cell of the new matrix must be written. Each case appends the same columns twice, once
// into fresh arrays and once through a pool whose reused arrays are filled with garbage first,
// and the two matrices must be equal cell for cell. Plus the pool's own rule: nothing still
// held is handed out.
import { describe, expect, it } from 'vitest';
import { holdArrays } from '../../src/data/arrayHold.ts';
import { ArrayPool, RETIRE_AFTER } from '../../src/data/arrayPool.ts';
import {
  appendColumn,
  appendColumns,
  type AppendOptions,
  type LiveColumn,
} from '../../src/data/liveAppend.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { makeMatrix } from '../helpers/viewMatrix.ts';

/** A pool that treats every array the test let go of as collected, and dirties it on reuse. */
function dirtyPool(): { pool: ArrayPool; release: (m: Matrix) => void } {
  const released = new Set<object>();
  const pool = new ArrayPool({
    collected: (ref) => {
      const a = ref.deref();
      if (!a || !released.has(a)) return false;
      a.fill(a instanceof Uint8Array ? 7 : 12345.5); // what a reused buffer may hold
      return true;
    },
  });
  const release = (m: Matrix) => {
    for (const a of [m.values, m.raftGroupIds, m.leaderTerms, m.conflicts]) if (a) released.add(a);
  };
  return { pool, release };
}

function plain(m: Matrix) {
  return {
    columns: Array.from(m.columns),
    ids: m.rows.map((r) => r.bucketId),
    totals: m.rows.map((r) => r.total),
    values: Array.from(m.values),
    groups: m.raftGroupIds && Array.from(m.raftGroupIds),
    terms: m.leaderTerms && Array.from(m.leaderTerms),
    conflicts: m.conflicts && Array.from(m.conflicts),
    max: m.max,
  };
}

const specs = [
  { start: 'a', end: 'c', id: 'route:1' },
  { start: 'e', end: 'g', id: 'route:2' },
  { start: 'k', end: 'm', id: 'route:3' },
];

function withRaft(m: Matrix, conflicts: boolean): Matrix {
  const n = m.rowCount * m.colCount;
  return {
    ...m,
    raftGroupIds: Float64Array.from({ length: n }, (_v, i) => (i % 3) + 1),
    leaderTerms: Float64Array.from({ length: n }, (_v, i) => 10 + (i % 5)),
    conflicts: conflicts ? Uint8Array.from({ length: n }, (_v, i) => i % 2) : null,
  };
}

/** Columns that add a row (route:9, between route:1 and route:2), drop one, and skip rows. */
function columns(m: Matrix, n: number): LiveColumn[] {
  const extra = {
    ...m.rows[0],
    bucketId: 'route:9',
    start: new Uint8Array([100]),
    end: new Uint8Array([101]),
  };
  return Array.from({ length: n }, (_v, k) => ({
    unixMs: m.columns[m.colCount - 1] + 1000 * (k + 1),
    rows: [
      { meta: m.rows[0], value: 5 + k, raftGroupId: 1, leaderTerm: 20 + k },
      ...(k % 2 ? [{ meta: extra, value: 900 + k, raftGroupId: 2, leaderTerm: 3 }] : []),
      ...(k % 3 ? [] : [{ meta: m.rows[2], value: 1, raftGroupId: 0, leaderTerm: 0 }]),
    ],
  }));
}

describe('appendColumn through an ArrayPool', () => {
  const cases: [string, AppendOptions][] = [
    ['sliding window', { windowMs: 3000, maxColumns: 1440 }],
    ['column cap', { windowMs: null, maxColumns: 4 }],
    ['row budget', { windowMs: null, maxColumns: 5, maxRows: 3 }],
  ];
  for (const raft of [false, true]) {
    for (const [name, opts] of cases) {
      it(`${name}${raft ? ', with Raft terms and conflicts' : ''}: same cells as fresh arrays`, () => {
        const base0 = makeMatrix(specs, [1000, 2000, 3000, 4000]);
        const base = raft ? withRaft(base0, true) : base0;
        const cols = columns(base, 12);
        const { pool, release } = dirtyPool();
        let fresh = base;
        let pooled = base;
        for (const c of cols) {
          fresh = appendColumn(fresh, c, opts);
          const prev = pooled;
          pooled = appendColumn(pooled, c, { ...opts, pool });
          expect(plain(pooled)).toEqual(plain(fresh));
          // The previous matrix is let go: its arrays come back dirty for the next append.
          if (prev !== base) release(prev);
        }
        // Once the sizes settle, arrays are reused rather than allocated.
        expect(pool.reused).toBeGreaterThan(0);
      });
    }
  }
});

describe('appendColumns through an ArrayPool: generations', () => {
  it(`reuses a matrix's arrays ${RETIRE_AFTER} updates later, never a newer one's or a held one's`, () => {
    const base = withRaft(makeMatrix(specs, [1000, 2000, 3000, 4000]), false);
    const pool = new ArrayPool({ collected: () => false }); // no collection: generations only
    const opts = { windowMs: 3000, maxColumns: 1440, pool };
    const cols = columns(base, 14).map((c) => ({ ...c, rows: c.rows.slice(0, 1) })); // same rows
    const shown: Matrix[] = [];
    const snap = new Map<Matrix, ReturnType<typeof plain>>();
    let m = base;
    for (let k = 0; k < cols.length; k++) {
      m = appendColumns(m, [cols[k]], opts);
      shown.push(m);
      snap.set(m, plain(m));
      if (k === 4) holdArrays(m); // e.g. hot-spot detection keeps reading it
      // The newest RETIRE_AFTER matrices are intact, and so is the held one.
      for (const x of shown.slice(-RETIRE_AFTER)) expect(plain(x)).toEqual(snap.get(x));
      if (k >= 4) expect(plain(shown[4])).toEqual(snap.get(shown[4]));
    }
    expect(pool.reused).toBeGreaterThan(0);
    // An older matrix's values buffer now backs a newer matrix.
    const buffers = new Set(shown.slice(-RETIRE_AFTER).map((x) => x.values.buffer));
    expect(shown.slice(0, 4).some((x) => buffers.has(x.values.buffer))).toBe(true);
    expect(buffers.has(shown[4].values.buffer)).toBe(false);
  });

  it('a gap of several columns is one update: the matrix shown before it stays intact', () => {
    const base = makeMatrix(specs, [1000, 2000, 3000, 4000]);
    const pool = new ArrayPool({ collected: () => false });
    const opts = { windowMs: 3000, maxColumns: 1440, pool };
    const cols = columns(base, 12).map((c) => ({ ...c, rows: c.rows.slice(0, 1) }));
    const first = appendColumns(base, cols.slice(0, 1), opts);
    const before = plain(first);
    const next = appendColumns(first, cols.slice(1), opts); // 11 columns at once
    expect(plain(first)).toEqual(before);
    expect(next.colCount).toBeGreaterThan(0);
  });
});

describe('ArrayPool', () => {
  it('hands out a buffer only once its array is collected, and of the exact size', () => {
    const gone = new Set<object>();
    const pool = new ArrayPool({ collected: (r) => gone.has(r.deref()!) });
    const a = pool.f64(8);
    expect(pool.f64(8).buffer).not.toBe(a.buffer); // `a` is still held
    gone.add(a);
    expect(pool.f64(4).buffer).not.toBe(a.buffer); // wrong size
    const c = pool.f64(8);
    expect(c.buffer).toBe(a.buffer);
    expect(pool.reused).toBe(1);
    expect(pool.allocated).toBe(3);
  });

  it('keeps at most `spare` collected buffers', () => {
    const gone = new Set<object>();
    const pool = new ArrayPool({ collected: (r) => gone.has(r.deref()!), spare: 1 });
    const xs = [pool.f64(2), pool.f64(2), pool.f64(2)];
    xs.forEach((x) => gone.add(x));
    pool.u8(1); // a scan: two of the three collected buffers are let go
    expect(pool.f64(2).buffer).toBe(xs[2].buffer); // the newest spare
    expect(pool.f64(2).buffer).not.toBe(xs[1].buffer);
    expect(pool.reused).toBe(1);
  });
});
