// Hot keys between the protocols and the backends (contract §5.2): one request
// and one answer shape for the JSON endpoint, the GetKeyVizHotKeys RPC and the
// gateway's merge. Errors are ConnectErrors (see errors.ts for the codes).
import type { HotKeysResult } from '../sampler/hotkeys/query.ts';
import type { UpstreamStatus } from '../sampler/types.ts';

export interface HotKeysRequest {
  /** uint64: a real node's route ids may exceed 2^53. */
  routeId: bigint;
  /** '' = the legacy unlabelled slot. */
  label: string;
  subBucket: number | null;
  /** 1..1024 (protocol layer); the backend clamps it to the sketch capacity. */
  top: number;
  /** 0 = open on that side; both 0 = the latest window. */
  fromUnixMs: number;
  toUnixMs: number;
  /**
   * Gateway with several nodes: from/to are exact node flush times, not the gateway's
   * aligned column times (which it widens per node; docs/gateway.md). Others ignore it.
   */
  exactColumns?: boolean;
}

export interface HotKeysAnswer extends HotKeysResult {
  routeId: bigint;
  label: string;
  subBucket: number | null;
  /** Gateway only: how each node answered (empty for a local sampler). */
  nodes: UpstreamStatus[];
}

/** `top` default when omitted (JSON) or 0 (RPC). */
export const DEFAULT_HOT_KEYS_TOP = 20;
export const MAX_HOT_KEYS_TOP = 1024;
