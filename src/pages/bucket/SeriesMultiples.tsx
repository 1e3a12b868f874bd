// The bucket's four series as small multiples on one time axis. The column under the
// pointer (or chosen with the arrow keys) is marked in all four, with its values.
import { useCallback } from 'react';
import { formatClock, formatDate, formatValue } from '../../data/format.ts';
import type { Series } from '../../data/matrix.ts';
import { SERIES_ORDER, type TermChange } from './bucketModel.ts';

const NAMES: Record<Series, string> = {
  reads: 'Reads',
  writes: 'Writes',
  read_bytes: 'Read bytes',
  write_bytes: 'Write bytes',
};

/** SVG path of an area chart in a 1000 x 100 box, one step per column. */
function areaPath(values: readonly number[], max: number): string {
  const n = values.length;
  if (n === 0 || max <= 0) return '';
  const w = 1000 / n;
  let d = 'M0,100';
  for (let i = 0; i < n; i++) {
    const y = 100 - (values[i] / max) * 96;
    d += `L${(i * w).toFixed(2)},${y.toFixed(2)}L${((i + 1) * w).toFixed(2)},${y.toFixed(2)}`;
  }
  return `${d}L1000,100Z`;
}

interface Props {
  columns: readonly number[];
  series: Record<Series, number[]>;
  changes: readonly TermChange[];
  cursor: number | null;
  onCursor: (col: number | null) => void;
  /** A click (or Enter) picks the column, e.g. for its hot keys. */
  onPick?: (col: number) => void;
}

export function SeriesMultiples({ columns, series, changes, cursor, onCursor, onPick }: Props) {
  const n = columns.length;
  const colAt = useCallback(
    (e: React.MouseEvent<SVGSVGElement>) => {
      const box = e.currentTarget.getBoundingClientRect();
      const c = Math.floor(((e.clientX - box.left) / box.width) * n);
      return Math.min(n - 1, Math.max(0, c));
    },
    [n],
  );
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && cursor !== null) onPick?.(cursor);
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const cur = cursor ?? n - 1;
    onCursor(Math.min(n - 1, Math.max(0, cur + (e.key === 'ArrowLeft' ? -1 : 1))));
  };
  const x = (c: number) => ((c + 0.5) * 1000) / Math.max(1, n);
  return (
    <div
      className="multiples"
      role="group"
      aria-label="Series over time; arrow keys move the marked column"
      tabIndex={0}
      onKeyDown={onKey}
      data-testid="multiples"
    >
      {SERIES_ORDER.map((s) => {
        const vals = series[s];
        const max = vals.reduce((m, v) => (v > m ? v : m), 0);
        return (
          <div className="multiple" key={s} data-series={s}>
            <span>
              {NAMES[s]}
              <br />
              <span className="muted">max {vals.length ? formatValue(max, s) : '—'}</span>
            </span>
            <svg
              viewBox="0 0 1000 100"
              preserveAspectRatio="none"
              role="img"
              aria-label={`${NAMES[s]}: ${vals.length ? `peak ${formatValue(max, s)}` : 'not available from this node'}`}
              onPointerMove={(e) => onCursor(colAt(e))}
              onPointerLeave={() => onCursor(null)}
              onClick={(e) => onPick?.(colAt(e))}
            >
              <path className="spark" d={areaPath(vals, max)} />
              {changes
                .filter((c) => c.kind !== 'first')
                .map((c) => (
                  <line
                    key={c.col}
                    className="change-mark"
                    x1={(c.col * 1000) / n}
                    x2={(c.col * 1000) / n}
                    y1={0}
                    y2={100}
                    opacity={0.5}
                  />
                ))}
              {cursor !== null && (
                <line className="cursor-line" x1={x(cursor)} x2={x(cursor)} y1={0} y2={100} />
              )}
            </svg>
            <span className="num" data-testid={`value-${s}`}>
              {cursor !== null && vals.length ? formatValue(vals[cursor] ?? 0, s) : ''}
            </span>
          </div>
        );
      })}
      <div className="axis-times muted">
        <span>{n ? `${formatDate(columns[0])} ${formatClock(columns[0])}` : ''}</span>
        <span role="status" aria-live="polite" data-testid="cursor-time">
          {cursor !== null && n
            ? `Column ${formatDate(columns[cursor])} ${formatClock(columns[cursor])}`
            : ''}
        </span>
        <span>{n ? `${formatDate(columns[n - 1])} ${formatClock(columns[n - 1])}` : ''}</span>
      </div>
    </div>
  );
}
