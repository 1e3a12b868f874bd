// Simulated adapter summaries (GetAdapterSummary) derived from the sampler's own
// counters, so latency and in-flight move with the heatmap. Model (docs/server.md):
// - each route is an M/M/1 queue: arrival rate = its operations in the step /
//   step seconds, service rate = ROUTE_CAPACITY_OPS (writes slower: Raft commit);
//   its response time is BASE_NS[adapter] + Exp(1 / (mu - lambda)), utilisation
//   capped at MAX_UTILISATION so a saturated route is slow, not infinite;
// - an adapter's p50/p95/p99 are quantiles of the request-weighted mixture of its
//   routes' response times (solved by bisection): hot routes pull the tail up;
// - in flight = Little's law, sum of lambda x mean response time;
// - bytes in: write bytes (key + value) for writes, read bytes (keys) for reads;
//   bytes out for reads: reads x the route's mean value size seen on writes.
// Pure: no clock, no I/O.

export interface RouteCounters {
  label: string;
  reads: number;
  writes: number;
  readBytes: number;
  writeBytes: number;
}

export interface AdapterStat {
  adapter: string;
  operation: 'read' | 'write';
  requests: number;
  inFlight: number;
  bytesIn: number;
  bytesOut: number;
  p50Ns: number;
  p95Ns: number;
  p99Ns: number;
}

/** The node's label for unlabelled (pre-label) traffic is ''; shown as this. */
export const LEGACY_ADAPTER = 'legacy';

/** Fixed per-request cost (network, parsing, Raft round trip for writes), ns. */
const BASE_NS: Record<string, { read: number; write: number }> = {
  dynamo: { read: 450_000, write: 1_400_000 },
  redis: { read: 120_000, write: 900_000 },
  s3: { read: 2_500_000, write: 6_000_000 },
  sqs: { read: 800_000, write: 1_800_000 },
  rawkv: { read: 90_000, write: 800_000 },
  [LEGACY_ADAPTER]: { read: 150_000, write: 1_000_000 },
};
/** Operations per second one route serves (writes: a quarter). */
export const ROUTE_CAPACITY_OPS = 2_000;
const WRITE_CAPACITY_FACTOR = 0.25;
const MAX_UTILISATION = 0.98;

interface Queue {
  lambda: number; // arrivals per second
  meanS: number; // mean queueing+service time, seconds
  weight: number; // requests in the step
}

/** t such that sum w_i (1 - exp(-t / m_i)) = q (mixture of exponentials), seconds. */
export function mixtureQuantile(queues: readonly Queue[], q: number): number {
  let total = 0;
  let hi = 0;
  for (const x of queues) {
    total += x.weight;
    hi = Math.max(hi, x.meanS);
  }
  if (total <= 0) return 0;
  const cdf = (t: number) => {
    let s = 0;
    for (const x of queues) s += x.weight * (1 - Math.exp(-t / x.meanS));
    return s / total;
  };
  let lo = 0;
  hi *= 50; // exp quantile at 1 - 2e-22: beyond any q asked
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function queueFor(ops: number, stepS: number, write: boolean): Queue {
  const mu = ROUTE_CAPACITY_OPS * (write ? WRITE_CAPACITY_FACTOR : 1);
  const lambda = ops / stepS;
  const rho = Math.min(lambda / mu, MAX_UTILISATION);
  return { lambda, meanS: 1 / (mu * (1 - rho)), weight: ops };
}

/** One summary per (adapter, operation) with any request, sorted by adapter then operation. */
export function adapterSummaries(rows: readonly RouteCounters[], stepMs: number): AdapterStat[] {
  const stepS = Math.max(stepMs, 1) / 1000;
  const by = new Map<string, { stat: AdapterStat; queues: Queue[] }>();
  const add = (adapter: string, op: 'read' | 'write', ops: number, bin: number, bout: number) => {
    if (!(ops > 0)) return;
    const key = `${adapter}\u0000${op}`;
    let e = by.get(key);
    if (!e) {
      const stat: AdapterStat = {
        adapter,
        operation: op,
        requests: 0,
        inFlight: 0,
        bytesIn: 0,
        bytesOut: 0,
        p50Ns: 0,
        p95Ns: 0,
        p99Ns: 0,
      };
      by.set(key, (e = { stat, queues: [] }));
    }
    const qu = queueFor(ops, stepS, op === 'write');
    e.queues.push(qu);
    e.stat.requests += ops;
    e.stat.bytesIn += bin;
    e.stat.bytesOut += bout;
    e.stat.inFlight += qu.lambda * (qu.meanS + baseNs(adapter, op) / 1e9);
  };
  for (const r of rows) {
    const adapter = r.label || LEGACY_ADAPTER;
    const keyLen = r.reads > 0 ? r.readBytes / r.reads : 0;
    const valueLen = r.writes > 0 ? Math.max(0, r.writeBytes / r.writes - keyLen) : 0;
    add(adapter, 'read', r.reads, r.readBytes, Math.round(r.reads * valueLen));
    add(adapter, 'write', r.writes, r.writeBytes, 0);
  }
  const out: AdapterStat[] = [];
  for (const { stat, queues } of by.values()) {
    const base = baseNs(stat.adapter, stat.operation);
    stat.p50Ns = base + mixtureQuantile(queues, 0.5) * 1e9;
    stat.p95Ns = base + mixtureQuantile(queues, 0.95) * 1e9;
    stat.p99Ns = base + mixtureQuantile(queues, 0.99) * 1e9;
    stat.inFlight = Math.round(stat.inFlight);
    out.push(stat);
  }
  return out.sort((a, b) =>
    a.adapter === b.adapter
      ? a.operation.localeCompare(b.operation)
      : a.adapter < b.adapter
        ? -1
        : 1,
  );
}

function baseNs(adapter: string, op: 'read' | 'write'): number {
  return (BASE_NS[adapter] ?? BASE_NS[LEGACY_ADAPTER])[op];
}
