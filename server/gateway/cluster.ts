// GetClusterOverview / GetRaftGroups through the gateway (pure). Every node knows
// the whole cluster, so the first answering node in configured order is the base;
// what one node may not know yet is completed from the others:
// - members: union by node_id (plus each answering node's `self`);
// - group leaders / raft groups: per group the entry with the highest leader term
//   (a newer election), ties the earlier node; raft groups also carry each node's own
//   report (replicas, ours) when several nodes are configured;
// - aggregate_qps and capabilities: the base node's.
import { create } from '@bufbuild/protobuf';
import {
  GetClusterOverviewResponseSchema,
  GetRaftGroupsResponseSchema,
  RaftGroupStateSchema,
  RaftReplicaSchema,
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

/**
 * `answers` in configured upstream order (failed ones left out). With more than one node
 * configured (`withReplicas`), each group also lists every answering node's own report of it
 * (replicas, 1000): a follower that applies far behind its commit shows on the node it lags on,
 * which the newest-term entry alone would hide.
 */
export function mergeRaftGroups(
  answers: { node: string; value: GetRaftGroupsResponse }[],
  withReplicas = false,
): GetRaftGroupsResponse {
  const groups = newestPerGroup(answers.map((a) => a.value.groups)).map((g) =>
    create(RaftGroupStateSchema, { ...g, replicas: [] }),
  );
  if (withReplicas) {
    const byId = new Map(groups.map((g) => [g.raftGroupId, g]));
    for (const { node, value } of answers) {
      for (const r of value.groups) {
        byId.get(r.raftGroupId)?.replicas.push(
          create(RaftReplicaSchema, {
            node,
            leaderTerm: r.leaderTerm,
            commitIndex: r.commitIndex,
            appliedIndex: r.appliedIndex,
            lastContactUnixMs: r.lastContactUnixMs,
          }),
        );
      }
    }
  }
  return create(GetRaftGroupsResponseSchema, { groups });
}
