// Issue 13 test blind spot: MatrixCache on its own, through its public interface only (get).
// The series, the window and the row budget are all part of what makes an answer; a new flush
// generation empties the cache; the least recently used entry goes first.
import { describe, expect, it } from 'vitest';
import { MatrixCache } from '../../server/backends/matrixCache.ts';
import type { MatrixAnswer, MatrixRequest } from '../../server/sampler/types.ts';

// The cache never looks inside an answer: a distinct object per computation is enough.
const answer = (tag: string) => ({ tag }) as unknown as MatrixAnswer;

function counting(cache: MatrixCache) {
  let computed = 0;
  const get = (req: MatrixRequest, gen = 1) => cache.get(req, gen, () => answer(`${++computed}`));
  return { get, computed: () => computed };
}

const req = (o: Partial<MatrixRequest> = {}): MatrixRequest => ({
  series: 1,
  fromUnixMs: 0,
  toUnixMs: 0,
  rows: 1024,
  ...o,
});

describe('MatrixCache', () => {
  it('the same request in one generation is computed once', () => {
    const c = counting(new MatrixCache());
    const a = c.get(req());
    expect(c.get(req())).toBe(a);
    expect(c.computed()).toBe(1);
  });

  it('a different series is a different answer', () => {
    const c = counting(new MatrixCache());
    const writes = c.get(req({ series: 1 }));
    const reads = c.get(req({ series: 2 }));
    expect(reads).not.toBe(writes);
    expect(c.get(req({ series: 3 }))).not.toBe(reads);
    expect(c.computed()).toBe(3);
    // And each stays cached under its own series.
    expect(c.get(req({ series: 2 }))).toBe(reads);
    expect(c.get(req({ series: 1 }))).toBe(writes);
  });

  it('the window and the row budget are part of the key', () => {
    const c = counting(new MatrixCache());
    const base = c.get(req());
    expect(c.get(req({ fromUnixMs: 1000 }))).not.toBe(base);
    expect(c.get(req({ toUnixMs: 5000 }))).not.toBe(base);
    expect(c.get(req({ rows: 64 }))).not.toBe(base);
    expect(c.computed()).toBe(4);
    // 0 rows means the default budget (1024): the same answer as asking for 1024.
    expect(c.get(req({ rows: 0 }))).toBe(base);
  });

  it('a new generation (a flush) empties it', () => {
    const c = counting(new MatrixCache());
    const a = c.get(req(), 1);
    const b = c.get(req(), 2);
    expect(b).not.toBe(a);
    expect(c.get(req(), 2)).toBe(b);
    expect(c.computed()).toBe(2);
  });

  it('holds at most maxEntries, dropping the least recently used', () => {
    const c = counting(new MatrixCache(2));
    const a = c.get(req({ rows: 1 }));
    c.get(req({ rows: 2 }));
    expect(c.get(req({ rows: 1 }))).toBe(a); // a is now the most recent
    c.get(req({ rows: 3 })); // evicts rows=2
    expect(c.computed()).toBe(3);
    expect(c.get(req({ rows: 1 }))).toBe(a);
    c.get(req({ rows: 2 }));
    expect(c.computed()).toBe(4);
  });
});
