// The narrow slice of the sampler the workload drives. The real Sampler
// (server/sampler/sampler.ts) satisfies it; tests use counting fakes.
import type { Op, RouteInfo } from '../sampler/types.ts';
import type { Catalogue, TopologyEvent } from './catalogue.ts';

export interface SamplerSink {
  registerRoute(route: RouteInfo): unknown;
  removeRoute(id: number): unknown;
  /** Left half keeps `id`; the right half [key, end) becomes `newId`. */
  splitRoute?(id: number, key: Uint8Array, newId: number): unknown;
  /** Merges touching routes; the result keeps `leftId`. */
  mergeRoutes?(leftId: number, rightId: number): unknown;
  /** `label`: the adapter that served the request (optional; '' = none). */
  observe(routeId: number, key: Uint8Array, op: Op, valueLength: number, label?: string): void;
  flush(): void;
}

/**
 * Tells the sink about a split or merge already applied to `cat`. Sinks
 * without split/merge get remove + register, which keeps the tiling but not
 * the heatmap's continuity across the change.
 */
export function applyToSink(sink: SamplerSink, cat: Catalogue, ev: TopologyEvent): void {
  if (ev.kind === 'split') {
    if (sink.splitRoute) {
      sink.splitRoute(ev.id, ev.key, ev.newId);
      return;
    }
    sink.removeRoute(ev.id);
    for (const r of cat.all()) {
      if (r.info.id === ev.id || r.info.id === ev.newId) sink.registerRoute({ ...r.info });
    }
    return;
  }
  if (sink.mergeRoutes) {
    sink.mergeRoutes(ev.leftId, ev.rightId);
    return;
  }
  sink.removeRoute(ev.leftId);
  sink.removeRoute(ev.rightId);
  const merged = cat.all().find((r) => r.info.id === ev.leftId);
  if (merged) sink.registerRoute({ ...merged.info });
}
