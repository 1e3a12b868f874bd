// The console pages' calls (bucket, cluster, adapters) over either source: the
// Admin service (GetRouteDetail, GetAdapterSummary, GetClusterOverview,
// GetRaftGroups) or the node's JSON API (/keyviz/route, /adapters/summary,
// /cluster). Answers become plain page types; uint64 counters stay decimal
// strings (every digit shown), series become numbers (exact below 2^53).
// Loaded only with the console pages' chunks.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type Transport } from '@connectrpc/connect';
import {
  Admin,
  GetAdapterSummaryRequestSchema,
  GetClusterOverviewRequestSchema,
  GetRaftGroupsRequestSchema,
  GetRouteDetailRequestSchema,
  type AdapterSummary,
  type KeyVizRow,
  type NodeStatus,
} from '../gen/admin_pb.ts';
import type { RowMeta, Series } from '../data/matrix.ts';
import { fromBase64 } from '../data/keys.ts';
import type { ConsoleAccess } from './consoleAccess.ts';
import { JsonApiError } from './jsonSource.ts';

/** A bucket's identity: a matrix row's meta without the per-answer fields. */
export type BucketIdent = Omit<RowMeta, 'total' | 'contributingNodes'>;

export interface AdapterRow {
  adapter: string;
  operation: string;
  requests: string;
  inFlight: string;
  bytesIn: string;
  bytesOut: string;
  p50Ns: number;
  p95Ns: number;
  p99Ns: number;
  node: string;
}

export interface FanoutNode {
  node: string;
  ok: boolean;
  error: string;
}

export interface RouteDetail {
  columns: number[];
  row: BucketIdent;
  series: Record<Series, number[]>;
  groups: string[];
  terms: string[];
  before: BucketIdent | null;
  after: BucketIdent | null;
  perAdapter: AdapterRow[];
  nodes: FanoutNode[];
}

export interface AdapterView {
  rows: AdapterRow[];
  nodeRows: AdapterRow[];
  windowFromMs: number;
  windowToMs: number;
  nodes: FanoutNode[];
}

export interface GroupView {
  id: string;
  leader: string;
  term: string;
  commit: string | null;
  applied: string | null;
  lastContactMs: number | null;
  /** Behind a gateway: each node's own report of the group (replicas, 1000); else empty. */
  replicas: ReplicaView[];
}

/** One node's report of a Raft group: its own replica's indexes. */
export interface ReplicaView {
  node: string;
  term: string;
  commit: string;
  applied: string;
  lastContactMs: number | null;
}

export interface ClusterView {
  nodeId: string;
  address: string;
  members: { nodeId: string; address: string }[];
  aggregateQps: string | null;
  capabilities: Record<string, boolean>;
  groups: GroupView[];
  /** Behind a gateway: each upstream node and how it answered; empty for one node. */
  nodes: FanoutNode[];
}

/** Why a console call gave nothing: the page words each one differently. */
export type ConsoleErrorKind = 'unimplemented' | 'unknownBucket' | 'unauthenticated' | 'other';

