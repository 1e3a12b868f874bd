// Starts the real sampler server (server/main.ts) as a child process on free ports
// and resolves once it prints its KEYVIZ_READY line. Used by the integration and
// e2e tests; keep the shape stable.
//
//   const s = await spawnServer(['--backfill', '1h', '--keyvizStep', '1s']);
//   await fetch(`${s.http}/healthz`);          // s.grpc is HOST:PORT, s.keyviz the page URL
//   const code = await s.stop();               // SIGTERM by default; resolves the exit code
//
// The child runs in its own process group (detached), so stop() and the
// end-of-test cleanup also kill anything it started. Rejects with the captured
// stderr if the server exits (or does not get ready in `readyTimeoutMs`).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface SpawnOptions {
  /** Default 30 s (a 24 h backfill takes ~2 s; slow shared machines need slack). */
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Working directory; default the repository root. */
  cwd?: string;
  /** Do not add --listen/--grpcListen 127.0.0.1:0 (the test gives its own). */
  noDefaultListen?: boolean;
  /** Run the compiled server (dist-server/main.js, built by scripts/serverBuild.mjs), no tsx. */
  compiled?: boolean;
  /** Node's own flags before the script (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

export interface SpawnedServer {
  /** http://127.0.0.1:PORT (Connect, gRPC-Web, page, /healthz). */
  http: string;
  /** 127.0.0.1:PORT (plain gRPC over h2c). */
  grpc: string;
  /** URL of the page (`<http><base>keyviz`). */
  keyviz: string;
  proc: ChildProcess;
  /** Sends `signal` (default SIGTERM) to the process group; resolves the exit code (or 128+n). */
  stop(signal?: NodeJS.Signals): Promise<number>;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
}

const live = new Set<ChildProcess>();

/**
 * Test servers keep history in memory (--history=off) unless the test passes a
 * history flag itself (then with a temporary --historyDir): no test writes
 * into the repository's data/ folder.
 */
export function withHistoryDefault(args: readonly string[]): string[] {
  return args.some((a) => /^--?history/.test(a)) ? [...args] : ['--history=off', ...args];
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // Already gone.
  }
}

// Whatever a test forgot to stop dies with the test process.
process.once('exit', () => {
  for (const p of live) killGroup(p, 'SIGKILL');
});

function exitCodeOf(proc: ChildProcess): number {
  if (proc.exitCode !== null) return proc.exitCode;
  const sig = proc.signalCode;
  return sig
    ? 128 + ({ SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[sig] || 128
    : 0;
}

/** Waits for exit; resolves the exit code. */
export function exited(proc: ChildProcess): Promise<number> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(exitCodeOf(proc));
  return new Promise((resolve) => proc.once('exit', () => resolve(exitCodeOf(proc))));
}

/** Runs the server to completion (bad flags, --help); resolves its code and output. */
export async function runServer(
  args: string[],
  opts: { timeoutMs?: number; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/main.ts', ...withHistoryDefault(args)],
    {
      cwd: opts.cwd ?? REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  live.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), opts.timeoutMs ?? 30_000);
  const code = await exited(proc);
  clearTimeout(timer);
  live.delete(proc);
  return { code, stdout, stderr };
}

export function spawnServer(args: string[], opts: SpawnOptions = {}): Promise<SpawnedServer> {
  const listen = opts.noDefaultListen
    ? []
    : ['--listen', '127.0.0.1:0', '--grpcListen', '127.0.0.1:0'];
  const proc = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      ...(opts.compiled ? ['dist-server/main.js'] : ['--import', 'tsx', 'server/main.ts']),
      ...listen,
      ...withHistoryDefault(args),
    ],
    {
      cwd: opts.cwd ?? REPO_ROOT,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  live.add(proc);
  let out = '';
  let err = '';
  let stdoutBuf = '';
  const exit = exited(proc).then((code) => {
    live.delete(proc);
    return code;
  });

  return new Promise<SpawnedServer>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(proc, 'SIGKILL');
      reject(new Error(`server not ready within ${opts.readyTimeoutMs ?? 30_000} ms:\n${out}`));
    }, opts.readyTimeoutMs ?? 30_000);
    proc.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
      err += d.toString();
    });
    proc.stdout!.on('data', (d: Buffer) => {
      const s = d.toString();
      out += s;
      stdoutBuf += s;
      const m = /^KEYVIZ_READY (\{.*\})$/m.exec(stdoutBuf);
      if (!m) return;
      stdoutBuf = '';
      clearTimeout(timer);
      const ready = JSON.parse(m[1]) as { http: string; grpc: string; keyviz: string };
      resolve({
        ...ready,
        proc,
        output: () => out,
        stop: (signal = 'SIGTERM') => {
          killGroup(proc, signal);
          return exit;
        },
      });
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (code ${code}) before it was ready:\n${err || out}`));
    });
  });
}

/**
 * Flags for a seeded synthetic workload. The default 10-minute step means no new column
 * appears while a test runs, so the page and the test's own fetch see the same matrix.
 */
export function workloadFlags(o: {
  step?: string;
  backfill: string;
  routes: number;
  seed: number;
}): string[] {
  const flags = ['--keyvizStep', o.step ?? '10m', '--backfill', o.backfill, '--routes'];
  return [...flags, String(o.routes), '--seed', String(o.seed)];
}
