// Command-line flags of the sampler server. Names follow the elastickv node's
// (--keyvizEnabled, --keyvizStep, ...) so a command line reads like a node's.
// Gateway flags (--upstream*) are pulled out first by server/gateway/flags.ts.
// Any problem throws FlagError naming the flag; main.ts turns it into exit 2.
import { SCENARIOS, isScenarioName, type ScenarioName } from './workload/index.ts';
import { GATEWAY_FLAGS_HELP, takeGatewayFlags, type GatewayFlagValues } from './gateway/flags.ts';
import { FlagError, parseDuration, parseHostPort } from './flagValues.ts';
import {
  DEFAULT_HISTORY_FLAGS,
  HISTORY_FLAGS_HELP,
  takeHistoryFlags,
  type HistoryFlags,
} from './history/flags.ts';
import { DEFAULT_LOAD_FLAGS, LOAD_FLAG_SPECS, type LoadFlags } from './http/loadFlags.ts';
import {
  DEFAULT_KEYVIZ_EXT_FLAGS,
  KEYVIZ_EXT_FLAGS_HELP,
  takeKeyvizExtFlags,
  type Env,
  type KeyvizExtFlags,
} from './hotkeys/flags.ts';

// Re-exported: what parseFlags throws, so main.ts catches it from here.
export { FlagError };

export interface ServerFlags extends LoadFlags {
  help: boolean;
  keyvizEnabled: boolean;
  keyvizStepMs: number;
  keyvizHistoryColumns: number;
  keyvizMaxTrackedRoutes: number;
  keyvizMaxMemberRoutesPerSlot: number;
  listen: string;
  grpcListen: string;
  seed: number;
  scenario: ScenarioName;
  routes: number;
  backfillMs: number;
  workload: boolean;
  staticDir: string;
  /** True when --static was given (a missing directory is then an error). */
  staticExplicit: boolean;
  pageApiBase: string | null;
  /** Origins allowed to call the RPCs cross-origin ('*' = any). */
  corsAllowOrigin: string[];
  fixture: string | null;
  record: string | null;
  adminTokenFile: string | null;
  adminInsecureNoAuth: boolean;
  adminCredentialsFile: string | null;
  adminSigningKeyFile: string | null;
  nodeId: string | null;
  /** Raw --upstream* values for resolveGatewayOptions (empty = local sampler). */
  gateway: GatewayFlagValues;
  /** --history, --historyDir, --historyTiers (server/history/flags.ts). */
  history: HistoryFlags;
  /** Hot keys, sub-ranges, labels (server/hotkeys/flags.ts). */
  keyvizExt: KeyvizExtFlags;
}

export const DEFAULT_FLAGS: Readonly<ServerFlags> = {
  help: false,
  keyvizEnabled: true,
  keyvizStepMs: 60_000,
  keyvizHistoryColumns: 1440,
  keyvizMaxTrackedRoutes: 10_000,
  keyvizMaxMemberRoutesPerSlot: 256,
  listen: '127.0.0.1:8080',
  grpcListen: '127.0.0.1:50051',
  seed: 1,
  scenario: 'mix',
  routes: 2000,
  backfillMs: 24 * 3_600_000,
  workload: true,
  staticDir: 'dist',
  staticExplicit: false,
  pageApiBase: null,
  corsAllowOrigin: [],
  fixture: null,
  record: null,
  adminTokenFile: null,
  adminInsecureNoAuth: false,
  adminCredentialsFile: null,
  adminSigningKeyFile: null,
  nodeId: null,
  gateway: {},
  history: DEFAULT_HISTORY_FLAGS,
  ...DEFAULT_LOAD_FLAGS,
  keyvizExt: DEFAULT_KEYVIZ_EXT_FLAGS,
};

function parseInteger(flag: string, text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw new FlagError(`--${flag}: "${text}" is not an integer`);
  const n = Number(text);
  if (n < min || n > max) throw new FlagError(`--${flag}: ${n} is outside ${min}..${max}`);
  return n;
}

