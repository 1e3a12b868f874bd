// The built page, served from memory under the base path it was built for
// (DIR/keyviz-build.json {"base": "/admin/"}; default "/"). Files are read and
// precompressed (brotli, gzip) once at start. SPA fallback: a GET under the
// base that is not a file gets index.html, so a reload of <base>keyviz works.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { pickEncoding } from './encoding.ts';
import { contentTypeOf, isCompressible } from './mime.ts';

export interface StaticFile {
  body: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  type: string;
  cacheControl: string;
  etag: string;
}

export interface StaticSite {
  /** Base path with leading and trailing slash, e.g. "/" or "/admin/". */
  base: string;
  /** URL path of the page's entry (`<base>keyviz`). */
  entry: string;
  /** true when the request was answered. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  files: ReadonlyMap<string, StaticFile>;
}

export interface StaticOptions {
  dir: string;
  /** Fail when the directory is missing (else a placeholder page is served). */
  required: boolean;
  /** Injected as <meta name="keyviz-api-base" content="..."> into index.html. */
  pageApiBase: string | null;
}

export const IMMUTABLE = 'public, max-age=31536000, immutable';
const MIN_COMPRESS_BYTES = 256;

const PLACEHOLDER = `<!doctype html>
<html><head><meta charset="utf-8"><title>keyviz</title></head>
<body><p>The page is not built. Run <code>npm start</code> (builds it) or <code>npm run build</code>,
then restart the server (or pass <code>--static DIR</code>).</p></body></html>
`;

/** Reads `<meta>`-safe base path from keyviz-build.json; "/" when absent. */
export function readBase(dir: string): string {
  const file = path.join(dir, 'keyviz-build.json');
  if (!existsSync(file)) return '/';
  let base: unknown;
  try {
    base = (JSON.parse(readFileSync(file, 'utf8')) as { base?: unknown }).base;
  } catch (e) {
    throw new Error(`--static: ${file} is not valid JSON (${(e as Error).message})`, {
      cause: e,
    });
  }
  if (base === undefined) return '/';
  if (typeof base !== 'string' || !base.startsWith('/')) {
    throw new Error(`--static: ${file}: "base" must be a path starting with "/"`);
  }
  return base.endsWith('/') ? base : `${base}/`;
}

/** Adds or replaces the keyviz-api-base meta tag. */
export function injectApiBase(html: string, apiBase: string): string {
  const tag = `<meta name="keyviz-api-base" content="${apiBase}">`;
  const re = /<meta\s+name=["']keyviz-api-base["'][^>]*>/i;
  if (re.test(html)) return html.replace(re, tag);
  if (/<head[^>]*>/i.test(html)) return html.replace(/<head[^>]*>/i, (h) => `${h}\n    ${tag}`);
  return tag + html;
}

function walk(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(...walk(path.join(dir, e.name), `${rel}/`));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

function makeFile(rel: string, body: Buffer): StaticFile {
  const type = contentTypeOf(rel);
  const f: StaticFile = {
    body,
    type,
    cacheControl: rel.startsWith('assets/') ? IMMUTABLE : 'no-cache',
    etag: `"${body.length.toString(16)}-${hashHex(body)}"`,
  };
  if (isCompressible(type) && body.length >= MIN_COMPRESS_BYTES) {
    // Brotli 7 and gzip 6, not 9 and 9: on the page's 588 kB the higher levels took 1,150 ms of
    // every start-up (most of "ready") for 0.3 % smaller files; these take about 50 ms.
    f.gzip = gzipSync(body, { level: 6 });
    f.br = brotliCompressSync(body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 7,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
  }
  return f;
}

/** A short FNV-1a hash: ETag only, not security. */
function hashHex(b: Buffer): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return (h >>> 0).toString(16);
}

export function loadStaticSite(opts: StaticOptions): StaticSite {
  const files = new Map<string, StaticFile>();
  let base = '/';
  const present = existsSync(opts.dir) && statSync(opts.dir).isDirectory();
  if (!present && opts.required) throw new Error(`--static: ${opts.dir} is not a directory`);
  if (present) {
    base = readBase(opts.dir);
    for (const rel of walk(opts.dir)) {
      if (rel === 'keyviz-build.json') continue;
      files.set(rel, makeFile(rel, readFileSync(path.join(opts.dir, rel))));
    }
  }
  let html = files.get('index.html')?.body.toString('utf8') ?? PLACEHOLDER;
  if (opts.pageApiBase !== null) html = injectApiBase(html, opts.pageApiBase);
  files.set('index.html', makeFile('index.html', Buffer.from(html, 'utf8')));
  const index = files.get('index.html')!;
  const entry = `${base}keyviz`;

  function send(req: IncomingMessage, res: ServerResponse, f: StaticFile): void {
    const enc = pickEncoding(req.headers['accept-encoding'], f);
    const body = enc === 'br' ? f.br! : enc === 'gzip' ? f.gzip! : f.body;
    res.setHeader('Content-Type', f.type);
    res.setHeader('Cache-Control', f.cacheControl);
    res.setHeader('ETag', f.etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (f.gzip) res.setHeader('Vary', 'Accept-Encoding');
    if (enc !== 'identity') res.setHeader('Content-Encoding', enc);
    if (req.headers['if-none-match'] === f.etag) {
      res.writeHead(304).end();
      return;
    }
    res.setHeader('Content-Length', body.length);
    res.writeHead(200);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  function plain(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end(text);
  }

  return {
    base,
    entry,
    files,
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://x');
      const p = url.pathname;
      if (p === '/' || p === base || `${p}/` === base) {
        res.writeHead(302, { Location: entry + url.search, 'Cache-Control': 'no-store' });
        res.end();
        return true;
      }
      if (!p.startsWith(base)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        plain(res, 405, 'method not allowed\n');
        return true;
      }
      let rel: string;
      try {
        rel = decodeURIComponent(p.slice(base.length));
      } catch {
        plain(res, 400, 'bad path\n');
        return true;
      }
      // Files are served from an in-memory map keyed by their relative path, so no
      // path reaches the file system; still refuse traversal-looking paths outright.
      if (rel.split(/[/\\]/).some((s) => s === '..' || s === '.') || rel.includes('\0')) {
        plain(res, 400, 'bad path\n');
        return true;
      }
      const f = files.get(rel);
      if (f) {
        send(req, res, f);
        return true;
      }
      // A missing asset (or any path that names a file) is a 404, never the page.
      const last = rel.slice(rel.lastIndexOf('/') + 1);
      if (rel.startsWith('assets/') || /\.[A-Za-z0-9]+$/.test(last)) {
        plain(res, 404, 'not found\n');
        return true;
      }
      send(req, res, index);
      return true;
    },
  };
}
