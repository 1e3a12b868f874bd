// GetRouteDetail and GetAdapterSummary through the gateway (pure). Rules
// (docs/gateway.md):
// - route detail: each of the four series is merged with the matrix rules
//   (mergeMatrices: reads and read bytes add up; writes and write bytes one value
//   per (raft group, leader term)); groups and terms come from the writes merge;
//   identity and neighbours from the first node (configured order) that had the
//   bucket; per_adapter merged like the adapter summary;
// - adapter summary: requests, in flight, bytes in and out add up (every node
//   counts only what it served); p50/p95/p99 cannot be combined from quantiles,
//   so the merged row carries the highest across nodes, per percentile (each an
//   upper bound; p50 and p99 may come from different nodes), and every node's
//   own row is kept in node_summaries.
import { clone, create } from '@bufbuild/protobuf';
import {
  AdapterSummarySchema,
  GetAdapterSummaryResponseSchema,
  GetRouteDetailResponseSchema,
  KeyVizRowSchema,
  KeyVizSeries,
  type AdapterSummary,
  type GetAdapterSummaryResponse,
  type GetRouteDetailResponse,
} from '../../src/gen/admin_pb.ts';
import type { MatrixAnswer } from '../sampler/types.ts';
import { exactBigints, rowFromMessage } from '../wire/generic.ts';
import { mergeMatrices } from './merge.ts';

export interface NodeValue<T> {
  node: string;
  value: T;
}

function u64(a: ArrayLike<number>): bigint[] {
  return Array.from(a, (v) => BigInt(Math.trunc(v)));
}

const SERIES = [
  ['reads', KeyVizSeries.KEYVIZ_SERIES_READS],
  ['writes', KeyVizSeries.KEYVIZ_SERIES_WRITES],
  ['readBytes', KeyVizSeries.KEYVIZ_SERIES_READ_BYTES],
  ['writeBytes', KeyVizSeries.KEYVIZ_SERIES_WRITE_BYTES],
] as const;

/** Answers of the nodes that had the bucket, in configured order; at least one. */
export function mergeRouteDetails(
  answers: readonly NodeValue<GetRouteDetailResponse>[],
): GetRouteDetailResponse {
  const withRow = answers.filter((a) => a.value.row);
  if (withRow.length === 1 && answers.length === 1) return withRow[0].value;
  const first = withRow[0].value;
  const merged: Record<string, MatrixAnswer> = {};
  for (const [name, series] of SERIES) {
    merged[name] = mergeMatrices(
      withRow.map((a) => ({
        node: a.node,
        answer: {
          columnUnixMs: a.value.columnUnixMs.map(Number),
          rows: [rowFromMessage(a.value.row!, a.value[name])],
          nodes: [],
          conflicts: [],
        },
      })),
      { series, fromUnixMs: 0, toUnixMs: 0, rows: 1 },
    );
  }
  const cols = merged.writes.columnUnixMs;
  const seriesOf = (name: string) => {
    const row = merged[name].rows[0];
    return row ? exactBigints(row) : new Array<bigint>(cols.length).fill(0n);
  };
  const w = merged.writes.rows[0];
  const row = clone(KeyVizRowSchema, first.row!); // inputs are never mutated
  row.values = seriesOf('writes');
  row.raftGroupIds = w ? u64(w.raftGroupIds) : [];
  row.leaderTerms = w ? u64(w.leaderTerms) : [];
  row.contributingNodes = withRow.map((a) => a.node);
  return create(GetRouteDetailResponseSchema, {
    row,
    perAdapter: mergeAdapterRows(withRow.map((a) => a.value.perAdapter)),
    columnUnixMs: cols.map((t) => BigInt(t)),
    reads: seriesOf('reads'),
    writes: row.values,
    readBytes: seriesOf('readBytes'),
    writeBytes: seriesOf('writeBytes'),
    ...(first.neighbourBefore ? { neighbourBefore: first.neighbourBefore } : {}),
    ...(first.neighbourAfter ? { neighbourAfter: first.neighbourAfter } : {}),
  });
}

/**
 * Summed counters and, per (adapter, operation), the highest of each percentile across the
 * nodes, taken separately (p50 from one node, p99 from another: no node's own row), sorted.
 */
export function mergeAdapterRows(lists: readonly (readonly AdapterSummary[])[]): AdapterSummary[] {
  const by = new Map<string, AdapterSummary>();
  for (const list of lists) {
    for (const s of list) {
      const key = `${s.adapter}\u0000${s.operation}`;
      const m = by.get(key);
      if (!m) {
        by.set(key, create(AdapterSummarySchema, { ...s, node: '' }));
        continue;
      }
      m.requests += s.requests;
      m.inFlight += s.inFlight;
      m.bytesIn += s.bytesIn;
      m.bytesOut += s.bytesOut;
      m.p50Ns = Math.max(m.p50Ns, s.p50Ns);
      m.p95Ns = Math.max(m.p95Ns, s.p95Ns);
      m.p99Ns = Math.max(m.p99Ns, s.p99Ns);
    }
  }
  return [...by.values()].sort((a, b) =>
    a.adapter === b.adapter
      ? a.operation < b.operation
        ? -1
        : a.operation > b.operation
          ? 1
          : 0
      : a.adapter < b.adapter
        ? -1
        : 1,
  );
}

export function mergeAdapterSummaries(
  answers: readonly NodeValue<GetAdapterSummaryResponse>[],
): GetAdapterSummaryResponse {
  let from = 0n;
  let to = 0n;
  for (const a of answers) {
    const f = a.value.windowFromUnixMs;
    if (f !== 0n && (from === 0n || f < from)) from = f;
    if (a.value.windowToUnixMs > to) to = a.value.windowToUnixMs;
  }
  return create(GetAdapterSummaryResponseSchema, {
    summaries: mergeAdapterRows(answers.map((a) => a.value.summaries)),
    windowFromUnixMs: from,
    windowToUnixMs: to,
    nodeSummaries: answers.flatMap((a) =>
      a.value.summaries.map((s) => create(AdapterSummarySchema, { ...s, node: a.node })),
    ),
  });
}
