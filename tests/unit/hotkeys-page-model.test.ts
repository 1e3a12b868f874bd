// The page's hot-keys data path without a browser: the bucket-id grammar (§5.3), the strict
// reading of JSON and RPC answers (§5.2, hostile input included), the merge rules and shares.
import { describe, expect, it } from 'vitest';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { KeyVizHotKeysResponseSchema } from '../../src/gen/admin_pb.ts';
import { formatBucketId, parseBucketId, parseUint64 } from '../../src/data/bucketId.ts';
import {
  BadHotKeysAnswer,
  hotKeysFromJson,
  mergeHotKeys,
  quoteUint64Members,
  sharePercent,
  type HotKeys,
} from '../../src/data/hotKeys.ts';
import { formatTimeWindow } from '../../src/data/format.ts';
import { topNote, windowNote, WINDOW_GONE } from '../../src/pages/keyviz/hotKeysNotes.ts';
import {
  createHotKeysClient,
  hotKeysFromRpc,
  hotKeysQuery,
  jsonFailure,
} from '../../src/api/hotKeysClient.ts';

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');

describe('parseBucketId', () => {
  it('reads every form the node writes', () => {
    expect(parseBucketId('route:7')).toEqual({
      kind: 'route',
      routeId: '7',
      label: '',
      subBucket: null,
    });
    expect(parseBucketId('route:7#3')).toEqual({
      kind: 'route',
      routeId: '7',
      label: '',
      subBucket: 3,
    });
    expect(parseBucketId('route:7:redis')).toEqual({
      kind: 'route',
      routeId: '7',
      label: 'redis',
      subBucket: null,
    });
    expect(parseBucketId('route:7:redis#255')).toEqual({
      kind: 'route',
      routeId: '7',
      label: 'redis',
      subBucket: 255,
    });
    expect(parseBucketId('virtual:18446744073709551615')).toEqual({
      kind: 'virtual',
      id: '18446744073709551615',
    });
  });

  it('keeps ids above 2^53 exact and refuses above 2^64 - 1', () => {
    expect(parseBucketId('route:18446744073709551615')).toMatchObject({
      routeId: '18446744073709551615',
    });
    expect(parseBucketId('route:18446744073709551616')).toBeNull();
    expect(parseBucketId('virtual:99999999999999999999')).toBeNull();
    expect(parseUint64('9007199254740993')).toBe('9007199254740993');
  });

  it('refuses what is not in the grammar', () => {
    for (const bad of [
      '',
      'route:',
      'route:-1',
      'route:07',
      'route:1.5',
      'route:7:',
      'route:7:re dis',
      'route:7:a:b',
      'route:7#',
      'route:7#256',
      'route:7#03',
      'route:7#1#2',
      'virtual:1#2',
      'virtual:1:redis',
      'Route:7',
      ' route:7',
      'route:7\n',
    ]) {
      expect(parseBucketId(bad), bad).toBeNull();
    }
  });

  it('formats back to the same id', () => {
    for (const id of ['route:0', 'route:7#3', 'route:7:s3', 'route:9:rawkv#12', 'virtual:5']) {
      expect(formatBucketId(parseBucketId(id)!)).toBe(id);
    }
  });
});

/** A node's answer as it writes it (key order of §5.2). */
function nodeBody(over: Record<string, unknown> = {}): string {
  const o = {
    route_id: 7,
    label: 'redis',
    series: 'writes',
    keys: [
      { key_b64: b64('user:1'), count: 320 },
      { key_b64: b64('user:2'), count: 48 },
    ],
    approximate: true,
    sample_rate: 16,
    sampled_n: 40,
    dropped_samples: 0,
    skipped_long_keys: 0,
    degraded: false,
    error_bound: 10,
    snapshot_at: '2026-12-06T20:00:00Z',
    ...over,
  };
  return JSON.stringify(o);
}

const parse = (text: string) => hotKeysFromJson(JSON.parse(quoteUint64Members(text)));

