// Gateway flags, error mapping and the overview merge: the small pure parts.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import {
  GetClusterOverviewResponseSchema,
  GetRaftGroupsResponseSchema,
} from '../../src/gen/admin_pb.ts';
import { mergeOverviews, mergeRaftGroups } from '../../server/gateway/cluster.ts';
import { codeName, combineFailures, mapUpstreamError } from '../../server/gateway/errors.ts';
import {
  GatewayFlagError,
  parseDurationMs,
  parseGatewayArgs,
  resolveGatewayOptions,
  takeGatewayFlags,
} from '../../server/gateway/flags.ts';

const files: Record<string, string> = { '/tok': 's3cret\n', '/empty': '\n', '/ca.pem': 'PEM' };
const readFile = (p: string) => {
  if (p in files) return files[p];
  throw Object.assign(new Error('nope'), { code: 'ENOENT' });
};

describe('gateway flags', () => {
  it('takes its flags out of argv in both forms and leaves the rest', () => {
    const { values, rest } = takeGatewayFlags([
      '--port',
      '0',
      '--upstream',
      'a:1,b:2',
      '--upstreamTokenFile=/tok',
      '--upstreamTls',
      '--upstreamTimeout',
      '500ms',
      '--seed=3',
    ]);
    expect(values).toEqual({
      upstream: 'a:1,b:2',
      upstreamTokenFile: '/tok',
      upstreamTls: true,
      upstreamTimeout: '500ms',
    });
    expect(rest).toEqual(['--port', '0', '--seed=3']);
  });

  it('resolves a full configuration, reading and trimming the token', () => {
    expect(
      resolveGatewayOptions(
        {
          upstream: 'a:1, [::1]:2',
          upstreamTokenFile: '/tok',
          upstreamTls: true,
          upstreamCaFile: '/ca.pem',
          upstreamTimeout: '1.5s',
        },
        readFile,
      ),
    ).toEqual({
      upstreams: ['a:1', '[::1]:2'],
      token: 's3cret',
      insecureNoAuth: false,
      tls: true,
      caFile: '/ca.pem',
      timeoutMs: 1500,
    });
  });

  it('--upstreamFollow: a duration, or off (every request fans out); bad values refused', () => {
    const base = { upstream: 'a:1,b:2', upstreamInsecureNoAuth: true };
    expect(resolveGatewayOptions(base, readFile)?.followEveryMs).toBeUndefined();
    expect(resolveGatewayOptions({ ...base, upstreamFollow: '2s' }, readFile)?.followEveryMs).toBe(
      2000,
    );
    expect(resolveGatewayOptions({ ...base, upstreamFollow: 'off' }, readFile)?.followEveryMs).toBe(
      0,
    );
    expect(() => resolveGatewayOptions({ ...base, upstreamFollow: 'soon' }, readFile)).toThrow(
      /--upstreamFollow: "soon" is not a duration/,
    );
    expect(takeGatewayFlags(['--upstreamFollow=off', '--x']).values.upstreamFollow).toBe('off');
  });

  it('no --upstream: no gateway', () => {
    expect(resolveGatewayOptions({}, readFile)).toBeNull();
    expect(parseGatewayArgs(['--port', '1'])).toEqual({ options: null, rest: ['--port', '1'] });
  });

  it('refuses to start without a token file and without the insecure switch', () => {
    expect(() => resolveGatewayOptions({ upstream: 'a:1' }, readFile)).toThrow(
      /--upstreamTokenFile FILE .*--upstreamInsecureNoAuth/,
    );
    expect(
      resolveGatewayOptions({ upstream: 'a:1', upstreamInsecureNoAuth: true }, readFile),
    ).toMatchObject({ token: null, insecureNoAuth: true, timeoutMs: 2000, tls: false });
  });

  const bad: [string, Parameters<typeof resolveGatewayOptions>[0], RegExp][] = [
    ['no port', { upstream: 'a', upstreamInsecureNoAuth: true }, /"a" is not HOST:PORT/],
    ['a URL', { upstream: 'http://a:1', upstreamInsecureNoAuth: true }, /not HOST:PORT/],
    ['port 0', { upstream: 'a:0', upstreamInsecureNoAuth: true }, /not HOST:PORT/],
    ['twice', { upstream: 'a:1,a:1', upstreamInsecureNoAuth: true }, /twice/],
    ['empty list', { upstream: ' , ', upstreamInsecureNoAuth: true }, /at least one/],
    [
      'missing file',
      { upstream: 'a:1', upstreamTokenFile: '/none' },
      /cannot read \/none \(ENOENT\)/,
    ],
    ['empty token', { upstream: 'a:1', upstreamTokenFile: '/empty' }, /one non-empty line/],
    [
      'both',
      { upstream: 'a:1', upstreamTokenFile: '/tok', upstreamInsecureNoAuth: true },
      /exclude/,
    ],
    [
      'ca without tls',
      { upstream: 'a:1', upstreamTokenFile: '/tok', upstreamCaFile: '/ca.pem' },
      /needs --upstreamTls/,
    ],
    [
      'bad timeout',
      { upstream: 'a:1', upstreamTokenFile: '/tok', upstreamTimeout: 'soon' },
      /not a duration/,
    ],
    ['orphan flag', { upstreamTokenFile: '/tok' }, /--upstreamTokenFile needs --upstream/],
  ];
  for (const [name, values, message] of bad) {
    it(`rejects ${name}`, () => {
      expect(() => resolveGatewayOptions(values, readFile)).toThrow(GatewayFlagError);
      expect(() => resolveGatewayOptions(values, readFile)).toThrow(message);
    });
  }

  it('never puts the token into an error message', () => {
    files['/two'] = 's3cret\nmore';
    try {
      resolveGatewayOptions({ upstream: 'a:1', upstreamTokenFile: '/two' }, readFile);
    } catch (e) {
      expect(String(e)).not.toContain('s3cret');
    }
  });

  it('parses durations', () => {
    expect([
      parseDurationMs('2s'),
      parseDurationMs('250ms'),
      parseDurationMs('1m'),
      parseDurationMs('75'),
    ]).toEqual([2000, 250, 60000, 75]);
    expect(() => parseDurationMs('0s')).toThrow();
    expect(() => takeGatewayFlags(['--upstream'])).toThrow(/needs a value/);
  });
});

