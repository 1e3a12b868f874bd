// The bar every page shares: a skip link, the navigation (NavLink sets aria-current), the
// node's name and the data source. Sign-in and sign-out stay with each page's data.
import { NavLink } from 'react-router-dom';
import { useDataSource } from './useDataSource.ts';
import { useNodeName } from './useOverview.ts';
import './shell.css';

const SOURCE_LABEL = { connect: 'Connect', 'grpc-web': 'gRPC-Web', json: 'JSON API' } as const;

export function ShellBar() {
  const { client, kind } = useDataSource();
  const node = useNodeName(client, 0);
  return (
    <section className="shell-bar" aria-label="Console bar">
      <a className="skip-link" href="#main-content">
        Skip to main content
      </a>
      <nav aria-label="Console">
        <NavLink to="/keyviz">Key Visualizer</NavLink>
        <NavLink to="/cluster">Cluster</NavLink>
        <NavLink to="/adapters">Adapters</NavLink>
      </nav>
      <span className="shell-meta muted">
        {node && (
          <span data-testid="shell-node" title={node.address || undefined}>
            {node.nodeId}
          </span>
        )}
        <span data-testid="shell-source">via {SOURCE_LABEL[kind]}</span>
      </span>
    </section>
  );
}
