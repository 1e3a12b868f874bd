// Pure helpers of scripts/build-embed.ts: argument rules and the check that a built
// index.html needs no inline script or style (so it runs under the CSP in docs/embedding.md).

export type EmbedSource = 'json' | 'connect' | 'grpc-web';
export const EMBED_SOURCES: readonly EmbedSource[] = ['json', 'connect', 'grpc-web'];

export interface EmbedArgs {
  /** Normalised: starts and ends with '/'. */
  base: string;
  out: string;
  source: EmbedSource;
}

export const EMBED_USAGE =
  'usage: node --import tsx scripts/build-embed.ts --base /admin/ --out DIR [--source json|connect|grpc-web]';

export function normaliseBase(b: string): string {
  let s = b.startsWith('/') ? b : `/${b}`;
  if (!s.endsWith('/')) s += '/';
  return s;
}

/** `--name value` or `--name=value`; throws an Error with the usage on anything else. */
export function parseEmbedArgs(argv: readonly string[]): EmbedArgs {
  const vals = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--(base|out|source)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${JSON.stringify(a)}\n${EMBED_USAGE}`);
    const v = m[2] ?? argv[++i];
    if (v === undefined || v === '') throw new Error(`--${m[1]} needs a value\n${EMBED_USAGE}`);
    vals.set(m[1], v);
  }
  const base = vals.get('base');
  const out = vals.get('out');
  if (!base || !out) throw new Error(`--base and --out are required\n${EMBED_USAGE}`);
  if (/[?#\s"'<>\\]/.test(base) || base.includes('//') || base.includes('..')) {
    throw new Error(`--base must be a plain URL path such as /admin/, got ${JSON.stringify(base)}`);
  }
  const source = vals.get('source') ?? 'json';
  if (!(EMBED_SOURCES as readonly string[]).includes(source)) {
    throw new Error(
      `--source must be one of ${EMBED_SOURCES.join(', ')}, got ${JSON.stringify(source)}`,
    );
  }
  return { base: normaliseBase(base), out, source: source as EmbedSource };
}

/** The Vite env of a build: base, out dir, and how the page reaches the API. */
export function embedEnv(a: EmbedArgs, outAbs: string): Record<string, string> {
  const env: Record<string, string> = {
    KEYVIZ_BASE: a.base,
    KEYVIZ_OUT_DIR: outAbs,
    VITE_KEYVIZ_SOURCE: a.source,
  };
  // The Connect client reads its protocol from VITE_KEYVIZ_TRANSPORT (src/api/config.ts).
  if (a.source !== 'json') env.VITE_KEYVIZ_TRANSPORT = a.source;
  return env;
}

/** Inline code a strict CSP (script-src/style-src 'self') would block; [] when none. */
export function findInlineCode(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const attrs = m[1];
    const isData = /\btype\s*=\s*["']?(application\/(ld\+)?json|importmap)/i.test(attrs);
    if (!/\bsrc\s*=/.test(attrs) && m[2].trim() !== '') {
      found.push(isData ? `inline data <script${attrs}>` : `inline <script${attrs}>`);
    }
  }
  for (const m of html.matchAll(/<style\b[^>]*>/gi)) found.push(`inline ${m[0]}`);
  for (const m of html.matchAll(/<[a-z][^>]*\sstyle\s*=\s*["'][^>]*>/gi)) {
    found.push(`style attribute: ${m[0]}`);
  }
  for (const m of html.matchAll(/<[a-z][^>]*\son[a-z]+\s*=[^>]*>/gi)) {
    found.push(`event handler attribute: ${m[0]}`);
  }
  return found;
}
