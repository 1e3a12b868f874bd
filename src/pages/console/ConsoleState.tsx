import type { ConsoleError } from '../../api/consoleClient.ts';
import type { SessionAuth } from '../../api/source.ts';
import { SignInForm } from '../../shell/SignInForm.tsx';
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
  // A sign-in is the console's: every page's loads (keyed on the session) run again.
  const { markSignedIn } = useDataSource();
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
  return (
    <section className="state" data-state={error.kind} role="alert">
      <h2>
        {error.kind === 'unimplemented'
          ? `This node cannot show ${what}`
          : error.kind === 'unauthenticated'
            ? 'Not signed in'
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
