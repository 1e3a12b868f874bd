// The gateway's command-line flags. The server's flag parser hands the raw values
// over (or lets `takeGatewayFlags` pull them out of argv); this validates them and
// reads the token file, so a misconfigured gateway refuses to start with one clear
// message instead of failing on the first page load.
import { readFileSync } from 'node:fs';
import { parseDuration, parseHostPort } from '../flagValues.ts';
import { DEFAULT_UPSTREAM_TIMEOUT_MS, type UpstreamBackendOptions } from './upstream.ts';

export class GatewayFlagError extends Error {
  override name = 'GatewayFlagError';
}

/** Raw flag values, as given on the command line (booleans as `true`). */
export interface GatewayFlagValues {
  upstream?: string;
  upstreamTokenFile?: string;
  upstreamInsecureNoAuth?: boolean;
  upstreamTls?: boolean;
  upstreamCaFile?: string;
  upstreamTimeout?: string;
  upstreamFollow?: string;
}

export const GATEWAY_FLAGS_HELP = `Gateway (serve the page from real nodes instead of the local sampler):
  --upstream HOST:PORT[,HOST:PORT...]  nodes' gRPC addresses; several = merged cluster view
  --upstreamTokenFile FILE             file holding the nodes' admin token (sent as a Bearer token)
  --upstreamInsecureNoAuth             send no token (nodes with auth switched off)
  --upstreamTls                        speak TLS to the nodes (default h2c)
  --upstreamCaFile FILE                PEM CA bundle for --upstreamTls (default: system CAs)
  --upstreamTimeout DURATION           per-node deadline, e.g. 2s, 500ms (default 2s)
  --upstreamFollow DURATION|off        several nodes: poll their new columns this often into a
                                       merged state answers come from (default 5s; off = every
                                       request asks every node)`;

const STRING_FLAGS = [
  'upstream',
  'upstreamTokenFile',
  'upstreamCaFile',
  'upstreamTimeout',
  'upstreamFollow',
] as const;
const BOOL_FLAGS = ['upstreamInsecureNoAuth', 'upstreamTls'] as const;

/** "2s", "500ms", "1.5s", "1m" (the server's duration syntax); a bare number is milliseconds. */
export function parseDurationMs(text: string, flag = 'upstreamTimeout'): number {
  const t = text.trim();
  let n: number;
  if (/^\d+(?:\.\d+)?$/.test(t)) {
    // parseDuration wants a unit (bar "0"); the gateway has always taken plain ms.
    n = Math.round(Number(t));
  } else {
    try {
      n = parseDuration(flag, t);
    } catch {
      throw new GatewayFlagError(`--${flag}: "${text}" is not a duration (e.g. 2s, 500ms)`);
    }
  }
  if (!(n >= 1)) throw new GatewayFlagError(`--${flag}: must be at least 1ms`);
  return n;
}

/** HOST:PORT, HOST being a name, an IPv4 address or a bracketed IPv6 address. */
export function parseUpstreams(text: string): string[] {
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0) throw new GatewayFlagError('--upstream: give at least one HOST:PORT');
  for (const u of list) {
    let port: number;
    try {
      ({ port } = parseHostPort('upstream', u));
    } catch {
      throw new GatewayFlagError(`--upstream: "${u}" is not HOST:PORT`);
    }
    // A listen address may leave the host empty (all interfaces) or ask for port 0
    // (any free one); neither names a node to dial.
    if (u.startsWith(':') || port < 1) {
      throw new GatewayFlagError(`--upstream: "${u}" is not HOST:PORT`);
    }
  }
  if (new Set(list).size !== list.length) {
    throw new GatewayFlagError('--upstream: the same node is listed twice');
  }
  return list;
}

/**
 * Pull the gateway's flags out of argv (`--flag value` and `--flag=value`), leaving
 * the rest for the server's own parser.
 */
