import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  authenticate,
  loadCredentialsFile,
  loadSigningKeyFile,
  parseCredentials,
} from '../../server/jsonapi/credentials.ts';
import { csrfFor, signSession, verifySession } from '../../server/jsonapi/session.ts';
import { createRateLimiter } from '../../server/jsonapi/rateLimit.ts';
import { parseCookies, setCookie } from '../../server/jsonapi/cookies.ts';
import { parseMatrixQuery } from '../../server/jsonapi/query.ts';
import { uint64Json } from '../../server/jsonapi/encodeMatrix.ts';

const KEY = new Uint8Array(32).fill(7);

describe('credentials file', () => {
  it('parses the documented format and trims access keys', () => {
    expect(parseCredentials('[{"access_key":" AK ","secret_key":"s","role":"full"}]', 'f')).toEqual(
      [{ accessKey: 'AK', secretKey: 's', role: 'full' }],
    );
  });

  it('names what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['', /f: not valid JSON/],
      ['{}', /expected a JSON array of credentials, got object/],
      ['[1]', /entry 0: expected an object, got number/],
      ['[{"secret_key":"s","role":"full"}]', /entry 0: "access_key" must be a non-empty string/],
      ['[{"access_key":"a","role":"full"}]', /entry 0: "secret_key" must be a non-empty string/],
      [
        '[{"access_key":"a","secret_key":"s"}]',
        /entry 0: "role" must be "read_only" or "full", got undefined/,
      ],
      ['[{"access_key":"a","secret_key":"s","role":"full","x":1}]', /entry 0: unknown field "x"/],
      [
        '[{"access_key":"a","secret_key":"s","role":"full"},{"access_key":"a","secret_key":"t","role":"full"}]',
        /entry 1: duplicate access_key "a"/,
      ],
    ];
    for (const [text, re] of cases) expect(() => parseCredentials(text, 'f'), text).toThrow(re);
  });

  it('loads files and checks the signing key length', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyviz-creds-'));
    try {
      const c = join(dir, 'c.json');
      writeFileSync(c, '[]');
      expect(loadCredentialsFile(c)).toEqual([]);
      expect(() => loadCredentialsFile(join(dir, 'none.json'))).toThrow(
        /--adminCredentialsFile .*none\.json/,
      );
      const k = join(dir, 'k');
      writeFileSync(k, `${'x'.repeat(32)}\n`);
      expect(loadSigningKeyFile(k)).toHaveLength(32);
      writeFileSync(k, `${'x'.repeat(31)}\n`);
      expect(() => loadSigningKeyFile(k)).toThrow(/has 31 bytes, needs at least 32/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('authenticates only the exact secret', () => {
    const creds = parseCredentials(
      '[{"access_key":"a","secret_key":"s3","role":"read_only"}]',
      'f',
    );
    expect(authenticate(creds, 'a', 's3')?.role).toBe('read_only');
    expect(authenticate(creds, 'a', 's')).toBeNull();
    expect(authenticate(creds, 'a', 's33')).toBeNull();
    expect(authenticate(creds, 'b', 's3')).toBeNull();
  });
});

describe('session tokens', () => {
  const s = { accessKey: 'a', role: 'full' as const, expiresAtMs: 1000 };

  it('round-trips until expiry', () => {
    const t = signSession(KEY, s);
    expect(verifySession(KEY, t, 999)).toEqual({ ok: true, session: s });
    expect(verifySession(KEY, t, 1000)).toEqual({ ok: false, reason: 'session expired' });
  });

  it('refuses another key, tampering and junk', () => {
    const t = signSession(KEY, s);
    expect(verifySession(new Uint8Array(32), t, 0).ok).toBe(false);
    expect(verifySession(KEY, `x${t}`, 0).ok).toBe(false);
    expect(verifySession(KEY, 'nodot', 0).ok).toBe(false);
    expect(verifySession(KEY, '', 0).ok).toBe(false);
  });

  it('derives a CSRF value per session', () => {
    const a = signSession(KEY, s);
    const b = signSession(KEY, { ...s, expiresAtMs: 2000 });
    expect(csrfFor(KEY, a)).toBe(csrfFor(KEY, a));
    expect(csrfFor(KEY, a)).not.toBe(csrfFor(KEY, b));
  });
});

describe('login limiter', () => {
  it('allows 5 per sliding minute per key', () => {
    let t = 0;
    const l = createRateLimiter(5, 60_000, () => t);
    for (let i = 0; i < 5; i++) expect(l.take('a')).toBe(0);
    expect(l.take('a')).toBe(60_000);
    expect(l.take('b')).toBe(0);
    t = 59_999;
    expect(l.take('a')).toBe(1);
    t = 60_000;
    expect(l.take('a')).toBe(0);
  });
});

describe('cookies', () => {
  it('parses the first of each name', () => {
    expect([...parseCookies('a=1; b="2"; a=3; bad; =x')]).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });
  it('writes the attributes in a fixed order', () => {
    expect(setCookie('n', 'v', { httpOnly: true, secure: true, maxAgeSec: 3600 })).toBe(
      'n=v; Path=/admin; Max-Age=3600; HttpOnly; Secure; SameSite=Strict',
    );
  });
});

describe('matrix query and numbers', () => {
  it('keeps int64 edges and clamps to safe integers', () => {
    const q = parseMatrixQuery(
      new URLSearchParams('from_unix_ms=-9223372036854775808&to_unix_ms=9223372036854775807'),
    );
    expect(q).toMatchObject({
      ok: true,
      request: { fromUnixMs: -Number.MAX_SAFE_INTEGER, toUnixMs: Number.MAX_SAFE_INTEGER },
    });
    expect(parseMatrixQuery(new URLSearchParams('to_unix_ms=9223372036854775808')).ok).toBe(false);
  });
  it('exact_columns: true/1 ask for exact cluster columns, false/0/absent for aligned', () => {
    const exact = (qs: string) => {
      const q = parseMatrixQuery(new URLSearchParams(qs));
      return q.ok ? (q.request.exactColumns ?? false) : q.message;
    };
    expect(exact('exact_columns=true')).toBe(true);
    expect(exact('exact_columns=1')).toBe(true);
    expect(exact('exact_columns=false')).toBe(false);
    expect(exact('exact_columns=0')).toBe(false);
    expect(exact('')).toBe(false);
    expect(exact('exact_columns=yes')).toBe('exact_columns must be true or false');
  });
  it('writes uint64 decimals as bare digits', () => {
    expect(uint64Json('18446744073709551615')).toBe('18446744073709551615');
    expect(uint64Json('007')).toBe('7');
    expect(() => uint64Json('1e3')).toThrow(/not a uint64/);
  });
});
