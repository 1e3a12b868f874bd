// The page built as a node embeds it (scripts/build-embed.ts): a base path and a data source.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './spawnServer.ts';

/** Builds into `dir/bundle-<source>`; resolves that folder. A build takes 20-60 s here. */
export async function buildEmbed(
  dir: string,
  base: string,
  source: 'connect' | 'json',
  timeoutMs = 200_000,
): Promise<string> {
  const out = path.join(dir, `bundle-${source}`);
  const args = ['--import', 'tsx', 'scripts/build-embed.ts', '--base', base, '--out', out];
  await promisify(execFile)(process.execPath, [...args, '--source', source], {
    cwd: REPO_ROOT,
    timeout: timeoutMs,
  });
  return out;
}
