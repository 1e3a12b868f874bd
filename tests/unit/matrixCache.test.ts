// Issue 13 test blind spot: MatrixCache on its own, through its public interface (key, get).
// The series, the window's column span and the row budget are all part of what makes an answer;
// a new flush generation empties the cache; the least recently used entry goes first.
import { describe, expect, it } from 'vitest';
import { MatrixCache } from '../../server/backends/matrixCache.ts';
import type { MatrixAnswer } from '../../server/sampler/types.ts';

// The cache never looks inside an answer for these rules: a distinct object per computation.
const answer = (tag: string) => ({ tag, columnUnixMs: [], rows: [] }) as unknown as MatrixAnswer;
const never = new AbortController().signal;

function counting(cache: MatrixCache) {
  let computed = 0;
  const get = (key: string, gen = 1) =>
    cache.get(key, gen, () => Promise.resolve(answer(`${++computed}`)), never);
  return { get, computed: () => computed };
}

const key = (o: { series?: number; span?: string; rows?: number } = {}) =>
  MatrixCache.key(o.series ?? 1, o.span ?? '0-1439', o.rows ?? 1024);

describe('MatrixCache', () => {
  it('the same key in one generation is computed once, concurrent callers share it', async () => {
    const c = counting(new MatrixCache());
    const [a, b] = await Promise.all([c.get(key()), c.get(key())]);
    expect(b).toBe(a);
    expect(await c.get(key())).toBe(a);
    expect(c.computed()).toBe(1);
  });

  it('a different series is a different answer', async () => {
    const c = counting(new MatrixCache());
    const writes = await c.get(key({ series: 1 }));
    const reads = await c.get(key({ series: 0 }));
    expect(reads).not.toBe(writes);
    expect(await c.get(key({ series: 3 }))).not.toBe(reads);
    expect(c.computed()).toBe(3);
    expect(await c.get(key({ series: 0 }))).toBe(reads);
    expect(await c.get(key({ series: 1 }))).toBe(writes);
  });

  it('the column span and the row budget are part of the key', async () => {
    const c = counting(new MatrixCache());
    const base = await c.get(key());
    expect(await c.get(key({ span: '1-1439' }))).not.toBe(base);
    expect(await c.get(key({ rows: 64 }))).not.toBe(base);
    expect(c.computed()).toBe(3);
    expect(await c.get(key())).toBe(base);
  });

  it('a new generation (a flush) empties it', async () => {
    const c = counting(new MatrixCache());
    const a = await c.get(key(), 1);
    const b = await c.get(key(), 2);
    expect(b).not.toBe(a);
    expect(await c.get(key(), 2)).toBe(b);
    expect(c.computed()).toBe(2);
  });

  it('holds at most maxEntries, dropping the least recently used', async () => {
    const c = counting(new MatrixCache({ maxEntries: 2 }));
    const a = await c.get(key({ rows: 1 }));
    await c.get(key({ rows: 2 }));
    expect(await c.get(key({ rows: 1 }))).toBe(a); // a is now the most recent
    await c.get(key({ rows: 3 })); // evicts rows=2
    expect(c.computed()).toBe(3);
    expect(await c.get(key({ rows: 1 }))).toBe(a);
    await c.get(key({ rows: 2 }));
    expect(c.computed()).toBe(4);
  });

  it('drops an answer nobody asked for during idleMs; one in use stays', async () => {
    let now = 0;
    const cache = new MatrixCache({ idleMs: 20_000, now: () => now });
    const c = counting(cache);
    const a = await c.get(key({ rows: 1 }));
    const b = await c.get(key({ rows: 2 }));
    now = 15_000;
    expect(await c.get(key({ rows: 2 }))).toBe(b); // b used again at 15 s
    now = 19_999;
    expect(cache.sweep()).toBe(0); // a is not idle for 20 s yet
    now = 20_000;
    expect(cache.sweep()).toBe(1); // a goes, b stays
    expect(cache.size).toBe(1);
    expect(await c.get(key({ rows: 2 }))).toBe(b);
    expect(await c.get(key({ rows: 1 }))).not.toBe(a); // computed again
    expect(c.computed()).toBe(3);
    now = 40_000;
    expect(cache.sweep()).toBe(2);
    expect(cache.size).toBe(0);
  });

  it("sweeps by itself on an unref'd timer", async () => {
    const cache = new MatrixCache({ idleMs: 40 });
    const c = counting(cache);
    await c.get(key());
    expect(cache.size).toBe(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(cache.size).toBe(0);
  });
});
