// The seam between the protocols the server speaks (Connect, gRPC-Web, gRPC, the
// node's JSON API) and where the answers come from (the local sampler, a recorded
// fixture, or upstream nodes through the gateway). Errors are ConnectErrors with
// the node's codes, e.g. Unavailable "keyviz sampler not configured on this node".
import type {
  GetAdapterSummaryResponse,
  GetClusterOverviewResponse,
  GetRaftGroupsResponse,
  GetRouteDetailResponse,
} from '../src/gen/admin_pb.ts';
import type { RouteDetailRequest } from './console/local.ts';
import type { UpstreamBackend } from './gateway/upstream.ts';
import type { HotKeysAnswer, HotKeysRequest } from './hotkeys/types.ts';
import type { MatrixAnswer, MatrixRequest } from './sampler/types.ts';

export interface AdminBackend {
  getKeyVizMatrix(req: MatrixRequest, signal: AbortSignal): Promise<MatrixAnswer>;
  getClusterOverview(signal: AbortSignal): Promise<GetClusterOverviewResponse>;
  getRaftGroups(signal: AbortSignal): Promise<GetRaftGroupsResponse>;
  /**
   * Optional wire view of getKeyVizMatrix: a backend that already holds encoded
   * rows (the gateway) hands them out as is instead of being re-encoded.
   */
  getKeyVizMatrixWire?: UpstreamBackend['getKeyVizMatrixWire'];
  /** Console pages (contract §6); absent = Unimplemented, as on a real node. */
  getRouteDetail?(req: RouteDetailRequest, signal: AbortSignal): Promise<GetRouteDetailResponse>;
  getAdapterSummary?(signal: AbortSignal): Promise<GetAdapterSummaryResponse>;
  /** Hot keys (server/hotkeys/); absent = Unimplemented / 501. */
  getKeyVizHotKeys?(req: HotKeysRequest, signal: AbortSignal): Promise<HotKeysAnswer>;
}

/** The node's exact message when keyviz is switched off (shared with the page). */
export { KEYVIZ_DISABLED_MESSAGE } from '../src/api/nodeMessages.ts';