function parseBool(flag: string, text: string | undefined): boolean {
  if (text === undefined || text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new FlagError(`--${flag}: "${text}" is not true or false`);
}

type Setter = (f: ServerFlags, value: string | undefined, name: string) => void;
interface FlagSpec {
  /** Takes no value (a boolean: --x, --x=true, --x=false). */
  bool?: boolean;
  arg?: string;
  help: string;
  set: Setter;
}

function need(name: string, v: string | undefined): string {
  if (v === undefined || v === '') throw new FlagError(`--${name} needs a value`);
  return v;
}

const MAX_INT = 2 ** 31 - 1;

const SPECS: Record<string, FlagSpec> = {
  help: { bool: true, help: 'print this help and exit', set: (f) => (f.help = true) },
  keyvizEnabled: {
    bool: true,
    help: 'run the keyviz sampler (default true here; =false: GetKeyVizMatrix answers Unavailable)',
    set: (f, v, n) => (f.keyvizEnabled = parseBool(n, v)),
  },
  keyvizStep: {
    arg: 'DURATION',
    help: 'flush interval: one heatmap column per step (default 60s)',
    set: (f, v, n) => {
      const ms = parseDuration(n, need(n, v));
      if (ms < 1) throw new FlagError(`--${n}: must be at least 1ms`);
      f.keyvizStepMs = ms;
    },
  },
  keyvizHistoryColumns: {
    arg: 'N',
    help: 'columns kept in the ring buffer (default 1440 = 24 h of 60 s steps)',
    set: (f, v, n) => (f.keyvizHistoryColumns = parseInteger(n, need(n, v), 1, 1_000_000)),
  },
  keyvizMaxTrackedRoutes: {
    arg: 'N',
    help: 'routes with their own row; the rest fold into virtual buckets (default 10000)',
    set: (f, v, n) => (f.keyvizMaxTrackedRoutes = parseInteger(n, need(n, v), 0, MAX_INT)),
  },
  keyvizMaxMemberRoutesPerSlot: {
    arg: 'N',
    help: 'member route ids listed per virtual bucket (default 256)',
    set: (f, v, n) => (f.keyvizMaxMemberRoutesPerSlot = parseInteger(n, need(n, v), 0, MAX_INT)),
  },
  listen: {
    arg: 'HOST:PORT',
    help: 'HTTP/1.1 listener: Connect, gRPC-Web, the page, /healthz (default 127.0.0.1:8080; port 0 = any)',
    set: (f, v, n) => {
      parseHostPort(n, need(n, v));
      f.listen = v!;
    },
  },
  grpcListen: {
    arg: 'HOST:PORT',
    help: 'HTTP/2 cleartext (h2c) listener for plain gRPC (default 127.0.0.1:50051; port 0 = any)',
    set: (f, v, n) => {
      parseHostPort(n, need(n, v));
      f.grpcListen = v!;
    },
  },
  seed: {
    arg: 'N',
    help: 'workload seed: same seed, scenario and routes = same traffic (default 1)',
    set: (f, v, n) =>
      (f.seed = parseInteger(n, need(n, v), -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)),
  },
  scenario: {
    arg: 'NAME',
    help: `workload scenario (default mix): ${SCENARIOS.map((s) => s.name).join(', ')}`,
    set: (f, v, n) => {
      const s = need(n, v);
      if (!isScenarioName(s)) {
        throw new FlagError(
          `--${n}: unknown scenario "${s}" (one of ${SCENARIOS.map((x) => x.name).join(', ')})`,
        );
      }
      f.scenario = s;
    },
  },
  routes: {
    arg: 'N',
    help: 'number of routes in the simulated key space (default 2000)',
    set: (f, v, n) => (f.routes = parseInteger(n, need(n, v), 1, 1_000_000)),
  },
  backfill: {
    arg: 'DURATION',
    help: 'history generated at start-up (default 24h; 0 = none)',
    set: (f, v, n) => (f.backfillMs = parseDuration(n, need(n, v))),
  },
  workload: {
    bool: true,
    help: 'drive the sampler with the synthetic workload (default true; =false: an idle sampler)',
    set: (f, v, n) => (f.workload = parseBool(n, v)),
  },
  static: {
    arg: 'DIR',
    help: 'the built page (vite build output; default dist); its keyviz-build.json gives the base path',
    set: (f, v, n) => {
      f.staticDir = need(n, v);
      f.staticExplicit = true;
    },
  },
  pageApiBase: {
    arg: 'URL',
    help: 'sets <meta name="keyviz-api-base" content="URL"> in the served index.html',
    set: (f, v, n) => {
      const s = need(n, v);
      if (/["<>]/.test(s))
        throw new FlagError(`--${n}: "${s}" must not contain quotes or angle brackets`);
      f.pageApiBase = s;
    },
  },
  corsAllowOrigin: {
    arg: 'ORIGIN[,ORIGIN]',
    help: 'origins whose pages may call the RPCs cross-origin (e.g. http://localhost:5173; * = any)',
    set: (f, v, n) => {
      const list = need(n, v)
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      for (const o of list) {
        if (
          o !== '*' &&
          !/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9a-fA-F:.]+\](:\d{1,5})?$/.test(
            o,
          )
        ) {
          throw new FlagError(`--${n}: "${o}" is not an origin like https://host:port`);
        }
      }
      f.corsAllowOrigin = list;
    },
  },
  fixture: {
    arg: 'FILE',
    help: 'answer from a recorded history (docs/fixture-format.md) instead of the workload',
    set: (f, v, n) => (f.fixture = need(n, v)),
  },
  record: {
    arg: 'FILE',
    help: 'write the sampler history to FILE on shutdown (SIGINT/SIGTERM) and on SIGUSR2',
    set: (f, v, n) => (f.record = need(n, v)),
  },
  adminTokenFile: {
    arg: 'FILE',
    help:
      'file holding the admin token; every RPC then needs "authorization: Bearer <token>" ' +
      '(without it: no auth, allowed on loopback addresses only)',
    set: (f, v, n) => (f.adminTokenFile = need(n, v)),
  },
  adminInsecureNoAuth: {
    bool: true,
    help: 'no token check, even on a non-loopback address',
    set: (f, v, n) => (f.adminInsecureNoAuth = parseBool(n, v)),
  },
  adminCredentialsFile: {
    arg: 'FILE',
    help: 'access keys for the JSON API sign-in under /admin/api/ (docs/embedding.md)',
    set: (f, v, n) => (f.adminCredentialsFile = need(n, v)),
  },
  adminSigningKeyFile: {
    arg: 'FILE',
    help: 'HMAC key for JSON API sessions (default: generated at start)',
    set: (f, v, n) => (f.adminSigningKeyFile = need(n, v)),
  },
  nodeId: {
    arg: 'ID',
    help: 'this node\'s id in GetClusterOverview (default "node-1")',
    set: (f, v, n) => (f.nodeId = need(n, v)),
  },
  ...LOAD_FLAG_SPECS,
};

export function helpText(): string {
  const lines = ['Usage: npm run server -- [flags]', '', 'Flags (--name value or --name=value):'];
  for (const [name, s] of Object.entries(SPECS)) {
    const left = `  --${name}${s.arg ? ` ${s.arg}` : ''}`;
    lines.push(left.padEnd(36) + s.help);
  }
  lines.push(
    '',
    KEYVIZ_EXT_FLAGS_HELP,
    '',
    GATEWAY_FLAGS_HELP,
    '',
    HISTORY_FLAGS_HELP,
    '',
    'Details: docs/server.md',
  );
  return lines.join('\n');
}

/**
 * Parses argv (without node and script); throws FlagError naming the bad flag. `env`
 * (main.ts passes process.env) supplies the node's rolling-update variables of the hot-key
 * and label flags (server/hotkeys/flags.ts); a flag on the command line wins.
 */
export function parseFlags(argv: readonly string[], env: Env = {}): ServerFlags {
  let gw: ReturnType<typeof takeGatewayFlags>;
  try {
    gw = takeGatewayFlags(argv);
  } catch (e) {
    throw new FlagError(e instanceof Error ? e.message : String(e));
  }
  const ext = takeKeyvizExtFlags(gw.rest, env);
  const hist = takeHistoryFlags(ext.rest);
  const f: ServerFlags = {
    ...DEFAULT_FLAGS,
    gateway: gw.values,
    keyvizExt: ext.values,
    history: hist.values,
  };
  const rest = hist.rest;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-h') {
      f.help = true;
      continue;
    }
    // One or two dashes, like Go's flag package.
    const m = /^--?([A-Za-z][A-Za-z0-9]*)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new FlagError(`unexpected argument "${arg}" (flags look like --name value)`);
    const name = m[1];
    const spec = Object.hasOwn(SPECS, name) ? SPECS[name] : undefined;
    if (!spec) throw new FlagError(`--${name}: unknown flag (see --help)`);
    let value = m[2];
    if (!spec.bool && value === undefined) {
      value = rest[++i];
      if (value === undefined) throw new FlagError(`--${name} needs a value`);
    }
    spec.set(f, value, name);
  }
  return f;
}
