// Where the page finds the Admin API and which browser protocol it speaks.
// Precedence: `?api=` / `?transport=` URL parameters, then <meta> tags set by whoever serves the
// page (e.g. a node embedding the bundle), then build-time env, then the page's own origin.

export type TransportKind = 'connect' | 'grpc-web';

export interface ApiConfig {
  baseUrl: string;
  transport: TransportKind;
  /** Where baseUrl came from, for the diagnostics panel. */
  baseUrlSource: 'url' | 'meta' | 'env' | 'origin';
}

/** What resolveApiConfig reads; all injectable so the rules are testable without a browser. */
export interface ConfigInputs {
  /** location.search */
  search: string;
  /** location.origin */
  origin: string;
  /** <meta name=...> content lookup. */
  meta: (name: string) => string | null;
  env: { VITE_KEYVIZ_API_BASE?: string; VITE_KEYVIZ_TRANSPORT?: string };
}

function parseTransport(v: string | null | undefined): TransportKind | null {
  if (v == null) return null;
  const t = v.trim().toLowerCase();
  if (t === 'connect') return 'connect';
  if (t === 'grpc-web' || t === 'grpcweb') return 'grpc-web';
  return null;
}

/**
 * A `?api=` value is honoured only when it stays on the page's origin or points at loopback:
 * otherwise a crafted link could send the operator's bearer token to a foreign server.
 */
export function isSafeUrlOverride(value: string, origin: string): boolean {
  let u: URL;
  try {
    u = new URL(value, origin);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (u.origin === origin) return true;
  return u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]';
}

/** Base URL without a trailing slash (connect-web appends "/Admin/<Method>"). */
function normalizeBase(value: string, origin: string): string | null {
  try {
    const u = new URL(value.trim(), origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return (u.origin + u.pathname).replace(/\/+$/, '');
  } catch {
    return null;
  }
}

export function resolveApiConfig(inputs: ConfigInputs): ApiConfig {
  const params = new URLSearchParams(inputs.search);
  const { origin } = inputs;

  let baseUrl: string | null = null;
  let baseUrlSource: ApiConfig['baseUrlSource'] = 'origin';
  const fromUrl = params.get('api');
  if (fromUrl && isSafeUrlOverride(fromUrl, origin)) {
    baseUrl = normalizeBase(fromUrl, origin);
    baseUrlSource = 'url';
  }
  if (baseUrl === null) {
    const fromMeta = inputs.meta('keyviz-api-base');
    if (fromMeta) {
      baseUrl = normalizeBase(fromMeta, origin);
      baseUrlSource = 'meta';
    }
  }
  if (baseUrl === null && inputs.env.VITE_KEYVIZ_API_BASE) {
    baseUrl = normalizeBase(inputs.env.VITE_KEYVIZ_API_BASE, origin);
    baseUrlSource = 'env';
  }
  if (baseUrl === null) {
    baseUrl = origin.replace(/\/+$/, '');
    baseUrlSource = 'origin';
  }

  const transport =
    parseTransport(params.get('transport')) ??
    parseTransport(inputs.meta('keyviz-transport')) ??
    parseTransport(inputs.env.VITE_KEYVIZ_TRANSPORT) ??
    'connect';

  return { baseUrl, transport, baseUrlSource };
}

/** The page's configuration, read from the live document. */
export function apiConfigFromPage(): ApiConfig {
  return resolveApiConfig({
    search: location.search,
    origin: location.origin,
    meta: (name) =>
      document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? null,
    env: {
      VITE_KEYVIZ_API_BASE: import.meta.env.VITE_KEYVIZ_API_BASE as string | undefined,
      VITE_KEYVIZ_TRANSPORT: import.meta.env.VITE_KEYVIZ_TRANSPORT as string | undefined,
    },
  });
}
