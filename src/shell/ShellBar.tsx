// The bar every page shares: a skip link, the navigation (NavLink sets aria-current), the
// node's name, the data source and the session: on the JSON source its state and Sign out; on
// Connect / gRPC-Web whether a bearer token is in use (never its value) and a way to forget it.
// The bar and the pages read one data source (DataSourceProvider), so a sign-in on any page
// fetches the name again here, and Sign out here sends every page to its sign-in form.
import { lazy, Suspense } from 'react';
import { NavLink } from 'react-router-dom';
import { useDataSource } from './useDataSource.ts';
import { nodeLabel } from './nodeLabel.ts';
import './shell.css';

// The JSON source's session state and Sign out: with the sign-in form's chunk (a Connect
// page never loads it).
const ShellSession = lazy(() =>
  import('./SignInForm.tsx').then((m) => ({ default: m.ShellSession })),
);

const SOURCE_LABEL = { connect: 'Connect', 'grpc-web': 'gRPC-Web', json: 'JSON API' } as const;

/**
 * Connect / gRPC-Web: what the bar can truly say about credentials. A token kept for this tab
 * (refused or not, by the node's last answer) with "Forget token"; none while the node asks for
 * one; nothing when the node needs none. Known from sessionStorage at the first paint, so the
 * bar does not change under a page that loads without a token.
 */
function ShellToken() {
  const { tokenSet, setToken, node } = useDataSource();
  const refused = node.state === 'unauthenticated';
  if (!tokenSet) {
    return refused ? (
      <span data-testid="shell-token" className="muted">
        No admin token
      </span>
    ) : null;
  }
  return (
    <span className="shell-session">
      <span data-testid="shell-token" className="muted">
        {refused ? 'Admin token refused' : 'Admin token set'}
      </span>
      <button type="button" onClick={() => setToken('')}>
        Forget token
      </button>
    </span>
  );
}

export function ShellBar() {
  const { kind, session, signedOut, node: identity } = useDataSource();
  // Signed out, the bar shows nothing it could only learn signed in.
  const node = signedOut || !identity.name ? null : nodeLabel(identity.name);
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
      <span className="shell-meta">
        {node && (
          <span data-testid="shell-node" title={node.title || undefined}>
            {node.text}
          </span>
        )}
        <span data-testid="shell-source" className="muted">
          via {SOURCE_LABEL[kind]}
        </span>
      </span>
      {session ? (
        <Suspense fallback={null}>
          <ShellSession session={session} />
        </Suspense>
      ) : (
        <ShellToken />
      )}
    </section>
  );
}
