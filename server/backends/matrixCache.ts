// Answers of GetKeyVizMatrix between two flushes: the history only changes at
// a flush, so repeated requests (page polling, several tabs, the start-up
// warm-up) reuse one pivot. Keyed by the normalised request and a flush
// generation; a new generation empties the cache.
import { rowBudget, seriesCounter } from '../sampler/index.ts';
import type { MatrixAnswer, MatrixRequest } from '../sampler/types.ts';

export class MatrixCache {
  private gen = -1;
  private readonly entries = new Map<string, MatrixAnswer>();

  constructor(private readonly maxEntries = 8) {}

  /** Same series counter, window and row budget = same answer. */
  static key(req: MatrixRequest): string {
    return `${seriesCounter(req.series)}|${req.fromUnixMs}|${req.toUnixMs}|${rowBudget(req.rows)}`;
  }

  get(req: MatrixRequest, generation: number, compute: () => MatrixAnswer): MatrixAnswer {
    if (generation !== this.gen) {
      this.entries.clear();
      this.gen = generation;
    }
    const k = MatrixCache.key(req);
    const hit = this.entries.get(k);
    if (hit) {
      // Refresh its place: the map's order is the eviction order.
      this.entries.delete(k);
      this.entries.set(k, hit);
      return hit;
    }
    const a = compute();
    this.entries.set(k, a);
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return a;
  }
}
