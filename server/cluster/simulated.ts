// A simulated elastickv cluster: three nodes, Raft groups whose leaders and terms
// change now and then. Everything is a pure function of (seed, group, time), so
// the 24 h backfill (driven by a ManualClock) sees elections in its history too,
// and the matrix's per-cell raft_group_ids / leader_terms reflect them.
import { create } from '@bufbuild/protobuf';
import {
  GetClusterOverviewResponseSchema,
  GetRaftGroupsResponseSchema,
  NodeIdentitySchema,
  type GetClusterOverviewResponse,
  type GetRaftGroupsResponse,
} from '../../src/gen/admin_pb.ts';
import type { Clock } from '../sampler/types.ts';

export interface ClusterOptions {
  nodeId: string;
  /** This node's gRPC address as advertised in NodeIdentity. */
  grpcAddress: string;
  groups: readonly number[];
  seed: number;
  clock: Clock;
  /** Fixed terms per group (replay): no elections, these terms forever. */
  fixedTerms?: ReadonlyMap<number, number>;
  capabilities?: Record<string, boolean>;
  /** Requests per second over the last step (aggregate_qps). */
  qps?: () => number;
}

const MIN_TERM_MS = 2 * 3_600_000;
const SPAN_TERM_MS = 6 * 3_600_000;
const PEERS = 2;

/** 32-bit integer hash (a murmur3 finalizer): stable election schedules per group. */
function hash32(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class SimulatedCluster {
  readonly nodeId: string;
  members: { nodeId: string; grpcAddress: string }[] = [];
  private readonly opts: ClusterOptions;
  /** Groups the cluster reports, fixed at construction. */
  private readonly groupSet: number[];

  constructor(opts: ClusterOptions) {
    this.opts = opts;
    this.nodeId = opts.nodeId;
    this.groupSet = [...new Set(opts.groups)].filter((g) => g > 0).sort((a, b) => a - b);
    this.setGrpcAddress(opts.grpcAddress);
  }

  /** The real address once the gRPC listener is bound (port 0 = known only then). */
  setGrpcAddress(addr: string): void {
    const [host, port] = splitAddress(addr);
    this.members = [{ nodeId: this.nodeId, grpcAddress: addr }];
    for (let i = 1; i <= PEERS; i++) {
      // Peers are imaginary; their addresses only need to look like a node's.
      this.members.push({ nodeId: `${this.nodeId}-peer${i}`, grpcAddress: `${host}:${port + i}` });
    }
  }

  private period(group: number): number {
    return MIN_TERM_MS + (hash32(this.opts.seed, group) % SPAN_TERM_MS);
  }

  /** Leader term of `group` at `atMs`: a new election every 2-8 h, per group. */
  termAt(group: number, atMs: number): number {
    const fixed = this.opts.fixedTerms?.get(group);
    if (fixed !== undefined) return fixed;
    if (this.opts.fixedTerms) return 0;
    const p = this.period(group);
    const offset = hash32(group, this.opts.seed ^ 0x51ed) % p;
    return 1 + Math.max(0, Math.floor((atMs + offset) / p) - Math.floor(1_700_000_000_000 / p));
  }

  /** The sampler's hook (SamplerOptions.leaderTermOf): the term at the clock's now. */
  readonly leaderTermOf = (group: number): number => this.termAt(group, this.opts.clock.now());

  private leaderOf(group: number, term: number): string {
    return this.members[hash32(group, term) % this.members.length].nodeId;
  }

  overview(): GetClusterOverviewResponse {
    const now = this.opts.clock.now();
    return create(GetClusterOverviewResponseSchema, {
      self: create(NodeIdentitySchema, this.members[0]),
      members: this.members.map((m) => create(NodeIdentitySchema, m)),
      groupLeaders: this.groupSet.map((g) => {
        const term = this.termAt(g, now);
        return {
          raftGroupId: BigInt(g),
          leaderNodeId: this.leaderOf(g, term),
          leaderTerm: BigInt(term),
        };
      }),
      aggregateQps: BigInt(Math.max(0, Math.round(this.opts.qps?.() ?? 0))),
      capabilities: { ...(this.opts.capabilities ?? {}) },
    });
  }

  raftGroups(): GetRaftGroupsResponse {
    const now = this.opts.clock.now();
    return create(GetRaftGroupsResponseSchema, {
      groups: this.groupSet.map((g) => {
        const term = this.termAt(g, now);
        // A steadily growing log; applied trails commit by a little.
        const commit = (Math.floor(now / 1000) % 1_000_000_000) + g * 1000;
        return {
          raftGroupId: BigInt(g),
          leaderNodeId: this.leaderOf(g, term),
          leaderTerm: BigInt(term),
          commitIndex: BigInt(commit),
          appliedIndex: BigInt(commit - (hash32(g, Math.floor(now / 1000)) % 3)),
          lastContactUnixMs: BigInt(now - (hash32(g, term) % 150)),
        };
      }),
    });
  }
}

function splitAddress(addr: string): [string, number] {
  const i = addr.lastIndexOf(':');
  const port = Number(addr.slice(i + 1));
  return [addr.slice(0, i), Number.isFinite(port) && port > 0 ? port : 50051];
}
