// Stateless sessions: the admin_session cookie is a signed token, so no server state is
// needed and nodes sharing --adminSigningKeyFile accept each other's sessions.
//   token = base64url(JSON {k: access_key, r: role, e: expiry unix ms}) "." base64url(mac)
//   mac   = HMAC-SHA256(key, "keyviz-session.v1." + payload)
//   csrf  = base64url(HMAC-SHA256(key, "keyviz-csrf.v1." + token))
// The CSRF value is derived from the session, so a double submit is also bound to it:
// a CSRF cookie planted from another session never matches.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Role } from './credentials.ts';

export const SESSION_TTL_MS = 3_600_000;

export interface Session {
  accessKey: string;
  role: Role;
  expiresAtMs: number;
}

function mac(key: Uint8Array, domain: string, data: string): string {
  return createHmac('sha256', key).update(domain).update(data).digest('base64url');
}

export function signSession(key: Uint8Array, s: Session): string {
  const payload = Buffer.from(
    JSON.stringify({ k: s.accessKey, r: s.role, e: s.expiresAtMs }),
    'utf8',
  ).toString('base64url');
  return `${payload}.${mac(key, 'keyviz-session.v1.', payload)}`;
}

/** Constant-time string equality (lengths may differ: then simply false). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export type VerifyResult = { ok: true; session: Session } | { ok: false; reason: string };

/** Checks signature, shape and expiry (expired when expiresAtMs <= nowMs). */
export function verifySession(key: Uint8Array, token: string, nowMs: number): VerifyResult {
  const dot = token.indexOf('.');
  if (dot <= 0) return { ok: false, reason: 'malformed session' };
  const payload = token.slice(0, dot);
  if (!safeEqual(token.slice(dot + 1), mac(key, 'keyviz-session.v1.', payload))) {
    return { ok: false, reason: 'invalid session' };
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed session' };
  }
  const c = claims as { k?: unknown; r?: unknown; e?: unknown };
  if (
    typeof c.k !== 'string' ||
    (c.r !== 'read_only' && c.r !== 'full') ||
    typeof c.e !== 'number'
  ) {
    return { ok: false, reason: 'malformed session' };
  }
  if (c.e <= nowMs) return { ok: false, reason: 'session expired' };
  return { ok: true, session: { accessKey: c.k, role: c.r, expiresAtMs: c.e } };
}

export function csrfFor(key: Uint8Array, token: string): string {
  return mac(key, 'keyviz-csrf.v1.', token);
}
