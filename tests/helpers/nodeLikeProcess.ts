// Starts tests/helpers/nodeLikeUpstream.ts (a node-like upstream: GetRouteDetail and
// GetAdapterSummary answer Unimplemented) as a process group of its own.
import { spawn } from 'node:child_process';
import { REPO_ROOT } from './spawnServer.ts';

export interface NodeLike {
  /** host:port of its gRPC (h2c) listener. */
  addr: string;
  stop: () => void;
}

export function startNodeLike(
  flags: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<NodeLike> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/helpers/nodeLikeUpstream.ts', ...flags],
      { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const stop = () => {
      if (p.pid && p.exitCode === null) process.kill(-p.pid, 'SIGTERM');
    };
    let out = '';
    p.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /on (127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ addr: m[1], stop });
    });
    p.once('exit', (code) => reject(new Error(`node-like upstream exited ${code}`)));
  });
}
