// Bearer-token auth like the node's: every RPC (Connect, gRPC-Web, gRPC) must
// carry `authorization: Bearer <token>`, else Unauthenticated. Compared as
// SHA-256 digests with timingSafeEqual, so neither content nor length leaks.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time check of an `authorization` header value against the token's digest. */
function bearerMatchesDigest(header: string | null, tokenDigest: Buffer): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  const given = m ? m[1].trim() : '';
  // Always compare (even when absent) so timing does not reveal which check failed.
  const ok = timingSafeEqual(digest(given), tokenDigest);
  return ok && given !== '';
}

/** Interceptor refusing calls without the right token. */
export function bearerAuthInterceptor(token: string): Interceptor {
  // The token is fixed for the interceptor's life: hash it once, not per call.
  const tokenDigest = digest(token);
  return (next) => async (req) => {
    if (!bearerMatchesDigest(req.header.get('authorization'), tokenDigest)) {
      throw new ConnectError('missing or invalid admin token', Code.Unauthenticated);
    }
    return next(req);
  };
}

/** The same check on a raw header (the matrix fast path); a failure goes to connect-node's answer. */
export function bearerHeaderMatches(token: string): (header: string | undefined) => boolean {
  const tokenDigest = digest(token);
  return (header) => bearerMatchesDigest(header ?? null, tokenDigest);
}

/** Reads --adminTokenFile: the whole file, trimmed; must be non-empty. */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const why = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
    throw new Error(`--adminTokenFile: cannot read ${path} (${why})`, { cause: e });
  }
  const token = text.trim();
  if (token === '') throw new Error(`--adminTokenFile: ${path} is empty`);
  return token;
}
