// Public surface of the sampler.
export * from './types.ts';
export { ManualClock, systemClock } from './clock.ts';
export { Sampler, DEFAULT_SAMPLER_OPTIONS } from './sampler.ts';
export type { SamplerConfig, SamplerObserver, RouteTransitionInfo } from './sampler.ts';
export { RouteRegistry } from './registry.ts';
export { buildMatrix } from './column-view.ts';
export { FIRST_VIRTUAL_ID } from './buckets.ts';
export { MAX_MATRIX_ROWS, rowBudget, seriesCounter, inWindow } from './request.ts';
export { compareBytes } from './keys.ts';
