// Events on the time axis: leader changes from per-cell terms, splits and merges
// reported or inferred, gaps, and one bucket's events.
import { describe, expect, it } from 'vitest';
import {
  bucketEvents,
  columnGaps,
  eventsOnto,
  describeEvent,
  inferredTransitions,
  leaderChanges,
  leaderChangesByColumn,
  timeEvents,
  timeEventsSteps,
} from '../../src/data/timeEvents.ts';
import { runSliced } from '../../src/data/steps.ts';
import type { Matrix } from '../../src/data/matrix.ts';
import { appendColumn } from '../../src/data/liveAppend.ts';
import { appendOrigin } from '../../src/data/matrixOrigin.ts';
import { key, makeMatrix } from '../helpers/viewMatrix.ts';

function withRaft(
  m: Matrix,
  group: (r: number, c: number) => number,
  term: (r: number, c: number) => number,
): Matrix {
  const g = new Float64Array(m.rowCount * m.colCount);
  const t = new Float64Array(m.rowCount * m.colCount);
  for (let r = 0; r < m.rowCount; r++)
    for (let c = 0; c < m.colCount; c++) {
      g[r * m.colCount + c] = group(r, c);
      t[r * m.colCount + c] = term(r, c);
    }
  return { ...m, raftGroupIds: g, leaderTerms: t };
}

const cols = [1000, 2000, 3000, 4000];

describe('leaderChanges', () => {
  it('reports one event per group and column where the term moved, with its rows', () => {
    const base = makeMatrix(
      [
        { start: 'a', end: 'b' },
        { start: 'b', end: 'c' },
        { start: 'c', end: '' },
      ],
      cols,
      () => 1,
    );
    // Rows 0 and 1 in group 7 (term 3 -> 4 at column 2); row 2 in group 8, steady.
    const m = withRaft(
      base,
      (r) => (r < 2 ? 7 : 8),
      (r, c) => (r < 2 ? (c >= 2 ? 4 : 3) : 5),
    );
    const ev = leaderChanges(m);
    expect(ev).toEqual([
      {
        kind: 'leader',
        col: 2,
        unixMs: 3000,
        buckets: ['route:1', 'route:2'],
        raftGroupId: 7,
        oldTerm: 3,
        newTerm: 4,
      },
    ]);
    expect(describeEvent(ev[0], (t) => `t${t}`)).toBe(
      't3000: leader change in Raft group 7, term 3 → 4 (2 rows)',
    );
  });

  it('ignores unknown terms (0) and older nodes without raft columns', () => {
    const base = makeMatrix([{ start: 'a', end: '' }], cols, () => 1);
    expect(leaderChanges(base)).toEqual([]);
    const m = withRaft(
      base,
      () => 7,
      (_r, c) => (c === 1 ? 0 : 3),
    );
    expect(leaderChanges(m)).toEqual([]);
  });
});

describe('columnGaps', () => {
  it('finds a pause longer than 1.5 steps', () => {
    const m = makeMatrix([{ start: 'a', end: '' }], [1000, 2000, 3000, 7000, 8000]);
    const g = columnGaps(m);
    expect(g.map((e) => [e.col, e.fromMs, e.missingMs])).toEqual([[3, 3000, 3000]]);
    expect(g[0].notLoaded).toBeUndefined();
    expect(describeEvent(g[0], (t) => `t${t}`)).toMatch(/server down or paused/);
  });

  it("a pause across the end of the window fetched for the view is the page's, not the server's", () => {
    // Fetched for [.., 3500); Live appended 7000 and 8000 after it.
    const m = makeMatrix([{ start: 'a', end: '' }], [1000, 2000, 3000, 7000, 8000]);
    const [g] = columnGaps(m, 3500);
    expect(g.notLoaded).toBe(true);
    const text = describeEvent(g, (t) => `t${t}`);
    expect(text).toBe(
      "t7000: 3 s before this not loaded at this zoom (the window fetched for the view ends there; Live's columns follow)",
    );
    expect(timeEvents(m, [], 3500).find((e) => e.kind === 'gap')).toEqual(g);
    // A pause inside the window, or a window with an open end: the server's.
    expect(columnGaps(m, 9000)[0].notLoaded).toBeUndefined();
    expect(columnGaps(m, 0)[0].notLoaded).toBeUndefined();
  });
});

