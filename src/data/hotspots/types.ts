// What hot-spot detection finds: ranked key ranges of the matrix the page holds, each with a
// diagnosis in words. Pure data; thresholds live in thresholds.ts.

export type HotSpotKind = 'sustained' | 'sequential' | 'moving' | 'periodic' | 'sudden';

export interface HotSpot {
  kind: HotSpotKind;
  /** 1 = the largest share of the total. */
  rank: number;
  /** Rows [r0, r1) of the matrix detection ran over. */
  r0: number;
  r1: number;
  /** Columns [c0, c1) the pattern spans. */
  c0: number;
  c1: number;
  /** Sum of the series over the hot spot's rows and columns. */
  total: number;
  /** total / the matrix's grand total (0..1). */
  share: number;
  /** The hottest cell inside the hot spot. */
  peak: { value: number; row: number; col: number; unixMs: number };
  /** One line in words, e.g. "Periodic batch: 12 bursts of 10 min, every 2 h". */
  diagnosis: string;
  /** Kind-specific figures the diagnosis was made from. */
  detail: HotSpotDetail;
}

export interface HotSpotDetail {
  /** The hot rows' level over the typical row (sustained, sudden, periodic). */
  ratio?: number;
  /** Sweeps or drifts merged into this range (sequential, moving). */
  passes?: number;
  /** +1 the head moves towards higher keys, -1 lower (sequential, moving). */
  direction?: 1 | -1;
  /** Bursts, their interval and length in ms (periodic). */
  bursts?: number;
  periodMs?: number;
  burstMs?: number;
  /** When the level rose / fell, unix ms (sudden). */
  upAtMs?: number;
  downAtMs?: number;
}

export const KIND_LABEL: Record<HotSpotKind, string> = {
  sustained: 'Sustained hot range',
  sequential: 'Sequential writes',
  moving: 'Moving hot spot',
  periodic: 'Periodic batch',
  sudden: 'Sudden change',
};
