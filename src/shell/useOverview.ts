import { useEffect, useState } from 'react';
import type { AdminClient } from '../api/client.ts';

export interface NodeName {
  nodeId: string;
  address: string;
}

/** The node's identity for the header; null while unknown or when the server has none. */
export function useNodeName(client: AdminClient, nonce: number): NodeName | null {
  const [name, setName] = useState<NodeName | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    client.getOverview(ac.signal).then(
      (o) => {
        if (o?.self) setName({ nodeId: o.self.nodeId, address: o.self.grpcAddress });
      },
      () => {
        // The header is optional: the heatmap's own load reports what went wrong.
      },
    );
    return () => ac.abort();
  }, [client, nonce]);
  return name;
}
