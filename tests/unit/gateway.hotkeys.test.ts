import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { KeyVizHotKeysRequestSchema, KeyVizHotKeysResponseSchema } from '../../src/gen/admin_pb.ts';
import {
  alignAnswerWindow,
  alignedHotKeysWindow,
  hotKeysFailure,
  mergeHotKeyAnswers,
} from '../../server/gateway/hotkeysMerge.ts';
import { alignedTime } from '../../server/gateway/merge.ts';
import { overlapsLatest } from '../../server/sampler/hotkeys/query.ts';
import { WindowHistory } from '../../server/sampler/hotkeys/history.ts';
import { encodeHotKeysJson, parseHotKeysQuery } from '../../server/jsonapi/hotkeys.ts';
import { toHotKeysRequest } from '../../server/rpc/hotkeys.ts';
import { HOTKEYS_DISABLED_MESSAGE, hotKeysApiError } from '../../server/hotkeys/errors.ts';
import type { UpstreamStatus } from '../../server/sampler/types.ts';

const k = (s: string) => new TextEncoder().encode(s);
const part = (o: {
  keys: [string, number][];
  n: number;
  bound: number;
  rate?: number;
  dropped?: number;
  skipped?: number;
  at: number;
}) =>
  create(KeyVizHotKeysResponseSchema, {
    keys: o.keys.map(([key, count]) => ({ key: k(key), count: BigInt(count) })),
    sampleRate: o.rate ?? 16,
    sampledN: BigInt(o.n),
    errorBound: BigInt(o.bound),
    droppedSamples: BigInt(o.dropped ?? 0),
    skippedLongKeys: BigInt(o.skipped ?? 0),
    snapshotAtUnixMs: BigInt(o.at),
    windowFromUnixMs: BigInt(o.at - 60_000),
    windowToUnixMs: BigInt(o.at),
    capacity: 64,
  });
const req = { routeId: 7n, label: 'redis', subBucket: 2, top: 3, fromUnixMs: 0, toUnixMs: 0 };
const nodes: UpstreamStatus[] = [
  { node: 'a:1', ok: true, error: '', code: '', latencyMs: 3 },
  { node: 'b:1', ok: true, error: '', code: '', latencyMs: 4 },
  {
    node: 'c:1',
    ok: false,
    error:
      'failed_precondition: hot-keys drill-down is not enabled on this node (--keyvizHotKeysEnabled)',
    code: 'failed_precondition',
    latencyMs: 1,
  },
];

