// GET /admin/api/v1/cluster: the node's keys in the node's order, and behind a gateway our
// `fanout` after them (which upstream nodes answered), from whichever cluster call answered.
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import {
  GetClusterOverviewResponseSchema,
  GetRaftGroupsResponseSchema,
  NodeStatusSchema,
} from '../../src/gen/admin_pb.ts';
import { clusterInfoFrom, encodeClusterJson } from '../../server/jsonapi/cluster.ts';

const base = { nodeId: 'gw', version: '1', nowMs: 0 };
const statuses = [
  create(NodeStatusSchema, { node: 'n1:1', ok: true }),
  create(NodeStatusSchema, {
    node: 'n2:1',
    ok: false,
    error: 'unavailable: down',
    code: 'unavailable',
  }),
];

describe('cluster JSON', () => {
  it('one node: exactly the node keys, no fanout', () => {
    const raft = create(GetRaftGroupsResponseSchema, {
      groups: [{ raftGroupId: 18446744073709551615n, leaderNodeId: 'gw', leaderTerm: 3n }],
    });
    const body = JSON.parse(encodeClusterJson(clusterInfoFrom(base, raft, null))) as object;
    expect(Object.keys(body)).toEqual(['node_id', 'version', 'timestamp', 'groups']);
    expect(encodeClusterJson(clusterInfoFrom(base, raft, null))).toContain(
      '"group_id":18446744073709551615',
    );
  });

  it('behind a gateway: fanout names each node, from the overview or else the raft groups', () => {
    const overview = create(GetClusterOverviewResponseSchema, { nodes: statuses });
    const raft = create(GetRaftGroupsResponseSchema, { nodes: statuses });
    for (const [r, o] of [
      [null, overview],
      [raft, null],
    ] as const) {
      const body = JSON.parse(encodeClusterJson(clusterInfoFrom(base, r, o))) as {
        fanout: unknown;
      };
      expect(Object.keys(body).at(-1)).toBe('fanout');
      expect(body.fanout).toEqual({
        nodes: [
          { node: 'n1:1', ok: true },
          { node: 'n2:1', ok: false, error: 'unavailable: down' },
        ],
        responded: 1,
        expected: 2,
      });
    }
  });
});
