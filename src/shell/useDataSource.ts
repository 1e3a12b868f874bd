import { createContext, useCallback, useContext, useMemo, useState } from 'react';
import type { AdminClient } from '../api/client.ts';
import { apiConfigFromPage, type ApiConfig } from '../api/config.ts';
import {
  createPageSource,
  sourceFromPage,
  type SessionAuth,
  type SourceKind,
} from '../api/source.ts';
import type { LoadError } from './loadError.ts';
import type { ConsoleAccess } from '../api/consoleAccess.ts';
import { readToken, writeToken } from './tokenStore.ts';
import { useNodeIdentity, type NodeIdentity } from './useOverview.ts';

export interface DataSource {
  config: ApiConfig;
  kind: SourceKind;
  client: AdminClient;
  /** JSON source only (cookie session); null for Connect / gRPC-Web (bearer token). */
  session: SessionAuth | null;
  /** The console pages' calls beyond the matrix (src/api/consoleClient.ts). */
  console: ConsoleAccess;
  /** JSON source: signed out here, or a call was refused with a 401. */
  signedOut: boolean;
  /**
   * Counts sign-ins: every load keyed on it runs again after one (the node's name, each
   * page's data), whichever page's form signed in.
   */
  epoch: number;
  /** The node's name, asked once per epoch and shared by the shell bar and the pages. */
  node: NodeIdentity;
  /** The sign-in form is due: JSON source, and signed out here or refused with a 401. */
  needsSignIn: (error: LoadError | null) => boolean;
  /** After a login succeeded (any page's form). */
  markSignedIn: () => void;
  /** After a logout succeeded, or a call was refused with a 401 (JSON source only). */
  markSignedOut: () => void;
  /** Connect / gRPC-Web: a bearer token is kept for this tab (its value is never shown). */
  tokenSet: boolean;
  /**
   * Connect / gRPC-Web: keep `token` for this tab ('' forgets it). New credentials, as a
   * sign-in: every load runs again (the epoch).
   */
  setToken: (token: string) => void;
}

/**
 * One data source and one session for the whole console: the shell bar and every page read
 * the same state (DataSourceProvider in App.tsx), so a sign-in or sign-out anywhere is seen
 * everywhere.
 */
export const DataSourceContext = createContext<DataSource | null>(null);

export function useDataSource(): DataSource {
  const ds = useContext(DataSourceContext);
  if (!ds) throw new Error('no DataSourceProvider');
  return ds;
}

/** The page's data source, resolved once per page load (see src/api/source.ts). */
export function usePageDataSource(): DataSource {
  const config = useMemo(() => apiConfigFromPage(), []);
  const src = useMemo(
    () => createPageSource(config, sourceFromPage(config.transport), { token: readToken }),
    [config],
  );
  // After "Sign out" the form shows at once, before the next load's 401 confirms it.
  const [state, setState] = useState({ signedOut: false, epoch: 0 });
  const markSignedIn = useCallback(
    () => setState((s) => ({ signedOut: false, epoch: s.epoch + 1 })),
    [],
  );
  const markSignedOut = useCallback(
    () => setState((s) => (s.signedOut ? s : { signedOut: true, epoch: s.epoch })),
    [],
  );
  const [tokenSet, setTokenSet] = useState(() => readToken() !== undefined);
  const setToken = useCallback(
    (token: string) => {
      writeToken(token);
      setTokenSet(readToken() !== undefined);
      markSignedIn();
    },
    [markSignedIn],
  );
  const { epoch } = state;
  const node = useNodeIdentity(src.client, epoch);
  // The JSON source's first ask, before any sign-in, is refused: the console is signed out
  // (derived, so a sign-in's new epoch, pending again, clears it).
  const signedOut = state.signedOut || (src.session !== null && node.state === 'unauthenticated');
  const needsSignIn = useCallback(
    (error: LoadError | null) =>
      src.session !== null && (signedOut || error?.kind === 'unauthenticated'),
    [src, signedOut],
  );
  return useMemo(
    () => ({
      config,
      ...src,
      signedOut,
      epoch,
      node,
      needsSignIn,
      markSignedIn,
      markSignedOut,
      tokenSet,
      setToken,
    }),
    [
      config,
      src,
      signedOut,
      epoch,
      node,
      needsSignIn,
      markSignedIn,
      markSignedOut,
      tokenSet,
      setToken,
    ],
  );
}
