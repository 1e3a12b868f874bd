// The built page: base path from keyviz-build.json, content types, caching,
// precompressed gzip/brotli, SPA fallback, 404s, no traversal, --pageApiBase.
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';
import { tempDir } from './support.ts';

const JS = `export const hello = ${JSON.stringify('x'.repeat(4000))};\n`;
const INDEX = `<!doctype html><html><head><meta charset="utf-8"><title>kv</title></head><body><div id="root"></div><script type="module" src="/admin/assets/index-abc123.js"></script></body></html>\n`;

function fakeDist(base: string | null): string {
  const dir = tempDir('dist');
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), INDEX);
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), JS);
  writeFileSync(path.join(dir, 'assets', 'index-abc123.css'), 'body{margin:0}'.repeat(40));
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  if (base !== null) writeFileSync(path.join(dir, 'keyviz-build.json'), JSON.stringify({ base }));
  return dir;
}

/** A raw GET: fetch would normalise "..", decompress, and follow redirects. */
function rawGet(
  url: string,
  pathname: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: u.hostname, port: u.port, path: pathname, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a page built for /admin/', () => {
  let s: SpawnedServer;
  beforeAll(async () => {
    s = await spawnServer([
      '--workload=false',
      '--static',
      fakeDist('/admin/'),
      '--pageApiBase',
      'https://kv.example:8443/',
      '--corsAllowOrigin',
      'http://page.example:5173',
    ]);
  });
  afterAll(() => s?.stop());

  it('announces <base>keyviz and redirects / and the base there', async () => {
    expect(s.keyviz).toBe(`${s.http}/admin/keyviz`);
    for (const p of ['/', '/admin/', '/admin']) {
      const r = await rawGet(s.http, p);
      expect(r.status, p).toBe(302);
      expect(r.headers.location, p).toBe('/admin/keyviz');
    }
  });

  it('serves index.html for the page and any route under the base (SPA fallback), no-cache', async () => {
    for (const p of ['/admin/keyviz', '/admin/keyviz/some/deep/route?x=1', '/admin/index.html']) {
      const r = await rawGet(s.http, p);
      expect(r.status, p).toBe(200);
      expect(r.headers['content-type'], p).toBe('text/html; charset=utf-8');
      expect(r.headers['cache-control'], p).toBe('no-cache');
      expect(r.body.toString(), p).toContain('<div id="root">');
    }
  });

  it('injects --pageApiBase as a meta tag', async () => {
    const r = await rawGet(s.http, '/admin/keyviz');
    expect(r.body.toString()).toContain(
      '<meta name="keyviz-api-base" content="https://kv.example:8443/">',
    );
  });

  it('hashed assets: right type, immutable caching', async () => {
    const js = await rawGet(s.http, '/admin/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body.toString()).toBe(JS);
    const css = await rawGet(s.http, '/admin/assets/index-abc123.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const svg = await rawGet(s.http, '/admin/favicon.svg');
    expect(svg.headers['content-type']).toBe('image/svg+xml');
  });

  it('gzip and brotli when accepted, identity otherwise', async () => {
    const gz = await rawGet(s.http, '/admin/assets/index-abc123.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(gz.body).toString()).toBe(JS);
    expect(gz.body.length).toBeLessThan(JS.length / 4);
    const br = await rawGet(s.http, '/admin/assets/index-abc123.js', {
      'accept-encoding': 'gzip, deflate, br',
    });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toBe(JS);
    const noBr = await rawGet(s.http, '/admin/assets/index-abc123.js', {
      'accept-encoding': 'br;q=0, gzip',
    });
    expect(noBr.headers['content-encoding']).toBe('gzip');
    const plain = await rawGet(s.http, '/admin/assets/index-abc123.js', {
      'accept-encoding': 'identity',
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('ETag revalidation answers 304', async () => {
    const first = await rawGet(s.http, '/admin/assets/index-abc123.js');
    const again = await rawGet(s.http, '/admin/assets/index-abc123.js', {
      'if-none-match': String(first.headers.etag),
    });
    expect(again.status).toBe(304);
  });

  it('a missing asset is 404, not the page', async () => {
    for (const p of ['/admin/assets/index-zzz.js', '/admin/assets/nothing', '/admin/robots.txt']) {
      const r = await rawGet(s.http, p);
      expect(r.status, p).toBe(404);
      expect(r.body.toString(), p).not.toContain('<div id="root">');
    }
  });

  it('no path traversal', async () => {
    for (const p of [
      '/admin/../package.json',
      '/admin/%2e%2e/package.json',
      '/admin/assets/..%2f..%2fpackage.json',
      '/admin/..%5cpackage.json',
    ]) {
      const r = await rawGet(s.http, p);
      expect([400, 404], p).toContain(r.status);
      expect(r.body.toString(), p).not.toContain('"devDependencies"');
    }
  });

  it('CORS for the listed origin only: preflight and the call itself', async () => {
    const pre = await fetch(`${s.http}/Admin/GetKeyVizMatrix`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://page.example:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, connect-protocol-version',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://page.example:5173');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(pre.headers.get('access-control-allow-methods')).toMatch(/POST/);
    const call = await fetch(`${s.http}/Admin/GetKeyVizMatrix`, {
      method: 'POST',
      headers: { origin: 'http://page.example:5173', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe('http://page.example:5173');
    expect(call.headers.get('access-control-expose-headers')).toMatch(/Grpc-Status/i);
    const other = await fetch(`${s.http}/Admin/GetKeyVizMatrix`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('outside the base: 404; /healthz: ok', async () => {
    expect((await rawGet(s.http, '/elsewhere/keyviz')).status).toBe(404);
    const h = await rawGet(s.http, '/healthz');
    expect([h.status, h.body.toString()]).toEqual([200, 'ok']);
  });
});

describe('a page built for / (no keyviz-build.json)', () => {
  let s: SpawnedServer;
  beforeAll(async () => {
    s = await spawnServer(['--workload=false', '--static', fakeDist(null)]);
  });
  afterAll(() => s?.stop());

  it('serves at the root; RPC paths are not swallowed by the fallback', async () => {
    expect(s.keyviz).toBe(`${s.http}/keyviz`);
    const r = await rawGet(s.http, '/');
    expect(r.headers.location).toBe('/keyviz');
    expect((await rawGet(s.http, '/keyviz')).status).toBe(200);
    const rpc = await rawGet(s.http, '/Admin/GetKeyVizMatrix');
    expect(rpc.body.toString()).not.toContain('<div id="root">');
  });
});
