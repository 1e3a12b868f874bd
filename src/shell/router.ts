// A tiny History API router: the page has one real route (`<base>keyviz`), and the base
// itself leads there. The base comes from the build (import.meta.env.BASE_URL) so the same
// code works under `/` and `/admin/`.

export type Route = { kind: 'keyviz' } | { kind: 'redirect'; to: string } | { kind: 'notFound' };

/** Base path with exactly one trailing slash. */
export function normalizeBase(base: string): string {
  const b = base.startsWith('/') ? base : `/${base}`;
  return b.endsWith('/') ? b : `${b}/`;
}

export function keyvizPath(base: string): string {
  return `${normalizeBase(base)}keyviz`;
}

/** Where a pathname leads; `search` is carried over on a redirect so links keep their view. */
export function resolveRoute(pathname: string, search: string, base: string): Route {
  const b = normalizeBase(base);
  const target = keyvizPath(b);
  if (pathname === target || pathname === `${target}/`) return { kind: 'keyviz' };
  const bare = b.replace(/\/$/, '');
  if (pathname === b || pathname === bare || pathname === `${b}index.html`) {
    return { kind: 'redirect', to: target + search };
  }
  return { kind: 'notFound' };
}
