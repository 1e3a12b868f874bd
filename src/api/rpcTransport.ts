// protobuf-es and a connect Transport (leanTransport.ts, on fetch) for the calls beyond the
// heatmap's matrix and the live stream (the node's name, the console pages, hot keys). Imported
// lazily: the first paint of /keyviz does its one call with src/api/leanRpc.ts and never waits
// for this module (issue 17's bundle).

import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type Transport } from '@connectrpc/connect';
import {
  Admin,
  GetClusterOverviewRequestSchema,
  GetClusterOverviewResponseSchema,
  type GetClusterOverviewResponse,
} from '../gen/admin_pb.ts';
import type { TransportKind } from './config.ts';
import { leanTransport } from './leanTransport.ts';

export interface TransportOptions {
  baseUrl: string;
  transport: TransportKind;
  fetch?: typeof globalThis.fetch;
}

export function makeTransport(opts: TransportOptions): Transport {
  return leanTransport(opts);
}

/** GetClusterOverview; null when the server does not implement it. */
export async function getOverview(
  transport: Transport,
  headers: Record<string, string> | undefined,
  signal?: AbortSignal,
  timeoutMs?: number,
): Promise<GetClusterOverviewResponse | null> {
  try {
    const res = await transport.unary(
      Admin.method.getClusterOverview,
      signal,
      timeoutMs,
      headers,
      create(GetClusterOverviewRequestSchema),
    );
    return res.message;
  } catch (e) {
    const err = ConnectError.from(e);
    if (err.code === Code.Unimplemented) return null;
    throw err;
  }
}

/**
 * The overview message the JSON source can give: the node's id and, behind a gateway, the
 * nodes it asks. Through a gateway the JSON node_id is the gateway's own name, so with one
 * upstream the node behind it is named by its address (what the Connect overview's `self`
 * names), and with several no node is `self`.
 */
export function overviewOfNode(
  nodeId: string,
  upstreams: readonly { node: string; ok: boolean }[] = [],
): GetClusterOverviewResponse {
  const nodes = upstreams.map((u) => ({ node: u.node, ok: u.ok }));
  if (nodes.length === 0) return create(GetClusterOverviewResponseSchema, { self: { nodeId } });
  const self = nodes.length === 1 ? { nodeId: nodes[0].node } : undefined;
  return create(GetClusterOverviewResponseSchema, { self, nodes });
}
