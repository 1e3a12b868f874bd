export { detectHotSpots, detectSteps, type DetectInput, type DetectOptions } from './detect.ts';
export { hottestCell } from './hottest.ts';
export { runSliced, runSteps, type SliceOptions } from '../steps.ts';
export { KIND_LABEL, type HotSpot, type HotSpotDetail, type HotSpotKind } from './types.ts';
