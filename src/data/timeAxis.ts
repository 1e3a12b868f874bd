// Time-axis ticks in local time. The step is the smallest from a fixed ladder (1 min .. 7 d)
// whose spacing in pixels is at least minLabelPx, so labels never overlap. Every step divides a
// day, so local midnights are always ticks: those are "major" and labelled with the date.

export interface TimeTick {
  ms: number;
  label: string;
  major: boolean;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Nominal step lengths; sub-day steps divide 24 h, so they align to local midnight. */
export const TICK_STEPS: readonly number[] = [
  MIN,
  2 * MIN,
  5 * MIN,
  10 * MIN,
  15 * MIN,
  30 * MIN,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

function dateLabel(d: Date): string {
  return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
}

/** Chooses the step: the smallest whose on-screen spacing fits a label. */
export function chooseTickStep(
  fromMs: number,
  toMs: number,
  widthPx: number,
  minLabelPx: number,
): number {
  const pxPerMs = widthPx / (toMs - fromMs);
  // Calendar days can be 23 h (DST), so day steps must fit a label in their shortest length.
  for (const s of TICK_STEPS) if (shortest(s) * pxPerMs >= minLabelPx) return s;
  return TICK_STEPS[TICK_STEPS.length - 1];
}

/** The shortest real duration a nominal step can take (DST removes an hour from a day). */
function shortest(step: number): number {
  return step >= DAY ? step - HOUR * Math.round(step / DAY) : step;
}

/**
 * Ticks within [fromMs, toMs]. Label "HH:MM"; local midnights are major and show "Mon D".
 * Day steps place ticks at local midnights (DST-safe: days are advanced on the calendar).
 */
export function timeTicks(
  fromMs: number,
  toMs: number,
  widthPx: number,
  minLabelPx: number,
): TimeTick[] {
  if (!(toMs > fromMs) || !(widthPx > 0) || !Number.isFinite(fromMs) || !Number.isFinite(toMs)) {
    return [];
  }
  const step = chooseTickStep(fromMs, toMs, widthPx, Math.max(1, minLabelPx));
  const out: TimeTick[] = [];
  const d = new Date(fromMs);

  if (step >= DAY) {
    const days = Math.round(step / DAY);
    d.setHours(0, 0, 0, 0);
    // Align multi-day steps to the day of the month (1, 3, 5... or 1, 8, 15...).
    while (d.getTime() < fromMs || (d.getDate() - 1) % days !== 0) d.setDate(d.getDate() + 1);
    let last = -Infinity;
    for (let guard = 0; d.getTime() <= toMs && guard < 10_000; guard++) {
      // After a month rollover the 1st can come early: keep only ticks a full step apart.
      if (d.getTime() - last >= shortest(step)) {
        out.push({ ms: d.getTime(), label: dateLabel(d), major: true });
        last = d.getTime();
      }
      const day = d.getDate();
      d.setDate(day + days);
      // Month rollover: restart alignment at the 1st of the new month.
      if (d.getDate() !== 1 && d.getDate() < day) d.setDate(1);
    }
    return out;
  }

  // Sub-day: start at the local day's midnight and walk by wall-clock minutes, so tick labels
  // stay on round local times across a DST change (a repeated/skipped hour just shifts).
  const stepMin = step / MIN;
  const midnight = new Date(fromMs);
  midnight.setHours(0, 0, 0, 0);
  let minuteOfDay = Math.ceil((fromMs - midnight.getTime()) / MIN / stepMin) * stepMin;
  const cur = new Date(midnight.getTime());
  for (let guard = 0; guard < 100_000; guard++) {
    if (minuteOfDay >= 24 * 60) {
      midnight.setDate(midnight.getDate() + 1);
      minuteOfDay = 0;
    }
    cur.setTime(midnight.getTime());
    cur.setHours(Math.floor(minuteOfDay / 60), minuteOfDay % 60, 0, 0);
    const ms = cur.getTime();
    if (ms > toMs) break;
    if (ms >= fromMs && (out.length === 0 || ms > out[out.length - 1].ms)) {
      const major = minuteOfDay === 0;
      out.push({
        ms,
        label: major ? dateLabel(cur) : `${pad2(cur.getHours())}:${pad2(cur.getMinutes())}`,
        major,
      });
    }
    minuteOfDay += stepMin;
  }
  return out;
}
