// The pieces that keep the server whole under load: admission control, the
// single-flight bounded matrix cache, deadline clamping, the --record check.
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Admission } from '../../server/http/admission.ts';
import { MatrixCache } from '../../server/backends/matrixCache.ts';
import { answerBytes, memoOn } from '../../server/backends/answerMemo.ts';
import { clampTimeoutHeaders, MAX_GRPC_TIMEOUT } from '../../server/rpc/timeouts.ts';
import { checkRecordTarget } from '../../server/fixture/recordTarget.ts';
import type { MatrixAnswer } from '../../server/sampler/types.ts';

function answerOf(cells: number): MatrixAnswer {
  const buf = new Float64Array(cells);
  return {
    columnUnixMs: [1],
    rows: [
      {
        meta: {
          bucketId: 'route:1',
          start: new Uint8Array(),
          end: new Uint8Array(),
          label: '',
          aggregate: false,
          routeIds: [],
          routeCount: 1,
        },
        values: buf,
        raftGroupIds: buf,
        leaderTerms: buf,
      },
    ],
    nodes: [],
    conflicts: [],
  };
}

describe('Admission', () => {
  it('admits up to the limit, queues up to the bound, refuses beyond at once', async () => {
    const a = new Admission({ maxInFlight: 2, maxQueued: 1 });
    const live = new AbortController().signal;
    const r1 = await a.acquire(live);
    const r2 = await a.acquire(live);
    expect(r1.ok && r2.ok).toBe(true);
    let third: unknown = null;
    const p3 = a.acquire(live).then((r) => (third = r));
    expect(await a.acquire(live)).toEqual({ ok: false, reason: 'busy' });
    expect(a.refused).toBe(1);
    expect(third).toBe(null);
    if (r1.ok) {
      r1.release();
      r1.release(); // twice frees one slot only
    }
    await p3;
    expect((third as { ok: boolean }).ok).toBe(true);
    expect(a.running).toBe(2);
    expect(a.waiting).toBe(0);
  });

  it('a caller that goes away while queued leaves the line at once', async () => {
    const a = new Admission({ maxInFlight: 1, maxQueued: 4 });
    const held = await a.acquire(new AbortController().signal);
    const ctl = new AbortController();
    const p = a.acquire(ctl.signal);
    expect(a.waiting).toBe(1);
    ctl.abort();
    expect(await p).toEqual({ ok: false, reason: 'aborted' });
    expect(a.waiting).toBe(0);
    if (held.ok) held.release();
    expect(a.running).toBe(0);
  });
});

