// How the shell bar and the heatmap's title name what serves the page: a node by its id, a
// gateway as a gateway (its overview lists the nodes it asks, one or several). Pure.

export interface NodeName {
  /** The node's id; behind a gateway with one upstream, the node behind it. */
  nodeId: string;
  address: string;
  /** Behind a gateway: the nodes it asks, as configured; [] when the page talks to a node. */
  upstreams: string[];
}

export interface NodeLabel {
  text: string;
  /** The hover text: the node's address, or the gateway's upstream nodes. */
  title: string;
}

export function nodeLabel(n: NodeName): NodeLabel {
  const count = n.upstreams.length;
  if (count === 0) return { text: n.nodeId, title: n.address };
  const title = `A gateway in front of ${count === 1 ? 'the node' : `${count} nodes`}: ${n.upstreams.join(', ')}`;
  if (count === 1) return { text: `gateway to ${n.nodeId || n.upstreams[0]}`, title };
  return { text: `gateway to ${count} nodes`, title };
}
