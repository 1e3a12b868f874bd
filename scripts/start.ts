// `npm start [-- server flags]`: builds the page when dist/ is missing or older
// than its sources, then runs the sampler server (defaults: 24 h backfill, the
// built page from dist/) in this process. The server prints the page URL.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts'];

/** Newest modification time (ms) of a file or of any file under a directory. */
export function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const e of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

/** Why the page needs building, or null when dist/index.html is up to date. */
export function buildReason(dir = root): string | null {
  const built = path.join(dir, 'dist', 'index.html');
  if (!existsSync(built)) return 'dist/index.html is missing';
  const builtAt = statSync(built).mtimeMs;
  for (const s of SOURCES) {
    if (newestMtime(path.join(dir, s)) > builtAt) return `${s} changed since the last build`;
  }
  return null;
}

function build(): void {
  const reason = buildReason();
  if (!reason) return;
  process.stderr.write(`keyviz: building the page (${reason})...\n`);
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build'],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (r.status !== 0) {
    process.stderr.write(`keyviz: vite build failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
  process.stderr.write(`keyviz: page built in ${Math.round(performance.now() - t0)} ms\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.chdir(root);
  build();
  // server/main.ts reads process.argv.slice(2): the flags given to `npm start -- ...`.
  await import('../server/main.ts');
}
