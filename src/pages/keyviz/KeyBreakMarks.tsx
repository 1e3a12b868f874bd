import { memo, useMemo } from 'react';
import './keyBreaks.css';
import type { RowMeta } from '../../data/matrix.ts';
import { breakText, keyBreaks } from '../../data/view/keyBreaks.ts';
import type { Viewport } from '../../data/view/index.ts';

/** The zigzag glyph's height with its border (keyBreaks.css). */
const GLYPH_PX = 11;

interface Props {
  rows: readonly RowMeta[];
  view: Viewport;
  height: number;
  /** Buckets with traffic the row budget left out (tracked_buckets - rows); 0 = not said. */
  leftOut: number;
}

/**
 * A mark on the key axis at each break where rows leave key space out (keyBreaks): a zigzag
 * (shape, not colour alone) on a dashed line across the axis, with the keys left out in its
 * title and accessible name. The marks in view are counted in a polite status line for screen
 * readers, who cannot hover.
 */
const KeyBreakMarks = memo(function KeyBreakMarks({ rows, view, height, leftOut }: Props) {
  const breaks = useMemo(() => keyBreaks(rows), [rows]);
  const pxPerRow = height / Math.max(1e-9, view.r1 - view.r0);
  const shown = breaks.filter((b) => b.row >= view.r0 && b.row <= view.r1);
  if (shown.length === 0) return null;
  return (
    <div className="key-breaks" data-testid="key-breaks">
      {shown.map((b) => {
        const text = breakText(b, leftOut > 0 ? leftOut : undefined);
        const y = Math.min(height, Math.max(0, (b.row - view.r0) * pxPerRow));
        return (
          <span
            key={b.row}
            // At the top edge the glyph goes below its line (above, the axis would clip it).
            className={y < GLYPH_PX ? 'key-break below' : 'key-break'}
            data-testid="key-break"
            data-row={b.row}
            role="img"
            aria-label={text}
            title={text}
            style={{ top: y }}
          >
            <svg width="14" height="8" viewBox="0 0 14 8" aria-hidden="true" focusable="false">
              <polyline points="0,4 2.5,1 5.5,7 8.5,1 11.5,7 14,4" />
            </svg>
          </span>
        );
      })}
      <span className="sr-only" role="status">
        {shown.length} {shown.length === 1 ? 'place' : 'places'} where the rows leave keys out
      </span>
    </div>
  );
});

export default KeyBreakMarks;