describe('hotKeysFromJson', () => {
  it('reads a node answer field by field', () => {
    const h = parse(nodeBody());
    expect(h.routeId).toBe('7');
    expect(h.label).toBe('redis');
    expect(h.subBucket).toBeNull();
    expect(h.keys.map((k) => [Buffer.from(k.key).toString(), k.count])).toEqual([
      ['user:1', 320n],
      ['user:2', 48n],
    ]);
    expect(h.sampleRate).toBe(16);
    expect(h.sampledN).toBe(40n);
    expect(h.errorBound).toBe(10n);
    expect(h.degraded).toBe(false);
    expect(h.snapshotAtMs).toBe(Date.UTC(2026, 11, 6, 20));
    // No window keys (a node): the node's 60 s snapshot before snapshot_at.
    expect(h.window).toEqual({
      fromMs: Date.UTC(2026, 11, 6, 19, 59),
      toMs: Date.UTC(2026, 11, 6, 20),
      inferred: true,
    });
  });

  it('keeps 20-digit counts exact', () => {
    const text = nodeBody({
      keys: [{ key_b64: b64('k'), count: 0 }],
      sampled_n: 0,
    }).replace('"count":0', '"count":18446744073709551615');
    const h = parse(text.replace('"sampled_n":0', '"sampled_n":9007199254740993'));
    expect(h.keys[0].count).toBe(18446744073709551615n);
    expect(h.sampledN).toBe(9007199254740993n);
  });

  it('takes our window keys and the sub-bucket', () => {
    const h = parse(
      nodeBody({
        sub_bucket: 3,
        window_from_unix_ms: 1000,
        window_to_unix_ms: 61000,
        capacity: 64,
      }),
    );
    expect(h.subBucket).toBe(3);
    expect(h.window).toEqual({ fromMs: 1000, toMs: 61000, inferred: false });
    expect(h.capacity).toBe(64);
  });

  it('marks the answer degraded when samples were dropped, whatever `degraded` says', () => {
    expect(parse(nodeBody({ dropped_samples: 3 })).degraded).toBe(true);
    expect(parse(nodeBody({ skipped_long_keys: 1 })).degraded).toBe(true);
  });

  it('sorts keys by count, ties by base64', () => {
    const h = parse(
      nodeBody({
        keys: [
          { key_b64: b64('b'), count: 16 },
          { key_b64: b64('z'), count: 32 },
          { key_b64: b64('a'), count: 16 },
        ],
      }),
    );
    expect(h.keys.map((k) => Buffer.from(k.key).toString())).toEqual(['z', 'a', 'b']);
  });

  it('keeps key bytes raw (control bytes, invalid UTF-8)', () => {
    const raw = Buffer.from([0x00, 0xff, 0x1b, 0x5b, 0x31, 0x6d]);
    const h = parse(nodeBody({ keys: [{ key_b64: raw.toString('base64'), count: 1 }] }));
    expect([...h.keys[0].key]).toEqual([...raw]);
  });

  it.each([
    ['body', 'null'],
    ['keys', nodeBody({ keys: null })],
    ['keys', nodeBody({ keys: 'x' })],
    ['keys[0]', nodeBody({ keys: [5] })],
    ['keys[0].key_b64', nodeBody({ keys: [{ key_b64: 'not base64!', count: 1 }] })],
    ['keys[0].key_b64', nodeBody({ keys: [{ key_b64: 'QQ', count: 1 }] })], // unpadded
    ['keys[0].key_b64', nodeBody({ keys: [{ key_b64: 12, count: 1 }] })],
    ['keys[0].key_b64', nodeBody({ keys: [{ key_b64: 'A'.repeat(6000), count: 1 }] })],
    ['count', nodeBody({ keys: [{ key_b64: 'QQ==', count: -1 }] })],
    ['count', nodeBody({ keys: [{ key_b64: 'QQ==', count: 1.5 }] })],
    ['count', nodeBody({ keys: [{ key_b64: 'QQ==', count: '12' + '0'.repeat(20) }] })],
    ['count', nodeBody({ keys: [{ key_b64: 'QQ==' }] })],
    ['route_id', nodeBody({ route_id: 'seven' })],
    ['route_id', nodeBody({ route_id: undefined })],
    ['sample_rate', nodeBody({ sample_rate: 4096 })],
    ['sample_rate', nodeBody({ sample_rate: '16' })],
    ['sampled_n', nodeBody({ sampled_n: true })],
    ['degraded', nodeBody({ degraded: 'no' })],
    ['label', nodeBody({ label: 5 })],
    ['snapshot_at', nodeBody({ snapshot_at: 'yesterday' })],
    ['sub_bucket', nodeBody({ sub_bucket: 256 })],
    ['fanout', nodeBody({ fanout: [] })],
  ])('refuses a bad %s', (field, text) => {
    let err: unknown;
    try {
      parse(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BadHotKeysAnswer);
    expect((err as BadHotKeysAnswer).field).toContain(field);
  });

  it('refuses more keys than the node ever sends', () => {
    const keys = Array.from({ length: 1025 }, () => ({ key_b64: 'QQ==', count: 1 }));
    expect(() => parse(nodeBody({ keys }))).toThrow(/more than 1024/);
  });

  it('quotes only uint64 members, not look-alikes inside strings', () => {
    const text =
      '{"route_id":7,"label":"x\\",\\"count\\":5","keys":[{"key_b64":"QQ==","count":9}]}';
    const q = quoteUint64Members(text);
    expect(q).toContain('"route_id":"7"');
    expect(q).toContain('"count":"9"');
    expect(JSON.parse(q).label).toBe('x","count":5');
  });
});

describe('hotKeysFromRpc', () => {
  const msg = (over: MessageInitShape<typeof KeyVizHotKeysResponseSchema>) =>
    create(KeyVizHotKeysResponseSchema, {
      routeId: 18446744073709551615n,
      keys: [
        { key: new Uint8Array([1]), count: 16n },
        { key: new Uint8Array([2]), count: 32n },
      ],
      sampleRate: 16,
      sampledN: 3n,
      errorBound: 1n,
      snapshotAtUnixMs: 120_000n,
      windowFromUnixMs: 60_000n,
      windowToUnixMs: 120_000n,
      capacity: 64,
      ...over,
    });

  it('reads the answer, ids and counts exact, keys in order', () => {
    const h = hotKeysFromRpc(msg({}));
    expect(h.routeId).toBe('18446744073709551615');
    expect(h.keys.map((k) => k.keyB64)).toEqual(['Ag==', 'AQ==']);
    expect(h.window).toEqual({ fromMs: 60_000, toMs: 120_000, inferred: false });
    expect(h.capacity).toBe(64);
  });

  it('refuses hostile answers', () => {
    expect(() =>
      hotKeysFromRpc(
        msg({ keys: Array.from({ length: 1025 }, () => ({ key: new Uint8Array(1), count: 1n })) }),
      ),
    ).toThrow(BadHotKeysAnswer);
    expect(() => hotKeysFromRpc(msg({ keys: [{ key: new Uint8Array(4097), count: 1n }] }))).toThrow(
      /4096/,
    );
    expect(() => hotKeysFromRpc(msg({ sampleRate: 5000 }))).toThrow(/sample_rate/);
    expect(() => hotKeysFromRpc(msg({ snapshotAtUnixMs: -5n }))).toThrow(/snapshot_at/);
    expect(() => hotKeysFromRpc(msg({ subBucket: 300 }))).toThrow(/sub_bucket/);
  });
});

describe('requests and errors', () => {
  it('writes the node query parameters', () => {
    expect(
      hotKeysQuery({ routeId: '7', label: 'redis', subBucket: 3, top: 50, fromMs: 1.7, toMs: 9 }),
    ).toBe('route_id=7&label=redis&sub_bucket=3&top=50&from_unix_ms=1&to_unix_ms=9');
    expect(hotKeysQuery({ routeId: '7', label: '', subBucket: null, top: 20 })).toBe(
      'route_id=7&top=20',
    );
  });

  it('classifies the node statuses', () => {
    expect(jsonFailure(403, 'forbidden', '').kind).toBe('forbidden');
    expect(jsonFailure(503, 'hotkeys_disabled', '').kind).toBe('hotkeys_disabled');
    expect(jsonFailure(503, 'keyviz_disabled', '').kind).toBe('keyviz_disabled');
    expect(jsonFailure(404, 'no_snapshot', '').kind).toBe('no_snapshot');
    expect(jsonFailure(404, 'http_404', '').kind).toBe('unimplemented');
    expect(jsonFailure(400, 'out_of_snapshot_window', '').kind).toBe('out_of_window');
    expect(jsonFailure(502, 'http_502', '').kind).toBe('unreachable');
    expect(jsonFailure(401, 'unauthenticated', '').kind).toBe('unauthenticated');
  });
});

function answer(keys: [string, bigint][], over: Partial<HotKeys> = {}): HotKeys {
  return {
    routeId: '1',
    label: '',
    subBucket: null,
    keys: keys.map(([k, count]) => ({ key: new Uint8Array(), keyB64: k, count })),
    approximate: true,
    sampleRate: 16,
    sampledN: 10n,
    droppedSamples: 0n,
    skippedLongKeys: 0n,
    degraded: false,
    errorBound: 2n,
    snapshotAtMs: 1000,
    window: { fromMs: 0, toMs: 1000, inferred: false },
    capacity: 64,
    nodes: [],
    ...over,
  };
}

describe('mergeHotKeys', () => {
  it('sums per key, sorts by count then base64, cuts to top', () => {
    const m = mergeHotKeys(
      [
        {
          bucketId: 'route:1',
          answer: answer([
            ['a', 16n],
            ['b', 48n],
          ]),
          error: '',
        },
        {
          bucketId: 'route:2',
          answer: answer([
            ['a', 32n],
            ['c', 48n],
          ]),
          error: '',
        },
      ],
      2,
    );
    expect(m.keys.map((k) => [k.keyB64, k.count])).toEqual([
      ['a', 48n],
      ['b', 48n],
    ]);
  });

  it('sums bounds and counters, takes the largest rate and latest snapshot, ORs degraded', () => {
    const m = mergeHotKeys(
      [
        { bucketId: 'route:1', answer: answer([], { sampleRate: 8, snapshotAtMs: 5 }), error: '' },
        {
          bucketId: 'route:2',
          answer: answer([], { droppedSamples: 4n, degraded: true, snapshotAtMs: 9 }),
          error: '',
        },
        { bucketId: 'route:3', answer: null, error: 'no_snapshot' },
      ],
      20,
    );
    expect(m.errorBound).toBe(4n);
    expect(m.sampledN).toBe(20n);
    expect(m.droppedSamples).toBe(4n);
    expect(m.sampleRate).toBe(16);
    expect(m.snapshotAtMs).toBe(9);
    expect(m.degraded).toBe(true);
    expect(m.answered).toBe(2);
    expect(m.failed).toEqual([{ bucketId: 'route:3', error: 'no_snapshot' }]);
  });

  it('spans every window and says when they differ', () => {
    const m = mergeHotKeys(
      [
        {
          bucketId: 'a',
          answer: answer([], { window: { fromMs: 0, toMs: 60, inferred: false } }),
          error: '',
        },
        {
          bucketId: 'b',
          answer: answer([], { window: { fromMs: 60, toMs: 120, inferred: false } }),
          error: '',
        },
      ],
      20,
    );
    expect(m.window).toEqual({ fromMs: 0, toMs: 120 });
    expect(m.sameWindow).toBe(false);
  });

  it('never overflows uint64', () => {
    const max = 18446744073709551615n;
    const m = mergeHotKeys(
      [
        { bucketId: 'a', answer: answer([['k', max]]), error: '' },
        { bucketId: 'b', answer: answer([['k', 5n]]), error: '' },
      ],
      20,
    );
    expect(m.keys[0].count).toBe(max);
  });
});

describe('sharePercent', () => {
  it('is exact with huge counts and rounds to tenths', () => {
    expect(sharePercent(1n, 3n)).toBe('33.3%');
    expect(sharePercent(2n, 3n)).toBe('66.7%');
    expect(sharePercent(18446744073709551615n, 18446744073709551615n)).toBe('100.0%');
    expect(sharePercent(5n, 0n)).toBe('');
  });

  it('an estimate above the total is the whole of it, never over 100 %', () => {
    expect(sharePercent(16n, 7n)).toBe('≈100%');
    expect(sharePercent(7n, 7n)).toBe('100.0%');
  });
});

describe('createHotKeysClient', () => {
  const nodeJson = nodeBody();
  /** A node: no RPC (Connect 501 unimplemented), the JSON endpoint answers. */
  function fakeNode(jsonStatus = 200, jsonBody = nodeJson, grpcWeb = false) {
    const seen: string[] = [];
    const f = (async (input: RequestInfo | URL) => {
      const url = String(input);
      seen.push(url);
      if (url.includes('/Admin/GetKeyVizHotKeys')) {
        // A Go node's gRPC-Web: HTTP 200, the status in the headers.
        if (grpcWeb) {
          return new Response(null, {
            status: 200,
            headers: { 'content-type': 'application/grpc-web+proto', 'grpc-status': '12' },
          });
        }
        return new Response(JSON.stringify({ code: 'unimplemented', message: 'no such method' }), {
          status: 501,
          headers: { 'content-type': 'application/json' },
        });
      }
      if (url.includes('/admin/api/v1/keyviz/hotkeys')) {
        return new Response(jsonBody, { status: jsonStatus });
      }
      return new Response('not found', { status: 404 });
    }) as typeof fetch;
    return { f, seen };
  }
  const req = { routeId: '7', label: 'redis', subBucket: null, top: 20 };

  it('falls back to the JSON endpoint when the RPC is unimplemented, and remembers it', async () => {
    const { f, seen } = fakeNode();
    const c = createHotKeysClient({ baseUrl: 'http://n', source: 'connect', fetch: f });
    expect((await c.get(req)).keys).toHaveLength(2);
    await c.get(req);
    expect(seen.filter((u) => u.includes('GetKeyVizHotKeys'))).toHaveLength(1);
    expect(seen.filter((u) => u.includes('keyviz/hotkeys?route_id=7&label=redis'))).toHaveLength(2);
  });

  it('says plainly when neither the RPC nor the JSON endpoint exists', async () => {
    const { f } = fakeNode(404, 'nothing here', true);
    const c = createHotKeysClient({ baseUrl: 'http://n', source: 'grpc-web', fetch: f });
    await expect(c.get(req)).rejects.toMatchObject({
      kind: 'unimplemented',
      message: expect.stringContaining('cannot name hot keys'),
    });
  });

  it("keeps a gateway's own words on why it cannot name hot keys", async () => {
    const why =
      'no node behind this gateway serves GetKeyVizHotKeys: a:1, b:1 answered Unimplemented';
    const { f } = fakeNode(501, JSON.stringify({ error: 'not_implemented', message: why }));
    const c = createHotKeysClient({ baseUrl: 'http://gw', source: 'connect', fetch: f });
    await expect(c.get(req)).rejects.toMatchObject({
      kind: 'unimplemented',
      code: 'not_implemented',
      message: `this node cannot name hot keys: ${why}`,
    });
  });

  it('turns node errors and bad bodies into kinds', async () => {
    const forbid = fakeNode(403, '{"error":"forbidden","message":"needs full access"}');
    const c1 = createHotKeysClient({ baseUrl: '', source: 'json', fetch: forbid.f });
    await expect(c1.get(req)).rejects.toMatchObject({ kind: 'forbidden' });
    const junk = fakeNode(200, '<html>');
    const c2 = createHotKeysClient({ baseUrl: '', source: 'json', fetch: junk.f });
    await expect(c2.get(req)).rejects.toMatchObject({ kind: 'bad_response' });
    const bad = fakeNode(200, nodeBody({ keys: [{ key_b64: '@@@@', count: 1 }] }));
    const c3 = createHotKeysClient({ baseUrl: '', source: 'json', fetch: bad.f });
    await expect(c3.get(req)).rejects.toMatchObject({ kind: 'bad_response' });
  });

  it('refuses a label the node does not know before asking', async () => {
    const { f, seen } = fakeNode();
    const c = createHotKeysClient({ baseUrl: '', source: 'json', fetch: f });
    await expect(c.get({ ...req, label: 'mongo' })).rejects.toMatchObject({
      kind: 'invalid_query',
    });
    expect(seen).toHaveLength(0);
  });
});

describe('mergeHotKeys over buckets of one node', () => {
  it('takes node-wide dropped and skipped counters once, not once per bucket', () => {
    const a = answer([['k', 16n]], { droppedSamples: 7n, skippedLongKeys: 3n, degraded: true });
    const b = answer([['k', 16n]], { droppedSamples: 7n, skippedLongKeys: 5n, degraded: true });
    const one = mergeHotKeys(
      [
        { bucketId: 'route:1', answer: a, error: '' },
        { bucketId: 'route:2', answer: b, error: '' },
      ],
      20,
      'max',
    );
    expect([one.droppedSamples, one.skippedLongKeys, one.sampledN]).toEqual([7n, 5n, 20n]);
    expect(one.keys[0].count).toBe(32n);
    const nodes = mergeHotKeys(
      [
        { bucketId: 'n1', answer: a, error: '' },
        { bucketId: 'n2', answer: b, error: '' },
      ],
      20,
    );
    expect([nodes.droppedSamples, nodes.skippedLongKeys]).toEqual([14n, 8n]);
  });
});

describe('panel notes', () => {
  it('beside the picker: the capacity when it caps the answer, else returned vs asked', () => {
    // 64 keys of a 64-slot sketch for Top 256: the sketch is why.
    expect(topNote(64, 256, 64)).toBe('at most 64 keys tracked per bucket');
    expect(topNote(12, 256, 64)).toBe('at most 64 keys tracked per bucket');
    // A quiet bucket under a large enough sketch: nothing to explain.
    expect(topNote(12, 50, 64)).toBe('');
    // A node's answer has no capacity: say what came back.
    expect(topNote(40, 256, null)).toBe('40 returned of 256 asked');
    expect(topNote(20, 20, null)).toBe('');
    expect(topNote(20, 20, 8)).toBe('');
  });

  const asked = { fromMs: 1_700_000_040_000, toMs: 1_700_000_100_000 };
  const latest = { fromMs: 1_700_010_000_000, toMs: 1_700_010_060_000 };

  it('a cell answered with the latest window says which and why, true of both servers', () => {
    const n = windowNote({ window: latest, inferred: false, latestInstead: 1 }, asked, 'column');
    expect(n).toContain(formatTimeWindow(latest.fromMs, latest.toMs));
    expect(n).toContain('the latest window the node holds');
    expect(n).toContain('no longer holds keys for the clicked column');
    expect(n).toContain(WINDOW_GONE);
    // Not the old claim that the answering server keeps only its latest window.
    expect(n).not.toMatch(/: the node keeps only its latest window/);
    expect(WINDOW_GONE).toContain('a node keeps only its latest window');
    expect(WINDOW_GONE).toContain('--keyvizHotKeysHistoryBytes');
    // A node's answer (window from snapshot_at) says the same.
    expect(windowNote({ window: latest, inferred: true, latestInstead: 1 }, asked, 'column')).toBe(
      n,
    );
  });

  it('a merged past window and a node snapshot are told apart', () => {
    const wide = { fromMs: asked.fromMs - 60_000, toMs: asked.toMs + 60_000 };
    expect(
      windowNote({ window: wide, inferred: false, latestInstead: 0 }, asked, 'column'),
    ).toMatch(/a longer window that includes the one asked: past windows are merged/);
    const snap = windowNote({ window: latest, inferred: true, latestInstead: 0 }, asked, 'column');
    expect(snap).toContain('(the node’s latest snapshot), not the window asked for.');
  });

  it('a range counts the buckets that answered with their latest window', () => {
    const n = windowNote(
      { window: latest, inferred: false, latestInstead: 3, answered: 5 },
      asked,
      'range',
    );
    expect(n).toContain('not the window asked for.');
    expect(n).toContain(
      '3 of 5 buckets answered with their latest window: the node no longer holds keys for the ' +
        'range’s time',
    );
    expect(n).toContain(WINDOW_GONE);
  });
});
