import { useCallback, useMemo, useState } from 'react';
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
import { readToken } from './tokenStore.ts';

export interface DataSource {
  config: ApiConfig;
  kind: SourceKind;
  client: AdminClient;
  /** JSON source only (cookie session); null for Connect / gRPC-Web (bearer token). */
  session: SessionAuth | null;
  /** The console pages' calls beyond the matrix (src/api/consoleClient.ts). */
  console: ConsoleAccess;
  /** The sign-in form is due: JSON source, and signed out here or refused with a 401. */
  needsSignIn: (error: LoadError | null) => boolean;
  /** Marks the page signed in / out (after a login or logout succeeded). */
  setSignedOut: (out: boolean) => void;
}

/** The page's data source, resolved once per page load (see src/api/source.ts). */
export function useDataSource(): DataSource {
  const config = useMemo(() => apiConfigFromPage(), []);
  const src = useMemo(
    () => createPageSource(config, sourceFromPage(config.transport), { token: readToken }),
    [config],
  );
  // After "Sign out" the form shows at once, before the next load's 401 confirms it.
  const [signedOut, setSignedOut] = useState(false);
  const needsSignIn = useCallback(
    (error: LoadError | null) =>
      src.session !== null && (signedOut || error?.kind === 'unauthenticated'),
    [src, signedOut],
  );
  return { config, ...src, needsSignIn, setSignedOut };
}
