import { memo, useMemo } from 'react';
import type { Series } from '../../data/matrix.ts';
import type { Palette, Scheme } from '../../data/colorRamp.ts';
import { rampGradientCss } from '../../data/colorRamp.ts';
import { formatDuration, formatInt, formatValue, seriesUnit } from '../../data/format.ts';
import type { Scale } from '../../data/scale.ts';
import { legendTicks } from './legend.ts';

const BAR_PX = 280;

interface Props {
  scale: Scale;
  series: Series;
  palette: Palette;
  scheme: Scheme;
  stepMs: number;
  /** Wider (history) columns are coloured by their count per step. */
  averaged?: boolean;
  /** The largest cell's exact digits (a uint64 may exceed what a double holds). */
  largest: string;
}

/** Colour bar with the scale's numbers and unit, so a colour can be read back as a value. */
export const Legend = memo(function Legend({
  scale,
  series,
  palette,
  scheme,
  stepMs,
  averaged = false,
  largest,
}: Props) {
  const ticks = useMemo(() => legendTicks(scale, BAR_PX, 56), [scale]);
  const unit = seriesUnit(series);
  const largestTitle = `Largest cell: ${formatInt(largest)} ${unit}`;
  // With brightness the bar's top is not the largest cell: then it gets its own label.
  const separate = formatValue(Number(largest), series) !== formatValue(scale.top, series);
  return (
    <div className="legend" data-testid="legend">
      <span className="legend-title">
        {series.replace('_', ' ')} ({unit}) per {formatDuration(stepMs)}
        {averaged ? ' (wider columns: their sum per step)' : ' column'}, {scale.kind} scale
      </span>
      <div className="legend-scale">
        <div
          className="legend-bar"
          style={{ width: BAR_PX, background: rampGradientCss(palette, scheme) }}
        >
          <span className="legend-zero" title="no traffic: the page background" />
          <span className="legend-zero-label">{formatValue(0, series)}</span>
        </div>
        <div className="legend-ticks" style={{ width: BAR_PX }}>
          {ticks.map((t) => {
            // The top label reads the largest cell: its exact digits are one hover away.
            const isMax = t.t === 1 && !separate;
            return (
              <span
                key={t.t}
                className="legend-tick"
                style={{ left: t.t * BAR_PX }}
                {...(isMax && { 'data-testid': 'legend-max', title: largestTitle })}
              >
                {formatValue(t.value, series)}
              </span>
            );
          })}
        </div>
      </div>
      {separate && (
        <span className="legend-max" data-testid="legend-max" title={largestTitle}>
          largest cell {formatValue(Number(largest), series)}
        </span>
      )}
    </div>
  );
});
