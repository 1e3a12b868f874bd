import type { ConsoleError } from '../../api/consoleClient.ts';
import type { SessionAuth } from '../../api/source.ts';
import { SignInForm } from '../../shell/SignInForm.tsx';
import { TokenForm } from '../../shell/TokenForm.tsx';
import { useDataSource } from '../../shell/useDataSource.ts';

/** What a console page shows instead of its data: loading, sign-in, or why not. */
export function ConsoleState({
  what,
  error,
  session,
  onRetry,
}: {
  what: string;
  error: ConsoleError | null;
  session: SessionAuth | null;
  onRetry: () => void;
}) {
  // A sign-in (or a new token) is the console's: every page's loads run again.
  const { markSignedIn, tokenSet, setToken } = useDataSource();
  if (!error) {
    return (
      <section className="state" data-state="loading" aria-busy="true">
        <p>Loading {what}…</p>
      </section>
    );
  }
  if (error.kind === 'unauthenticated' && session) {
    return <SignInForm session={session} onSignedIn={markSignedIn} />;
  }
  if (error.kind === 'unauthenticated') {
    // Connect / gRPC-Web: the node wants a bearer token, asked here as on the heatmap.
    return (
      <section className="state" data-state="unauthenticated" role="alert">
        <h2>This node needs an Admin token</h2>
        <p>
          The node answered <code>{error.message || 'Unauthenticated'}</code>
        </p>
        <TokenForm onToken={setToken} rejected={tokenSet} />
      </section>
    );
  }
  return (
    <section className="state" data-state={error.kind} role="alert">
      <h2>
        {error.kind === 'unimplemented'
          ? `This node cannot show ${what}`
          : `Could not load ${what}`}
      </h2>
      <p>
        <code>{error.message}</code>
      </p>
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </section>
  );
}

/** Upstream nodes through the gateway, when one did not answer. */
export function FanoutNote({ nodes }: { nodes: { node: string; ok: boolean; error: string }[] }) {
  const down = nodes.filter((n) => !n.ok);
  if (down.length === 0) return null;
  return (
    <p className="fanout-note" role="status">
      {nodes.length - down.length} of {nodes.length} nodes answered.{' '}
      {down.map((n) => `${n.node}: ${n.error}`).join('; ')}
    </p>
  );
}
