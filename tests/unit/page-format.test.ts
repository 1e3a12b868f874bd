// Number/time formatting and the time axis. Local time is pinned to a zone with DST.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatInt,
  formatTimeWindow,
  formatValue,
  localZoneLabel,
} from '../../src/data/format.ts';
import { chooseTickStep, timeTicks } from '../../src/data/timeAxis.ts';

let savedTz: string | undefined;
beforeAll(() => {
  savedTz = process.env.TZ;
  process.env.TZ = 'Europe/Berlin'; // Node re-reads TZ for Date at run time
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number =>
  new Date(y, mo - 1, d, h, mi, s).getTime();

describe('formatValue', () => {
  it.each([
    [0, 'writes', '0 ops'],
    [1, 'writes', '1 op'],
    [1.004, 'writes', '1 op'],
    [1.5, 'writes', '1.5 ops'],
    [17, 'reads', '17 ops'],
    [999, 'writes', '999 ops'],
    [1000, 'writes', '1 k ops'],
    [1234, 'writes', '1.23 k ops'],
    [12_345, 'writes', '12.3 k ops'],
    [999_999, 'writes', '1 M ops'],
    [2.5e9, 'reads', '2.5 G ops'],
    [0, 'write_bytes', '0 B'],
    [1023, 'write_bytes', '1023 B'],
    [1024, 'read_bytes', '1 KiB'],
    [3.4 * 1024 * 1024, 'write_bytes', '3.4 MiB'],
    [1024 * 1024 - 1, 'write_bytes', '1 MiB'],
    [2 ** 64, 'write_bytes', '16 EiB'],
  ] as const)('%d %s -> %s', (v, series, want) => {
    expect(formatValue(v, series)).toBe(want);
  });
  it('handles non-finite', () => {
    expect(formatValue(NaN, 'writes')).toBe('—');
  });
});

describe('formatInt', () => {
  it('groups thousands, exactly for big decimal strings', () => {
    expect(formatInt(0)).toBe('0');
    expect(formatInt(1234567)).toBe('1,234,567');
    expect(formatInt(-1234)).toBe('-1,234');
    expect(formatInt('18446744073709551615')).toBe('18,446,744,073,709,551,615');
    expect(formatInt(12n)).toBe('12');
    expect(formatInt(Infinity)).toBe('—');
  });
});

describe('time windows', () => {
  it('same day shows the date once, spans show both dates', () => {
    expect(formatTimeWindow(local(2026, 11, 24, 7, 21, 5), local(2026, 11, 24, 7, 22, 5))).toBe(
      '2026-11-24 07:21:05 – 07:22:05',
    );
    expect(formatTimeWindow(local(2026, 11, 24, 23, 59), local(2026, 11, 25, 0, 1))).toBe(
      '2026-11-24 23:59:00 – 2026-11-25 00:01:00',
    );
    expect(formatTimeWindow(NaN, 1)).toBe('—');
  });
  it('durations', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(90 * 60_000)).toBe('1 h 30 min');
    expect(formatDuration(51 * 3_600_000)).toBe('2 d 3 h');
  });
  it('names the zone', () => {
    expect(localZoneLabel(local(2026, 1, 10))).toBe('UTC+01:00 (Europe/Berlin)');
    expect(localZoneLabel(local(2026, 7, 10))).toBe('UTC+02:00 (Europe/Berlin)');
  });
});

describe('timeTicks', () => {
  /** Labels never overlap: neighbouring ticks are at least minLabelPx apart on screen. */
  function assertSpacing(from: number, to: number, width: number, minPx: number): void {
    const ticks = timeTicks(from, to, width, minPx);
    const pxPerMs = width / (to - from);
    for (let i = 1; i < ticks.length; i++) {
      expect((ticks[i].ms - ticks[i - 1].ms) * pxPerMs).toBeGreaterThanOrEqual(minPx - 1e-6);
    }
    for (const t of ticks) {
      expect(t.ms).toBeGreaterThanOrEqual(from);
      expect(t.ms).toBeLessThanOrEqual(to);
    }
  }

  it('24 h on 1200 px with 60 px labels: 2 h steps, midnight shows the date', () => {
    const from = local(2026, 11, 23, 7, 21, 30);
    const to = from + 24 * 3_600_000;
    const ticks = timeTicks(from, to, 1200, 60);
    expect(chooseTickStep(from, to, 1200, 60)).toBe(2 * 3_600_000);
    expect(ticks[0].label).toBe('08:00');
    const midnight = ticks.find((t) => t.major)!;
    expect(midnight.label).toBe('Nov 24');
    expect(midnight.ms).toBe(local(2026, 11, 24));
    expect(ticks.filter((t) => t.major)).toHaveLength(1);
    assertSpacing(from, to, 1200, 60);
  });

  it('an hour on 1200 px gives 5 min steps on round minutes', () => {
    const from = local(2026, 11, 24, 6, 2, 10);
    const ticks = timeTicks(from, from + 3_600_000, 1200, 70);
    expect(ticks.map((t) => t.label).slice(0, 3)).toEqual(['06:05', '06:10', '06:15']);
    assertSpacing(from, from + 3_600_000, 1200, 70);
  });

  it('a week uses day steps labelled by date', () => {
    const from = local(2026, 11, 20, 13);
    const to = from + 7 * 86_400_000;
    const ticks = timeTicks(from, to, 800, 60);
    expect(ticks.every((t) => t.major && /^Nov \d+$/.test(t.label))).toBe(true);
    assertSpacing(from, to, 800, 60);
  });

  it('stays on round local times across a DST change', () => {
    const from = local(2026, 10, 24, 20);
    const to = local(2026, 10, 25, 12);
    const ticks = timeTicks(from, to, 1600, 60);
    for (const t of ticks) if (!t.major) expect(t.label).toMatch(/^\d\d:00$/);
    expect(ticks.some((t) => t.label === 'Oct 25')).toBe(true);
    assertSpacing(from, to, 1600, 60);
  });

  it('multi-day steps stay a full step apart across a month end', () => {
    const from = local(2026, 10, 20);
    const to = local(2026, 11, 12);
    for (const width of [300, 500, 900]) assertSpacing(from, to, width, 60);
  });

  it('never overlaps at any width', () => {
    const from = local(2026, 11, 1, 3, 17);
    for (const span of [600_000, 3_600_000, 6 * 3_600_000, 86_400_000, 9 * 86_400_000]) {
      for (const width of [120, 333, 800, 1920]) assertSpacing(from, from + span, width, 64);
    }
  });

  it('degenerate input gives no ticks', () => {
    expect(timeTicks(5, 5, 100, 50)).toEqual([]);
    expect(timeTicks(10, 5, 100, 50)).toEqual([]);
    expect(timeTicks(0, 1e6, 0, 50)).toEqual([]);
    expect(timeTicks(NaN, 1e6, 100, 50)).toEqual([]);
  });
});

describe('largestCellDigits', () => {
  it('is the double below 2^53 and the longest kept string above', async () => {
    const { largestCellDigits } = await import('../../src/data/format.ts');
    expect(largestCellDigits({ max: 368 })).toBe('368');
    expect(
      largestCellDigits({
        max: 2 ** 64,
        exactValues: new Map([
          [3, '9007199254740993'],
          [9, '18446744073709551615'],
          [5, '18446744073709551614'],
        ]),
      }),
    ).toBe('18446744073709551615');
  });
});
