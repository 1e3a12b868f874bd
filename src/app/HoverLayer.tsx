import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Matrix } from '../data/matrix.ts';
import { cellAt, type HitLayout } from '../data/hitTest.ts';
import { cellInfo } from './cellInfo.ts';
import { FlyoutBody } from './Flyout.tsx';
import { placeFlyout } from './flyoutPlacement.ts';
import type { TimeFrame } from './heatRaster.ts';

interface Props {
  matrix: Matrix;
  frame: TimeFrame;
  /** The plot's CSS size (the canvas' box). */
  width: number;
  height: number;
}

interface Cell {
  row: number;
  col: number;
}

/**
 * Pointer -> cell -> flyout, kept apart from the canvas: a pointer move re-renders this layer
 * only when the hovered cell changes; in between, the flyout just moves (a CSSOM write).
 */
export function HoverLayer({ matrix, frame, width, height }: Props) {
  const [cell, setCell] = useState<Cell | null>(null);
  const [pinned, setPinned] = useState(false);
  const cellRef = useRef<Cell | null>(null);
  const pinnedRef = useRef(false);
  const cursor = useRef({ x: 0, y: 0 });
  const flyRef = useRef<HTMLDivElement>(null);
  const flySize = useRef({ w: 0, h: 0 });

  const layout = useMemo<HitLayout>(
    () => ({
      x: 0,
      y: 0,
      width,
      height,
      r0: 0,
      r1: matrix.rowCount,
      c0: 0,
      c1: matrix.colCount,
      colX: { x0: frame.x0, x1: frame.x1, fromMs: frame.fromMs, toMs: frame.toMs },
    }),
    [matrix, frame, width, height],
  );

  const place = useCallback(() => {
    const el = flyRef.current;
    if (!el) return;
    // innerWidth/innerHeight never force a layout (the page has no scrollbars).
    const p = placeFlyout(cursor.current, flySize.current, { w: innerWidth, h: innerHeight });
    el.style.transform = `translate(${Math.round(p.left)}px, ${Math.round(p.top)}px)`;
  }, []);

  const show = useCallback((next: Cell | null) => {
    const cur = cellRef.current;
    if (cur === next || (cur && next && cur.row === next.row && cur.col === next.col)) return;
    cellRef.current = next;
    setCell(next);
  }, []);

  // A new matrix (refresh) may have fewer rows or columns: drop a cell that no longer exists.
  useEffect(() => {
    const c = cellRef.current;
    if (c && (c.row >= matrix.rowCount || c.col >= matrix.colCount)) {
      cellRef.current = null;
      setCell(null);
      pinnedRef.current = false;
      setPinned(false);
    }
  }, [matrix]);

  // New contents: place with the last known size now; a ResizeObserver reports the new size
  // after the browser's own layout (no forced synchronous layout per hovered cell).
  useLayoutEffect(() => {
    place();
  }, [cell, pinned, matrix, place]);

  const hasFlyout = cell !== null;
  useEffect(() => {
    const el = flyRef.current;
    if (!el) return;
    const ro = new ResizeObserver((entries) => {
      const b = entries[entries.length - 1].borderBoxSize?.[0];
      flySize.current = b
        ? { w: b.inlineSize, h: b.blockSize }
        : { w: el.offsetWidth, h: el.offsetHeight };
      place();
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [hasFlyout, place]);

  // The layer's page position, cached: read on enter and after size changes, not per move.
  const rect = useRef<DOMRect | null>(null);
  useEffect(() => {
    rect.current = null;
  }, [width, height]);
  const origin = (el: HTMLElement): DOMRect => {
    if (!rect.current) rect.current = el.getBoundingClientRect();
    return rect.current;
  };

  const onMove = (e: React.PointerEvent<HTMLDivElement>) => {
    if (pinnedRef.current) return;
    const r = origin(e.currentTarget);
    cursor.current = { x: e.clientX, y: e.clientY };
    show(cellAt(e.clientX - r.left, e.clientY - r.top, layout));
    place();
  };

  const unpin = useCallback(() => {
    pinnedRef.current = false;
    setPinned(false);
  }, []);

  const onClick = (e: React.MouseEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    cursor.current = { x: e.clientX, y: e.clientY };
    const hit = cellAt(e.clientX - r.left, e.clientY - r.top, layout);
    show(hit);
    // Click pins the card (so its keys can be expanded and copied); click again releases it.
    const pin = hit !== null && !pinnedRef.current;
    pinnedRef.current = pin;
    setPinned(pin);
  };

  useEffect(() => {
    if (!pinned) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') unpin();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [pinned, unpin]);

  // Guarded in render too: the effect above drops a vanished cell only after this render.
  const live = cell && cell.row < matrix.rowCount && cell.col < matrix.colCount ? cell : null;
  const info = useMemo(
    () => (live ? cellInfo(matrix, frame, live.row, live.col) : null),
    [live, matrix, frame],
  );

  const box = live ? cellBox(live, layout, frame) : null;
  return (
    <div
      className="hover-layer"
      data-testid="hover-layer"
      role="figure"
      aria-label={`Heatmap of ${matrix.series.replace('_', ' ')}: ${matrix.rowCount} key ranges by ${matrix.colCount} time columns. Hover a cell for details, click to pin.`}
      style={{ width, height }}
      onPointerMove={onMove}
      onPointerEnter={(e) => {
        rect.current = e.currentTarget.getBoundingClientRect();
      }}
      onPointerLeave={() => {
        if (!pinnedRef.current) show(null);
      }}
      onClick={onClick}
    >
      {box && (
        <div
          className="cell-outline"
          style={{ left: box.x, top: box.y, width: box.w, height: box.h }}
        />
      )}
      {info && (
        <div
          ref={flyRef}
          className={pinned ? 'flyout pinned' : 'flyout'}
          role={pinned ? 'dialog' : 'tooltip'}
          aria-label="Cell details"
          data-row={info.row}
          data-col={info.col}
          onClick={(e) => e.stopPropagation()}
        >
          <FlyoutBody info={info} pinned={pinned} onClose={unpin} />
        </div>
      )}
    </div>
  );
}

/** The hovered cell's rectangle in the plot (CSS px), for its outline. */
function cellBox(c: Cell, l: HitLayout, f: TimeFrame) {
  const rowH = l.height / Math.max(1, l.r1 - l.r0);
  const span = f.toMs - f.fromMs || 1;
  const x = ((f.x0[c.col] - f.fromMs) / span) * l.width;
  const x2 = ((f.x1[c.col] - f.fromMs) / span) * l.width;
  return { x, y: (c.row - l.r0) * rowH, w: Math.max(1, x2 - x), h: Math.max(1, rowH) };
}
