// Cookie header parsing and the Set-Cookie lines of the admin session (contract.md §2).

export const SESSION_COOKIE = 'admin_session';
export const CSRF_COOKIE = 'admin_csrf';
export const COOKIE_PATH = '/admin';

/** First value of each cookie name; malformed pairs are skipped. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    if (name !== '' && !out.has(name)) out.set(name, value);
  }
  return out;
}

export interface CookieOptions {
  httpOnly: boolean;
  secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  maxAgeSec: number;
}

/** Values here are base64url tokens, so they need no quoting or escaping. */
export function setCookie(name: string, value: string, o: CookieOptions): string {
  const attrs = [`${name}=${value}`, `Path=${COOKIE_PATH}`, `Max-Age=${o.maxAgeSec}`];
  if (o.maxAgeSec === 0) attrs.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (o.httpOnly) attrs.push('HttpOnly');
  if (o.secure) attrs.push('Secure');
  attrs.push('SameSite=Strict');
  return attrs.join('; ');
}
