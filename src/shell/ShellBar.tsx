// The bar every page shares: a skip link, the navigation (NavLink sets aria-current), the
// node's name, the data source and, on the JSON source, the session (its state and Sign out).
// The bar and the pages read one data source (DataSourceProvider), so a sign-in on any page
// fetches the name again here, and Sign out here sends every page to its sign-in form.
import { lazy, Suspense } from 'react';
import { NavLink } from 'react-router-dom';
import { useDataSource } from './useDataSource.ts';
import './shell.css';

// The JSON source's session control: a chunk of its own (a Connect page never loads it).
const SignOutButton = lazy(() =>
  import('./SignInForm.tsx').then((m) => ({ default: m.SignOutButton })),
);

const SOURCE_LABEL = { connect: 'Connect', 'grpc-web': 'gRPC-Web', json: 'JSON API' } as const;

export function ShellBar() {
  const { kind, session, signedOut, node: identity, markSignedOut } = useDataSource();
  // Signed out, the bar shows nothing it could only learn signed in.
  const node = signedOut ? null : identity.name;
  const signedIn = session !== null && !signedOut && identity.state === 'ok';
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
          <span data-testid="shell-node" title={node.address || undefined}>
            {node.nodeId}
          </span>
        )}
        <span data-testid="shell-source" className="muted">
          via {SOURCE_LABEL[kind]}
        </span>
        {session && (signedOut || signedIn) && (
          <span data-testid="shell-session" className="muted">
            {signedIn ? 'Signed in' : 'Not signed in'}
          </span>
        )}
      </span>
      {session && signedIn && (
        <Suspense fallback={null}>
          <SignOutButton session={session} onSignedOut={markSignedOut} />
        </Suspense>
      )}
    </section>
  );
}
