// The default `npm start` matrix (mix, 2,000 routes, seed 1, 24 h) built the way the page gets
// it: the real workload fills a real Sampler, the server's wire encoder writes the answer and
// the page's decoder reads it. Shared by the hot-spot tests and bench.
import { toBinary } from '@bufbuild/protobuf';
import { decodeMatrixBytes } from '../../src/api/decodeMatrix.ts';
import type { Matrix, Series } from '../../src/data/matrix.ts';
import { GetKeyVizMatrixResponseWireSchema } from '../../src/gen/keyviz_wire_pb.ts';
import { ManualClock } from '../../server/sampler/clock.ts';
import { Sampler } from '../../server/sampler/sampler.ts';
import { createWorkload, type ScenarioName } from '../../server/workload/index.ts';
import { encodeMatrixWire } from '../../server/wire/encode-matrix.ts';

/** A fixed "now" on a UTC midnight: the window holds one whole day of every daily pattern. */
export const WORKLOAD_NOW = Date.UTC(2026, 10, 24, 0, 0, 0);

const SERIES_ENUM: Record<Series, number> = { reads: 1, writes: 2, read_bytes: 3, write_bytes: 4 };

export interface WorkloadMatrices {
  sampler: Sampler;
  matrix(series: Series, rows?: number): Matrix;
}

export function workloadMatrices(
  opts: { seed?: number; scenario?: ScenarioName; routes?: number } = {},
): WorkloadMatrices {
  const clock = new ManualClock(0);
  const sampler = new Sampler({ clock, stepMs: 60_000 });
  const wl = createWorkload({
    seed: opts.seed ?? 1,
    scenario: opts.scenario ?? 'mix',
    routes: opts.routes ?? 2000,
  });
  wl.backfill(sampler, clock, { now: WORKLOAD_NOW });
  return {
    sampler,
    matrix(series, rows = 1024) {
      const res = sampler.matrix({ series: SERIES_ENUM[series], fromUnixMs: 0, toUnixMs: 0, rows });
      const bytes = toBinary(GetKeyVizMatrixResponseWireSchema, encodeMatrixWire(res));
      return decodeMatrixBytes(bytes, series);
    },
  };
}
