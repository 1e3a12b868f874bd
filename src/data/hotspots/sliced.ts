// Detection sliced on the main thread, for a page where no worker can start (the worker has its
// own copy of the detection code: a worker is a bundle of its own).
import { detectSteps, type DetectInput } from './detect.ts';
import { runSliced, type SliceOptions } from '../steps.ts';
import type { HotSpot } from './types.ts';

export function detectSliced(input: DetectInput, opts: SliceOptions): Promise<HotSpot[]> {
  return runSliced(detectSteps(input), opts);
}
