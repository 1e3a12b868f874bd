// GET /admin/api/v1/cluster body: {node_id, version, timestamp, groups}, and behind a gateway
// `fanout` (ours: which upstream nodes answered). Each group as the
// node writes it ({group_id, leader_id, members, is_leader}) plus leader_term. Our backends
// do not know per-group membership, so `members` lists the cluster's members (every node
// holds every group in the sampler server and in small clusters).
import type {
  GetClusterOverviewResponse,
  GetRaftGroupsResponse,
  NodeStatus,
} from '../../src/gen/admin_pb.ts';
import { fanoutJson } from './console.ts';
import { rfc3339 } from './encodeMatrix.ts';

export interface ClusterGroup {
  groupId: bigint;
  leaderId: string;
  leaderTerm: bigint;
}

export interface ClusterInfo {
  nodeId: string;
  version: string;
  nowMs: number;
  groups: ClusterGroup[];
  members: string[];
  /** Gateway: each upstream node and how it answered (empty for one node). */
  nodes: readonly NodeStatus[];
}

/** Groups from GetRaftGroups when it answered, else the overview's group leaders. */
export function clusterInfoFrom(
  base: { nodeId: string; version: string; nowMs: number },
  raft: GetRaftGroupsResponse | null,
  overview: GetClusterOverviewResponse | null,
): ClusterInfo {
  const source = raft?.groups ?? overview?.groupLeaders ?? [];
  const groups = source
    .map((g) => ({ groupId: g.raftGroupId, leaderId: g.leaderNodeId, leaderTerm: g.leaderTerm }))
    .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  const members = overview ? overview.members.map((m) => m.nodeId) : [];
  if (overview?.self && overview.self.nodeId !== '' && !members.includes(overview.self.nodeId)) {
    members.unshift(overview.self.nodeId);
  }
  // Both calls went through the same fan-out; the overview's statuses when it answered.
  const nodes = overview && overview.nodes.length > 0 ? overview.nodes : (raft?.nodes ?? []);
  return { ...base, groups, members, nodes };
}

/** bigint fields are written as bare digits: uint64 stays exact. */
export function encodeClusterJson(info: ClusterInfo): string {
  const members = JSON.stringify(info.members);
  const groups = info.groups.map(
    (g) =>
      `{"group_id":${g.groupId},"leader_id":${JSON.stringify(g.leaderId)},"members":${members}` +
      `,"is_leader":${g.leaderId !== '' && g.leaderId === info.nodeId},"leader_term":${g.leaderTerm}}`,
  );
  return (
    `{"node_id":${JSON.stringify(info.nodeId)},"version":${JSON.stringify(info.version)}` +
    `,"timestamp":${JSON.stringify(rfc3339(info.nowMs))},"groups":[${groups.join(',')}]` +
    // Ours, after the node's keys: the gateway's fan-out, as on the other console answers.
    (info.nodes.length > 0 ? `,"fanout":${fanoutJson(info.nodes)}` : '') +
    '}'
  );
}
