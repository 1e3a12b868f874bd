import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/sampler/clock.ts';
import { Sampler } from '../../server/sampler/sampler.ts';
import { createWorkload } from '../../server/workload/index.ts';
import { DEFAULT_HOT_KEYS_PLAN } from '../../server/workload/hotKeys.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const dec = (b: Uint8Array) => Buffer.from(b).toString('latin1');

function run(labelsEnabled: boolean) {
  const clock = new ManualClock(NOW);
  const s = new Sampler({
    clock,
    stepMs: 60_000,
    historyColumns: 180,
    labelsEnabled,
    keyBucketsPerRoute: 8,
    hotKeys: { seed: 5 },
  });
  const wl = createWorkload({ seed: 4, scenario: 'mix', routes: 400 });
  wl.backfill(s, clock, { durationMs: 2 * HOUR, stepMs: 60_000, now: NOW });
  return { s, wl };
}

describe('workload: the hot-key patterns', () => {
  const { s } = run(false);
  const cols = s.snapshot().map((c) => c.unixMs);
  const all = { label: '', subBucket: null, top: 64, fromMs: cols[0], toMs: NOW + 1 };

  it('plants Zipf-hot keys that rank first in their routes', () => {
    const hot = new Map<number, string[]>();
    for (const w of s.hotKeyTracker!.history.windows()) {
      for (const slot of w.slots.values()) {
        const keys = slot.entries.filter((e) => e.key.includes('#hot')).map((e) => e.key);
        if (keys.length > 0) hot.set(slot.routeId, keys);
      }
    }
    expect(hot.size).toBeGreaterThanOrEqual(DEFAULT_HOT_KEYS_PLAN.spots.length - 1);
    for (const routeId of hot.keys()) {
      const a = s.hotKeys({ ...all, routeId });
      if (!a?.ok) throw new Error('no answer');
      const [first, second] = a.result.keys;
      expect(dec(first.key)).toMatch(/#hot0$/);
      // Over two hours the hottest key's estimate is about twice the next (Zipf s = 1).
      expect(first.count).toBeGreaterThan(second.count * 1.3);
    }
  });

  it('skips over-long keys ten minutes an hour (degraded windows), drops nothing', () => {
    const ws = s.hotKeyTracker!.history.windows();
    const degraded = ws.filter((w) => w.skippedLongKeys > 0).length;
    expect(degraded).toBeGreaterThanOrEqual(15);
    expect(degraded).toBeLessThanOrEqual(30);
    expect(ws.every((w) => w.droppedSamples === 0)).toBe(true);
  });

  it('concentrates the hot sub-range in one sub-bucket with no dominant key', () => {
    const r = s
      .listRoutes()
      .find((x) =>
        s
          .hotKeyTracker!.history.windows()
          .some((w) =>
            w.slots.get(`${x.id}:`)?.entries.some((e) => /\/..$/s.test(e.key) && e.count === 1),
          ),
      )!;
    expect(r).toBeDefined();
    const counts: number[] = [];
    for (let i = 0; i < 8; i++) {
      const a = s.hotKeys({ ...all, routeId: r.id, subBucket: i });
      if (!a?.ok) break;
      counts.push(a.result.keys.length);
    }
    expect(counts.filter((n) => n > 0).length).toBe(1);
  });

  it('serves one route through several adapters (own slots with labels enabled)', () => {
    const { s: labelled } = run(true);
    const labels = new Set<string>();
    for (const w of labelled.hotKeyTracker!.history.windows()) {
      for (const slot of w.slots.values()) if (slot.label !== '') labels.add(slot.label);
    }
    expect([...labels].sort()).toEqual(['dynamo', 'rawkv', 'redis', 's3', 'sqs']);
  }, 60_000); // a second 2 h backfill: slow on a loaded machine
});
