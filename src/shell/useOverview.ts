import { useEffect, useState } from 'react';
import type { AdminClient } from '../api/client.ts';
import { describeLoadError } from './loadError.ts';
import type { NodeName } from './nodeLabel.ts';

export type { NodeName };

export interface NodeIdentity {
  /** The last name the node gave; null while unknown or when the server has none. */
  name: NodeName | null;
  /** How the ask of this `nonce` went: 'pending' until it settles. */
  state: 'pending' | 'ok' | 'unauthenticated' | 'failed';
}

/**
 * The node's identity for the header, asked again whenever `nonce` changes (the session's
 * epoch: a sign-in makes a refused ask answerable). A 401 clears the name: a signed-out page
 * shows nothing it could only learn signed in.
 */
export function useNodeIdentity(client: AdminClient, nonce: number): NodeIdentity {
  // One object per answer (not per render): the shared data source memoizes on it.
  const [id, setId] = useState<NodeIdentity & { nonce: number }>({
    name: null,
    state: 'pending',
    nonce,
  });
  // A new nonce is pending until its answer (React's derive-while-rendering pattern).
  if (id.nonce !== nonce) setId({ name: id.name, state: 'pending', nonce });
  useEffect(() => {
    const ac = new AbortController();
    client.getOverview(ac.signal).then(
      (o) => {
        if (ac.signal.aborted) return;
        // Behind a gateway (it lists its nodes) the name says so; with several nodes its
        // `self` is only the first that answered, not a name for the page's server.
        const upstreams = o?.nodes.map((n) => n.node) ?? [];
        const self = upstreams.length > 1 ? undefined : o?.self;
        const name =
          self || upstreams.length > 0
            ? { nodeId: self?.nodeId ?? '', address: self?.grpcAddress ?? '', upstreams }
            : null;
        setId({ name, state: 'ok', nonce });
      },
      (e: unknown) => {
        if (ac.signal.aborted) return;
        // The header is optional: the page's own load reports what went wrong.
        const unauth = describeLoadError(e).kind === 'unauthenticated';
        setId((s) =>
          unauth
            ? { name: null, state: 'unauthenticated', nonce }
            : { name: s.name, state: 'failed', nonce },
        );
      },
    );
    return () => ac.abort();
  }, [client, nonce]);
  return id;
}
