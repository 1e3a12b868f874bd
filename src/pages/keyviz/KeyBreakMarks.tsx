import { memo, useMemo } from 'react';
import './keyBreaks.css';
import type { RowMeta } from '../../data/matrix.ts';
import { clusterMarks, clusterText, keyBreaks } from '../../data/view/keyBreaks.ts';
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
 * title and accessible name. Breaks closer than a glyph share one mark with their count, a
 * bracket over their stretch instead of a line each (clusterMarks). The marks in view are counted in a polite status line for screen
 * readers, who cannot hover.
 */
const KeyBreakMarks = memo(function KeyBreakMarks({ rows, view, height, leftOut }: Props) {
  const breaks = useMemo(() => keyBreaks(rows), [rows]);
  const pxPerRow = height / Math.max(1e-9, view.r1 - view.r0);
  const shown = breaks.filter((b) => b.row >= view.r0 && b.row <= view.r1);
  if (shown.length === 0) return null;
  const ys = shown.map((b) => Math.min(height, Math.max(0, (b.row - view.r0) * pxPerRow)));
  return (
    <div className="key-breaks" data-testid="key-breaks">
      {clusterMarks(ys).map(([a, z]) => {
        const group = shown.slice(a, z + 1);
        const text = clusterText(group, leftOut > 0 ? leftOut : undefined);
        const y = ys[a];
        const many = group.length > 1;
        // At the top edge the glyph goes below its line (above, the axis would clip it).
        const cls = `key-break${many ? ' cluster' : ''}${y < GLYPH_PX ? ' below' : ''}`;
        return (
          <span
            key={group[0].row}
            className={cls}
            data-testid="key-break"
            data-row={group[0].row}
            data-breaks={group.length}
            role="img"
            aria-label={text}
            title={text}
            // A group spans its first to its last break (a bracket, no line over the labels).
            style={many ? { top: y, height: Math.max(1, ys[z] - y) } : { top: y }}
          >
            <svg width="14" height="8" viewBox="0 0 14 8" aria-hidden="true" focusable="false">
              <polyline points="0,4 2.5,1 5.5,7 8.5,1 11.5,7 14,4" />
            </svg>
            {many && (
              <span className="key-break-count" aria-hidden="true">
                {group.length}
              </span>
            )}
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
