// Row ranking (contract.md §1): over budget, the kept buckets are the `budget`
// highest by series sum, ties by bucket_id ascending (Go string order). A full
// sort of every active bucket costs n log n comparisons per request, most of
// them between buckets that are dropped anyway; a bounded selection keeps the
// current best `budget` in a heap whose root is the worst kept, so a bucket
// that cannot make the cut costs one comparison with the root. Ids are unique,
// so the order is total and the selection keeps exactly the rows the full sort
// keeps (tests/unit/rank.test.ts checks both on random data with many ties).

/** True when bucket `a` ranks before bucket `b`. */
function before(a: number, b: number, sums: Float64Array, names: readonly string[]): boolean {
  const sa = sums[a];
  const sb = sums[b];
  if (sa !== sb) return sa > sb;
  return names[a] < names[b];
}

/**
 * The `budget` best of `cands[0, count)` (any order out; the caller orders rows by key).
 * With `count <= budget` every candidate is kept.
 */
export function topBuckets(
  cands: Int32Array,
  count: number,
  budget: number,
  sums: Float64Array,
  names: readonly string[],
): Int32Array {
  if (count <= budget) return cands.slice(0, count);
  if (budget <= 0) return new Int32Array(0);
  // Max-heap by "worse": heap[0] is the worst bucket kept so far.
  const heap = cands.slice(0, budget);
  for (let i = (budget >> 1) - 1; i >= 0; i--) siftDown(heap, i, budget, sums, names);
  for (let c = budget; c < count; c++) {
    const b = cands[c];
    if (!before(b, heap[0], sums, names)) continue;
    heap[0] = b;
    siftDown(heap, 0, budget, sums, names);
  }
  return heap;
}

/** Restores the heap below `i`: a parent is never better-ranked than its children. */
function siftDown(
  heap: Int32Array,
  i: number,
  n: number,
  sums: Float64Array,
  names: readonly string[],
): void {
  const x = heap[i];
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    // The worse child moves up.
    const w = r < n && before(heap[l], heap[r], sums, names) ? r : l;
    if (!before(x, heap[w], sums, names)) break;
    heap[i] = heap[w];
    i = w;
  }
  heap[i] = x;
}

/** The reference: the full sort (tests compare the selection against it). */
export function topBucketsBySort(
  cands: Int32Array,
  count: number,
  budget: number,
  sums: Float64Array,
  names: readonly string[],
): Int32Array {
  const all = Array.from(cands.subarray(0, count));
  all.sort((a, b) => sums[b] - sums[a] || (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  return Int32Array.from(all.slice(0, Math.max(0, budget)));
}