describe('MatrixCache', () => {
  const live = () => new AbortController().signal;

  it('computes an answer once for callers asking at the same time (single flight)', async () => {
    const c = new MatrixCache();
    let runs = 0;
    const compute = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 5));
      return answerOf(4);
    };
    const [a, b] = await Promise.all([
      c.get('k', 1, compute, live()),
      c.get('k', 1, compute, live()),
    ]);
    expect(a).toBe(b);
    expect(await c.get('k', 1, compute, live())).toBe(a);
    expect(runs).toBe(1);
    // A new flush generation empties the cache.
    await c.get('k', 2, compute, live());
    expect(runs).toBe(2);
  });

  it('aborts the computation when its last caller goes away, and forgets it', async () => {
    const c = new MatrixCache({ maxOrphans: 0 });
    let seen: AbortSignal | null = null;
    const compute = (s: AbortSignal) => {
      seen = s;
      return new Promise<MatrixAnswer>((_, reject) =>
        s.addEventListener('abort', () => reject(new Error('stopped'))),
      );
    };
    const c1 = new AbortController();
    const c2 = new AbortController();
    const p1 = c.get('k', 1, compute, c1.signal);
    const p2 = c.get('k', 1, compute, c2.signal);
    c1.abort(new Error('gone 1'));
    await expect(p1).rejects.toThrow('gone 1');
    expect(seen!.aborted).toBe(false); // one caller still waits
    c2.abort(new Error('gone 2'));
    await expect(p2).rejects.toThrow('gone 2');
    expect(seen!.aborted).toBe(true);
    expect(c.size).toBe(0);
    // The next caller starts afresh.
    const a = answerOf(1);
    expect(await c.get('k', 1, () => Promise.resolve(a), live())).toBe(a);
  });

  it('finishes up to maxOrphans computations nobody waits for, for the next caller', async () => {
    const c = new MatrixCache({ maxOrphans: 1 });
    const signals: AbortSignal[] = [];
    const finish: ((a: MatrixAnswer) => void)[] = [];
    const compute = (s: AbortSignal) => {
      signals.push(s);
      return new Promise<MatrixAnswer>((resolve) => finish.push(resolve));
    };
    const c1 = new AbortController();
    const p1 = c.get('a', 1, compute, c1.signal);
    c1.abort(new Error('gone'));
    await expect(p1).rejects.toThrow('gone');
    expect(signals[0].aborted).toBe(false); // left running: the first orphan
    const c2 = new AbortController();
    const p2 = c.get('b', 1, compute, c2.signal);
    c2.abort(new Error('gone'));
    await expect(p2).rejects.toThrow('gone');
    expect(signals[1].aborted).toBe(true); // a second one is over the bound
    // A new caller of 'a' joins the running computation; its answer is cached.
    const again = c.get('a', 1, () => Promise.reject(new Error('not joined')), live());
    const a = answerOf(1);
    finish[0](a);
    expect(await again).toBe(a);
  });

  it('stays within its byte bound, counting memoised encodings, dropping the oldest', async () => {
    const one = answerBytes(answerOf(1000));
    const c = new MatrixCache({ maxBytes: 3 * one + 100 });
    const answers: MatrixAnswer[] = [];
    for (let i = 0; i < 5; i++) {
      answers.push(await c.get(`k${i}`, 1, () => Promise.resolve(answerOf(1000)), live()));
    }
    expect(c.size).toBe(3);
    expect(c.bytes()).toBeLessThanOrEqual(c.maxBytes);
    // An encoding counts towards the bound: adding one pushes out another answer.
    await memoOn(
      answers[4],
      'wire',
      () => Promise.resolve(new Uint8Array(one)),
      (b) => b.length,
    );
    expect(answerBytes(answers[4])).toBe(2 * one);
    await c.get('k4', 1, () => Promise.reject(new Error('not a miss')), live());
    expect(c.bytes()).toBeLessThanOrEqual(c.maxBytes);
    expect(c.size).toBe(2);
  });
});

describe('deadline headers', () => {
  it('clamps grpc-timeout and connect-timeout-ms beyond what setTimeout holds', () => {
    const h: Record<string, string> = {
      'grpc-timeout': '99999999H',
      'connect-timeout-ms': '9999999999',
    };
    clampTimeoutHeaders(h);
    expect(h['grpc-timeout']).toBe(MAX_GRPC_TIMEOUT);
    expect(Number(h['connect-timeout-ms'])).toBeLessThan(2 ** 31);
    const ok: Record<string, string> = { 'grpc-timeout': '5S', 'connect-timeout-ms': '1500' };
    clampTimeoutHeaders(ok);
    expect(ok).toEqual({ 'grpc-timeout': '5S', 'connect-timeout-ms': '1500' });
  });
});

describe('--record target check', () => {
  it('accepts a writable folder and names what is wrong otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyviz-rec-'));
    expect(checkRecordTarget(join(dir, 'h.jsonl'))).toBe(null);
    expect(checkRecordTarget(join(dir, 'missing', 'h.jsonl'))).toMatch(/does not exist/);
    mkdirSync(join(dir, 'sub'));
    expect(checkRecordTarget(join(dir, 'sub'))).toMatch(/is a folder/);
  });
});
