// AdminBackend over this process's own data: a Sampler (live workload or a
// replayed fixture) and the simulated cluster. A null sampler is a node with
// keyviz switched off.
import { Code, ConnectError } from '@connectrpc/connect';
import type { GetClusterOverviewResponse, GetRaftGroupsResponse } from '../../src/gen/admin_pb.ts';
import { KEYVIZ_DISABLED_MESSAGE, type AdminBackend } from '../backend.ts';
import type { SimulatedCluster } from '../cluster/simulated.ts';
import type { Sampler } from '../sampler/index.ts';
import type { MatrixAnswer, MatrixRequest } from '../sampler/types.ts';
import { MatrixCache } from './matrixCache.ts';
import { localAdapterSummary, localRouteDetail } from '../console/local.ts';
import { localHotKeys } from '../hotkeys/local.ts';

export interface LocalBackendOptions {
  sampler: Sampler | null;
  cluster: SimulatedCluster;
  /**
   * Flush counter: answers are cached while it stays the same. Omit it when
   * something flushes the sampler behind the backend's back (no caching then).
   */
  generation?: () => number;
}

export function createLocalBackend(opts: LocalBackendOptions): AdminBackend {
  const { sampler, cluster, generation } = opts;
  const cache = new MatrixCache();
  // Answers are shared between callers (and memoised encodings): never mutate one.
  const compute = (req: MatrixRequest): MatrixAnswer => ({
    ...sampler!.matrix(req),
    nodes: [],
    conflicts: [],
  });
  return {
    getKeyVizMatrix(req: MatrixRequest): Promise<MatrixAnswer> {
      if (!sampler) {
        return Promise.reject(new ConnectError(KEYVIZ_DISABLED_MESSAGE, Code.Unavailable));
      }
      if (!generation) return Promise.resolve(compute(req));
      return Promise.resolve(cache.get(req, generation(), () => compute(req)));
    },
    getClusterOverview(): Promise<GetClusterOverviewResponse> {
      return Promise.resolve(cluster.overview());
    },
    getRaftGroups(): Promise<GetRaftGroupsResponse> {
      return Promise.resolve(cluster.raftGroups());
    },
    getRouteDetail: async (req) => localRouteDetail(sampler, req),
    getAdapterSummary: async () => localAdapterSummary(sampler),
    getKeyVizHotKeys: localHotKeys(sampler),
  };
}
