// Which data source the page reads: the Admin service over Connect (default) or gRPC-Web, or a
// node's own JSON admin API (contract.md §2). Whatever the source, the page gets one
// AdminClient, so every view feature works the same on all of them.
//
// Precedence: `?source=`, then <meta name="keyviz-source">, then build env VITE_KEYVIZ_SOURCE
// (scripts/build-embed.ts --source), then the transport setting of config.ts (connect/grpc-web).

import type { Transport } from '@connectrpc/connect';
import { authHeaders, createAdminClient, loadRpc, type AdminClient } from './client.ts';
import type { ConsoleAccess } from './consoleAccess.ts';
import type { ApiConfig, TransportKind } from './config.ts';
import { setJsonClassifier } from './jsonErrors.ts';
import type { JsonAdminClient } from './jsonSource.ts';
import type { LiveStream } from './liveEvents.ts';

export type SourceKind = 'connect' | 'grpc-web' | 'json';

export interface SourceInputs {
  /** location.search */
  search: string;
  meta: (name: string) => string | null;
  env: { VITE_KEYVIZ_SOURCE?: string };
}

export function parseSource(v: string | null | undefined): SourceKind | null {
  if (v == null) return null;
  const t = v.trim().toLowerCase();
  if (t === 'connect') return 'connect';
  if (t === 'grpc-web' || t === 'grpcweb') return 'grpc-web';
  if (t === 'json') return 'json';
  return null;
}

export function resolveSource(inputs: SourceInputs, transport: TransportKind): SourceKind {
  return (
    parseSource(new URLSearchParams(inputs.search).get('source')) ??
    parseSource(inputs.meta('keyviz-source')) ??
    parseSource(inputs.env.VITE_KEYVIZ_SOURCE) ??
    transport
  );
}

/** Cookie-session sign-in of the JSON API; the Connect sources use a bearer token instead. */
export interface SessionAuth {
  login(accessKey: string, secretKey: string): Promise<void>;
  logout(): Promise<void>;
}

export interface PageSource {
  kind: SourceKind;
  client: AdminClient;
  /** Non-null for the JSON source only. */
  session: SessionAuth | null;
  /** The console pages' way to the other RPCs / endpoints (src/api/consoleClient.ts). */
  console: ConsoleAccess;
}

export interface PageSourceDeps {
  /** Bearer token for the Connect sources, read on every call. */
  token?: () => string | undefined;
  fetch?: typeof globalThis.fetch;
}

export function createPageSource(
  config: ApiConfig,
  kind: SourceKind,
  deps: PageSourceDeps = {},
): PageSource {
  const fetchOpt = deps.fetch ? { fetch: deps.fetch } : {};
  if (kind !== 'json') {
    const opts = { baseUrl: config.baseUrl, transport: kind, token: deps.token, ...fetchOpt };
    // One connect-web transport for every call beyond the matrix, made on first use (the
    // heatmap's first paint does not wait for connect-web; src/api/leanRpc.ts).
    let made: Promise<Transport> | null = null;
    const transport = () =>
      (made ??= loadRpc().then((m) =>
        m.makeTransport({ baseUrl: config.baseUrl, transport: kind, ...fetchOpt }),
      ));
    const client = createAdminClient({ ...opts, shared: transport });
    const headers = () => authHeaders(deps.token);
    return { kind, client, session: null, console: { kind: 'rpc', transport, headers } };
  }
  // The JSON source's module is fetched on first use: a Connect page's first paint does not
  // carry it, and a JSON page asks for it with its first call.
  let made: Promise<JsonAdminClient> | null = null;
  const json = () =>
    (made ??= import('./jsonSource.ts').then((m) => {
      setJsonClassifier(m.classifyJsonError);
      return m.createJsonAdminClient({ baseUrl: config.baseUrl, ...fetchOpt });
    }));
  const liveStream: LiveStream = async function* (req, signal) {
    const { jsonLiveStream } = await import('./liveEvents.ts');
    yield* jsonLiveStream(config.baseUrl, deps.fetch)(req, signal);
  };
  const client: AdminClient = {
    getMatrix: async (req, signal) => (await json()).getMatrix(req, signal),
    liveStream,
    // The header only needs the node's id: the JSON API's /cluster names it.
    async getOverview(signal) {
      const o = await (await json()).getOverview(signal);
      return o && (await loadRpc()).overviewOfNode(o.nodeId, o.upstreams);
    },
  };
  return {
    kind,
    client,
    session: {
      login: async (a, s) => (await json()).login(a, s),
      logout: async () => (await json()).logout(),
    },
    console: {
      kind: 'json',
      getJson: async (path, signal) => (await json()).getJson(path, signal),
    },
  };
}

/** The source the live page was configured for. */
export function sourceFromPage(transport: TransportKind): SourceKind {
  return resolveSource(
    {
      search: location.search,
      meta: (name) =>
        document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? null,
      env: { VITE_KEYVIZ_SOURCE: import.meta.env.VITE_KEYVIZ_SOURCE as string | undefined },
    },
    transport,
  );
}
