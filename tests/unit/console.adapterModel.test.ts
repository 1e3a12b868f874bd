import { describe, expect, it } from 'vitest';
import {
  adapterSummaries,
  LEGACY_ADAPTER,
  mixtureQuantile,
  ROUTE_CAPACITY_OPS,
} from '../../server/console/adapterModel.ts';

describe('adapter model', () => {
  it('quantile of one exponential is -mean ln(1-q)', () => {
    const q = mixtureQuantile([{ lambda: 1, meanS: 0.01, weight: 5 }], 0.95);
    expect(q).toBeCloseTo(-0.01 * Math.log(0.05), 6);
  });

  it('latency rises with load on a hot route and the tail follows the hot share', () => {
    const stepMs = 60_000;
    const cold = {
      label: 'redis',
      reads: 6_000,
      writes: 600,
      readBytes: 60_000,
      writeBytes: 66_000,
    };
    const hot = { ...cold, writes: 0.9 * ROUTE_CAPACITY_OPS * 0.25 * 60, reads: 0 };
    const [calm] = adapterSummaries([cold], stepMs).filter((s) => s.operation === 'write');
    const [busy] = adapterSummaries([cold, hot], stepMs).filter((s) => s.operation === 'write');
    expect(busy.p99Ns).toBeGreaterThan(2 * calm.p99Ns);
    expect(busy.p50Ns).toBeGreaterThan(calm.p50Ns);
    expect(busy.p95Ns).toBeGreaterThanOrEqual(busy.p50Ns);
    expect(busy.requests).toBe(cold.writes + hot.writes);
    expect(busy.inFlight).toBeGreaterThan(calm.inFlight);
  });

  it('one row per adapter and operation with traffic; bytes from the counters', () => {
    const s = adapterSummaries(
      [
        { label: '', reads: 10, writes: 0, readBytes: 80, writeBytes: 0 },
        { label: 's3', reads: 0, writes: 4, readBytes: 0, writeBytes: 4_000 },
      ],
      60_000,
    );
    expect(s.map((x) => [x.adapter, x.operation])).toEqual([
      [LEGACY_ADAPTER, 'read'],
      ['s3', 'write'],
    ]);
    expect(s[0].bytesIn).toBe(80);
    expect(s[1].bytesIn).toBe(4_000);
  });
});
