import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Series } from '../../data/matrix.ts';
import type { Scale } from '../../data/scale.ts';
import { measureSince } from '../../data/timing.ts';
import {
  announceCell,
  columnAtTime,
  dragRect,
  ensureVisible,
  isCursorKey,
  moveCursor,
  pan,
  panByPixels,
  pointToData,
  wheelFactor,
  zoomAt,
  zoomToRect,
  type CellCursor,
  type ViewAnchor,
  type Viewport,
} from '../../data/view/index.ts';
import type { CanvasSize } from './canvasSize.ts';
import { cellInfo, prepareHover, raftReady } from './cellInfo.ts';
import { placeFlyout } from './flyoutPlacement.ts';
import { whenIdle } from './whenIdle.ts';
import { PlotPainter } from './painter.ts';
import {
  cellAtAnchor,
  cellAtPoint,
  cellInView,
  cellRect,
  remapCell,
  sameCell,
  zoomKeyFactor,
  type Cell,
} from '../../data/hitTest.ts';
import type { PlotModel } from './plotModel.ts';

type CardModule = typeof import('./flyoutCard.ts');
let cardModule: Promise<CardModule> | null = null;
const loadCard = () => (cardModule ??= import('./flyoutCard.ts'));

/** Pointer travel (CSS px) below which a press is a click, not a drag. */
const CLICK_SLOP = 4;
/** A wheel gesture commits (URL, refetch, full-resolution re-pool) after this much quiet. */
const WHEEL_SETTLE_MS = 180;

interface Props {
  model: PlotModel;
  /** The committed view. */
  view: Viewport;
  full: Viewport;
  lut: Uint32Array;
  scale: Scale;
  series: Series;
  size: CanvasSize;
  /** Rows to highlight (a hovered key band), or null. */
  highlight: { r0: number; r1: number } | null;
  onView: (v: Viewport, opts?: { replace?: boolean }) => void;
  onBack: () => void;
  onReset: () => void;
  /** H: go to the hottest cell. */
  onHottest?: () => ViewAnchor | null;
  canvasRef: React.RefObject<HTMLCanvasElement | null>;
  /** A cell was picked (click or Enter pins it): the hot-keys panel opens on it. */
  onPick?: (cell: Cell) => void;
}

interface Drag {
  kind: 'rect' | 'pan';
  pointerId: number;
  x0: number;
  y0: number;
  x: number;
  y: number;
  start: Viewport;
}

/**
 * The zoomable heatmap: canvas, pointer gestures (drag = zoom to rectangle, Shift/middle/right
 * drag = pan, wheel = zoom at the pointer), the keyboard cell cursor and the (pinnable) flyout.
 * Gesture frames are drawn straight from cached bitmaps on animation frames; React only hears
 * about the gesture when it settles.
 */
