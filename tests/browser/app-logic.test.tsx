// The page's pure logic (src/shell, src/pages/keyviz): polling, routing, view state, placement, sizing.
// Runs in the browser project: these modules are written for the page's runtime.
import { describe, expect, it } from 'vitest';
import { canvasSize } from '../../src/pages/keyviz/canvasSize.ts';
import { placeFlyout } from '../../src/pages/keyviz/flyoutPlacement.ts';
import { keyAxisLabels } from '../../src/pages/keyviz/keyAxis.ts';
import { legendTicks } from '../../src/pages/keyviz/legend.ts';
import {
  MAX_BACKOFF_MS,
  pollDelayMs,
  Poller,
  type LoadOutcome,
} from '../../src/pages/keyviz/poller.ts';
import { bucketPath, routerBasename, windowOf, windowQuery } from '../../src/shell/router.ts';
import { searchFor, viewFromSearch, viewReducer } from '../../src/pages/keyviz/viewState.ts';
import { makeScale } from '../../src/data/scale.ts';
import type { RowMeta } from '../../src/data/matrix.ts';

/** A hand-driven clock and timer queue, plus loads the test settles itself. */
function harness() {
  let now = 0;
  let hidden = false;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let nextId = 1;
  const loads: {
    signal: AbortSignal;
    resolve: (v: number) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const outcomes: LoadOutcome<number>[] = [];
  const busy: boolean[] = [];
  const poller = new Poller<number>({
    load: (signal) =>
      new Promise<number>((resolve, reject) => loads.push({ signal, resolve, reject })),
    onOutcome: (o) => outcomes.push(o),
    onBusy: (b) => busy.push(b),
    isHidden: () => hidden,
    setTimer: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimer: (h) => timers.delete(h as number),
    now: () => now,
  });
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return {
    poller,
    loads,
    outcomes,
    busy,
    timers,
    setHidden: (h: boolean) => {
      hidden = h;
      poller.visibilityChanged();
    },
    /** Advances the clock, firing due timers in order. */
    advance: (ms: number) => {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= end)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
    flush,
  };
}

describe('Poller', () => {
  it('a new load aborts the one in flight; only the newest answer is reported', async () => {
    const h = harness();
    h.poller.loadNow();
    h.poller.loadNow();
    expect(h.loads).toHaveLength(2);
    expect(h.loads[0].signal.aborted).toBe(true);
    expect(h.loads[1].signal.aborted).toBe(false);
    h.loads[0].resolve(1);
    h.loads[1].resolve(2);
    await h.flush();
    expect(h.outcomes).toEqual([{ ok: true, value: 2 }]);
  });

  it('polls at the interval after each answer, never while a load is in flight', async () => {
    const h = harness();
    h.poller.setInterval(5000);
    h.poller.loadNow();
    h.advance(20_000); // the first load is still in flight: no timer, no second load
    expect(h.loads).toHaveLength(1);
    h.loads[0].resolve(1);
    await h.flush();
    h.advance(4999);
    expect(h.loads).toHaveLength(1);
    h.advance(1);
    expect(h.loads).toHaveLength(2);
  });

  it('changing the interval during a slow load neither aborts it nor loads again', async () => {
    const h = harness();
    h.poller.setInterval(5000);
    h.poller.loadNow();
    h.poller.setInterval(30_000);
    h.poller.setInterval(5000);
    expect(h.loads).toHaveLength(1);
    expect(h.loads[0].signal.aborted).toBe(false);
    h.loads[0].resolve(7);
    await h.flush();
    expect(h.outcomes).toEqual([{ ok: true, value: 7 }]);
    h.advance(5000); // the interval set last applies from the answer
    expect(h.loads).toHaveLength(2);
  });

  it('backs off exponentially after failures, capped, and resets on success', async () => {
    expect(pollDelayMs(5000, 0)).toBe(5000);
    expect(pollDelayMs(5000, 1)).toBe(10_000);
    expect(pollDelayMs(5000, 3)).toBe(40_000);
    expect(pollDelayMs(5000, 30)).toBe(MAX_BACKOFF_MS);
    const h = harness();
    h.poller.setInterval(5000);
    h.poller.loadNow();
    h.loads[0].reject(new Error('down'));
    await h.flush();
    expect(h.poller.failureCount).toBe(1);
    h.advance(9999);
    expect(h.loads).toHaveLength(1);
    h.advance(1);
    expect(h.loads).toHaveLength(2);
    h.loads[1].reject(new Error('down'));
    await h.flush();
    h.advance(19_999);
    expect(h.loads).toHaveLength(2);
    h.advance(1);
    expect(h.loads).toHaveLength(3);
    h.loads[2].resolve(7);
    await h.flush();
    expect(h.poller.failureCount).toBe(0);
    h.advance(5000);
    expect(h.loads).toHaveLength(4);
  });

  it('stops while hidden and catches up on return', async () => {
    const h = harness();
    h.poller.setInterval(5000);
    h.poller.loadNow();
    h.loads[0].resolve(1);
    await h.flush();
    h.setHidden(true);
    h.advance(60_000);
    expect(h.loads).toHaveLength(1);
    h.setHidden(false);
    expect(h.loads).toHaveLength(2); // the overdue poll runs at once
  });

  it('interval 0 stops polling; dispose aborts', async () => {
    const h = harness();
    h.poller.setInterval(5000);
    h.poller.loadNow();
    h.loads[0].resolve(1);
    await h.flush();
    h.poller.setInterval(0);
    h.advance(60_000);
    expect(h.loads).toHaveLength(1);
    h.poller.loadNow();
    h.poller.dispose();
    expect(h.loads[1].signal.aborted).toBe(true);
  });
});

describe('router paths', () => {
  it('basename, bucket paths escaped as one segment, the window carried in range', () => {
    expect(routerBasename('/')).toBe('');
    expect(routerBasename('/admin/')).toBe('/admin');
    expect(routerBasename('admin')).toBe('/admin');
    expect(bucketPath('route:7:redis#3')).toBe('/keyviz/bucket/route%3A7%3Aredis%233');
    expect(bucketPath('virtual:18446744073709551615', '?range=1h')).toBe(
      '/keyviz/bucket/virtual%3A18446744073709551615?range=1h',
    );
    expect(windowQuery('?range=6h&rows=5')).toBe('?range=6h');
    expect(windowQuery('?zoom=1000-5000,61,62')).toBe('?range=1000-5000');
    expect(windowQuery('')).toBe('');
    expect(windowOf('?range=1000-5000', 9_000)).toEqual({ fromMs: 1000, toMs: 5000 });
    expect(windowOf('?range=1h', 7_200_000)).toEqual({ fromMs: 3_600_000, toMs: 0 });
    expect(windowOf('', 5)).toEqual({ fromMs: 0, toMs: 0 });
  });
});

describe('view state', () => {
  it('user actions change one field; the URL keeps foreign parameters', () => {
    const v = viewFromSearch('?api=http://127.0.0.1:9&rows=7');
    expect(v.rows).toBe(7);
    const w = viewReducer(v, { type: 'series', series: 'reads' });
    expect(w.series).toBe('reads');
    expect(viewReducer(w, { type: 'series', series: 'reads' })).toBe(w);
    const q = searchFor('?api=http%3A%2F%2F127.0.0.1%3A9&rows=7', w);
    const p = new URLSearchParams(q);
    expect(p.get('api')).toBe('http://127.0.0.1:9');
    expect(p.get('series')).toBe('reads');
    expect(p.get('rows')).toBe('7');
    expect(searchFor('', viewFromSearch(''))).toBe('');
  });
});

describe('layout helpers', () => {
  it('the flyout flips left/up near the edges and stays inside', () => {
    const vp = { w: 1000, h: 800 };
    const size = { w: 300, h: 200 };
    expect(placeFlyout({ x: 100, y: 100 }, size, vp)).toEqual({ left: 114, top: 114 });
    const p = placeFlyout({ x: 990, y: 790 }, size, vp);
    expect(p.left + size.w).toBeLessThanOrEqual(990);
    expect(p.top + size.h).toBeLessThanOrEqual(790);
    const huge = placeFlyout({ x: 10, y: 10 }, { w: 2000, h: 2000 }, vp);
    expect(huge).toEqual({ left: 4, top: 4 });
  });

  it('canvas backing store is whole device pixels and the CSS size matches it exactly', () => {
    const c = canvasSize(1001.3, 600.7, 1.25);
    expect(c.devW).toBe(1251);
    expect(c.devH).toBe(750);
    expect(c.cssW * 1.25).toBeCloseTo(1251, 9);
    expect(canvasSize(800, 600, 1, { w: 800, h: 600 }).devW).toBe(800);
  });

  it('key labels: evenly spaced, none below the plot', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({
      start: new TextEncoder().encode(`user:${String(i).padStart(3, '0')}`),
    })) as unknown as RowMeta[];
    const labels = keyAxisLabels(rows, 400, 16, 22);
    expect(labels[0].text).toBe('user:000');
    for (let i = 1; i < labels.length; i++) {
      expect(labels[i].y - labels[i - 1].y).toBeGreaterThanOrEqual(16);
    }
    expect(labels[labels.length - 1].y + 16).toBeLessThanOrEqual(400.5);
    const open = keyAxisLabels([{ start: new Uint8Array(0) } as unknown as RowMeta], 100, 16, 22);
    expect(open[0].text).toBe('-inf');
  });

  it('legend ticks never crowd and end at the top of the scale', () => {
    const scale = makeScale({ kind: 'log', max: 123_456, brightness: 1 });
    const ticks = legendTicks(scale, 280, 56);
    for (let i = 1; i < ticks.length; i++) {
      expect((ticks[i].t - ticks[i - 1].t) * 280).toBeGreaterThanOrEqual(56);
    }
    expect(ticks[ticks.length - 1]).toEqual({ value: 123_456, t: 1 });
    expect(ticks.every((t) => t.value > 0)).toBe(true);
  });

  it('the right-aligned top label keeps clear of the one before it', () => {
    // max 368 on a log scale put "100 ops" 61 px before the right-aligned "368 ops": they overlapped.
    for (const max of [368, 555, 1_000, 7_777, 123_456, 9e9]) {
      const ticks = legendTicks(makeScale({ kind: 'log', max, brightness: 1 }), 280, 56);
      const n = ticks.length;
      if (n > 1) expect((ticks[n - 1].t - ticks[n - 2].t) * 280).toBeGreaterThanOrEqual(84);
      expect(ticks[n - 1].t).toBe(1);
    }
  });
});
