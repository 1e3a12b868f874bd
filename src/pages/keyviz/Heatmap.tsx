import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { buildLut } from '../../data/colorRamp.ts';
import { formatValue, largestCellDigits } from '../../data/format.ts';
import { leftOutOf, type Matrix } from '../../data/matrix.ts';
import { makeScale } from '../../data/scale.ts';
import type { ViewState } from '../../data/urlState.ts';
import { fullView, sameView, type Viewport } from '../../data/view/index.ts';
import { TimeAxis } from './axes.tsx';
import { tierMarks } from '../../data/columnTiers.ts';
import type { ReportedTransition, TimeEvent } from '../../data/timeEvents.ts';
import { Legend } from './Legend.tsx';
import { useCanvasBox } from './useCanvasBox.ts';
import { useColorScheme } from './useColorScheme.ts';
import { followZoom, zoomStackPop, zoomStackPush, type ZoomStack } from './heatmapState.ts';
import { HeatmapPlot } from './HeatmapPlot.tsx';
import { ExportButtons } from './ExportButtons.tsx';
import { KeyBandAxis } from './KeyBandAxis.tsx';
import { marginalBars } from './marginalBars.ts';
import { MarginalCanvas } from './MarginalCanvas.tsx';
import {
  applyFilter,
  homeExtent,
  plotModel,
  resolveView,
  stepAndEdges,
  zoomOf,
  type Home,
  type Shown,
} from './plotModel.ts';
import type { ViewDispatch } from './useHeatmapViewState.ts';
import { loadedOf } from './windowedClient.ts';
import { HotSpotOutline } from './hotspots/HotSpotOutline.tsx';
import { useHotSpotNav } from './hotspots/useHotSpotNav.ts';
import { HotKeysSlot } from './HotKeysSlot.tsx';
import { useHotKeysSel } from './hotKeysUrl.ts';
import type { SourceKind } from '../../api/source.ts';
import './heatmap.css';
// The panel's layout and the outline's style: with the page's CSS, the panel's code is lazy.
import './hotspots/hotspots.css';

import './cluster.css';

// Not needed for the first paint (issue 17's bundle): chunks of their own, fetched on first use
// (the hot-spot panel when opened, the conflict hatching only for a gateway's merged matrix).
type EventsModule = typeof import('./eventsLayer.ts');
let eventsModule: Promise<EventsModule> | null = null;
const NO_EVENTS: TimeEvent[] = [];

const HotSpotPanel = lazy(() =>
  import('./hotspots/lazy.ts').then((m) => ({ default: m.HotSpotPanel })),
);
const ConflictOverlay = lazy(() =>
  import('./ConflictOverlay.tsx').then((m) => ({ default: m.ConflictOverlay })),
);
const ConflictLegend = lazy(() =>
  import('./ConflictOverlay.tsx').then((m) => ({ default: m.ConflictLegend })),
);

const LUT_SIZE = 256;
const ROW_MARGINAL_PX = 56;
const COL_MARGINAL_PX = 36;

interface Props {
  raw: Matrix;
  view: ViewState;
  dispatch: ViewDispatch;
  /** Where hot keys are asked; absent (e.g. a record file) = no hot-keys panel. */
  hotKeysFrom?: { baseUrl: string; source: SourceKind };
  /** Splits and merges reported by the live stream. */
  transitions?: readonly ReportedTransition[];
}

const NO_TRANSITIONS: readonly ReportedTransition[] = [];

/**
 * The explorable heatmap: zoom/pan/keyboard plot, key bands, marginals, time axis, legend, and
 * the zoom and export buttons. Thin: the model lives in plotModel.ts and src/data/view.
 */
