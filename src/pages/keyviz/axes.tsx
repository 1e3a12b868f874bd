import { memo, useMemo, type ReactNode } from 'react';
import type { RowMeta } from '../../data/matrix.ts';
import { formatTimeWindow, localZoneLabel } from '../../data/format.ts';
import { timeTicks } from '../../data/timeAxis.ts';
import { placeTierMarks, type TierMark } from '../../data/columnTiers.ts';
import { keyAxisLabels } from './keyAxis.ts';

/** Room one time label needs ("HH:MM" or "Mon DD" at 11 px plus a gap). */
const TIME_LABEL_PX = 64;
/** Edge zone where a label is aligned to the edge instead of centred (no overflow). */
const EDGE_PX = 28;
/** Room a tier label needs ("10 min columns" at 11 px plus a gap). */
const TIER_LABEL_PX = 92;

interface TimeProps {
  fromMs: number;
  toMs: number;
  width: number;
  /** Where the column width changes (history tiers); none for columns of one width. */
  tiers?: readonly TierMark[];
  /** Drawn above the ticks (the event markers). */
  children?: ReactNode;
}

/** The time axis: ticks that never overlap, local midnights labelled with the date. */
export const TimeAxis = memo(function TimeAxis({
  fromMs,
  toMs,
  width,
  tiers,
  children,
}: TimeProps) {
  const ticks = useMemo(() => timeTicks(fromMs, toMs, width, TIME_LABEL_PX), [fromMs, toMs, width]);
  const marks = useMemo(
    () => (tiers?.length ? placeTierMarks(tiers, fromMs, toMs, width, TIER_LABEL_PX) : []),
    [tiers, fromMs, toMs, width],
  );
  const span = toMs - fromMs || 1;
  return (
    <div className="time-axis" data-testid="time-axis">
      {children}
      <div className="time-ticks" style={{ width }}>
        {ticks.map((t) => {
          const x = ((t.ms - fromMs) / span) * width;
          const align = x < EDGE_PX ? 'start' : x > width - EDGE_PX ? 'end' : 'mid';
          return (
            <span
              key={t.ms}
              className={`tick ${align}${t.major ? ' major' : ''}`}
              style={{ left: x }}
            >
              {t.label}
            </span>
          );
        })}
      </div>
      {marks.length > 0 && (
        <div className="tier-marks" style={{ width }} data-testid="tier-marks">
          {marks.map((mk) => (
            <span
              key={mk.ms}
              className={`tier-mark ${mk.align}`}
              style={{ left: mk.x }}
              title={mk.label}
              data-width-ms={mk.widthMs}
            >
              {mk.showLabel ? mk.label : null}
            </span>
          ))}
        </div>
      )}
      <div className="time-caption muted">
        {formatTimeWindow(fromMs, toMs)} · {localZoneLabel(toMs)}
      </div>
    </div>
  );
});

interface KeyProps {
  rows: readonly RowMeta[];
  height: number;
}

/** Key labels: the start key of evenly spaced rows, elided in the middle. */
export const KeyAxis = memo(function KeyAxis({ rows, height }: KeyProps) {
  const labels = useMemo(() => keyAxisLabels(rows, height, 16, 22), [rows, height]);
  return (
    <div className="key-axis" data-testid="key-axis" aria-label="Start keys of the rows">
      {labels.map((l) => (
        <span key={l.row} className="key-label" style={{ top: l.y }} title={l.full}>
          {l.text}
        </span>
      ))}
    </div>
  );
});
