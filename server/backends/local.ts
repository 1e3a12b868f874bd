// AdminBackend over this process's own data: a Sampler (live workload or a
// replayed fixture) and the simulated cluster. A null sampler is a node with
// keyviz switched off.
//
// The pivot runs in slices between which the event loop serves other requests
// (Sampler.matrixSliced), and answers are shared through MatrixCache.
import { Code, ConnectError } from '@connectrpc/connect';
import type { GetClusterOverviewResponse, GetRaftGroupsResponse } from '../../src/gen/admin_pb.ts';
import { KEYVIZ_DISABLED_MESSAGE, type AdminBackend } from '../backend.ts';
import type { SimulatedCluster } from '../cluster/simulated.ts';
import { rowBudget, seriesCounter, type Sampler } from '../sampler/index.ts';
import type { MatrixAnswer, MatrixRequest } from '../sampler/types.ts';
import { MatrixCache, type MatrixCacheOptions } from './matrixCache.ts';
import { yieldToLoop } from './yieldToLoop.ts';
import { localHotKeys } from '../hotkeys/local.ts';
import type { EventHub } from '../events/hub.ts';
import { localAdapterSummary, localRouteDetail } from '../console/local.ts';

export interface LocalBackendOptions {
  sampler: Sampler | null;
  cluster: SimulatedCluster;
  /**
   * Flush counter: answers are cached while it stays the same. Omit it when
   * something flushes the sampler behind the backend's back (no caching then).
   */
  generation?: () => number;
  cache?: MatrixCacheOptions;
  /** The sampler's live event hub (StreamEvents). */
  events?: EventHub;
}

export interface LocalBackend extends AdminBackend {
  cache: MatrixCache;
}

export function createLocalBackend(opts: LocalBackendOptions): LocalBackend {
  const { sampler, cluster, generation, events } = opts;
  const cache = new MatrixCache(opts.cache);
  // Answers are shared between callers (and memoised encodings): never mutate one.
  const compute = async (req: MatrixRequest, signal: AbortSignal): Promise<MatrixAnswer> => {
    const m = await sampler!.matrixSliced(req, () => yieldToLoop(signal));
    return { ...m, nodes: [], conflicts: [] };
  };
  return {
    cache,
    getKeyVizMatrix(req: MatrixRequest, signal: AbortSignal): Promise<MatrixAnswer> {
      if (!sampler) {
        return Promise.reject(new ConnectError(KEYVIZ_DISABLED_MESSAGE, Code.Unavailable));
      }
      if (!generation) return compute(req, signal);
      const key = MatrixCache.key(
        seriesCounter(req.series),
        sampler.windowSpan(req.fromUnixMs, req.toUnixMs),
        rowBudget(req.rows),
      );
      return cache.get(key, generation(), (s) => compute(req, s), signal);
    },
    getClusterOverview(): Promise<GetClusterOverviewResponse> {
      return Promise.resolve(cluster.overview());
    },
    getRaftGroups(): Promise<GetRaftGroupsResponse> {
      return Promise.resolve(cluster.raftGroups());
    },
    getKeyVizHotKeys: localHotKeys(sampler),
    streamEvents(req, signal) {
      if (!sampler || !events) throw new ConnectError(KEYVIZ_DISABLED_MESSAGE, Code.Unavailable);
      return events.stream(req, signal);
    },
    getRouteDetail: async (req) => localRouteDetail(sampler, req),
    getAdapterSummary: async () => localAdapterSummary(sampler),
  };
}
