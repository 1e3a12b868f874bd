// The heatmap's pooling pass off the main thread: the page posts the cells (a structured-clone
// copy) with the layout and canvas size, the worker answers the pooled raster and its codes
// (transferred, no copy back). The same pure functions as the main thread's path (plotRaster.ts),
// so both give the same pixels.
import { pooledLayer, type PoolReply, type PoolRequest } from './poolJob.ts';

interface WorkerScope {
  onmessage: ((e: MessageEvent<PoolRequest>) => void) | null;
  postMessage(reply: PoolReply, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
scope.onmessage = (e) => {
  const { id } = e.data;
  try {
    const layer = pooledLayer(e.data);
    const { pooled, codes } = layer;
    // The big buffers are this job's own (no reuse here): moved, not copied. The device maps
    // (a few thousand ints) are copied.
    const t: Transferable[] = [pooled.values.buffer];
    if (codes) t.push(codes.codes.buffer, codes.values.buffer);
    scope.postMessage({ id, ...layer }, [...new Set(t)]);
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) }, []);
  }
};
