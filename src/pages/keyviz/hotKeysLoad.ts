// Asking for hot keys: one cell (with the node's latest window when it holds no other), or every
// route bucket of a range, a few requests at a time, merged by the node's rules.

import { HotKeysError, type HotKeysClient } from '../../api/hotKeysClient.ts';
import { mergeHotKeys, type HotKeys, type MergedHotKeys } from '../../data/hotKeys.ts';
import type { CellTarget, RangeTarget } from './hotKeysTarget.ts';

/** Requests in flight at once for a range. */
export const RANGE_CONCURRENCY = 4;

export interface CellAnswer {
  answer: HotKeys;
  /**
   * The node no longer holds the clicked window (a node keeps only its latest; our server keeps
   * past ones within a memory budget): this is the latest it holds.
   */
  latestInstead: boolean;
}

export interface RangeAnswer extends MergedHotKeys {
  /** Buckets answered with their latest window because the asked one is no longer held. */
  latestInstead: number;
}

export async function loadCell(
  client: HotKeysClient,
  t: CellTarget,
  top: number,
  signal: AbortSignal,
): Promise<CellAnswer> {
  const p = t.parsed;
  if (!p || p.kind !== 'route') throw new Error('not a route bucket');
  const req = { routeId: p.routeId, label: p.label, subBucket: p.subBucket, top };
  try {
    const answer = await client.get({ ...req, ...t.ask }, signal);
    return { answer, latestInstead: false };
  } catch (e) {
    if (!(e instanceof HotKeysError) || e.kind !== 'out_of_window') throw e;
    // The clicked window is gone from the node: its latest is the nearest answer (a node's own
    // page shows that one too). The panel says which window the keys describe and why.
    return { answer: await client.get(req, signal), latestInstead: true };
  }
}

export async function loadRange(
  client: HotKeysClient,
  t: RangeTarget,
  top: number,
  signal: AbortSignal,
): Promise<RangeAnswer> {
  let latestInstead = 0;
  const results: { bucketId: string; answer: HotKeys | null; error: string }[] = [];
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < t.buckets.length) {
      const b = t.buckets[next++];
      // Each bucket's full top: the merge cuts to `top` after summing, as the node's does.
      const req = { routeId: b.routeId, label: b.label, subBucket: b.subBucket, top: 256 };
      try {
        let answer: HotKeys;
        try {
          answer = await client.get({ ...req, ...t.ask }, signal);
        } catch (e) {
          if (!(e instanceof HotKeysError) || e.kind !== 'out_of_window') throw e;
          answer = await client.get(req, signal);
          latestInstead++;
        }
        results.push({ bucketId: b.bucketId, answer, error: '' });
      } catch (e) {
        if (signal.aborted) throw e;
        errors.push(e);
        results.push({
          bucketId: b.bucketId,
          answer: null,
          error: e instanceof HotKeysError ? e.code : String(e),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RANGE_CONCURRENCY, t.buckets.length) }, worker));
  // Every bucket failed the same way (hot keys off, forbidden): that is the answer.
  const first = errors[0];
  if (
    results.length > 0 &&
    errors.length === results.length &&
    first instanceof HotKeysError &&
    errors.every((e) => e instanceof HotKeysError && e.kind === first.kind)
  ) {
    throw first;
  }
  // A bucket only partly inside the range brings keys from beyond it: those are left out.
  return { ...mergeHotKeys(results, top, 'max', { lo: t.lo, hi: t.hi }), latestInstead };
}
