// One pooling job of the plot (a new answer, view or canvas size): the max-pooled raster of the
// view on the device grid and its 16-bit codes. Pure, so the worker (pool.worker.ts) and the
// main thread's fallback (PlotPainter without a worker) run the very same steps.
import type { ColumnEdges, Viewport } from '../../../data/view/index.ts';
import { encodePooled, poolViewport, type Pooled, type PooledCodes } from '../plotRaster.ts';

export interface PoolRequest {
  id: number;
  values: Float64Array;
  rowCount: number;
  colCount: number;
  edges: ColumnEdges;
  view: Viewport;
  devW: number;
  devH: number;
}

export interface PooledLayer {
  pooled: Pooled;
  /** Null: too many distinct values to code; colour the pooled values directly. */
  codes: PooledCodes | null;
}

export type PoolReply = ({ id: number } & PooledLayer) | { id: number; error: string };

/** `reuse`: the previous layer's buffers of the same sizes (main thread only). */
export function pooledLayer(
  r: Omit<PoolRequest, 'id'>,
  reuse?: { values?: Float64Array; codes?: Uint16Array },
): PooledLayer {
  const pooled = poolViewport(r, r.edges, r.view, r.devW, r.devH, reuse?.values);
  return { pooled, codes: encodePooled(pooled.values, reuse?.codes) };
}
