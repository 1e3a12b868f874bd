import type { LoadError } from './loadError.ts';
import { TokenForm } from './TokenForm.tsx';

interface Props {
  error: LoadError;
  apiBase: string;
  /** What the page expects at apiBase, named in the unreachable hint. */
  protocol: string;
  hasToken: boolean;
  onToken: (token: string) => void;
  onRetry: () => void;
}

/** A failed load explained: what happened and what the operator can do about it. */
export function ErrorPanel({ error, apiBase, protocol, hasToken, onToken, onRetry }: Props) {
  const retry = (
    <button type="button" onClick={onRetry}>
      Try again
    </button>
  );
  switch (error.kind) {
    case 'disabled':
      return (
        <section className="state" data-state="disabled" role="alert">
          <h2>Key Visualizer is switched off on this node</h2>
          <p>
            The node answered <code>{error.code}</code>: <q>{error.message}</q>
          </p>
          <p>
            Restart the node with <code>--keyvizEnabled</code> (optionally <code>--keyvizStep</code>{' '}
            and <code>--keyvizHistoryColumns</code>); the sampler records from then on, one column
            per step.
          </p>
          {retry}
        </section>
      );
    case 'unreachable':
      return (
        <section className="state" data-state="unreachable" role="alert">
          <h2>Cannot reach the Admin API</h2>
          <p>
            No answer from <code>{apiBase}</code>
            {error.message && (
              <>
                {' '}
                (<q>{error.message}</q>)
              </>
            )}
            . Is the node (or the gateway in front of it) running, and does it serve {protocol}{' '}
            there?
          </p>
          {retry}
        </section>
      );
    case 'unauthenticated':
      return (
        <section className="state" data-state="unauthenticated" role="alert">
          <h2>This node needs an Admin token</h2>
          <p>
            The node answered <code>{error.code}</code>
            {error.message && (
              <>
                : <q>{error.message}</q>
              </>
            )}
          </p>
          <TokenForm onToken={onToken} rejected={hasToken} />
        </section>
      );
    default:
      return (
        <section className="state" data-state="error" role="alert">
          <h2>The heatmap could not be loaded</h2>
          <p>
            <code>{error.code}</code>: <q>{error.message || 'no message'}</q>
          </p>
          {retry}
        </section>
      );
  }
}

// The loading and empty panels live in LoadPanels.tsx: they are in the first paint, this one
// (with the token form) is a chunk of its own, fetched when a load fails.
export { EmptyPanel, LoadingPanel } from './LoadPanels.tsx';
