// GetClusterOverview / GetRaftGroups through the gateway (pure). Every node knows
// the whole cluster, so the first answering node in configured order is the base;
// what one node may not know yet is completed from the others:
// - members: union by node_id (plus each answering node's `self`);
// - group leaders / raft groups: per group the entry with the highest leader term
//   (a newer election), ties the earlier node;
// - aggregate_qps and capabilities: the base node's.
import { create } from '@bufbuild/protobuf';
import {
  GetClusterOverviewResponseSchema,
  GetRaftGroupsResponseSchema,
  type GetClusterOverviewResponse,
  type GetRaftGroupsResponse,
  type NodeIdentity,
} from '../../src/gen/admin_pb.ts';

function newestPerGroup<T extends { raftGroupId: bigint; leaderTerm: bigint }>(lists: T[][]): T[] {
  const byGroup = new Map<bigint, T>();
  for (const list of lists) {
    for (const g of list) {
      const seen = byGroup.get(g.raftGroupId);
      if (!seen || g.leaderTerm > seen.leaderTerm) byGroup.set(g.raftGroupId, g);
    }
  }
  return [...byGroup.values()].sort((a, b) =>
    a.raftGroupId < b.raftGroupId ? -1 : a.raftGroupId > b.raftGroupId ? 1 : 0,
  );
}

/** `answers` in configured upstream order, failed ones left out; at least one. */
export function mergeOverviews(answers: GetClusterOverviewResponse[]): GetClusterOverviewResponse {
  const base = answers[0];
  const members: NodeIdentity[] = [];
  const ids = new Set<string>();
  const add = (m: NodeIdentity | undefined) => {
    if (!m || ids.has(m.nodeId)) return;
    ids.add(m.nodeId);
    members.push(m);
  };
  for (const a of answers) a.members.forEach(add);
  for (const a of answers) add(a.self);
  return create(GetClusterOverviewResponseSchema, {
    self: base.self,
    members,
    groupLeaders: newestPerGroup(answers.map((a) => a.groupLeaders)),
    aggregateQps: base.aggregateQps,
    capabilities: { ...base.capabilities },
  });
}

export function mergeRaftGroups(answers: GetRaftGroupsResponse[]): GetRaftGroupsResponse {
  return create(GetRaftGroupsResponseSchema, {
    groups: newestPerGroup(answers.map((a) => a.groups)),
  });
}