describe('inferred splits and merges', () => {
  it('a new route right after a row that now ends where it starts is a split', () => {
    // route:1 [a,m) busy throughout; route:9 [m,z) only from column 2 (id above all early ids).
    const m = makeMatrix(
      [
        { start: 'a', end: 'm', id: 'route:1' },
        { start: 'm', end: 'z', id: 'route:9' },
        { start: 'z', end: '', id: 'route:3' },
      ],
      cols,
      (r, c) => (r === 1 && c < 2 ? 0 : 5),
    );
    const ev = inferredTransitions(m);
    expect(ev).toEqual([
      expect.objectContaining({
        kind: 'split',
        col: 2,
        routeIds: ['1', '1', '9'],
        buckets: ['route:1', 'route:9'],
      }),
    ]);
  });

  it('a route that vanished inside a row that covers it now is a merge', () => {
    const m = makeMatrix(
      [
        { start: 'a', end: 'z', id: 'route:1' }, // newest range after absorbing route:2
        { start: 'm', end: 'z', id: 'route:2' },
      ],
      cols,
      (r, c) => (r === 1 && c >= 2 ? 0 : 5),
    );
    const ev = inferredTransitions(m);
    expect(ev).toEqual([
      expect.objectContaining({ kind: 'merge', col: 2, routeIds: ['1', '1', '2'] }),
    ]);
  });

  it('an idle route that wakes up (an old id) is no split', () => {
    const m = makeMatrix(
      [
        { start: 'a', end: 'm', id: 'route:4' },
        { start: 'm', end: '', id: 'route:2' },
      ],
      cols,
      (r, c) => (r === 1 && c < 2 ? 0 : 5),
    );
    expect(inferredTransitions(m)).toEqual([]);
  });
});

describe('timeEvents', () => {
  it('a reported transition wins over the inferred one and lists the rows it covers', () => {
    const m = makeMatrix(
      [
        { start: 'a', end: 'm', id: 'route:1' },
        { start: 'm', end: 'z', id: 'route:9' },
      ],
      cols,
      (r, c) => (r === 1 && c < 2 ? 0 : 5),
    );
    const ev = timeEvents(m, [
      {
        transition: 'split',
        parentRouteId: '1',
        childRouteIds: ['1', '9'],
        lineageId: 'split/1/2500',
        unixMs: 2500,
        start: key('a'),
        end: key('z'),
      },
    ]);
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({
      kind: 'split',
      source: 'stream',
      col: 2,
      buckets: ['route:1', 'route:9'],
    });
    expect(describeEvent(ev[0], String)).toBe('2500: route 1 split into 1 + 9 (reported)');
    expect(bucketEvents(ev, 'route:9')).toHaveLength(1);
    expect(bucketEvents(ev, 'route:5')).toHaveLength(0);
  });
});

describe('leader changes and inferred transitions on larger matrices', () => {
  // The straightforward forms (every cell of every column grouped; every cell read for a row's
  // first and last presence): the fast paths must find exactly what these find.
  function leaderChangesRef(m: Matrix) {
    const { raftGroupIds: groups, leaderTerms: terms, rowCount: R, colCount: C } = m;
    const last = new Map<number, number>();
    const out: { col: number; g: number; from: number; to: number; rows: string[] }[] = [];
    for (let j = 0; j < C; j++) {
      const now = new Map<number, { term: number; rows: string[] }>();
      for (let i = 0; i < R; i++) {
        const g = groups![i * C + j];
        const t = terms![i * C + j];
        if (g === 0 || t === 0) continue;
        const e = now.get(g);
        if (!e) now.set(g, { term: t, rows: [m.rows[i].bucketId] });
        else {
          e.term = Math.max(e.term, t);
          e.rows.push(m.rows[i].bucketId);
        }
      }
      for (const [g, e] of now) {
        const prev = last.get(g);
        if (prev !== undefined && prev !== e.term)
          out.push({ col: j, g, from: prev, to: e.term, rows: e.rows });
        last.set(g, e.term);
      }
    }
    return out;
  }
  function rng(seed: number) {
    let s = seed >>> 0;
    return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  }

  it('finds the same leader changes as grouping every column', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = rng(seed);
      const R = 30;
      const C = 60;
      const specs = Array.from({ length: R }, (_x, i) => ({
        start: `k${String(i).padStart(2, '0')}`,
        end: `k${String(i + 1).padStart(2, '0')}`,
      }));
      // Terms that mostly stay, sometimes step up, sometimes vanish (0) for a column.
      const grid = new Float64Array(R * C);
      const groupOf = (r: number) => 1 + (r % 4);
      for (let r = 0; r < R; r++) {
        let t = 1;
        for (let c = 0; c < C; c++) {
          if (rand() < 0.05) t++;
          grid[r * C + c] = rand() < 0.05 ? 0 : t;
        }
      }
      const m = withRaft(
        makeMatrix(
          specs,
          Array.from({ length: C }, (_x, c) => 1000 * (c + 1)),
        ),
        (r, c) => (grid[r * C + c] === 0 && rand() < 0.5 ? 0 : groupOf(r)),
        (r, c) => grid[r * C + c],
      );
      const got = leaderChanges(m).map((e) => ({
        col: e.col,
        g: e.raftGroupId,
        from: e.oldTerm,
        to: e.newTerm,
        rows: e.buckets,
      }));
      const want = leaderChangesRef(m);
      expect(want.length).toBeGreaterThan(0);
      expect(got).toEqual(want);
    }
  });
});