export function Heatmap({ raw, view, dispatch, hotKeysFrom, transitions = NO_TRANSITIONS }: Props) {
  const plotRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const size = useCanvasBox(plotRef);
  const plot = { width: size.cssW, height: size.cssH };
  const [highlight, setHighlight] = useState<{ r0: number; r1: number } | null>(null);
  const [stack, setStack] = useState<ZoomStack>({ past: [] });

  const filtered = useMemo(() => applyFilter(raw, view.filter), [raw, view.filter]);
  const m = filtered.matrix;
  const { stepMs, edges } = useMemo(() => stepAndEdges(m), [m]);
  // Only the ones in view are drawn (placeTierMarks); computed once per answer.
  const tiers = useMemo(() => tierMarks(m, edges, -Infinity, Infinity), [m, edges]);

  // Home extent: kept across zoomed fetches (which hold only the zoom's window). Carried in
  // state and adjusted while rendering (React's pattern for values derived from history).
  const homeKey = `${view.series}|${JSON.stringify(view.range)}`;
  const [homeState, setHomeState] = useState<{ key: string; raw: Matrix; home: Home } | null>(null);
  let home: Home;
  if (homeState && homeState.key === homeKey && homeState.raw === raw) {
    home = homeState.home;
  } else {
    const prev = homeState?.key === homeKey ? homeState.home : null;
    home = homeExtent(view.range, edges, loadedOf(raw)?.zoomed ?? false, prev);
    setHomeState({ key: homeKey, raw, home });
  }

  const model = useMemo(() => plotModel(m, home, stepMs, edges), [m, home, stepMs, edges]);
  const full = useMemo(() => fullView(model.bounds), [model.bounds]);

  // The exact view last shown: fractional rows survive, and new data maps by key and time.
  const [shown, setShown] = useState<Shown | null>(null);
  const resolved = resolveView(shown, view.zoom, m, model.bounds);
  const same = !!shown && shown.matrix === m && shown.zoom === view.zoom;
  // The same view keeps its identity, so the canvas repaints only when something changed.
  const vp = same && sameView(shown.view, resolved) ? shown.view : resolved;
  if (vp !== shown?.view || !same) setShown({ zoom: view.zoom, matrix: m, view: vp });

  // Auto refresh at the live edge: a zoom that reached the newest column follows new columns
  // (the URL entry is replaced, so Back is not flooded).
  const lastEnd = useRef<number | null>(null);
  useEffect(() => {
    // Only an open-ended fetch ends at the newest column.
    const open = loadedOf(raw)?.window.toMs === 0;
    const end = open && raw.colCount > 0 ? raw.columns[raw.colCount - 1] : null;
    const prev = lastEnd.current;
    lastEnd.current = end;
    if (!view.zoom || prev === null || end === null) return;
    const next = followZoom(view.zoom, prev, end, stepMs);
    if (next) dispatch({ type: 'zoom', zoom: next }, { replace: true });
    // Only new data moves the zoom; a zoom change alone must not.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [raw]);

  const scheme = useColorScheme();
  const lut = useMemo(
    () => buildLut({ palette: view.palette, size: LUT_SIZE, scheme }),
    [view.palette, scheme],
  );
  const largestDigits = useMemo(() => largestCellDigits(m), [m]);
  const scale = useMemo(
    () => makeScale({ kind: view.scale, max: model.paint.max, brightness: view.brightness }),
    [view.scale, model.paint.max, view.brightness],
  );

  const onView = useCallback(
    (v: Viewport, opts?: { replace?: boolean }) => {
      const z = zoomOf(v, m, model.bounds);
      setShown({ zoom: z, matrix: m, view: v });
      if (!opts?.replace) setStack((s) => zoomStackPush(s, view.zoom));
      dispatch({ type: 'zoom', zoom: z }, opts);
    },
    [m, model.bounds, view.zoom, dispatch],
  );
  const onBack = useCallback(() => {
    const p = zoomStackPop(stack);
    if (!p) return;
    setStack(p.stack);
    dispatch({ type: 'zoom', zoom: p.zoom });
  }, [stack, dispatch]);
  const onReset = useCallback(() => {
    if (!view.zoom) return;
    setStack((s) => zoomStackPush(s, view.zoom));
    dispatch({ type: 'zoom', zoom: null });
  }, [view.zoom, dispatch]);

  const hot = useHotSpotNav(raw, m, model.bounds, stepMs, onView);
  // The event layer's code arrives just after the first paint; until then, no events.
  const [ev, setEv] = useState<EventsModule | null>(null);
  useEffect(() => {
    let live = true;
    void (eventsModule ??= import('./eventsLayer.ts')).then((mod) => live && setEv(mod));
    return () => {
      live = false;
    };
  }, []);
  // Where the window fetched for the view ends (a zoom into the past): Live's columns follow.
  const loadedToMs = loadedOf(raw)?.window.toMs ?? 0;
  // Computed between frames (eventsLayer.ts); until a matrix's own are ready, the last ones
  // are shown on its columns.
  const [computed, setComputed] = useState<{ m: Matrix; events: TimeEvent[] } | null>(null);
  useEffect(() => {
    if (!ev) return;
    const ac = new AbortController();
    ev.timeEventsSliced(m, transitions, loadedToMs, ac.signal).then(
      (events) => setComputed({ m, events }),
      () => {
        // Aborted: a newer matrix (or transitions) took over.
      },
    );
    return () => ac.abort();
  }, [ev, m, transitions, loadedToMs]);
  const events = useMemo(
    () =>
      !computed || !ev
        ? NO_EVENTS
        : computed.m === m
          ? computed.events
          : ev.eventsOnto(computed.events, m),
    [computed, ev, m],
  );

  // Hot keys of a picked cell or of the visible range (selection in the URL, by bucket id).
  const [hk, setHk] = useHotKeysSel();
  const hkOpen = !!hotKeysFrom && (hk.cell !== null || hk.range !== null);
  // The panel floats over the plot on the side away from the picked cell, so the cell stays
  // visible and clickable.
  const hkDockLeft =
    hkOpen && hk.cell !== null && vp.t1 > vp.t0 && (hk.cell.colMs - vp.t0) / (vp.t1 - vp.t0) > 0.5;
  const onPick = useCallback(
    (c: { row: number; col: number }) =>
      setHk({
        cell: { bucketId: m.rows[c.row].bucketId, colMs: m.columns[c.col] },
        range: null,
        top: hk.top,
      }),
    [m, hk.top, setHk],
  );
  const closeHk = useCallback(() => {
    setHk({ cell: null, range: null, top: hk.top });
    plotRef.current?.querySelector<HTMLElement>('.hover-layer')?.focus();
  }, [hk.top, setHk]);

  const bars = useMemo(
    () =>
      size.cssW > 0 ? marginalBars(m, edges, vp, { width: size.cssW, height: size.cssH }) : null,
    [m, edges, vp, size.cssW, size.cssH],
  );

  return (
    <div className="heatmap-layout">
      <div
        className={`heatmap explore-heatmap${hkOpen ? ' with-hotkeys' : ''}${
          hkDockLeft ? ' hk-dock-left' : ''
        }`}
        data-testid="heatmap"
      >
        <div className="zoom-bar" role="group" aria-label="Zoom and export">
          {/* Not "Back": that is the browser's own button (which also steps through zooms). */}
          <button type="button" onClick={onBack} disabled={stack.past.length === 0}>
            Previous zoom
          </button>
          <button type="button" onClick={onReset} disabled={!view.zoom}>
            Reset zoom
          </button>
          <button type="button" aria-pressed={hot.open} onClick={() => hot.setOpen(!hot.open)}>
            Hot spots
          </button>
          <button type="button" onClick={hot.goHottest} aria-keyshortcuts="H">
            Go to hottest cell
          </button>
          <span className="muted hint" data-testid="zoom-hint">
            Drag to zoom · Shift-drag (or right-drag) to pan · wheel zooms · click pins · Backspace
            previous zoom · R reset · H hottest cell
          </span>
          {filtered.kept !== filtered.total && (
            <span className="muted" data-testid="filter-count">
              {filtered.kept} of {filtered.total} rows
            </span>
          )}
          {hotKeysFrom && (
            <button
              type="button"
              onClick={() =>
                setHk({
                  cell: null,
                  range: zoomOf(vp, m, model.bounds) ?? { fromMs: vp.t0, toMs: vp.t1 },
                  top: hk.top,
                })
              }
            >
              Hot keys of this range
            </button>
          )}
          <ExportButtons
            matrix={m}
            view={vp}
            stepMs={stepMs}
            canvasRef={canvasRef}
            series={view.series}
            legend={{ scale, palette: view.palette, scheme, series: view.series }}
          />
        </div>
        <KeyBandAxis
          rows={m.rows}
          view={vp}
          height={size.cssH}
          onHighlight={setHighlight}
          breaks={filtered.kept === filtered.total ? leftOutOf(raw) : null}
        />
        <div className="plot" ref={plotRef}>
          {size.devW > 0 && m.rowCount > 0 && (
            <HeatmapPlot
              model={model}
              view={vp}
              full={full}
              lut={lut}
              scale={scale}
              series={view.series}
              size={size}
              highlight={highlight}
              onView={onView}
              onBack={onBack}
              onReset={onReset}
              onHottest={hot.goHottest}
              canvasRef={canvasRef}
              onPick={hotKeysFrom ? onPick : undefined}
            />
          )}
          {size.devW > 0 && hot.outline && (
            <HotSpotOutline
              rect={hot.outline.rect}
              view={vp}
              width={size.cssW}
              height={size.cssH}
              label={hot.outline.label}
            />
          )}
          {size.devW > 0 && m.conflicts && (
            <Suspense fallback={null}>
              <ConflictOverlay
                matrix={m}
                edges={edges}
                t0={vp.t0}
                t1={vp.t1}
                size={size}
                r0={vp.r0}
                r1={vp.r1}
              />
            </Suspense>
          )}
          {size.cssW > 0 && ev && (
            <ev.EventLines
              events={events}
              matrix={m}
              edges={edges}
              view={vp}
              width={size.cssW}
              height={size.cssH}
            />
          )}
          {m.rowCount === 0 && (
            <p className="muted no-rows" role="status">
              No rows match the filter.
            </p>
          )}
        </div>
        <div className="marginal-right">
          {bars && (
            <MarginalCanvas
              bars={bars.rows}
              axis="rows"
              width={ROW_MARGINAL_PX}
              height={plot.height}
              label="Row totals over the visible time window"
            />
          )}
        </div>
        <div className="marginal-scale-cell marginal-scale-cols">
          {bars && bars.colMax > 0 && (
            <span className="marginal-scale" data-testid="marginal-cols-scale">
              column totals: full bar = {formatValue(bars.colMax, view.series)}
            </span>
          )}
        </div>
        {/* The strip's height is reserved before the plot has a size (and so before there
            are bars): the plot is sized once, and the first load pools and paints once. */}
        <div className="marginal-bottom" style={{ minHeight: COL_MARGINAL_PX }}>
          {bars && (
            <MarginalCanvas
              bars={bars.cols}
              axis="cols"
              width={plot.width}
              height={COL_MARGINAL_PX}
              label="Column totals over the visible rows"
            />
          )}
        </div>
        <div className="marginal-scale-cell marginal-scale-rows">
          {bars && bars.rowMax > 0 && (
            <span data-testid="marginal-rows-scale">
              <span className="marginal-scale">row totals:</span>
              <span className="marginal-scale">{formatValue(bars.rowMax, view.series)}</span>
            </span>
          )}
        </div>
        <TimeAxis fromMs={vp.t0} toMs={vp.t1} width={plot.width} tiers={tiers}>
          {size.cssW > 0 && ev ? (
            <ev.EventMarkers events={events} edges={edges} view={vp} width={size.cssW} />
          ) : (
            // The markers' strip keeps its height before the plot has a size and while their
            // code loads: the plot is sized once, with no layout shift.
            <div
              className="event-markers"
              style={size.cssW > 0 ? { width: size.cssW } : undefined}
              aria-hidden="true"
            />
          )}
        </TimeAxis>
        <div className="legend-row">
          <Legend
            scale={scale}
            series={m.series}
            palette={view.palette}
            scheme={scheme}
            stepMs={stepMs}
            averaged={model.paint !== m}
            largest={largestDigits}
          />
          {m.conflicts && (
            <Suspense fallback={null}>
              <ConflictLegend matrix={m} />
            </Suspense>
          )}
        </div>
        {hkOpen && (
          <HotKeysSlot
            sel={hk}
            matrix={m}
            edges={edges}
            stepMs={stepMs}
            baseUrl={hotKeysFrom.baseUrl}
            source={hotKeysFrom.source}
            onTop={(top) => setHk({ ...hk, top }, true)}
            onClose={closeHk}
          />
        )}
      </div>
      {hot.open && (
        <Suspense fallback={null}>
          <HotSpotPanel
            matrix={hot.source}
            spots={hot.spots}
            pending={hot.pending}
            engine={hot.engine}
            selected={hot.selected}
            onSelect={hot.select}
            onClose={() => hot.setOpen(false)}
            hotKeysFrom={hotKeysFrom}
          />
        </Suspense>
      )}
    </div>
  );
}
