// Legend ticks: the scale's nice values, thinned so labels never overlap on the bar.

import { scalePosition, type Scale } from '../../data/scale.ts';

export interface LegendTick {
  value: number;
  /** 0..1 along the bar. */
  t: number;
}

export function legendTicks(scale: Scale, widthPx: number, minGapPx: number): LegendTick[] {
  const want = Math.max(2, Math.floor(widthPx / minGapPx));
  // 0 is not on the bar: it is the background swatch beside it.
  const all = scale
    .ticks(want)
    .filter((v) => v > 0)
    .map((value) => ({ value, t: scalePosition(scale, value) }));
  const out: LegendTick[] = [];
  for (const tick of all) {
    const prev = out[out.length - 1];
    if (!prev || (tick.t - prev.t) * widthPx >= minGapPx) out.push(tick);
  }
  // The top of the scale is the most useful number: make sure it is there. Its label is
  // right-aligned at the bar's end (a centred one would overhang), so it reaches a full label
  // width left of its tick where the others reach half: it needs half a gap more room.
  const topT = 1;
  const last = out[out.length - 1];
  const topGap = minGapPx * 1.5;
  if (last && last.t < topT && (topT - last.t) * widthPx < topGap && out.length > 1) out.pop();
  if (!last || last.t < topT) out.push({ value: scale.top, t: topT });
  return out;
}
