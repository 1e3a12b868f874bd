// The "single hot key" diagnosis of the panel's top entries: their ranges' hot keys, asked once
// the list is there (after detection, never in the first paint), a few requests at a time. An
// entry whose hot keys cannot be had (hot keys off, a real node's JSON API without a session,
// aggregates only) simply gets no such line.
import { useEffect, useState } from 'react';
import { createHotKeysClient } from '../../../api/hotKeysClient.ts';
import type { SourceKind } from '../../../api/source.ts';
import type { HotSpot } from '../../../data/hotspots/index.ts';
import { dominantKey, type DominantKey } from '../../../data/hotspots/singleKey.ts';
import type { Matrix } from '../../../data/matrix.ts';
import { inferStepMs } from '../../../data/raster.ts';
import { columnEdges } from '../../../data/view/gaps.ts';
import { readToken } from '../../../shell/tokenStore.ts';
import { loadRange } from '../hotKeysLoad.ts';
import { SPOT_HOT_KEY_ENTRIES, spotTarget } from './spotHotKeys.ts';

/** Keys asked per range: the top one is all the diagnosis reads, the merge needs a few more. */
const TOP = 10;

export function spotKey(s: HotSpot): string {
  return `${s.kind}:${s.r0}:${s.c0}`;
}

export function useSingleKeys(
  m: Matrix,
  spots: readonly HotSpot[],
  from: { baseUrl: string; source: SourceKind } | undefined,
): ReadonlyMap<string, DominantKey> {
  const [found, setFound] = useState<{ spots: readonly HotSpot[]; keys: Map<string, DominantKey> }>(
    { spots: [], keys: new Map() },
  );
  const baseUrl = from?.baseUrl;
  const source = from?.source;
  useEffect(() => {
    if (baseUrl === undefined || source === undefined || spots.length === 0) return;
    const ac = new AbortController();
    const client = createHotKeysClient({ baseUrl, source, token: readToken, timeoutMs: 15_000 });
    const edges = columnEdges(m.columns, inferStepMs(m.columns), m.columnWidths);
    const keys = new Map<string, DominantKey>();
    void (async () => {
      for (const s of spots.slice(0, SPOT_HOT_KEY_ENTRIES)) {
        const t = spotTarget(m, edges, s);
        if (!t) continue;
        try {
          const d = dominantKey(await loadRange(client, t, TOP, ac.signal));
          if (d) keys.set(spotKey(s), d);
        } catch {
          if (ac.signal.aborted) return;
          // No hot keys for this range: no diagnosis line, nothing else changes.
        }
        if (ac.signal.aborted) return;
        setFound({ spots, keys: new Map(keys) });
      }
    })();
    return () => ac.abort();
  }, [m, spots, baseUrl, source]);
  // A newer list: the old answers do not describe it.
  return found.spots === spots ? found.keys : EMPTY;
}

const EMPTY: ReadonlyMap<string, DominantKey> = new Map();