export function HeatmapPlot(props: Props) {
  const { model, view, full, lut, scale, series, size, highlight, onView, onBack, onReset } = props;
  const { onHottest } = props;
  const { matrix: m, edges, bounds } = model;
  const canvasRef = props.canvasRef;
  const layerRef = useRef<HTMLDivElement>(null);
  const rectRef = useRef<HTMLDivElement>(null);
  const flyRef = useRef<HTMLDivElement>(null);
  const painter = useRef(new PlotPainter());
  const live = useRef<Viewport | null>(null);
  const drag = useRef<Drag | null>(null);
  const raf = useRef(0);
  const wheelTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pointer = useRef({ x: 0, y: 0 });
  /** The pointer rests over the plot (so a new view or new data re-reads the cell under it). */
  const pointerIn = useRef(false);
  const helpId = useId();

  // The card's components: fetched as the plot mounts, so they are ready for the first hover.
  const [card, setCard] = useState<CardModule | null>(null);
  useEffect(() => {
    let live = true;
    void loadCard().then((m) => live && setCard(m));
    return () => {
      live = false;
    };
  }, []);
  const [hover, setHover] = useState<Cell | null>(null);
  const [pinned, setPinned] = useState<Cell | null>(null);
  const [cursor, setCursor] = useState<CellCursor | null>(null);
  const [focused, setFocused] = useState(false);
  // New data (refetch, filter) renumbers rows and columns: the cursor and the pinned cell follow
  // their key and time (adjusted while rendering, React's pattern for derived state).
  const [cellsOf, setCellsOf] = useState({ matrix: m, edges });
  /** Time the cursor was sent to past the loaded columns (lands there when they arrive). */
  const [pendingT, setPendingT] = useState<number | null>(null);
  if (cellsOf.matrix !== m) {
    const to = { matrix: m, edges };
    let c = cursor && remapCell({ row: cursor.r, col: cursor.c }, cellsOf, to);
    const pc = pendingT === null ? -1 : columnAtTime(edges, pendingT);
    if (c && pc >= 0) c = { row: c.row, col: pc };
    setPendingT(null);
    setCursor(c ? { r: c.row, c: c.col } : null);
    setPinned(pinned && remapCell(pinned, cellsOf, to));
    setHover(null);
    setCellsOf(to);
  }
  /** The flyout follows the pointer (hover, click) or the keyboard cursor's cell. */
  const [anchorMode, setAnchorMode] = useState<'pointer' | 'cell'>('pointer');

  // With the device size, hit-testing and outlines snap to the pixels the cells are drawn on.
  const plot = useMemo(
    () => ({ width: size.cssW, height: size.cssH, devW: size.devW, devH: size.devH }),
    [size.cssW, size.cssH, size.devW, size.devH],
  );
  const input = {
    matrix: model.paint,
    edges,
    view,
    full,
    lut,
    scale,
    devW: size.devW,
    devH: size.devH,
  };
  const inputRef = useRef(input);
  inputRef.current = input;

  const paint = useCallback(
    (g: Viewport) => {
      const c = canvasRef.current;
      const ctx = c?.getContext('2d');
      if (!c || !ctx || inputRef.current.devW === 0) return;
      painter.current.paint(ctx, inputRef.current, g);
    },
    [canvasRef],
  );

  // Settled repaint: data, view, colours or size changed (recolour-only when just colours did).
  useLayoutEffect(() => {
    const c = canvasRef.current;
    if (!c || size.devW === 0 || size.devH === 0) return;
    if (c.width !== size.devW) c.width = size.devW;
    if (c.height !== size.devH) c.height = size.devH;
    live.current = null;
    const t0 = performance.now();
    paint(view);
    c.dataset.rendered = String(Number(c.dataset.rendered ?? '0') + 1);
    // The page's settled-render timing (bench/page-e2e.bench.ts reads it).
    measureSince('keyviz:render', t0);
    // Zoomed: get the whole-extent layer ready while idle, not on a gesture's first frame.
    const warm = setTimeout(() => painter.current.prewarm(inputRef.current), 100);
    return () => clearTimeout(warm);
  }, [canvasRef, paint, m, edges, view, full, lut, scale, size]);

  /**
   * A card rendered once, hidden, in idle time after a load: the first real card then mounts on
   * warm code, styles and fonts (its first mount cost 10-25 ms on the first pointer move).
   */
  const [warm, setWarm] = useState<ReturnType<typeof prepareHover>>(null);
  useEffect(() => {
    if (!warm) return;
    const h = requestAnimationFrame(() => setWarm(null));
    return () => cancelAnimationFrame(h);
  }, [warm]);
  // What hover reads, ready before the first pointer move: after this answer's first paint, the
  // Raft columns decoded in slices, then the rest in idle time (or within 150 ms on a busy page).
  useEffect(() => {
    const ac = new AbortController();
    let cancel = () => {};
    raftReady(m, ac.signal).then(
      () => {
        cancel = whenIdle(() => setWarm(prepareHover(m, edges)), 150, 0);
      },
      () => {
        // Aborted: a newer answer took over.
      },
    );
    return () => {
      ac.abort();
      cancel();
    };
  }, [m, edges]);

  // Cells that vanished with new data (fewer rows/columns) are dropped.
  const valid = (c: Cell | null) => (c && c.row < m.rowCount && c.col < m.colCount ? c : null);
  // Memoised: a fresh object each render would recompute `info` and re-place the flyout (a
  // forced layout) after every render.
  const cursorCell = useMemo<Cell | null>(
    () =>
      cursor && cursor.r < m.rowCount && cursor.c < m.colCount
        ? { row: cursor.r, col: cursor.c }
        : null,
    [cursor, m.rowCount, m.colCount],
  );
  const hovered = anchorMode === 'pointer' ? valid(hover) : null;
  const shown = valid(pinned) ?? hovered ?? (focused ? cursorCell : null);
  // The keyboard cursor alone gets a one-line card beside its cell, not the full card over the
  // plot (Enter pins the full one).
  const compact = !pinned && !hovered;
  // The card sits at the pointer only while it describes the cell under the pointer.
  const atPointer = pinned ? anchorMode === 'pointer' : !!hovered;

  const info = useMemo(
    () => (shown ? cellInfo(m, edges, shown.row, shown.col) : null),
    [shown, edges, m],
  );

  // --- flyout placement (a CSSOM write, no re-render) ---
  const placeFly = useCallback(() => {
    const el = flyRef.current;
    const layer = layerRef.current;
    if (!el || !layer) return;
    let at = pointer.current;
    if (!atPointer && shown) {
      const r = layer.getBoundingClientRect();
      const b = cellRect(view, edges, shown, plot);
      at = { x: r.left + b.x + b.w / 2, y: r.top + b.y + b.h / 2 };
    }
    const p = placeFlyout(
      at,
      { w: el.offsetWidth, h: el.offsetHeight },
      {
        w: document.documentElement.clientWidth,
        h: document.documentElement.clientHeight,
      },
    );
    el.style.transform = `translate(${Math.round(p.left)}px, ${Math.round(p.top)}px)`;
  }, [atPointer, shown, view, edges, plot]);
  useLayoutEffect(placeFly, [placeFly, info, pinned, compact, card]);

  // A new view (drag or wheel zoom, pan) or new data (range, filter, refresh) moves cells under
  // a still pointer: the hover card describes whatever is under it now, or nothing.
  useLayoutEffect(() => {
    if (pinned || drag.current || anchorMode !== 'pointer') return;
    const layer = layerRef.current;
    if (!pointerIn.current || !layer) {
      setHover(null);
      return;
    }
    const r = layer.getBoundingClientRect();
    const c = cellAtPoint(
      view,
      edges,
      m.rowCount,
      pointer.current.x - r.left,
      pointer.current.y - r.top,
      plot,
    );
    setHover((h) => (sameCell(h, c) ? h : c));
    // Only a change of view or data re-reads the cell; pointer moves do it themselves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, m, edges]);

  /** Unpins; focus inside the card (close or copy button) returns to the heatmap. */
  const unpin = useCallback(() => {
    const layer = layerRef.current;
    const inCard = !!flyRef.current?.contains(document.activeElement);
    setPinned(null);
    if (inCard) layer?.focus();
  }, []);

  // --- gestures ---
  const local = (e: { clientX: number; clientY: number }) => {
    const r = layerRef.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const frameTick = useCallback(() => {
    raf.current = 0;
    const d = drag.current;
    if (d?.kind === 'rect') {
      const el = rectRef.current;
      if (el) {
        el.style.display = 'block';
        el.style.left = `${Math.min(d.x0, d.x)}px`;
        el.style.top = `${Math.min(d.y0, d.y)}px`;
        el.style.width = `${Math.abs(d.x - d.x0)}px`;
        el.style.height = `${Math.abs(d.y - d.y0)}px`;
      }
      return;
    }
    if (d?.kind === 'pan')
      live.current = panByPixels(d.start, d.x - d.x0, d.y - d.y0, plot, bounds);
    if (live.current) paint(live.current);
  }, [paint, plot, bounds]);

  const schedule = useCallback(() => {
    // Pointer moves arrive faster than frames: draw at most once per animation frame.
    if (!raf.current) raf.current = requestAnimationFrame(frameTick);
  }, [frameTick]);

  useEffect(() => () => cancelAnimationFrame(raf.current), []);

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    if (pinned && flyRef.current?.contains(e.target as Node)) return;
    const pan = e.shiftKey || e.button === 1 || e.button === 2;
    if (e.button !== 0 && !pan) return;
    const p = local(e);
    e.currentTarget.setPointerCapture(e.pointerId);
    if (!pinned) setHover(null); // no stale card over a rectangle or a pan
    drag.current = {
      kind: pan ? 'pan' : 'rect',
      pointerId: e.pointerId,
      x0: p.x,
      y0: p.y,
      x: p.x,
      y: p.y,
      start: live.current ?? view,
    };
  };

  const onPointerMove = (e: React.PointerEvent<HTMLDivElement>) => {
    pointer.current = { x: e.clientX, y: e.clientY };
    pointerIn.current = true;
    const p = local(e);
    const d = drag.current;
    if (d && d.pointerId === e.pointerId) {
      d.x = p.x;
      d.y = p.y;
      if (Math.abs(d.x - d.x0) + Math.abs(d.y - d.y0) > CLICK_SLOP) schedule();
      return;
    }
    if (pinned) return;
    const c = cellAtPoint(view, edges, m.rowCount, p.x, p.y, plot);
    setAnchorMode('pointer');
    if (!sameCell(c, hover)) setHover(c);
    placeFly();
  };

  const endDrag = (e: React.PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || d.pointerId !== e.pointerId) return;
    drag.current = null;
    if (rectRef.current) rectRef.current.style.display = 'none';
    const moved = Math.abs(d.x - d.x0) + Math.abs(d.y - d.y0) > CLICK_SLOP;
    if (!moved) {
      if (d.kind === 'rect') clickCell(local(e));
      return;
    }
    if (d.kind === 'pan') {
      const g = panByPixels(d.start, d.x - d.x0, d.y - d.y0, plot, bounds);
      onView(g);
    } else {
      onView(
        zoomToRect(view, dragRect(view, { x: d.x0, y: d.y0 }, { x: d.x, y: d.y }, plot), bounds),
      );
    }
  };

  const clickCell = (p: { x: number; y: number }) => {
    const hit = cellAtPoint(view, edges, m.rowCount, p.x, p.y, plot);
    setAnchorMode('pointer');
    setHover(hit);
    // Click pins the card; a second click (anywhere on the plot) releases it.
    setPinned(pinned ? null : hit);
    if (hit) setCursor({ r: hit.row, c: hit.col });
    if (hit && !pinned) props.onPick?.(hit);
  };

  // Wheel: a non-passive native listener (React's is passive, so it could not stop the page
  // scrolling). Frames go through the same rAF path; the zoom commits once the wheel rests.
  useEffect(() => {
    const el = layerRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const base = live.current ?? view;
      const at = pointToData(base, e.clientX - r.left, e.clientY - r.top, plot);
      live.current = zoomAt(base, at, wheelFactor(e.deltaY, e.deltaMode), bounds);
      schedule();
      if (wheelTimer.current) clearTimeout(wheelTimer.current);
      wheelTimer.current = setTimeout(() => {
        wheelTimer.current = null;
        if (live.current) onView(live.current);
      }, WHEEL_SETTLE_MS);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [view, plot, bounds, schedule, onView]);

  useEffect(
    () => () => {
      if (wheelTimer.current) clearTimeout(wheelTimer.current);
    },
    [],
  );

  // --- keyboard ---
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return; // keys typed in the pinned card's buttons
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    // A cursor left outside the view (a zoom elsewhere) starts again from what is shown.
    const seen = cursorCell && cellInView(view, cursorCell, edges) ? cursorCell : null;
    const cur = seen ? { r: seen.row, c: seen.col } : firstVisible();
    if (isCursorKey(e.key)) {
      e.preventDefault();
      const next = seen ? moveCursor(cur, e.key, view, m) : cur;
      const dir = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (seen && dir !== 0 && next.c === cur.c) {
        // At the edge of the loaded columns (a zoom holds only its window): pan on in time; the
        // refetch brings the next column and the cursor lands on it.
        const t = (pendingT ?? (edges.x0[cur.c] + edges.x1[cur.c]) / 2) + dir * model.stepMs;
        if (t > bounds.t0 && t < bounds.t1) {
          setPendingT(t);
          const half = model.stepMs / 2;
          const dt =
            t + half > view.t1 ? t + half - view.t1 : t - half < view.t0 ? t - half - view.t0 : 0;
          if (dt !== 0) onView(pan(view, dt, 0, bounds), { replace: true });
          return;
        }
      }
      setCursor(next);
      setAnchorMode('cell');
      if (pinned) setPinned({ row: next.r, col: next.c });
      const v = ensureVisible(view, next, edges);
      if (v !== view) onView(v, { replace: true });
      return;
    }
    const f = zoomKeyFactor(e.key);
    if (f !== null) {
      e.preventDefault();
      const at = { t: (edges.x0[cur.c] + edges.x1[cur.c]) / 2, r: cur.r + 0.5 };
      setCursor(cur);
      onView(zoomAt(view, at, f, bounds));
      return;
    }
    if (e.key === 'Backspace') {
      e.preventDefault();
      onBack();
    } else if (e.key === 'r' || e.key === 'R') {
      e.preventDefault();
      onReset();
    } else if ((e.key === 'h' || e.key === 'H') && onHottest) {
      e.preventDefault();
      // The cursor goes to the cell too, so Enter pins it (and asks its hot keys); it follows
      // the cell's keys and time into the zoom's refetch.
      const at = onHottest();
      const c = at && cellAtAnchor(m, edges, at);
      if (c) {
        setCursor({ r: c.row, c: c.col });
        setAnchorMode('cell');
      }
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      setCursor(cur);
      setAnchorMode('cell');
      setPinned(pinned ? null : { row: cur.r, col: cur.c });
      if (!pinned) props.onPick?.({ row: cur.r, col: cur.c });
    } else if (e.key === 'Escape') {
      unpin();
    }
  };

  function firstVisible(): CellCursor {
    const r = Math.min(m.rowCount - 1, Math.max(0, Math.ceil(view.r0 - 1e-9)));
    let c = 0;
    while (c < m.colCount - 1 && edges.x1[c] <= view.t0) c++;
    return { r, c };
  }

  // Escape unpins even when focus is in the card.
  useEffect(() => {
    if (!pinned) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') unpin();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [pinned, unpin]);

  const announce = useMemo(
    () =>
      cursorCell && focused
        ? announceCell(m, cursorCell.row, cursorCell.col, series, { edges })
        : '',
    [cursorCell?.row, cursorCell?.col, focused, m, series, edges], // eslint-disable-line react-hooks/exhaustive-deps -- cell by value
  );

  const outline = (c: Cell | null, cls: string) => {
    if (!c) return null;
    const b = cellRect(view, edges, c, plot);
    return <div className={cls} style={{ left: b.x, top: b.y, width: b.w, height: b.h }} />;
  };
  const hl = highlight
    ? {
        top: ((highlight.r0 - view.r0) / (view.r1 - view.r0)) * plot.height,
        height: ((highlight.r1 - highlight.r0) / (view.r1 - view.r0)) * plot.height,
      }
    : null;

  return (
    <>
      <canvas
        ref={canvasRef}
        className="heat-canvas"
        width={size.devW}
        height={size.devH}
        style={{ width: `${size.cssW}px`, height: `${size.cssH}px` }}
        aria-hidden="true"
      />
      <div
        ref={layerRef}
        className="hover-layer explore-layer"
        data-testid="hover-layer"
        role="application"
        tabIndex={0}
        aria-label={`Heatmap of ${series.replace('_', ' ')}: ${m.rowCount} key ranges by ${m.colCount} time columns`}
        aria-describedby={helpId}
        style={{ width: plot.width, height: plot.height }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onPointerLeave={() => {
          pointerIn.current = false;
          if (!pinned && !drag.current) setHover(null);
        }}
        onContextMenu={(e) => e.preventDefault()}
        onKeyDown={onKeyDown}
        onFocus={(e) => {
          if (e.target !== e.currentTarget) return;
          setFocused(true);
          if (!cursorCell) setCursor(firstVisible());
          // Focus from a press (click, drag) leaves the card with the pointer; only keyboard
          // focus hands it to the cursor.
          if (e.currentTarget.matches(':focus-visible')) setAnchorMode('cell');
        }}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused(false);
        }}
      >
        {hl && <div className="band-highlight" style={hl} data-testid="band-highlight" />}
        {outline(anchorMode === 'pointer' ? valid(hover) : null, 'cell-outline')}
        {outline(focused || pinned ? cursorCell : null, 'cell-outline cursor-outline')}
        <div ref={rectRef} className="zoom-rect" style={{ display: 'none' }} />
        {warm && !info && card && (
          <div className="flyout-warm" aria-hidden="true" inert>
            <card.FlyoutBody info={warm} pinned={false} onClose={unpin} />
            <card.CompactCard info={warm} />
          </div>
        )}
        {info && card && (
          <div
            ref={flyRef}
            className={pinned ? 'flyout pinned' : compact ? 'flyout compact' : 'flyout'}
            role={pinned ? 'dialog' : 'tooltip'}
            aria-label="Cell details"
            data-row={info.row}
            data-col={info.col}
            onPointerDown={(e) => e.stopPropagation()}
            onClick={(e) => e.stopPropagation()}
          >
            {compact ? (
              <card.CompactCard info={info} />
            ) : (
              <card.FlyoutBody info={info} pinned={!!pinned} onClose={unpin} />
            )}
            {pinned && <card.CopyButtons info={info} />}
          </div>
        )}
      </div>
      <p id={helpId} className="sr-only">
        Arrow keys move the cell cursor, Page Up and Page Down move by a screen of rows, Home and
        End go to the first and last column. Enter pins the cell details, Escape unpins. Plus and
        minus zoom at the cursor, Backspace goes back to the previous view, R resets the zoom, H
        goes to the hottest cell.
      </p>
      <div className="sr-only" role="status" aria-live="polite" data-testid="cell-announce">
        {announce}
      </div>
    </>
  );
}
