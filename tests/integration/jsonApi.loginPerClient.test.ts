// Issue 13 test blind spot: the login limiter is keyed per client address, so one client that
// spends its attempts does not lock everyone else out. Two real clients on different loopback
// addresses (127.0.0.1 and 127.0.0.2) talk to one real listening JSON API.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, listenJsonApi, samplerBackend, T0 } from '../helpers/jsonApiFixture.ts';
import { LOGIN_LIMIT } from '../../server/http/jsonApi.ts';

const LOGIN = '/admin/api/v1/auth/login';

function login(base: string, localAddress: string): Promise<number> {
  const u = new URL(base + LOGIN);
  const body = JSON.stringify({ access_key: 'AKREAD', secret_key: 'read-secret' });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        localAddress,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('login limit per client', () => {
  it('one address at its limit does not block another', async () => {
    const now = T0 + 10 * 60_000;
    const api = await listenJsonApi({
      backend: samplerBackend(),
      credentials: CREDENTIALS,
      now: () => now,
      nodeId: 'n1',
      version: '1',
    });
    try {
      for (let i = 0; i < LOGIN_LIMIT; i++) expect(await login(api.url, '127.0.0.1')).toBe(200);
      expect(await login(api.url, '127.0.0.1')).toBe(429);
      // Another client, same minute: allowed, with its own budget.
      expect(await login(api.url, '127.0.0.2')).toBe(200);
      expect(await login(api.url, '127.0.0.1')).toBe(429);
    } finally {
      await api.close();
    }
  });
});