export function takeGatewayFlags(argv: readonly string[]): {
  values: GatewayFlagValues;
  rest: string[];
} {
  const values: GatewayFlagValues = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([A-Za-z]+)(?:=(.*))?$/.exec(arg);
    const name = m?.[1];
    if (name && (STRING_FLAGS as readonly string[]).includes(name)) {
      let v = m?.[2];
      if (v === undefined) {
        v = argv[++i];
        if (v === undefined) throw new GatewayFlagError(`--${name} needs a value`);
      }
      values[name as (typeof STRING_FLAGS)[number]] = v;
    } else if (name && (BOOL_FLAGS as readonly string[]).includes(name)) {
      const v = m?.[2];
      if (v !== undefined && v !== 'true' && v !== 'false') {
        throw new GatewayFlagError(`--${name} takes no value (or =true / =false)`);
      }
      values[name as (typeof BOOL_FLAGS)[number]] = v !== 'false';
    } else {
      rest.push(arg);
    }
  }
  return { values, rest };
}

/**
 * Validate the flags. Returns null when no --upstream is given (the server keeps its
 * local backend); otherwise the options for createUpstreamBackend. Throws
 * GatewayFlagError with a message meant for the operator.
 */
export function resolveGatewayOptions(
  values: GatewayFlagValues,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): UpstreamBackendOptions | null {
  const others = Object.entries(values).filter(([k, v]) => k !== 'upstream' && v !== undefined);
  if (values.upstream === undefined) {
    if (others.length > 0) {
      throw new GatewayFlagError(`--${others[0][0]} needs --upstream HOST:PORT`);
    }
    return null;
  }
  const upstreams = parseUpstreams(values.upstream);
  const insecureNoAuth = values.upstreamInsecureNoAuth === true;
  let token: string | null = null;
  if (values.upstreamTokenFile !== undefined) {
    if (insecureNoAuth) {
      throw new GatewayFlagError(
        '--upstreamTokenFile and --upstreamInsecureNoAuth exclude each other',
      );
    }
    let text: string;
    try {
      text = readFile(values.upstreamTokenFile);
    } catch (e) {
      const why = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
      throw new GatewayFlagError(
        `--upstreamTokenFile: cannot read ${values.upstreamTokenFile} (${why})`,
      );
    }
    token = text.trim();
    if (token === '' || /[\r\n]/.test(token)) {
      throw new GatewayFlagError(
        `--upstreamTokenFile: ${values.upstreamTokenFile} must hold exactly one non-empty line (the token)`,
      );
    }
  } else if (!insecureNoAuth) {
    throw new GatewayFlagError(
      "the gateway needs the nodes' admin token: pass --upstreamTokenFile FILE " +
        '(or --upstreamInsecureNoAuth for nodes with auth switched off)',
    );
  }
  const tls = values.upstreamTls === true;
  if (values.upstreamCaFile !== undefined) {
    if (!tls) throw new GatewayFlagError('--upstreamCaFile needs --upstreamTls');
    try {
      readFile(values.upstreamCaFile);
    } catch {
      throw new GatewayFlagError(`--upstreamCaFile: cannot read ${values.upstreamCaFile}`);
    }
  }
  const timeoutMs =
    values.upstreamTimeout === undefined
      ? DEFAULT_UPSTREAM_TIMEOUT_MS
      : parseDurationMs(values.upstreamTimeout);
  const opts: UpstreamBackendOptions = { upstreams, token, insecureNoAuth, tls, timeoutMs };
  if (values.upstreamFollow !== undefined) {
    opts.followEveryMs =
      values.upstreamFollow === 'off'
        ? 0
        : parseDurationMs(values.upstreamFollow, 'upstreamFollow');
  }
  if (values.upstreamCaFile !== undefined) opts.caFile = values.upstreamCaFile;
  return opts;
}

/** Both steps at once: `{ options, rest }` for a server that parses argv itself. */
export function parseGatewayArgs(argv: readonly string[]): {
  options: UpstreamBackendOptions | null;
  rest: string[];
} {
  const { values, rest } = takeGatewayFlags(argv);
  return { options: resolveGatewayOptions(values), rest };
}
