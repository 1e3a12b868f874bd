// A reference "node" serving an embedded bundle exactly as docs/embedding.md §2-3 says:
// hashed assets immutable, index.html no-cache with the CSP, SPA fallback for page routes
// only, and the JSON admin API mounted first.
import http from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { JsonApi } from '../../server/http/jsonApi.ts';

export const EMBED_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface EmbedHost {
  url: string;
  close(): Promise<void>;
}

export async function serveEmbedded(dir: string, base: string, api: JsonApi): Promise<EmbedHost> {
  const send = (res: http.ServerResponse, file: string, cache: string, status = 200): void => {
    const headers: Record<string, string> = {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': cache,
      'X-Content-Type-Options': 'nosniff',
    };
    if (file.endsWith('.html')) headers['Content-Security-Policy'] = EMBED_CSP;
    res.writeHead(status, headers);
    res.end(readFileSync(file));
  };
  const server = http.createServer((req, res) => {
    if (api.handle(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!path.startsWith(base) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end();
      return;
    }
    const rel = normalize(decodeURIComponent(path.slice(base.length)));
    const file = join(dir, rel);
    const isFile =
      !rel.startsWith('..') &&
      file.startsWith(dir + sep) &&
      existsSync(file) &&
      statSync(file).isFile();
    if (rel.startsWith(`assets${sep}`)) {
      if (isFile) send(res, file, 'public, max-age=31536000, immutable');
      else res.writeHead(404, { 'Cache-Control': 'no-cache' }).end();
      return;
    }
    send(res, isFile ? file : join(dir, 'index.html'), 'no-cache');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