describe('leaderChanges against the column-by-column walk', () => {
  it('finds the same events, in the same order, on random matrices with cells coming and going', () => {
    let seed = 7;
    let events = 0;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 40; trial++) {
      const R = 1 + Math.floor(rnd() * 12);
      const C = 1 + Math.floor(rnd() * 30);
      const specs = Array.from({ length: R }, (_v, i) => ({
        start: `k${i}`,
        id: `route:${i + 1}`,
      }));
      const m = makeMatrix(
        specs,
        Array.from({ length: C }, (_v, j) => 1000 * (j + 1)),
      );
      const groups = new Float64Array(R * C);
      const terms = new Float64Array(R * C);
      const G = 1 + Math.floor(rnd() * 4);
      for (let i = 0; i < R; i++) {
        let g = 1 + Math.floor(rnd() * G) * 7;
        for (let j = 0; j < C; j++) {
          if (rnd() < 0.1) g = 1 + Math.floor(rnd() * G) * 7; // a row moves to another group
          if (rnd() < 0.35) continue; // absent cell
          groups[i * C + j] = g;
          terms[i * C + j] = 1 + Math.floor(rnd() * 3) + Math.floor(j / 5);
        }
      }
      const mm = { ...m, raftGroupIds: groups, leaderTerms: terms };
      const got = leaderChanges(mm);
      expect(got).toEqual(leaderChangesByColumn(mm));
      events += got.length;
    }
    expect(events).toBeGreaterThan(40); // the walk compared is not an empty one
  });
});

