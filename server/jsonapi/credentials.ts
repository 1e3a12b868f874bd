// Sign-in credentials for the JSON admin API (--adminCredentialsFile) and the session
// signing key (--adminSigningKeyFile). File formats: docs/embedding.md#sign-in.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

export type Role = 'read_only' | 'full';

export interface Credential {
  accessKey: string;
  secretKey: string;
  role: Role;
}

/** Smallest signing key accepted: HMAC-SHA256 wants at least its output size. */
export const MIN_SIGNING_KEY_BYTES = 32;

function describe(v: unknown): string {
  return Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v;
}

/**
 * Parses `[{"access_key": "...", "secret_key": "...", "role": "read_only" | "full"}, ...]`.
 * `source` names the file in errors; every error says which entry and field is wrong.
 */
export function parseCredentials(text: string, source: string): Credential[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (!Array.isArray(data)) {
    throw new Error(`${source}: expected a JSON array of credentials, got ${describe(data)}`);
  }
  const seen = new Set<string>();
  return data.map((entry: unknown, i): Credential => {
    const at = `${source}: entry ${i}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new Error(`${at}: expected an object, got ${describe(entry)}`);
    }
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (k !== 'access_key' && k !== 'secret_key' && k !== 'role') {
        throw new Error(`${at}: unknown field "${k}" (allowed: access_key, secret_key, role)`);
      }
    }
    const accessKey = e.access_key;
    const secretKey = e.secret_key;
    if (typeof accessKey !== 'string' || accessKey.trim() === '') {
      throw new Error(`${at}: "access_key" must be a non-empty string`);
    }
    if (typeof secretKey !== 'string' || secretKey === '') {
      throw new Error(`${at}: "secret_key" must be a non-empty string`);
    }
    if (e.role !== 'read_only' && e.role !== 'full') {
      throw new Error(`${at}: "role" must be "read_only" or "full", got ${JSON.stringify(e.role)}`);
    }
    const key = accessKey.trim();
    if (seen.has(key)) throw new Error(`${at}: duplicate access_key "${key}"`);
    seen.add(key);
    return { accessKey: key, secretKey, role: e.role };
  });
}

/** Reads and parses --adminCredentialsFile; an unreadable or malformed file throws. */
export function loadCredentialsFile(path: string): Credential[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`--adminCredentialsFile ${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseCredentials(text, `--adminCredentialsFile ${path}`);
}

/** --adminSigningKeyFile: the file's bytes, trailing whitespace/newline trimmed, >= 32 bytes. */
export function loadSigningKeyFile(path: string): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new Error(`--adminSigningKeyFile ${path}: ${(e as Error).message}`, { cause: e });
  }
  let end = raw.length;
  while (end > 0 && (raw[end - 1] === 0x0a || raw[end - 1] === 0x0d || raw[end - 1] === 0x20))
    end--;
  if (end < MIN_SIGNING_KEY_BYTES) {
    throw new Error(
      `--adminSigningKeyFile ${path}: key has ${end} bytes, needs at least ${MIN_SIGNING_KEY_BYTES}`,
    );
  }
  return new Uint8Array(raw.subarray(0, end));
}

/** A fresh random key: sessions then last until the server restarts. */
export function generateSigningKey(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

// Per-process key for comparing secrets as fixed-length digests: timingSafeEqual needs
// equal lengths, and comparing digests hides the expected secret's length too.
const COMPARE_KEY = randomBytes(32);
const UNKNOWN_KEY_PLACEHOLDER = randomBytes(32).toString('hex');

function digest(s: string): Buffer {
  return createHmac('sha256', COMPARE_KEY).update(s, 'utf8').digest();
}

/**
 * The credential whose keys match, or null. Constant time in the secret, and the same work
 * for an unknown access key (so login latency does not reveal which keys exist).
 */
export function authenticate(
  credentials: readonly Credential[],
  accessKey: string,
  secretKey: string,
): Credential | null {
  const found = credentials.find((c) => c.accessKey === accessKey.trim()) ?? null;
  const expected = digest(found ? found.secretKey : UNKNOWN_KEY_PLACEHOLDER);
  const match = timingSafeEqual(expected, digest(secretKey));
  return found && match ? found : null;
}
