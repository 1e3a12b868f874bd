// Encodings memoised on the answer object they encode (the wire bytes, the JSON
// body): an answer the cache hands out again is encoded once, and the encodings
// go when the answer goes (weak maps). Their sizes count towards the matrix
// cache's memory bound (matrixCache.ts).
import type { MatrixAnswer } from '../sampler/types.ts';

interface Memo {
  values: Map<string, Promise<unknown>>;
  bytes: number;
}

const memos = new WeakMap<MatrixAnswer, Memo>();

/** The answer's memo for `kind`, built once by `build`; a failed build is forgotten. */
export function memoOn<T>(
  answer: MatrixAnswer,
  kind: string,
  build: () => Promise<T>,
  sizeOf: (t: T) => number,
): Promise<T> {
  let m = memos.get(answer);
  if (!m) memos.set(answer, (m = { values: new Map(), bytes: 0 }));
  const memo = m;
  const have = memo.values.get(kind) as Promise<T> | undefined;
  if (have) return have;
  const p = build().then(
    (v) => {
      memo.bytes += sizeOf(v);
      return v;
    },
    (e: unknown) => {
      memo.values.delete(kind);
      throw e;
    },
  );
  memo.values.set(kind, p);
  return p;
}

/** Pivot-array bytes per answer: answers never change, and the cache sums them on every call. */
const baseBytes = new WeakMap<MatrixAnswer, number>();

/** Bytes of the pivot arrays (values, groups, terms) of an answer, plus its encodings. */
export function answerBytes(a: MatrixAnswer): number {
  let n = baseBytes.get(a);
  if (n === undefined) {
    n = 0;
    const seen = new Set<ArrayBufferLike>();
    for (const r of a.rows) {
      for (const arr of [r.values, r.raftGroupIds, r.leaderTerms]) {
        // Rows are views into three shared buffers: count each buffer once.
        if (seen.has(arr.buffer)) continue;
        seen.add(arr.buffer);
        n += arr.buffer.byteLength;
      }
      n += 200 + r.meta.start.length + r.meta.end.length;
    }
    baseBytes.set(a, n);
  }
  return n + (memos.get(a)?.bytes ?? 0);
}
