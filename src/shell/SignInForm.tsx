import { useId, useState } from 'react';
import { useDataSource } from './useDataSource.ts';
import type { SessionAuth } from '../api/source.ts';
import { signInErrorText } from './session.ts';
import './session.css';

interface Props {
  session: SessionAuth;
  /** Called once the node accepted the keys (the session cookie is set). */
  onSignedIn: () => void;
  /** Why the form is shown, e.g. an expired session. */
  reason?: string;
}

/**
 * Sign-in to the node's JSON admin API. The keys live only in this form's state until sent:
 * the session is the node's HttpOnly cookie, so nothing secret is stored by the page.
 */
export function SignInForm({ session, onSignedIn, reason }: Props) {
  const [accessKey, setAccessKey] = useState('');
  const [secretKey, setSecretKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const errId = `${id}-error`;

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await session.login(accessKey.trim(), secretKey);
      setSecretKey('');
      onSignedIn();
    } catch (e) {
      setSecretKey('');
      setError(signInErrorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="state" data-state="signin">
      <h2>Sign in to the node</h2>
      {reason && <p className="muted">{reason}</p>}
      <form
        className="signin-form"
        aria-describedby={error ? errId : undefined}
        onSubmit={(e) => {
          e.preventDefault();
          if (busy) return;
          // Say what is missing rather than a silently disabled button.
          if (!accessKey.trim() || !secretKey)
            setError('Enter both the access key and the secret key.');
          else void submit();
        }}
      >
        <div className="signin-field">
          <label htmlFor={`${id}-access`}>Access key</label>
          <input
            id={`${id}-access`}
            name="username"
            autoComplete="username"
            spellCheck={false}
            value={accessKey}
            onChange={(e) => setAccessKey(e.target.value)}
          />
        </div>
        <div className="signin-field">
          <label htmlFor={`${id}-secret`}>Secret key</label>
          <input
            id={`${id}-secret`}
            name="password"
            type="password"
            autoComplete="current-password"
            value={secretKey}
            onChange={(e) => setSecretKey(e.target.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p id={errId} className="signin-error" role="alert">
            {error}
          </p>
        )}
        <p className="muted small">
          The node keeps the session in an HttpOnly cookie for an hour; the page stores no key.
        </p>
      </form>
    </section>
  );
}

/**
 * "Sign out" for the JSON source, in the shell bar: ends the node session, then every page
 * asks to sign in (the session is the console's, src/shell/useDataSource.ts).
 */
export function SignOutButton({
  session,
  onSignedOut,
}: {
  session: SessionAuth;
  onSignedOut: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="shell-session">
      {error && (
        <span className="signin-error" role="alert">
          {error}
        </span>
      )}
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          session.logout().then(
            () => {
              setBusy(false);
              onSignedOut();
            },
            (e: unknown) => {
              setBusy(false);
              setError(`Sign-out failed: ${e instanceof Error ? e.message : String(e)}`);
            },
          );
        }}
      >
        Sign out
      </button>
    </div>
  );
}

/**
 * The shell bar's session part (JSON source): "Signed in" and Sign out once the node named
 * itself this epoch, "Not signed in" when signed out or refused, nothing while asking.
 */
export function ShellSession({ session }: { session: SessionAuth }) {
  const { signedOut, node, markSignedOut } = useDataSource();
  const signedIn = !signedOut && node.state === 'ok';
  if (!signedOut && !signedIn) return null;
  return (
    <>
      <span data-testid="shell-session" className="muted">
        {signedIn ? 'Signed in' : 'Not signed in'}
      </span>
      {signedIn && <SignOutButton session={session} onSignedOut={markSignedOut} />}
    </>
  );
}
