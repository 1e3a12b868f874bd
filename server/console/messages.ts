// The console's answers as the node's messages (contract §6) plus our
// extensions (proto/admin.proto, fields 1000-1099; docs/server.md).
import { create } from '@bufbuild/protobuf';
import {
  AdapterSummarySchema,
  GetAdapterSummaryResponseSchema,
  GetRouteDetailResponseSchema,
  type AdapterSummary,
  type GetAdapterSummaryResponse,
  type GetRouteDetailResponse,
} from '../../src/gen/admin_pb.ts';
import type { RouteDetailResult } from '../sampler/routeDetail.ts';
import { metaRowMessage } from '../wire/generic.ts';
import type { AdapterStat } from './adapterModel.ts';

function u64s(a: ArrayLike<number>): bigint[] {
  return Array.from(a, (v) => BigInt(Math.max(0, Math.trunc(v))));
}

export function adapterMessage(s: AdapterStat, node = ''): AdapterSummary {
  return create(AdapterSummarySchema, {
    adapter: s.adapter,
    operation: s.operation,
    requests: BigInt(Math.round(s.requests)),
    inFlight: BigInt(Math.round(s.inFlight)),
    bytesIn: BigInt(Math.round(s.bytesIn)),
    bytesOut: BigInt(Math.round(s.bytesOut)),
    p50Ns: s.p50Ns,
    p95Ns: s.p95Ns,
    p99Ns: s.p99Ns,
    node,
  });
}

export function routeDetailMessage(
  d: RouteDetailResult,
  perAdapter: readonly AdapterStat[],
): GetRouteDetailResponse {
  const row = metaRowMessage(d.meta);
  const [reads, writes, readBytes, writeBytes] = d.series.map(u64s);
  row.values = writes;
  row.raftGroupIds = u64s(d.raftGroupIds);
  row.leaderTerms = u64s(d.leaderTerms);
  return create(GetRouteDetailResponseSchema, {
    row,
    perAdapter: perAdapter.map((s) => adapterMessage(s)),
    columnUnixMs: d.columnUnixMs.map((t) => BigInt(t)),
    reads,
    writes,
    readBytes,
    writeBytes,
    ...(d.before ? { neighbourBefore: metaRowMessage(d.before) } : {}),
    ...(d.after ? { neighbourAfter: metaRowMessage(d.after) } : {}),
  });
}

export function adapterSummaryMessage(
  stats: readonly AdapterStat[],
  window: { fromMs: number; toMs: number },
): GetAdapterSummaryResponse {
  return create(GetAdapterSummaryResponseSchema, {
    summaries: stats.map((s) => adapterMessage(s)),
    windowFromUnixMs: BigInt(window.fromMs),
    windowToUnixMs: BigInt(window.toMs),
  });
}
