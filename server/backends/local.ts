// AdminBackend over this process's own data: a Sampler (live workload or a
// replayed fixture) and the simulated cluster. A null sampler is a node with
// keyviz switched off.
import { Code, ConnectError } from '@connectrpc/connect';
import type {
  GetClusterOverviewResponse,
  GetRaftGroupsResponse,
} from '../../src/gen/admin_pb.ts';
import { KEYVIZ_DISABLED_MESSAGE, type AdminBackend } from '../backend.ts';
import type { SimulatedCluster } from '../cluster/simulated.ts';
import type { Sampler } from '../sampler/index.ts';
import type { MatrixAnswer, MatrixRequest } from '../sampler/types.ts';

export interface LocalBackendOptions {
  sampler: Sampler | null;
  cluster: SimulatedCluster;
}

export function createLocalBackend(opts: LocalBackendOptions): AdminBackend {
  const { sampler, cluster } = opts;
  return {
    getKeyVizMatrix(req: MatrixRequest): Promise<MatrixAnswer> {
      if (!sampler) {
        return Promise.reject(new ConnectError(KEYVIZ_DISABLED_MESSAGE, Code.Unavailable));
      }
      return Promise.resolve({ ...sampler.matrix(req), nodes: [], conflicts: [] });
    },
    getClusterOverview(): Promise<GetClusterOverviewResponse> {
      return Promise.resolve(cluster.overview());
    },
    getRaftGroups(): Promise<GetRaftGroupsResponse> {
      return Promise.resolve(cluster.raftGroups());
    },
  };
}
