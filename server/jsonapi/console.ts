// The console's JSON endpoints in the node's style (snake_case keys, uint64 as bare
// numbers written from exact decimals, keys as padded base64 or null, errors
// `{"error": code, "message"}` via apiErrorFrom):
//   GET /admin/api/v1/keyviz/route?bucket_id=&from_unix_ms=&to_unix_ms=
//   GET /admin/api/v1/adapters/summary
// Both are written from the same messages the RPCs answer, so the two agree.
import type {
  AdapterSummary,
  GetAdapterSummaryResponse,
  GetRouteDetailResponse,
  KeyVizRow,
  NodeStatus,
} from '../../src/gen/admin_pb.ts';
import type { RouteDetailRequest } from '../console/local.ts';
import { keyJson } from './encodeMatrix.ts';
import { parseInt64 } from './query.ts';

export type RouteQuery = { ok: true; request: RouteDetailRequest } | { ok: false; message: string };

export function parseRouteQuery(q: URLSearchParams): RouteQuery {
  const bucketId = q.get('bucket_id') ?? '';
  if (bucketId === '') return { ok: false, message: 'bucket_id is required' };
  const window: number[] = [];
  for (const name of ['from_unix_ms', 'to_unix_ms']) {
    const raw = q.get(name) ?? '';
    if (raw === '') {
      window.push(0);
      continue;
    }
    const v = parseInt64(raw);
    if (v === null) return { ok: false, message: `${name} must be an integer` };
    window.push(Number(v));
  }
  return { ok: true, request: { bucketId, fromUnixMs: window[0], toUnixMs: window[1] } };
}

const u64 = (a: readonly bigint[]) => `[${a.join(',')}]`;

function rowJson(r: KeyVizRow): string {
  const p = [`"bucket_id":${JSON.stringify(r.bucketId)}`];
  if (r.label !== '') p.push(`"label":${JSON.stringify(r.label)}`);
  p.push(`"start":${keyJson(r.start)}`, `"end":${keyJson(r.end)}`, `"aggregate":${r.aggregate}`);
  if (r.aggregate && r.routeIds.length > 0) p.push(`"route_ids":${u64(r.routeIds)}`);
  if (r.routeIdsTruncated) p.push('"route_ids_truncated":true');
  p.push(`"route_count":${r.routeCount}`);
  p.push(`"values":${u64(r.values)}`);
  p.push(`"raft_group_ids":${u64(r.raftGroupIds)}`, `"leader_terms":${u64(r.leaderTerms)}`);
  return `{${p.join(',')}}`;
}

/** A double as JSON (never NaN/Infinity). */
const num = (v: number) => (Number.isFinite(v) ? String(v) : '0');

function adapterJson(s: AdapterSummary): string {
  const p = [
    `"adapter":${JSON.stringify(s.adapter)}`,
    `"operation":${JSON.stringify(s.operation)}`,
    `"requests":${s.requests}`,
    `"in_flight":${s.inFlight}`,
    `"bytes_in":${s.bytesIn}`,
    `"bytes_out":${s.bytesOut}`,
    `"p50_ns":${num(s.p50Ns)}`,
    `"p95_ns":${num(s.p95Ns)}`,
    `"p99_ns":${num(s.p99Ns)}`,
  ];
  if (s.node !== '') p.push(`"node":${JSON.stringify(s.node)}`);
  return `{${p.join(',')}}`;
}

export function fanoutJson(nodes: readonly NodeStatus[]): string {
  const list = nodes.map((n) =>
    JSON.stringify(n.ok ? { node: n.node, ok: true } : { node: n.node, ok: false, error: n.error }),
  );
  const responded = nodes.filter((n) => n.ok).length;
  return `{"nodes":[${list.join(',')}],"responded":${responded},"expected":${nodes.length}}`;
}

export function routeDetailJson(d: GetRouteDetailResponse, nowMs: number): string {
  const p: string[] = [];
  if (d.row) p.push(`"row":${rowJson(d.row)}`);
  p.push(`"per_adapter":[${d.perAdapter.map(adapterJson).join(',')}]`);
  p.push(`"column_unix_ms":${u64(d.columnUnixMs)}`);
  p.push(`"reads":${u64(d.reads)}`, `"writes":${u64(d.writes)}`);
  p.push(`"read_bytes":${u64(d.readBytes)}`, `"write_bytes":${u64(d.writeBytes)}`);
  if (d.neighbourBefore) p.push(`"neighbour_before":${rowJson(d.neighbourBefore)}`);
  if (d.neighbourAfter) p.push(`"neighbour_after":${rowJson(d.neighbourAfter)}`);
  p.push(`"generated_at":${JSON.stringify(new Date(nowMs).toISOString())}`);
  if (d.nodes.length > 0) p.push(`"fanout":${fanoutJson(d.nodes)}`);
  return `{${p.join(',')}}`;
}

export function adapterSummaryJson(a: GetAdapterSummaryResponse, nowMs: number): string {
  const p = [`"summaries":[${a.summaries.map(adapterJson).join(',')}]`];
  p.push(`"window_from_unix_ms":${a.windowFromUnixMs}`, `"window_to_unix_ms":${a.windowToUnixMs}`);
  if (a.nodeSummaries.length > 0) {
    p.push(`"node_summaries":[${a.nodeSummaries.map(adapterJson).join(',')}]`);
  }
  p.push(`"generated_at":${JSON.stringify(new Date(nowMs).toISOString())}`);
  if (a.nodes.length > 0) p.push(`"fanout":${fanoutJson(a.nodes)}`);
  return `{${p.join(',')}}`;
}
