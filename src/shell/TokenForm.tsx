import { useId, useState } from 'react';

interface Props {
  onToken: (token: string) => void;
  rejected: boolean;
}

/** Asks for the Admin bearer token; the page keeps it for this tab only. */
export function TokenForm({ onToken, rejected }: Props) {
  const [token, setToken] = useState('');
  const id = useId();
  return (
    <form
      className="token-form"
      onSubmit={(e) => {
        e.preventDefault();
        const t = token.trim();
        if (t) onToken(t);
      }}
    >
      <label htmlFor={id}>Bearer token</label>
      <input
        id={id}
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={token}
        onChange={(e) => setToken(e.target.value)}
      />
      <button type="submit" disabled={!token.trim()}>
        Use token
      </button>
      <p className="muted small">
        Sent as <code>authorization: Bearer …</code> on every request and kept in this tab only
        (sessionStorage): closing the tab forgets it.
        {rejected && ' The token in use was refused.'}
      </p>
    </form>
  );
}