describe('gateway error mapping', () => {
  const ctx = { node: 'n1:5', timeoutMs: 2000, sentToken: true };

  it("keeps a node's own error (keyviz disabled) as it is", () => {
    const e = mapUpstreamError(
      new ConnectError('keyviz sampler not configured on this node', Code.Unavailable),
      ctx,
    );
    expect([e.code, e.rawMessage]).toEqual([
      Code.Unavailable,
      'keyviz sampler not configured on this node',
    ]);
  });

  it('reports a rejected token as a gateway misconfiguration, never Unauthenticated', () => {
    const e = mapUpstreamError(new ConnectError('bad token', Code.Unauthenticated), ctx);
    expect(e.code).toBe(Code.FailedPrecondition);
    expect(e.rawMessage).toBe(
      "gateway misconfigured: upstream n1:5 rejected the gateway's token (check --upstreamTokenFile)",
    );
    const none = mapUpstreamError(new ConnectError('x', Code.Unauthenticated), {
      ...ctx,
      sentToken: false,
    });
    expect(none.rawMessage).toMatch(/sends none \(set --upstreamTokenFile\)/);
  });

  it('names the node on a timeout and when unreachable', () => {
    const t = mapUpstreamError(
      new ConnectError('the operation timed out', Code.DeadlineExceeded),
      ctx,
    );
    expect([t.code, t.rawMessage]).toEqual([
      Code.DeadlineExceeded,
      'upstream n1:5 did not answer within 2000 ms (--upstreamTimeout)',
    ]);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5'), {
      code: 'ECONNREFUSED',
    });
    const u = mapUpstreamError(
      new ConnectError(
        'connect ECONNREFUSED 127.0.0.1:5',
        Code.Unavailable,
        undefined,
        undefined,
        refused,
      ),
      ctx,
    );
    expect(u.code).toBe(Code.Unavailable);
    expect(u.rawMessage).toBe('upstream unreachable: n1:5 (connect ECONNREFUSED 127.0.0.1:5)');
  });

  it('combines failures: identical ones stay exact, mixed ones list every reason', () => {
    const off = new ConnectError('keyviz sampler not configured on this node', Code.Unavailable);
    const same = combineFailures([
      { node: 'a:1', error: off },
      { node: 'b:2', error: off },
    ]);
    expect([same.code, same.rawMessage]).toEqual([Code.Unavailable, off.rawMessage]);
    const mixed = combineFailures([
      { node: 'a:1', error: new ConnectError('upstream unreachable: a:1 (x)', Code.Unavailable) },
      {
        node: 'b:2',
        error: new ConnectError('upstream b:2 did not answer within 5 ms', Code.DeadlineExceeded),
      },
      {
        node: 'c:3',
        error: new ConnectError('gateway misconfigured: upstream c:3 ...', Code.FailedPrecondition),
      },
    ]);
    expect(mixed.code).toBe(Code.FailedPrecondition);
    expect(mixed.rawMessage).toMatch(
      /^gateway misconfigured: upstream c:3 \.\.\. \(all 3 upstreams failed: a:1: unavailable: upstream unreachable: a:1 \(x\); b:2: deadline_exceeded: .*; c:3: failed_precondition: /,
    );
  });

  it('code names are snake case', () => {
    expect([
      codeName(Code.DeadlineExceeded),
      codeName(Code.Unavailable),
      codeName(Code.FailedPrecondition),
    ]).toEqual(['deadline_exceeded', 'unavailable', 'failed_precondition']);
  });
});

