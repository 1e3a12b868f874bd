import { lazy, memo, Suspense, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { bucketPath, windowQuery } from '../../shell/router.ts';
import { foldedText } from './cellInfo.ts';
import type { RowMeta } from '../../data/matrix.ts';
import { describeKey, displayKey } from '../../data/keys.ts';
import {
  distinctPart,
  keyBands,
  placeBandLabels,
  visibleBands,
  type Viewport,
} from '../../data/view/index.ts';

// Break marks draw after the plot: their code is not part of the first paint.
const KeyBreakMarks = lazy(() => import('./KeyBreakMarks.tsx'));

/** Band columns shown (db / table / index style nesting). */
const DEPTHS = 3;
/** Band bars: width and step per depth (px). */
const BAR_STEP = 6;
/** Where band labels start and how wide they may be (px). */
const BAND_TEXT_X = DEPTHS * BAR_STEP + 4;
const BAND_AREA_PX = 92;
/** The whole key column (heatmap.css grid column), and a row label's right padding. */
const AXIS_PX = 220;
const ROW_PAD_PX = 6;
/** One line of 11 px monospace text. */
const LINE_PX = 14;
const CHAR_PX = 6.7;
/**
 * Room between row labels: each is a link, and a pointer target of 24 px (WCAG 2.2 target
 * size, heatmap.css) must not overlap the next one.
 */
const LABEL_GAP_PX = 24;
/** Tall rows (a deep zoom) wrap their label onto up to this many lines. */
const MAX_LINES = 4;

interface Props {
  rows: readonly RowMeta[];
  view: Viewport;
  height: number;
  onHighlight: (rows: { r0: number; r1: number } | null) => void;
  /**
   * Mark the breaks where rows leave key space out (KeyBreakMarks): the buckets the budget left
   * out (0 = not said), or null for no marks (a filter hides rows on purpose).
   */
  breaks?: number | null;
}

const startText = (r: RowMeta): string => {
  const d = describeKey(r.start, 'start');
  return d.openEnd ?? d.display;
};

/**
 * The key axis: nested bars for rows sharing a key prefix, each with a horizontal label on a
 * free line (thin bands get one beside them, with a leader), then the start keys of rows spaced
 * so they never crowd, each showing the part that tells it from its labelled neighbours. Tall
 * rows of a deep zoom wrap their label over several lines. Each row label is a link to that
 * bucket's page with the heatmap's time window (issue 14). The axis is one stop in the tab
 * order (a vertical toolbar named by its summary): the arrow keys, Home and End move between
 * its links, so the heatmap stays a few Tabs away. The bands are decoration (the grid's cell
 * cursor speaks each row's keys).
 */
export const KeyBandAxis = memo(function KeyBandAxis({
  rows,
  view,
  height,
  onHighlight,
  breaks = null,
}: Props) {
  const bands = useMemo(() => keyBands(rows, DEPTHS, 2), [rows]);
  const pxPerRow = height / Math.max(1e-9, view.r1 - view.r0);
  const shown = visibleBands(bands, view, pxPerRow, 1);
  const places = placeBandLabels(
    shown.map((b) => ({ y: b.y, height: b.height, depth: b.band.depth })),
    LINE_PX,
    height,
  );
  const labels = useMemo(() => {
    const out: {
      row: number;
      y: number;
      text: string;
      full: string;
      lines: number;
      bucketId: string;
      /** A folded row's member count (whole key space), else undefined. */
      folded: string | undefined;
    }[] = [];
    const every = Math.max(1, Math.ceil(LABEL_GAP_PX / pxPerRow));
    const first = Math.max(0, Math.ceil(view.r0 / every) * every);
    const lines = Math.max(1, Math.min(MAX_LINES, Math.floor(Math.min(pxPerRow, 1e9) / LINE_PX)));
    const chars = Math.floor((AXIS_PX - BAND_AREA_PX - ROW_PAD_PX) / CHAR_PX) * lines;
    const picked: number[] = [];
    for (let r = first; r < Math.min(rows.length, view.r1); r += every) {
      const y = (r - view.r0) * pxPerRow;
      if (y + Math.min(pxPerRow, LABEL_GAP_PX) > height + 0.5) break;
      picked.push(r);
    }
    const full = picked.map((r) => startText(rows[r]));
    picked.forEach((r, i) => {
      // The neighbours on screen, or the rows just outside it when a label is first or last.
      const prev = i > 0 ? full[i - 1] : r > 0 ? startText(rows[r - 1]) : undefined;
      const next =
        i < picked.length - 1
          ? full[i + 1]
          : r + 1 < rows.length
            ? startText(rows[r + 1])
            : undefined;
      out.push({
        row: r,
        y: (r - view.r0) * pxPerRow,
        text: distinctPart(full[i], prev, next, chars),
        full: full[i],
        lines,
        bucketId: rows[r].bucketId,
        folded: rows[r].foldedBuckets,
      });
    });
    return out;
  }, [rows, view.r0, view.r1, pxPerRow, height]);

  const first = rows[Math.max(0, Math.floor(view.r0))];
  const last = rows[Math.min(rows.length - 1, Math.ceil(view.r1) - 1)];
  const summary =
    first && last
      ? `Key axis: ${Math.round(view.r1 - view.r0)} rows from ${startText(first)} to ` +
        `${startText(last)}; key prefixes: ${shown
          .filter((b) => b.band.depth === 0)
          .slice(0, 8)
          .map((b) => b.band.label)
          .join(', ')}`
      : 'Key axis';

  // Roving tab stop: the label last moved to (by row), else the first one shown.
  const [active, setActive] = useState<number | null>(null);
  const current = labels.some((l) => l.row === active) ? active : (labels[0]?.row ?? null);
  const axisRef = useRef<HTMLDivElement>(null);
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const i = labels.findIndex((l) => l.row === current);
    if (i < 0) return;
    const to =
      e.key === 'ArrowDown'
        ? Math.min(labels.length - 1, i + 1)
        : e.key === 'ArrowUp'
          ? Math.max(0, i - 1)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? labels.length - 1
              : null;
    if (to === null) return;
    e.preventDefault();
    const row = labels[to].row;
    setActive(row);
    axisRef.current?.querySelector<HTMLElement>(`.key-label[data-row="${row}"]`)?.focus();
  };

  return (
    <div
      ref={axisRef}
      className="key-axis explore-key-axis"
      data-testid="key-axis"
      role="toolbar"
      aria-orientation="vertical"
      aria-label={summary}
      onKeyDown={onKeyDown}
    >
      <div
        className="key-bands"
        data-testid="key-bands"
        style={{ width: BAND_AREA_PX }}
        aria-hidden="true"
      >
        {shown.map(({ band, y, height: h }, i) => {
          const full = displayKey(band.prefix);
          const at = places[i];
          const x = band.depth * BAR_STEP;
          const hover = {
            onPointerEnter: () => onHighlight({ r0: band.r0, r1: band.r1 }),
            onPointerLeave: () => onHighlight(null),
          };
          const title = `${full} (${band.r1 - band.r0} rows)`;
          // Nesting reads from the indent as well as from the bars.
          const textX = BAND_TEXT_X + band.depth * BAR_STEP;
          const maxChars = Math.floor((BAND_AREA_PX - textX - 2) / CHAR_PX);
          return (
            <div key={`${band.depth}:${band.r0}`}>
              <div
                className="key-band"
                data-depth={band.depth}
                title={title}
                style={{ top: y, height: Math.max(1, h), left: x }}
                {...hover}
              />
              {at && (
                <span
                  className={at.outside ? 'key-band-label outside' : 'key-band-label'}
                  data-depth={band.depth}
                  title={title}
                  style={{ top: at.y, left: textX }}
                  {...hover}
                >
                  {at.outside && (
                    <span
                      className="key-band-leader"
                      style={{
                        left: x - textX + 3,
                        top: Math.min(Math.max(y + h / 2 - at.y, 0), LINE_PX),
                        width: textX - x - 4,
                      }}
                    />
                  )}
                  {distinctPart(band.label, undefined, undefined, maxChars)}
                </span>
              )}
            </div>
          );
        })}
      </div>
      {labels.map((l) =>
        l.folded !== undefined ? (
          // A folded row has no bucket page: a focusable label (the axis's arrow keys reach it)
          // that says what it holds. It reads differently (italic, a dotted rule), not by colour.
          <span
            key={l.row}
            className={`key-label folded${l.lines > 1 ? ' wrap' : ''}`}
            style={{ top: l.y, left: BAND_AREA_PX, maxHeight: l.lines * LINE_PX }}
            title={`${l.full}: ${foldedText(l.folded)} (whole key space)`}
            role="note"
            aria-label={`${l.full}: ${foldedText(l.folded)}`}
            data-row={l.row}
            tabIndex={l.row === current ? 0 : -1}
            onFocus={() => setActive(l.row)}
          >
            {l.text}
          </span>
        ) : (
          <Link
            key={l.row}
            className={`key-label${l.lines > 1 ? ' wrap' : ''}`}
            style={{ top: l.y, left: BAND_AREA_PX, maxHeight: l.lines * LINE_PX }}
            title={`${l.full}: open this bucket's page`}
            aria-label={`Open the bucket page of ${l.full} (bucket ${l.bucketId})`}
            data-row={l.row}
            tabIndex={l.row === current ? 0 : -1}
            onFocus={() => setActive(l.row)}
            // The heatmap's query is read when the link is rendered: its window (zoom or range)
            // goes along, as from the pinned card's "Open" link.
            to={bucketPath(l.bucketId, windowQuery(location.search))}
          >
            {l.text}
          </Link>
        ),
      )}
      {breaks !== null && (
        <Suspense fallback={null}>
          <KeyBreakMarks rows={rows} view={view} height={height} leftOut={breaks} />
        </Suspense>
      )}
    </div>
  );
});
