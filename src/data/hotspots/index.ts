export { detectHotSpots, hottestCell, type DetectOptions } from './detect.ts';
export { KIND_LABEL, type HotSpot, type HotSpotDetail, type HotSpotKind } from './types.ts';
