// The page's data-source setting (src/api/source.ts): precedence, one AdminClient per source,
// and how JSON API failures read on the page (loadError.ts, the sign-in form).
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../../src/api/config.ts';
import { JsonApiError } from '../../src/api/jsonSource.ts';
import { createPageSource, parseSource, resolveSource } from '../../src/api/source.ts';
import { describeLoadError } from '../../src/shell/loadError.ts';
import { signInErrorText } from '../../src/shell/session.ts';

const none = () => null;
const CONFIG: ApiConfig = { baseUrl: 'http://n:1', transport: 'connect', baseUrlSource: 'origin' };

describe('resolveSource', () => {
  it('parses the three sources, case and spacing aside', () => {
    expect(parseSource(' JSON ')).toBe('json');
    expect(parseSource('grpcweb')).toBe('grpc-web');
    expect(parseSource('connect')).toBe('connect');
    expect(parseSource('rest')).toBeNull();
    expect(parseSource(undefined)).toBeNull();
  });

  it('prefers ?source=, then the meta tag, then the build env, then the transport', () => {
    const meta = (n: string) => (n === 'keyviz-source' ? 'grpc-web' : null);
    const env = { VITE_KEYVIZ_SOURCE: 'json' };
    expect(resolveSource({ search: '?source=connect', meta, env }, 'connect')).toBe('connect');
    expect(resolveSource({ search: '?source=bogus', meta, env }, 'connect')).toBe('grpc-web');
    expect(resolveSource({ search: '', meta: none, env }, 'connect')).toBe('json');
    expect(resolveSource({ search: '', meta: none, env: {} }, 'grpc-web')).toBe('grpc-web');
    expect(resolveSource({ search: '', meta: none, env: {} }, 'connect')).toBe('connect');
  });
});

describe('createPageSource', () => {
  it('JSON: same AdminClient shape, cookie session, node id as the overview', async () => {
    const urls: string[] = [];
    const fetch = (async (input: RequestInfo | URL) => {
      const url = String(input);
      urls.push(url);
      if (url.endsWith('/cluster')) return Response.json({ node_id: 'n7' });
      return Response.json({ column_unix_ms: [60_000], rows: [], series: 'reads' });
    }) as typeof globalThis.fetch;
    const src = createPageSource(CONFIG, 'json', { fetch });
    expect(src.kind).toBe('json');
    expect(src.session).not.toBeNull();
    const o = await src.client.getOverview();
    expect(o?.self?.nodeId).toBe('n7');
    const m = await src.client.getMatrix({ series: 'reads', rows: 5 });
    expect(m.colCount).toBe(1);
    expect(urls).toEqual([
      'http://n:1/admin/api/v1/cluster',
      'http://n:1/admin/api/v1/keyviz/matrix?series=reads&rows=5',
    ]);
  });

  it('Connect and gRPC-Web: no session (bearer token)', () => {
    expect(createPageSource(CONFIG, 'connect').session).toBeNull();
    expect(createPageSource(CONFIG, 'grpc-web').session).toBeNull();
  });
});

describe('JSON errors on the page', () => {
  // The JSON source's module (and its error classifier) loads with the source's first call,
  // as on the page: a JSON page's first call precedes any error it can show.
  beforeAll(async () => {
    const src = createPageSource(CONFIG, 'json', {
      fetch: (async () => new Response(null, { status: 204 })) as typeof fetch,
    });
    await src.session!.logout();
  });

  it('maps to the existing load states', () => {
    const kind = (e: unknown) => describeLoadError(e).kind;
    expect(kind(new JsonApiError(401, 'unauthenticated', 'no session'))).toBe('unauthenticated');
    expect(kind(new JsonApiError(503, 'keyviz_disabled', 'off'))).toBe('disabled');
    expect(kind(new JsonApiError(0, 'unreachable', 'no answer'))).toBe('unreachable');
    expect(kind(new JsonApiError(502, 'http_502', 'Bad Gateway'))).toBe('unreachable');
    expect(kind(new JsonApiError(400, 'invalid_query', 'bad rows'))).toBe('other');
  });

  it('explains a refused sign-in', () => {
    expect(signInErrorText(new JsonApiError(401, 'invalid_credentials', ''))).toMatch(/Wrong/);
    expect(signInErrorText(new JsonApiError(429, 'rate_limited', '', 42))).toMatch(/in 42 s/);
    expect(signInErrorText(new JsonApiError(0, 'unreachable', 'x'))).toMatch(/No answer/);
    expect(signInErrorText(new JsonApiError(500, 'internal', 'boom'))).toBe(
      'Sign-in failed (internal: boom).',
    );
  });
});
