// The node's JSON admin API as tests and benches meet it: a credentials file for
// --adminCredentialsFile and a sign-in that hands back the session cookie.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Credential {
  access: string;
  secret: string;
  role: 'full' | 'read_only';
}

/** Writes `dir/credentials.json` in the node's format; returns its path. */
export function writeCredentials(dir: string, creds: readonly Credential[]): string {
  const file = path.join(dir, 'credentials.json');
  const entries = creds.map((c) => ({ access_key: c.access, secret_key: c.secret, role: c.role }));
  writeFileSync(file, JSON.stringify(entries));
  return file;
}

/**
 * Signs in (POST /admin/api/v1/auth/login) and returns the `cookie` header that carries the
 * session. Throws with the status on refusal. The server allows 5 sign-ins a minute per client:
 * sign in once per server and reuse the cookie.
 */
export async function signIn(base: string, access: string, secret: string): Promise<string> {
  const res = await fetch(`${base}/admin/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ access_key: access, secret_key: secret }),
  });
  if (res.status !== 200) throw new Error(`JSON API sign-in failed: ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}