export class ConsoleError extends Error {
  constructor(
    readonly kind: ConsoleErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

function consoleError(e: unknown): ConsoleError {
  if (e instanceof ConsoleError) return e;
  if (e instanceof JsonApiError) {
    if (e.status === 401) return new ConsoleError('unauthenticated', e.message);
    if (e.code === 'unknown_bucket') return new ConsoleError('unknownBucket', e.message);
    // A node's JSON API without the endpoint: 404 for the path, or 501.
    if (e.status === 404 || e.status === 501) return new ConsoleError('unimplemented', e.message);
    return new ConsoleError('other', `${e.code}: ${e.message}`);
  }
  if (e instanceof DOMException && e.name === 'AbortError') throw e;
  const err = ConnectError.from(e);
  if (err.code === Code.Canceled) throw e;
  const kind: ConsoleErrorKind =
    err.code === Code.Unimplemented
      ? 'unimplemented'
      : err.code === Code.NotFound
        ? 'unknownBucket'
        : err.code === Code.Unauthenticated
          ? 'unauthenticated'
          : 'other';
  return new ConsoleError(kind, `${Code[err.code] ?? err.code}: ${err.rawMessage}`);
}

const str = (v: unknown): string => (v === undefined || v === null ? '0' : String(v));
const nums = (a: readonly (bigint | number)[] | undefined): number[] => (a ?? []).map(Number);
const strs = (a: readonly (bigint | number | string)[] | undefined): string[] =>
  (a ?? []).map(String);

function identOf(r: KeyVizRow): BucketIdent {
  return {
    bucketId: r.bucketId,
    start: r.start,
    end: r.end,
    label: r.label,
    aggregate: r.aggregate,
    routeIds: strs(r.routeIds),
    routeIdsTruncated: r.routeIdsTruncated,
    routeCount: str(r.routeCount),
  };
}

function adapterOf(s: AdapterSummary): AdapterRow {
  return {
    adapter: s.adapter,
    operation: s.operation,
    requests: str(s.requests),
    inFlight: str(s.inFlight),
    bytesIn: str(s.bytesIn),
    bytesOut: str(s.bytesOut),
    p50Ns: s.p50Ns,
    p95Ns: s.p95Ns,
    p99Ns: s.p99Ns,
    node: s.node,
  };
}

const fanoutOf = (n: readonly NodeStatus[]): FanoutNode[] =>
  n.map((x) => ({ node: x.node, ok: x.ok, error: x.error }));

// --- JSON shapes ---
interface JRow {
  bucket_id: string;
  label?: string;
  start: string | null;
  end: string | null;
  aggregate: boolean;
  route_ids?: (string | number)[];
  route_ids_truncated?: boolean;
  route_count: string | number;
  raft_group_ids?: (string | number)[];
  leader_terms?: (string | number)[];
}
interface JAdapter {
  adapter: string;
  operation: string;
  requests: number | string;
  in_flight: number | string;
  bytes_in: number | string;
  bytes_out: number | string;
  p50_ns: number;
  p95_ns: number;
  p99_ns: number;
  node?: string;
}
interface JFanout {
  nodes: { node: string; ok: boolean; error?: string }[];
}

function jIdent(r: JRow): BucketIdent {
  return {
    bucketId: r.bucket_id,
    start: r.start ? fromBase64(r.start) : new Uint8Array(0),
    end: r.end ? fromBase64(r.end) : new Uint8Array(0),
    label: r.label ?? '',
    aggregate: r.aggregate,
    routeIds: strs(r.route_ids),
    routeIdsTruncated: r.route_ids_truncated === true,
    routeCount: str(r.route_count),
  };
}

function jAdapter(a: JAdapter): AdapterRow {
  return {
    adapter: a.adapter,
    operation: a.operation,
    requests: str(a.requests),
    inFlight: str(a.in_flight),
    bytesIn: str(a.bytes_in),
    bytesOut: str(a.bytes_out),
    p50Ns: Number(a.p50_ns),
    p95Ns: Number(a.p95_ns),
    p99Ns: Number(a.p99_ns),
    node: a.node ?? '',
  };
}

const jFanout = (f: JFanout | undefined): FanoutNode[] =>
  (f?.nodes ?? []).map((n) => ({ node: n.node, ok: n.ok, error: n.error ?? '' }));

async function rpc<I, O>(
  access: Extract<ConsoleAccess, { kind: 'rpc' }>,
  method: Parameters<Transport['unary']>[0],
  input: I,
  signal?: AbortSignal,
): Promise<O> {
  const transport = await access.transport();
  const res = await transport.unary(method, signal, undefined, access.headers(), input as never);
  return res.message as O;
}

export interface RouteDetailQuery {
  bucketId: string;
  fromMs: number;
  toMs: number;
}

export async function getRouteDetail(
  access: ConsoleAccess,
  q: RouteDetailQuery,
  signal?: AbortSignal,
): Promise<RouteDetail> {
  try {
    if (access.kind === 'json') {
      const p = new URLSearchParams({ bucket_id: q.bucketId });
      if (q.fromMs > 0) p.set('from_unix_ms', String(Math.floor(q.fromMs)));
      if (q.toMs > 0) p.set('to_unix_ms', String(Math.floor(q.toMs)));
      const b = (await access.getJson(`/keyviz/route?${p}`, signal)) as {
        row: JRow;
        per_adapter: JAdapter[];
        column_unix_ms: number[];
        reads: number[];
        writes: number[];
        read_bytes: number[];
        write_bytes: number[];
        neighbour_before?: JRow;
        neighbour_after?: JRow;
        fanout?: JFanout;
      };
      return {
        columns: nums(b.column_unix_ms),
        row: jIdent(b.row),
        series: {
          reads: nums(b.reads),
          writes: nums(b.writes),
          read_bytes: nums(b.read_bytes),
          write_bytes: nums(b.write_bytes),
        },
        groups: strs(b.row.raft_group_ids),
        terms: strs(b.row.leader_terms),
        before: b.neighbour_before ? jIdent(b.neighbour_before) : null,
        after: b.neighbour_after ? jIdent(b.neighbour_after) : null,
        perAdapter: (b.per_adapter ?? []).map(jAdapter),
        nodes: jFanout(b.fanout),
      };
    }
    const m = await rpc<unknown, import('../gen/admin_pb.ts').GetRouteDetailResponse>(
      access,
      Admin.method.getRouteDetail,
      create(GetRouteDetailRequestSchema, {
        bucketId: q.bucketId,
        fromUnixMs: BigInt(Math.max(0, Math.floor(q.fromMs))),
        toUnixMs: BigInt(Math.max(0, Math.floor(q.toMs))),
      }),
      signal,
    );
    if (!m.row) throw new ConsoleError('other', 'GetRouteDetail answered without a row');
    return {
      columns: nums(m.columnUnixMs),
      row: identOf(m.row),
      series: {
        reads: nums(m.reads),
        writes: nums(m.writes.length ? m.writes : m.row.values),
        read_bytes: nums(m.readBytes),
        write_bytes: nums(m.writeBytes),
      },
      groups: strs(m.row.raftGroupIds),
      terms: strs(m.row.leaderTerms),
      before: m.neighbourBefore ? identOf(m.neighbourBefore) : null,
      after: m.neighbourAfter ? identOf(m.neighbourAfter) : null,
      perAdapter: m.perAdapter.map(adapterOf),
      nodes: fanoutOf(m.nodes),
    };
  } catch (e) {
    throw consoleError(e);
  }
}

export async function getAdapterSummary(
  access: ConsoleAccess,
  signal?: AbortSignal,
): Promise<AdapterView> {
  try {
    if (access.kind === 'json') {
      const b = (await access.getJson('/adapters/summary', signal)) as {
        summaries: JAdapter[];
        node_summaries?: JAdapter[];
        window_from_unix_ms?: number;
        window_to_unix_ms?: number;
        fanout?: JFanout;
      };
      return {
        rows: (b.summaries ?? []).map(jAdapter),
        nodeRows: (b.node_summaries ?? []).map(jAdapter),
        windowFromMs: Number(b.window_from_unix_ms ?? 0),
        windowToMs: Number(b.window_to_unix_ms ?? 0),
        nodes: jFanout(b.fanout),
      };
    }
    const m = await rpc<unknown, import('../gen/admin_pb.ts').GetAdapterSummaryResponse>(
      access,
      Admin.method.getAdapterSummary,
      create(GetAdapterSummaryRequestSchema),
      signal,
    );
    return {
      rows: m.summaries.map(adapterOf),
      nodeRows: m.nodeSummaries.map(adapterOf),
      windowFromMs: Number(m.windowFromUnixMs),
      windowToMs: Number(m.windowToUnixMs),
      nodes: fanoutOf(m.nodes),
    };
  } catch (e) {
    throw consoleError(e);
  }
}

/** Overview + raft groups; the JSON API's /cluster has no commit or applied index (null). */
export async function getCluster(
  access: ConsoleAccess,
  signal?: AbortSignal,
): Promise<ClusterView> {
  try {
    if (access.kind === 'json') {
      const b = (await access.getJson('/cluster', signal)) as {
        node_id?: string;
        groups?: {
          group_id: number | string;
          leader_id?: string;
          leader_term?: number | string;
          members?: string[];
        }[];
        fanout?: JFanout;
      };
      const members = new Set<string>();
      for (const g of b.groups ?? []) for (const m of g.members ?? []) members.add(m);
      return {
        // Behind a gateway (it adds `fanout`) node_id is the gateway's own name, no node's.
        nodeId: b.fanout ? '' : (b.node_id ?? ''),
        address: '',
        members: [...members].map((nodeId) => ({ nodeId, address: '' })),
        aggregateQps: null,
        capabilities: {},
        groups: (b.groups ?? []).map((g) => ({
          id: str(g.group_id),
          leader: g.leader_id ?? '',
          term: str(g.leader_term),
          commit: null,
          applied: null,
          lastContactMs: null,
          replicas: [],
        })),
        nodes: jFanout(b.fanout),
      };
    }
    const [ov, rg] = await Promise.all([
      rpc<unknown, import('../gen/admin_pb.ts').GetClusterOverviewResponse>(
        access,
        Admin.method.getClusterOverview,
        create(GetClusterOverviewRequestSchema),
        signal,
      ),
      rpc<unknown, import('../gen/admin_pb.ts').GetRaftGroupsResponse>(
        access,
        Admin.method.getRaftGroups,
        create(GetRaftGroupsRequestSchema),
        signal,
      ).catch((e: unknown) => {
        // A node may have the overview and not the groups: show the leaders from the overview.
        if (ConnectError.from(e).code === Code.Unimplemented) return null;
        throw e;
      }),
    ]);
    const groups: GroupView[] = rg
      ? rg.groups.map((g) => ({
          id: str(g.raftGroupId),
          leader: g.leaderNodeId,
          term: str(g.leaderTerm),
          commit: str(g.commitIndex),
          applied: str(g.appliedIndex),
          lastContactMs: g.lastContactUnixMs > 0n ? Number(g.lastContactUnixMs) : null,
          replicas: g.replicas.map((r) => ({
            node: r.node,
            term: str(r.leaderTerm),
            commit: str(r.commitIndex),
            applied: str(r.appliedIndex),
            lastContactMs: r.lastContactUnixMs > 0n ? Number(r.lastContactUnixMs) : null,
          })),
        }))
      : ov.groupLeaders.map((g) => ({
          id: str(g.raftGroupId),
          leader: g.leaderNodeId,
          term: str(g.leaderTerm),
          commit: null,
          applied: null,
          lastContactMs: null,
          replicas: [],
        }));
    return {
      nodeId: ov.self?.nodeId ?? '',
      address: ov.self?.grpcAddress ?? '',
      members: ov.members.map((m) => ({ nodeId: m.nodeId, address: m.grpcAddress })),
      aggregateQps: str(ov.aggregateQps),
      capabilities: { ...ov.capabilities },
      groups,
      nodes: fanoutOf(ov.nodes.length > 0 ? ov.nodes : (rg?.nodes ?? [])),
    };
  } catch (e) {
    throw consoleError(e);
  }
}
