// Events on the time axis: a marker per event under the plot (hover or focus says
// what happened) and thin vertical lines across the rows each event touched.
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { Matrix } from '../../data/matrix.ts';
import type { ColumnEdges } from '../../data/view/gaps.ts';
import type { Viewport } from '../../data/view/viewport.ts';
import { describeEvent, type TimeEvent } from '../../data/timeEvents.ts';
import { formatClock } from '../../data/format.ts';
import { groupEventMarks, markText } from '../../data/view/eventMarks.ts';
import { useColorScheme } from './useColorScheme.ts';
import './live.css';

interface AtX {
  e: TimeEvent;
  x: number;
}

interface Placed extends AtX {
  /** Vertical runs [y0, y1) of the touched rows, in CSS px. */
  runs: [number, number][];
}

const fmt = (ms: number) => formatClock(ms, true);

/** Events in view with their x (the column's start edge, CSS px): where the markers go. */
export function eventsAtX(
  events: readonly TimeEvent[],
  edges: ColumnEdges,
  vp: Viewport,
  width: number,
): AtX[] {
  const span = vp.t1 - vp.t0 || 1;
  const out: AtX[] = [];
  for (const e of events) {
    const t = edges.x0[e.col] ?? e.unixMs;
    if (t < vp.t0 || t > vp.t1) continue;
    out.push({ e, x: ((t - vp.t0) / span) * width });
  }
  return out;
}

/** Events in view with their x and the vertical runs of the rows each touched: the lines. */
export function placeEvents(
  events: readonly TimeEvent[],
  m: Matrix,
  edges: ColumnEdges,
  vp: Viewport,
  width: number,
  height: number,
): Placed[] {
  const atX = eventsAtX(events, edges, vp, width);
  if (atX.length === 0) return [];
  const rspan = vp.r1 - vp.r0 || 1;
  const index = new Map<string, number>();
  m.rows.forEach((r, i) => index.set(r.bucketId, i));
  const out: Placed[] = [];
  for (const { e, x } of atX) {
    const rows = e.buckets
      .map((b) => index.get(b))
      .filter((i): i is number => i !== undefined)
      .sort((a, b) => a - b);
    const runs: [number, number][] = [];
    for (const i of rows) {
      const y0 = ((i - vp.r0) / rspan) * height;
      const y1 = ((i + 1 - vp.r0) / rspan) * height;
      if (y1 < 0 || y0 > height) continue;
      const lastRun = runs[runs.length - 1];
      if (lastRun && y0 - lastRun[1] < 1) lastRun[1] = y1;
      else runs.push([y0, y1]);
    }
    out.push({ e, x, runs });
  }
  return out;
}

interface Props {
  events: readonly TimeEvent[];
  matrix: Matrix;
  edges: ColumnEdges;
  view: Viewport;
  width: number;
  height: number;
}

/** How many line runs of each kind `placed` draws (the canvas says so for tests and tools). */
export function lineCounts(placed: readonly Placed[]): Record<TimeEvent['kind'], number> {
  const n = { leader: 0, split: 0, merge: 0, gap: 0 };
  for (const p of placed) n[p.e.kind] += p.runs.length;
  return n;
}

/**
 * Lines across the touched rows (inside the plot; never takes the pointer), on one canvas: the
 * default page draws about 3,000 of them, and as SVG elements they were an 80 ms render after
 * every load. Colours come from the layer's CSS custom properties (light and dark).
 */