describe('leaderChanges on live-appended matrices', () => {
  it('carries the older matrix over (same rows) and finds what a full walk finds', () => {
    let seed = 3;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const R = 9;
    const C = 12;
    const specs = Array.from({ length: R }, (_v, i) => ({ start: `k${i}`, id: `route:${i + 1}` }));
    const cell = () => {
      const present = rnd() > 0.3;
      return {
        g: present ? 1 + Math.floor(rnd() * 3) : 0,
        t: present ? 1 + Math.floor(rnd() * 4) : 0,
      };
    };
    const base0 = makeMatrix(
      specs,
      Array.from({ length: C }, (_v, j) => 1000 * (j + 1)),
    );
    const g0 = new Float64Array(R * C);
    const t0 = new Float64Array(R * C);
    for (let k = 0; k < R * C; k++) ({ g: g0[k], t: t0[k] } = cell());
    let m: Matrix = { ...base0, raftGroupIds: g0, leaderTerms: t0 };
    expect(leaderChanges(m)).toEqual(leaderChangesByColumn(m));
    let events = 0;
    let carried = 0;
    for (let k = 0; k < 30; k++) {
      const unixMs = m.columns[m.colCount - 1] + 1000;
      const rows = m.rows.map((meta) => {
        const c = cell();
        return { meta, value: 1, raftGroupId: c.g, leaderTerm: c.t };
      });
      // A sliding window for the first appends, then a growing one: both shapes of the table.
      const windowMs = k < 15 ? 11_500 : null;
      m = appendColumn(m, { unixMs, rows }, { windowMs, maxColumns: 1440 });
      if (appendOrigin(m)?.sameRows) carried++;
      const got = leaderChanges(m);
      expect(got).toEqual(leaderChangesByColumn(m));
      events += got.length;
    }
    expect(carried).toBe(30);
    expect(events).toBeGreaterThan(30);
  });

  it('builds afresh when the rows changed', () => {
    const specs = [
      { start: 'a', id: 'route:1' },
      { start: 'c', id: 'route:2' },
    ];
    const base = withRaft(
      makeMatrix(specs, [1000, 2000]),
      () => 1,
      (_r, c) => 1 + c,
    );
    leaderChanges(base);
    const extra = { ...base.rows[0], bucketId: 'route:3', start: key('b'), end: key('c') };
    const m = appendColumn(
      base,
      {
        unixMs: 3000,
        rows: [{ meta: extra, value: 5, raftGroupId: 1, leaderTerm: 7 }],
      },
      { windowMs: null, maxColumns: 1440 },
    );
    expect(appendOrigin(m)?.sameRows).toBe(false);
    expect(leaderChanges(m)).toEqual(leaderChangesByColumn(m));
    expect(leaderChanges(m).map((e) => [e.col, e.oldTerm, e.newTerm])).toEqual([
      [1, 1, 2],
      [2, 2, 7],
    ]);
  });
});

describe('time events between frames', () => {
  // 200 rows x 300 columns, groups of 10 rows, a term that moves every 37 columns per group.
  function big(): Matrix {
    const rows = Array.from({ length: 200 }, (_, i) => ({
      start: `k${String(i).padStart(4, '0')}`,
      end: `k${String(i + 1).padStart(4, '0')}`,
    }));
    const columns = Array.from({ length: 300 }, (_, j) => 60_000 * (j + 1));
    return withRaft(
      makeMatrix(rows, columns, () => 1),
      (r) => 1 + Math.floor(r / 10),
      (r, c) => 1 + Math.floor((c + 3 * Math.floor(r / 10)) / 37),
    );
  }

  it('in slices, the same events as at once (the leader changes yield between rows and columns)', async () => {
    const m = big();
    const whole = timeEvents(m);
    expect(whole.length).toBeGreaterThan(100);
    let slices = 0;
    // A fresh matrix: the group table of `m` is kept with it, and would skip the row pass.
    const sliced = await runSliced(timeEventsSteps(big()), {
      budgetMs: 0,
      schedule: (fn) => queueMicrotask(fn),
      now: () => performance.now(),
      onSlice: () => slices++,
    });
    expect(sliced).toEqual(whole);
    // 200 rows at 16 a step and 300 columns at 64 a step: at least 17 slices of one step each.
    expect(slices).toBeGreaterThanOrEqual(17);
    // An abort between slices ends it with the signal's reason.
    const ac = new AbortController();
    const run = runSliced(timeEventsSteps(big()), {
      budgetMs: 0,
      schedule: (fn) => setTimeout(fn, 0),
      now: () => performance.now(),
      signal: ac.signal,
    });
    ac.abort(new Error('newer matrix'));
    await expect(run).rejects.toThrow('newer matrix');
  });

  it('eventsOnto places events on another matrix by time and leaves out the rest', () => {
    const m = big();
    const events = timeEvents(m);
    // The same matrix one column later: every column moves one to the left, the first is gone.
    const shifted = { ...m, columns: m.columns.slice(1), colCount: m.colCount - 1 };
    const moved = eventsOnto(events, shifted);
    const kept = events.filter((e) => e.unixMs >= m.columns[1]);
    expect(moved).toHaveLength(kept.length);
    moved.forEach((e, k) => {
      expect(e.unixMs).toBe(kept[k].unixMs);
      expect(e.col).toBe(kept[k].col - 1);
      expect(shifted.columns[e.col]).toBe(e.unixMs);
    });
    // On its own matrix the events come back as they are (the same objects).
    expect(eventsOnto(events, m)).toEqual(events);
    expect(eventsOnto(events, m)[0]).toBe(events[0]);
  });
});
