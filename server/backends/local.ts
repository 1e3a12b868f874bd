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
import type { MatrixAnswer, MatrixRequest, MatrixResult } from '../sampler/types.ts';
import { foldMatrixSliced } from '../sampler/fold.ts';
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
  /**
   * Answers instead of the sampler's pivot (the history store joining older tiers), in slices
   * with `pause()` between them, as the sampler's own pivot.
   */
  matrix?: (req: MatrixRequest, pause: () => Promise<void>) => Promise<MatrixResult>;
  /** Added to the answer cache's key when `matrix` reads beyond the ring. */
  matrixSpan?: (req: MatrixRequest) => string;
}

export interface LocalBackend extends AdminBackend {
  cache: MatrixCache;
}

export function createLocalBackend(opts: LocalBackendOptions): LocalBackend {
  const { sampler, cluster, generation, events, matrix } = opts;
  const cache = new MatrixCache(opts.cache);
  // Answers are shared between callers (and memoised encodings): never mutate one.
  const compute = async (req: MatrixRequest, signal: AbortSignal): Promise<MatrixAnswer> => {
    const pause = () => yieldToLoop(signal);
    const m = matrix ? await matrix(req, pause) : await sampler!.matrixSliced(req, pause);
    // Asked to fold, the pivot kept every bucket (pivotBudget): fold them to the budget.
    const answer = req.foldKeySpace ? await foldMatrixSliced(m, rowBudget(req.rows), pause) : m;
    return { ...answer, nodes: [], conflicts: [] };
  };
  return {
    cache,
    getKeyVizMatrix(req: MatrixRequest, signal: AbortSignal): Promise<MatrixAnswer> {
      if (!sampler) {
        return Promise.reject(new ConnectError(KEYVIZ_DISABLED_MESSAGE, Code.Unavailable));
      }
      if (!generation) return compute(req, signal);
      const key =
        MatrixCache.key(
          seriesCounter(req.series),
          sampler.windowSpan(req.fromUnixMs, req.toUnixMs) + (opts.matrixSpan?.(req) ?? ''),
          rowBudget(req.rows),
        ) + (req.foldKeySpace ? '|fold' : '');
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