describe('gateway hot-key merge (contract §5.2)', () => {
  const merged = mergeHotKeyAnswers(
    req,
    [
      part({
        keys: [
          ['x', 64],
          ['y', 32],
          ['w', 16],
        ],
        n: 10,
        bound: 2,
        at: 5_000_000,
        skipped: 1,
      }),
      part({
        keys: [
          ['y', 48],
          ['z', 32],
          ['v', 16],
        ],
        n: 9,
        bound: 3,
        rate: 32,
        at: 5_000_500,
      }),
    ],
    nodes,
  );

  it('sums per key, sorts count desc then key_b64 asc, truncates to top after the merge', () => {
    // y = 80, x = 64, z = 32; then v and w tie at 16 (cut by top 3).
    expect(merged.keys.map((e) => [new TextDecoder().decode(e.key), e.count])).toEqual([
      ['y', 80],
      ['x', 64],
      ['z', 32],
    ]);
    const tie = mergeHotKeyAnswers(
      { ...req, top: 10 },
      [
        part({
          keys: [
            ['w', 16],
            ['v', 16],
          ],
          n: 1,
          bound: 0,
          at: 1,
        }),
      ],
      [],
    );
    // key_b64 order: "dg==" (v) < "dw==" (w).
    expect(tie.keys.map((e) => new TextDecoder().decode(e.key))).toEqual(['v', 'w']);
  });

  it('sums the bound and counters, takes the max rate and snapshot, ORs degraded', () => {
    expect(merged).toMatchObject({
      routeId: 7n,
      label: 'redis',
      subBucket: 2,
      sampleRate: 32,
      sampledN: 19,
      errorBound: 5,
      droppedSamples: 0,
      skippedLongKeys: 1,
      snapshotAtMs: 5_000_500,
      windowFromMs: 4_940_000,
      windowToMs: 5_000_500,
      capacity: 64,
    });
    const json = JSON.parse(encodeHotKeysJson(merged)) as Record<string, unknown>;
    expect(json.degraded).toBe(true);
    expect(Object.keys(json)).toEqual([
      'route_id',
      'label',
      'sub_bucket',
      'series',
      'keys',
      'approximate',
      'sample_rate',
      'sampled_n',
      'dropped_samples',
      'skipped_long_keys',
      'degraded',
      'error_bound',
      'snapshot_at',
      'fanout',
      'window_from_unix_ms',
      'window_to_unix_ms',
      'windows',
      'capacity',
    ]);
    expect(json.fanout).toEqual({
      nodes: [
        { node: 'a:1', ok: true },
        { node: 'b:1', ok: true },
        { node: 'c:1', ok: false, error: nodes[2].error },
      ],
      responded: 2,
      expected: 3,
    });
  });

  it('chooses one error when no node answered', () => {
    const e = (code: Code, m = 'x') => new ConnectError(m, code);
    const off = e(Code.FailedPrecondition, 'not enabled (--keyvizHotKeysEnabled)');
    const f = (...errs: ConnectError[]) =>
      hotKeysFailure(errs.map((error, i) => ({ node: `n${i}`, error })));
    // Real nodes (no GetKeyVizHotKeys) are not "hot keys off": Unimplemented, named, and the
    // JSON endpoint's 501 not_implemented (the page's "this node cannot name hot keys").
    const none = f(e(Code.Unimplemented), e(Code.Unimplemented));
    expect(none.code).toBe(Code.Unimplemented);
    expect(none.rawMessage).toContain('n0, n1 answered Unimplemented');
    expect(none.rawMessage).not.toContain('--keyvizHotKeysEnabled');
    expect(hotKeysApiError(none)).toMatchObject({ status: 501, code: 'not_implemented' });
    // Off everywhere: the node's own message (503 hotkeys_disabled).
    const allOff = f(off, off);
    expect(allOff.code).toBe(Code.FailedPrecondition);
    expect(allOff.rawMessage).toBe(HOTKEYS_DISABLED_MESSAGE);
    expect(hotKeysApiError(allOff)).toMatchObject({ status: 503, code: 'hotkeys_disabled' });
    // Off on one, missing on the other: the flag is the fix for the first; both named.
    const mixed = f(off, e(Code.Unimplemented));
    expect(mixed.code).toBe(Code.FailedPrecondition);
    expect(mixed.rawMessage).toBe(
      'hot-keys drill-down is not enabled on n0 (--keyvizHotKeysEnabled); n1 answered ' +
        'GetKeyVizHotKeys with Unimplemented (no hot keys over gRPC)',
    );
    expect(hotKeysApiError(mixed)).toMatchObject({ status: 503, code: 'hotkeys_disabled' });
    // A node down beside a real node: both named, each with its own failure.
    const downToo = f(e(Code.Unimplemented, 'no method'), e(Code.Unavailable, 'down'));
    expect(downToo.rawMessage).toContain('n0: unimplemented: no method; n1: unavailable: down');
    expect(f(off, e(Code.NotFound), e(Code.Unavailable)).code).toBe(Code.NotFound);
    expect(f(e(Code.OutOfRange), e(Code.Unavailable)).code).toBe(Code.OutOfRange);
    expect(f(e(Code.NotFound), e(Code.InvalidArgument, 'bad')).code).toBe(Code.InvalidArgument);
    expect(f(e(Code.Unavailable, 'down'), e(Code.Unavailable, 'down')).code).toBe(Code.Unavailable);
    // A gateway token problem is not "hot keys off".
    expect(
      f(e(Code.FailedPrecondition, 'gateway misconfigured'), e(Code.NotFound)).rawMessage,
    ).toContain('gateway misconfigured');
  });

  it('asks each node for the flushes aligned into the asked columns', () => {
    const S = 60_000;
    const T = 1_000 * S;
    // One column [T, T + 1): the one time T - S + 1.
    expect(alignedHotKeysWindow(T, T + 1, S)).toEqual({
      fromMs: T - S + 1,
      toMs: T - S + 2,
      aligned: true,
    });
    // Columns T..T + 2S (a range asks [first, last + 1)); an unaligned from starts at the next.
    expect(alignedHotKeysWindow(T, T + 2 * S + 1, S)).toMatchObject({
      fromMs: T - S + 1,
      toMs: T + S + 2,
    });
    expect(alignedHotKeysWindow(T - 5, T + 1, S)).toMatchObject({ fromMs: T - S + 1 });
    // No step boundary inside: exact flush times, unchanged; so are latest and no step.
    for (const [f, t, s] of [
      [T + 7, T + 8, S],
      [0, 0, S],
      [T, T + 1, 0],
    ]) {
      expect(alignedHotKeysWindow(f, t, s)).toEqual({ fromMs: f, toMs: t, aligned: false });
    }
    // Whatever the node's phase, that window meets exactly its flush aligned into T,
    // by the node's own selection (history.select) of step-wide windows.
    for (const phase of [1, 17, S / 2, S - 1, S]) {
      const h = new WindowHistory(1 << 30);
      const flushes = [-2, -1, 0, 1, 2].map((k) => T - S + phase + k * S);
      for (const t of flushes) {
        h.push({
          fromMs: t - S,
          toMs: t,
          steps: 1,
          sampleRate: 1,
          capacity: 1,
          droppedSamples: 0,
          skippedLongKeys: 0,
          slots: new Map(),
          bytes: 1,
        });
      }
      const w = alignedHotKeysWindow(T, T + 1, S);
      const chosen = h.select(w.fromMs, w.toMs).map((x) => x.toMs);
      expect(chosen, `phase ${phase}`).toEqual(flushes.filter((t) => alignedTime(t, S) === T));
      expect(chosen).toHaveLength(1);
      // And the node's overlap rule against its latest window agrees.
      const latest = { toMs: chosen[0] } as Parameters<typeof overlapsLatest>[0];
      expect(overlapsLatest(latest, S, w.fromMs, w.toMs)).toBe(true);
    }
  });

  it('says the merged window in the aligned times of the column asked', () => {
    const S = 60_000;
    const T = 1_000 * S;
    const merged = mergeHotKeyAnswers(
      { ...req, fromUnixMs: T, toUnixMs: T + 1 },
      [
        part({ keys: [], n: 0, bound: 0, at: T - 40_000 }),
        part({ keys: [], n: 0, bound: 0, at: T - 3 }),
      ],
      nodes.slice(0, 2),
    );
    expect([merged.windowFromMs, merged.windowToMs]).toEqual([T - S - 40_000, T - 3]);
    const a = alignAnswerWindow(merged, S);
    expect([a.windowFromMs, a.windowToMs]).toEqual([T - S, T]);
    // snapshot_at stays the newest real flush.
    expect(a.snapshotAtMs).toBe(T - 3);
  });

  it('takes exact_columns on the RPC and the JSON endpoint', () => {
    const q = (x: string) => parseHotKeysQuery(new URLSearchParams(`route_id=1${x}`));
    expect(q('&exact_columns=true')).toMatchObject({ ok: true, request: { exactColumns: true } });
    expect(q('&exact_columns=1')).toMatchObject({ ok: true, request: { exactColumns: true } });
    const plain = q('&exact_columns=false');
    expect(plain.ok && plain.request.exactColumns).toBeFalsy();
    expect(q('&exact_columns=maybe')).toEqual({
      ok: false,
      message: 'exact_columns must be true or false',
    });
    const rpc = (exactColumns: boolean) =>
      toHotKeysRequest(create(KeyVizHotKeysRequestSchema, { routeId: 1n, exactColumns }));
    expect(rpc(true).exactColumns).toBe(true);
    expect(rpc(false).exactColumns).toBeUndefined();
  });
});