export const EventLines = memo(function EventLines({
  events,
  matrix,
  edges,
  view,
  width,
  height,
}: Props) {
  const placed = useMemo(
    () => placeEvents(events, matrix, edges, view, width, height),
    [events, matrix, edges, view, width, height],
  );
  const ref = useRef<HTMLCanvasElement>(null);
  const scheme = useColorScheme();
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.max(1, Math.round(width * dpr));
    c.height = Math.max(1, Math.round(height * dpr));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const css = getComputedStyle(c);
    const colour = (kind: TimeEvent['kind']) => css.getPropertyValue(`--event-${kind}`).trim();
    ctx.lineWidth = 1.5;
    for (const kind of ['gap', 'leader', 'split', 'merge'] as const) {
      ctx.beginPath();
      for (const p of placed) {
        if (p.e.kind !== kind) continue;
        for (const [y0, y1] of p.runs) {
          ctx.moveTo(p.x, Math.max(0, y0));
          ctx.lineTo(p.x, Math.min(height, y1));
        }
      }
      ctx.strokeStyle = colour(kind);
      // Splits and merges solid, leader changes and gaps dashed (as the markers' legend says).
      ctx.setLineDash(kind === 'split' || kind === 'merge' ? [] : [3, 2]);
      ctx.stroke();
    }
  }, [placed, width, height, scheme]);
  if (placed.length === 0) return null;
  const n = lineCounts(placed);
  return (
    <canvas
      ref={ref}
      className="event-lines"
      style={{ width: `${width}px`, height: `${height}px` }}
      aria-hidden="true"
      data-testid="event-lines"
      data-leader={n.leader}
      data-split={n.split}
      data-merge={n.merge}
      data-gap={n.gap}
    />
  );
});

/**
 * Markers on the time axis, each naming its event; markers that would overlap share one with a
 * count (groupEventMarks), whose words say how many of which kinds between which times.
 */
export const EventMarkers = memo(function EventMarkers({
  events,
  edges,
  view,
  width,
}: Omit<Props, 'matrix' | 'height'>) {
  // Only x: the rows an event touched are the lines' business.
  const placed = useMemo(
    () =>
      eventsAtX(events, edges, view, width).map((p) => ({ ...p, text: describeEvent(p.e, fmt) })),
    [events, edges, view, width],
  );
  const marks = useMemo(
    () =>
      groupEventMarks(placed).map((g) => ({
        ...g,
        text:
          g.items.length === 1
            ? g.items[0].text
            : markText(
                g.items.map((p) => p.e),
                fmt,
              ),
      })),
    [placed],
  );
  const [tip, setTip] = useState<number | null>(null);
  const shown = tip !== null ? marks[tip] : undefined;
  return (
    <div
      className="event-markers"
      style={{ width }}
      data-testid="event-markers"
      role="group"
      aria-label={eventsSummary(placed.map((p) => p.text))}
    >
      {/* Markers are pointer targets only (dense markers cannot meet the 24 px target size as
          buttons); the group's label reads the events to assistive technology. */}
      {marks.map((g, k) => {
        const n = g.items.length;
        const first = g.items[0].e;
        // A gap glyph is hollow when every gap it stands for is the page's own (not loaded).
        const hollow =
          g.kind === 'gap' && g.items.every((p) => p.e.kind !== 'gap' || p.e.notLoaded === true);
        return (
          <span
            key={`${g.kind}/${first.col}/${k}`}
            className={`event-marker ${g.kind}${n > 1 ? ' cluster' : ''}${hollow ? ' not-loaded' : ''}`}
            style={{ left: g.x, width: g.width }}
            data-kind={g.kind}
            data-count={n}
            aria-hidden="true"
            title={g.text}
            onMouseEnter={() => setTip(k)}
            onMouseLeave={() => setTip(null)}
          >
            <span className="event-glyph" />
            {n > 1 && <span className="event-count">{n}</span>}
          </span>
        );
      })}
      {shown && (
        <div
          className={`event-tip${shown.x > width / 2 ? ' left' : ''}`}
          style={{ left: shown.x }}
          role="tooltip"
          data-testid="event-tip"
        >
          {shown.text}
        </div>
      )}
    </div>
  );
});

/** The group's accessible name: how many events are in view and the first few in words. */
function eventsSummary(texts: string[]): string {
  if (texts.length === 0) return 'No events in view';
  const first = texts.slice(0, 5).join('; ');
  const more = texts.length > 5 ? `; and ${texts.length - 5} more` : '';
  return `${texts.length} event${texts.length === 1 ? '' : 's'} in view: ${first}${more}`;
}
