// The gateway's adapter summary merge (server/gateway/console.ts): counters add up, and each
// percentile is the highest across nodes, taken separately (docs/gateway.md).
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { mergeAdapterRows, mergeAdapterSummaries } from '../../server/gateway/console.ts';
import {
  AdapterSummarySchema,
  GetAdapterSummaryResponseSchema,
  type AdapterSummary,
} from '../../src/gen/admin_pb.ts';

function row(
  adapter: string,
  operation: string,
  n: { req: bigint; p50: number; p95: number; p99: number },
): AdapterSummary {
  return create(AdapterSummarySchema, {
    adapter,
    operation,
    requests: n.req,
    inFlight: 2n,
    bytesIn: 100n,
    bytesOut: 1000n,
    p50Ns: n.p50,
    p95Ns: n.p95,
    p99Ns: n.p99,
  });
}

describe('gateway: adapter summary merge', () => {
  it('takes each percentile from whichever node has the highest, not one node’s row', () => {
    // Node a is slower at the median, node b in the tail: the merged row is neither.
    const a = [row('redis', 'GET', { req: 10n, p50: 900, p95: 2_000, p99: 3_000 })];
    const b = [row('redis', 'GET', { req: 30n, p50: 400, p95: 5_000, p99: 9_000 })];
    const c = [row('redis', 'GET', { req: 1n, p50: 500, p95: 6_000, p99: 7_000 })];
    const [m] = mergeAdapterRows([a, b, c]);
    expect([m.p50Ns, m.p95Ns, m.p99Ns]).toEqual([900, 6_000, 9_000]);
    expect(m.requests).toBe(41n);
    expect(m.inFlight).toBe(6n);
    expect(m.bytesIn).toBe(300n);
    expect(m.bytesOut).toBe(3000n);
    expect(m.node).toBe('');
    // Inputs are untouched (the per-node rows are reported as they came).
    expect(a[0].p95Ns).toBe(2_000);
    expect(a[0].requests).toBe(10n);
  });

  it('keeps (adapter, operation) pairs apart, sorted; counters exact beyond 2^53', () => {
    const big = 2n ** 60n;
    const rows = mergeAdapterRows([
      [
        row('redis', 'SET', { req: big, p50: 1, p95: 2, p99: 3 }),
        row('dynamo', 'GetItem', { req: 1n, p50: 5, p95: 6, p99: 7 }),
      ],
      [row('redis', 'SET', { req: big + 1n, p50: 0, p95: 0, p99: 4 })],
    ]);
    expect(rows.map((r) => `${r.adapter}/${r.operation}`)).toEqual(['dynamo/GetItem', 'redis/SET']);
    expect(rows[1].requests).toBe(2n * big + 1n);
    expect([rows[1].p50Ns, rows[1].p95Ns, rows[1].p99Ns]).toEqual([1, 2, 4]);
    expect(mergeAdapterRows([])).toEqual([]);
  });

  it('the summary keeps every node’s own rows beside the merged ones', () => {
    const resp = (rows: AdapterSummary[], from: bigint, to: bigint) =>
      create(GetAdapterSummaryResponseSchema, {
        summaries: rows,
        windowFromUnixMs: from,
        windowToUnixMs: to,
      });
    const merged = mergeAdapterSummaries([
      {
        node: 'n1',
        value: resp([row('redis', 'GET', { req: 1n, p50: 9, p95: 1, p99: 1 })], 1000n, 2000n),
      },
      {
        node: 'n2',
        value: resp([row('redis', 'GET', { req: 2n, p50: 1, p95: 9, p99: 1 })], 1500n, 2500n),
      },
    ]);
    expect(merged.summaries).toHaveLength(1);
    expect([merged.summaries[0].p50Ns, merged.summaries[0].p95Ns]).toEqual([9, 9]);
    expect(merged.nodeSummaries.map((r) => [r.node, r.p50Ns, r.p95Ns])).toEqual([
      ['n1', 9, 1],
      ['n2', 1, 9],
    ]);
    expect([merged.windowFromUnixMs, merged.windowToUnixMs]).toEqual([1000n, 2500n]);
  });
});
