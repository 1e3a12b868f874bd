import { memo, useMemo } from 'react';
import type { RowMeta } from '../../data/matrix.ts';
import { describeKey, elideMiddle } from '../../data/keys.ts';
import { displayKey } from '../../data/keys.ts';
import { keyBands, visibleBands, type Viewport } from '../../data/view/index.ts';

/** Band columns shown (db / table / index style nesting). */
const DEPTHS = 3;
/** Bands thinner than this (px) are not labelled. */
const MIN_BAND_PX = 16;
/** Room of one vertical character at 11 px. */
const CHAR_PX = 7;
/** Room between row labels. */
const LABEL_GAP_PX = 16;

interface Props {
  rows: readonly RowMeta[];
  view: Viewport;
  height: number;
  onHighlight: (rows: { r0: number; r1: number } | null) => void;
}

/**
 * The key axis: nested bands of rows sharing a key prefix (vertical labels, elided in the
 * middle, hidden when too thin; hover highlights the band's rows), then the start keys of rows
 * spaced so they never crowd.
 */
export const KeyBandAxis = memo(function KeyBandAxis({ rows, view, height, onHighlight }: Props) {
  const bands = useMemo(() => keyBands(rows, DEPTHS, 2), [rows]);
  const pxPerRow = height / Math.max(1e-9, view.r1 - view.r0);
  const shown = visibleBands(bands, view, pxPerRow, MIN_BAND_PX);
  const labels = useMemo(() => {
    const out: { row: number; y: number; text: string; full: string }[] = [];
    const every = Math.max(1, Math.ceil(LABEL_GAP_PX / pxPerRow));
    const first = Math.max(0, Math.ceil(view.r0 / every) * every);
    for (let r = first; r < Math.min(rows.length, view.r1); r += every) {
      const y = (r - view.r0) * pxPerRow;
      if (y + Math.min(pxPerRow, LABEL_GAP_PX) > height + 0.5) break;
      const d = describeKey(rows[r].start, 'start');
      const full = d.openEnd ?? d.display;
      out.push({ row: r, y, text: elideMiddle(full, 16), full });
    }
    return out;
  }, [rows, view.r0, view.r1, pxPerRow, height]);

  return (
    <div
      className="key-axis explore-key-axis"
      data-testid="key-axis"
      aria-label="Key ranges of the rows"
    >
      <div className="key-bands" data-testid="key-bands">
        {shown.map(({ band, y, height: h }) => {
          const full = displayKey(band.prefix);
          return (
            <div
              key={`${band.depth}:${band.r0}`}
              className="key-band"
              data-depth={band.depth}
              title={`${full} (${band.r1 - band.r0} rows)`}
              style={{ top: y, height: h, left: band.depth * 18 }}
              onPointerEnter={() => onHighlight({ r0: band.r0, r1: band.r1 })}
              onPointerLeave={() => onHighlight(null)}
            >
              <span className="key-band-label">
                {elideMiddle(band.label, Math.max(1, Math.floor((h - 4) / CHAR_PX)))}
              </span>
            </div>
          );
        })}
      </div>
      {labels.map((l) => (
        <span key={l.row} className="key-label" style={{ top: l.y }} title={l.full}>
          {l.text}
        </span>
      ))}
    </div>
  );
});
