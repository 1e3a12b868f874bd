// The hot-spot feature's state for the heatmap: the panel flag (in the URL), detection over the
// unzoomed matrix (a zoom's refetch holds only the zoom's window, so the list found for the
// whole window stays while zoomed), the selected entry, and the two ways to jump: to an entry
// and to the hottest cell. A selection is kept as keys and time, so its outline follows
// refetched data.
import { useCallback, useMemo, useState } from 'react';
import { holdArrays } from '../../../data/arrayHold.ts';
import { hottestCell } from '../../../data/hotspots/hottest.ts';
import { KIND_LABEL, type HotSpot } from '../../../data/hotspots/types.ts';
import type { Matrix } from '../../../data/matrix.ts';
import {
  keyRangeOfRows,
  viewportFor,
  type ViewAnchor,
  type ViewBounds,
  type Viewport,
} from '../../../data/view/index.ts';
import { stepAndEdges } from '../plotModel.ts';
import { loadedOf } from '../windowedClient.ts';
import { spotRect, viewAround } from './spotView.ts';
import { useHotSpots } from './useHotSpots.ts';
import { useUrlFlag } from './urlFlag.ts';
import type { DetectEngine } from './hotSpotRunner.ts';

interface Selection {
  anchor: ViewAnchor;
  label: string;
  /** Index in the list, or -1 for the hottest cell. */
  index: number;
  list: HotSpot[];
}

export interface HotSpotNav {
  open: boolean;
  setOpen: (on: boolean) => void;
  /** The matrix the list's row indexes refer to. */
  source: Matrix;
  spots: HotSpot[];
  pending: boolean;
  /** Where detection ran last: a worker, or sliced on the main thread (null before the first). */
  engine: DetectEngine | null;
  selected: number | null;
  /** The selection's outline over the shown matrix, or null. */
  outline: { rect: Viewport; label: string } | null;
  select: (index: number) => void;
  /** Zooms to the hottest cell and returns where it is (keys and time), null when none. */
  goHottest: () => ViewAnchor | null;
}

function anchorOf(src: Matrix, r0: number, r1: number, c0: number, c1: number): ViewAnchor {
  const { edges } = stepAndEdges(src);
  const rect = spotRect({ r0, r1, c0, c1 }, edges);
  return { t0: rect.t0, t1: rect.t1, ...keyRangeOfRows(src, r0, r1) };
}

export function useHotSpotNav(
  raw: Matrix,
  m: Matrix,
  bounds: ViewBounds,
  stepMs: number,
  onView: (v: Viewport) => void,
): HotSpotNav {
  const [open, setOpen] = useUrlFlag('hotspots');
  // The last matrix fetched for the whole range (adjusted while rendering).
  const zoomed = loadedOf(raw)?.zoomed ?? false;
  const [home, setHome] = useState<Matrix>(m);
  if (!zoomed && home !== m) setHome(m);
  const source = zoomed ? home : m;
  // Kept past newer matrices while zoomed: a live session must not reuse its arrays.
  if (zoomed) holdArrays(home);
  const hot = useHotSpots(source, open);
  const [sel, setSel] = useState<Selection | null>(null);

  const go = useCallback(
    (anchor: ViewAnchor, opts: { minRows?: number; minMs?: number }) => {
      const rect = viewportFor(anchor, m);
      onView(viewAround(rect, bounds, opts));
    },
    [m, bounds, onView],
  );

  const select = useCallback(
    (index: number) => {
      const s = hot.spots[index];
      if (!s || hot.matrix === null) return;
      const anchor = anchorOf(hot.matrix, s.r0, s.r1, s.c0, s.c1);
      setSel({ anchor, label: `${s.rank}. ${KIND_LABEL[s.kind]}`, index, list: hot.spots });
      go(anchor, { minRows: 2 });
    },
    [hot.spots, hot.matrix, go],
  );

  const goHottest = useCallback(() => {
    // hottest.ts is a few lines: in the first paint, so H answers at once (no chunk to fetch).
    const cell = hottestCell(source);
    if (!cell) return null;
    const anchor = anchorOf(source, cell.row, cell.row + 1, cell.col, cell.col + 1);
    setSel({ anchor, label: 'Hottest cell', index: -1, list: hot.spots });
    // About 16 rows and an hour around it: the cell against its neighbours.
    go(anchor, { minRows: 8, minMs: 30 * stepMs });
    return anchor;
  }, [source, stepMs, go, hot.spots]);

  const outline = useMemo(
    () => (sel ? { rect: viewportFor(sel.anchor, m), label: sel.label } : null),
    [sel, m],
  );
  // A new list (another window or series) drops the entry selection, not the outline.
  const selected = sel && sel.list === hot.spots && sel.index >= 0 ? sel.index : null;
  return {
    open,
    setOpen,
    source: hot.matrix ?? source,
    spots: hot.spots,
    pending: hot.pending,
    engine: hot.engine,
    selected,
    outline,
    select,
    goHottest,
  };
}
