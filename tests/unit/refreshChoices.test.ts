// Issue 13 item 6: auto-refresh choices follow the server's step (never faster than a column).
import { describe, expect, it } from 'vitest';
import { refreshChoices } from '../../src/data/refreshChoices.ts';
import { parseViewState, serializeViewState, DEFAULT_VIEW } from '../../src/data/urlState.ts';

const values = (stepMs: number, current?: number) =>
  refreshChoices(stepMs, current).map((c) => c.value);

describe('refreshChoices', () => {
  it('whole multiples of the step, Off first', () => {
    expect(values(1000)).toEqual([0, 1, 2, 5, 10]);
    expect(values(60_000)).toEqual([0, 60, 120, 300, 600]);
    expect(refreshChoices(60_000).map((c) => c.label)).toEqual([
      'Off',
      '1 min',
      '2 min',
      '5 min',
      '10 min',
    ]);
  });

  it('never faster than the step, never over an hour', () => {
    for (const step of [500, 1000, 5000, 60_000, 600_000, 3_600_000, 7_200_000]) {
      const v = values(step).slice(1);
      expect(v.length).toBeGreaterThan(0);
      for (const s of v) {
        expect(s).toBeLessThanOrEqual(3600);
        expect(s * 1000).toBeGreaterThanOrEqual(Math.min(step, 3_600_000) - 500);
      }
    }
    expect(values(600_000)).toEqual([0, 600, 1200, 3000]);
  });

  it('an unknown step falls back; the URL value stays listed', () => {
    expect(values(0)).toEqual([0, 5, 30]);
    expect(values(NaN)).toEqual([0, 5, 30]);
    expect(values(60_000, 30)).toEqual([0, 30, 60, 120, 300, 600]);
  });

  it('the URL holds any whole interval up to an hour', () => {
    expect(parseViewState('refresh=120').refresh).toBe(120);
    expect(parseViewState('refresh=3601').refresh).toBe(DEFAULT_VIEW.refresh);
    expect(serializeViewState({ ...DEFAULT_VIEW, refresh: 600 })).toBe('refresh=600');
  });
});