describe('gateway overview merge', () => {
  it('bases on the first node, unions members, keeps the newest leader per group', () => {
    const a = create(GetClusterOverviewResponseSchema, {
      self: { nodeId: 'a', grpcAddress: 'a:1' },
      members: [{ nodeId: 'a', grpcAddress: 'a:1' }],
      groupLeaders: [
        { raftGroupId: 2n, leaderNodeId: 'a', leaderTerm: 3n },
        { raftGroupId: 1n, leaderNodeId: 'a', leaderTerm: 5n },
      ],
      aggregateQps: 10n,
      capabilities: { keyviz: true },
    });
    const b = create(GetClusterOverviewResponseSchema, {
      self: { nodeId: 'b', grpcAddress: 'b:1' },
      members: [{ nodeId: 'c', grpcAddress: 'c:1' }],
      groupLeaders: [
        { raftGroupId: 2n, leaderNodeId: 'b', leaderTerm: 4n },
        { raftGroupId: 1n, leaderNodeId: 'b', leaderTerm: 5n },
      ],
      aggregateQps: 99n,
    });
    const m = mergeOverviews([a, b]);
    expect(m.self?.nodeId).toBe('a');
    expect(m.members.map((x) => x.nodeId)).toEqual(['a', 'c', 'b']);
    expect(m.groupLeaders.map((g) => [g.raftGroupId, g.leaderNodeId, g.leaderTerm])).toEqual([
      [1n, 'a', 5n],
      [2n, 'b', 4n],
    ]);
    expect(m.aggregateQps).toBe(10n);
    expect(m.capabilities).toEqual({ keyviz: true });
    const answers = [
      {
        node: 'a:1',
        value: create(GetRaftGroupsResponseSchema, {
          groups: [
            { raftGroupId: 1n, leaderTerm: 1n, commitIndex: 5n, appliedIndex: 5n },
            { raftGroupId: 2n, leaderTerm: 3n, commitIndex: 9000n, appliedIndex: 1200n },
          ],
        }),
      },
      {
        node: 'b:2',
        value: create(GetRaftGroupsResponseSchema, {
          groups: [{ raftGroupId: 1n, leaderTerm: 2n, commitIndex: 4n, appliedIndex: 3n }],
        }),
      },
    ];
    const g = mergeRaftGroups(answers);
    expect(g.groups.map((x) => [x.raftGroupId, x.leaderTerm, x.commitIndex])).toEqual([
      [1n, 2n, 4n],
      [2n, 3n, 9000n],
    ]);
    expect(g.groups.every((x) => x.replicas.length === 0)).toBe(true); // one node: none
    // Several nodes: each group lists every node's own report, in upstream order.
    const r = mergeRaftGroups(answers, true);
    expect(
      r.groups.map((x) =>
        x.replicas.map((p) => [p.node, p.leaderTerm, p.commitIndex, p.appliedIndex]),
      ),
    ).toEqual([
      [
        ['a:1', 1n, 5n, 5n],
        ['b:2', 2n, 4n, 3n],
      ],
      [['a:1', 3n, 9000n, 1200n]],
    ]);
  });
});
