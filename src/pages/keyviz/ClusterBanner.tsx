import type { NodeStatus } from '../../data/matrix.ts';

/**
 * Cluster view (through the gateway): which nodes answered. Honest about a partial picture: a
 * node that failed is named with its error, because its routes' traffic is missing.
 */
export function ClusterBanner({ nodes }: { nodes: readonly NodeStatus[] }) {
  if (nodes.length === 0) return null;
  const failed = nodes.filter((n) => !n.ok);
  const ok = nodes.length - failed.length;
  return (
    <div
      className={failed.length ? 'cluster-banner partial' : 'cluster-banner'}
      role="status"
      data-testid="cluster-banner"
    >
      Cluster view: {ok} of {nodes.length} nodes answered
      {failed.length > 0 && (
        <>
          {' '}
          — missing:{' '}
          {failed.map((n, i) => (
            <span key={n.node}>
              {i > 0 && '; '}
              <code>{n.node}</code> {n.error || n.code}
            </span>
          ))}
        </>
      )}
    </div>
  );
}
