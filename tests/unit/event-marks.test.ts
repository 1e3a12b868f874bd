// Time-axis markers grouped where they would overlap: no two overlap, every event is counted
// once, a split or gap is never drawn as a leader change, and the words say what is inside.
import { describe, expect, it } from 'vitest';
import type { TimeEvent } from '../../src/data/timeEvents.ts';
import {
  groupEventMarks,
  kindCounts,
  MARK_GLYPH_PX,
  MARK_SPACE_PX,
  markText,
  markWidth,
} from '../../src/data/view/eventMarks.ts';

const leader = (unixMs: number, g = 7): TimeEvent => ({
  kind: 'leader',
  col: unixMs / 1000,
  unixMs,
  buckets: ['route:1'],
  raftGroupId: g,
  oldTerm: 3,
  newTerm: 4,
});
const split = (unixMs: number): TimeEvent => ({
  kind: 'split',
  col: unixMs / 1000,
  unixMs,
  buckets: ['route:1', 'route:9'],
  routeIds: ['1', '1', '9'],
  source: 'stream',
  lineageId: 'l',
});
const gap = (unixMs: number): TimeEvent => ({
  kind: 'gap',
  col: unixMs / 1000,
  unixMs,
  buckets: [],
  fromMs: unixMs - 5000,
  missingMs: 4000,
});
const at = (x: number, e: TimeEvent) => ({ x, e });
const fmt = (t: number) => `t${t}`;

/** Each marker's drawn box [left, right). */
const boxes = (marks: { x: number; width: number }[]) =>
  marks.map((m) => [m.x - MARK_GLYPH_PX / 2, m.x - MARK_GLYPH_PX / 2 + m.width]);

describe('groupEventMarks', () => {
  it('keeps markers a glyph apart on their own', () => {
    const marks = groupEventMarks([at(10, leader(1000)), at(30, leader(2000)), at(60, gap(3000))]);
    expect(marks.map((m) => [m.x, m.items.length, m.kind, m.width])).toEqual([
      [10, 1, 'leader', MARK_GLYPH_PX],
      [30, 1, 'leader', MARK_GLYPH_PX],
      [60, 1, 'gap', MARK_GLYPH_PX],
    ]);
  });

  it('a solid row of events: counted markers, none overlapping, every event counted once', () => {
    // A leader change every 0.7 px (a day of columns on a 1,000 px plot), a split among them.
    const placed = Array.from({ length: 1400 }, (_v, i) =>
      at(i * 0.7, i === 700 ? split(i * 1000) : leader(i * 1000, i % 30)),
    );
    const marks = groupEventMarks(placed);
    expect(marks.length).toBeGreaterThan(10);
    expect(marks.length).toBeLessThan(200);
    expect(marks.reduce((n, m) => n + m.items.length, 0)).toBe(placed.length);
    const b = boxes(marks);
    for (let i = 1; i < b.length; i++)
      expect(b[i][0]).toBeGreaterThanOrEqual(b[i - 1][1] + MARK_SPACE_PX);
    // The split is not hidden in a group of leader changes: its group is drawn as a split.
    const withSplit = marks.filter((m) => m.items.some((p) => p.e.kind === 'split'));
    expect(withSplit.map((m) => m.kind)).toEqual(['split']);
    expect(marks.filter((m) => m.kind === 'split')).toHaveLength(1);
    for (const m of marks) expect(m.width).toBe(markWidth(m.items.length));
  });

  it('a gap among leader changes keeps the gap glyph; events out of order are sorted', () => {
    const marks = groupEventMarks([at(4, gap(2000)), at(2, leader(1000)), at(6, leader(3000))]);
    expect(marks).toHaveLength(1);
    expect(marks[0].kind).toBe('gap');
    expect(marks[0].x).toBe(2);
    expect(marks[0].items.map((p) => p.x)).toEqual([2, 4, 6]);
  });

  it('a marker widens with its count', () => {
    expect(markWidth(1)).toBe(MARK_GLYPH_PX);
    expect(markWidth(9)).toBeLessThan(markWidth(10));
    expect(markWidth(10)).toBeLessThan(markWidth(100));
  });
});

describe('markText', () => {
  it('one event: its own words', () => {
    expect(markText([leader(1000)], fmt)).toBe(
      't1000: leader change in Raft group 7, term 3 → 4 (1 row)',
    );
  });

  it('several: how many of which kinds, between which times, to zoom in; the telling ones first', () => {
    const text = markText(
      [leader(1000), leader(2000), split(3000), leader(4000), gap(5000), leader(6000)],
      fmt,
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      '6 events between t1000 and t6000: 1 split, 1 gap and 4 leader changes (zoom in to tell them apart)',
    );
    expect(lines[1]).toMatch(/^t3000: route 1 split into 1 \+ 9/);
    expect(lines[2]).toMatch(/^t5000: no columns for 4 s/);
    expect(lines.slice(3, 5).every((l) => l.includes('leader change'))).toBe(true);
    expect(lines[5]).toBe('and 2 more');
  });

  it('one kind, one time', () => {
    expect(markText([leader(1000, 1), leader(1000, 2)], fmt).split('\n')[0]).toBe(
      '2 leader changes at t1000 (zoom in to tell them apart)',
    );
    expect(kindCounts([gap(1), gap(2), split(3)])).toBe('1 split and 2 gaps');
  });
});
