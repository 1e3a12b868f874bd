// @ts-check
// Compiles the server once (esbuild, the bundler vite and tsx already ship) so `npm start` and
// production run plain JavaScript: no TypeScript loader at run time. Plain JavaScript itself,
// because it is what lets `npm start` run without tsx.
//   node scripts/serverBuild.mjs      build dist-server/ (main.js: the server; start.js: npm start)
// Dependencies stay external (node_modules, including better-sqlite3's native module); our own
// modules (server/, the generated code and the few src/ modules the server shares) are bundled.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = path.join(root, 'dist-server');
const META = path.join(OUT_DIR, 'meta.json');
const ENTRIES = { main: 'server/main.ts', start: 'scripts/start.ts' };

/** Why dist-server/ needs building, or null when every input is older than the build. */
export function serverBuildReason() {
  if (!existsSync(META)) return 'dist-server/ is missing';
  const builtAt = statSync(META).mtimeMs;
  /** @type {{ inputs: Record<string, unknown> }} */
  const meta = JSON.parse(readFileSync(META, 'utf8'));
  for (const input of [...Object.keys(meta.inputs), 'package.json', 'scripts/serverBuild.mjs']) {
    const p = path.join(root, input);
    if (!existsSync(p)) return `${input} is gone`;
    if (statSync(p).mtimeMs > builtAt) return `${input} changed since the last build`;
  }
  return null;
}

/** Builds dist-server/ (when stale unless `force`); returns the build's wall time in ms, or 0. */
export async function ensureServerBuilt(force = false) {
  const reason = force ? 'asked' : serverBuildReason();
  if (!reason) return 0;
  const t0 = performance.now();
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir: OUT_DIR,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    // Our modules read ../package.json relative to themselves: dist-server/ sits where
    // server/ and scripts/ do, one level below the root.
    banner: { js: '// Built by scripts/serverBuild.mjs from server/ and scripts/start.ts.' },
  });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(META, JSON.stringify(result.metafile));
  const ms = Math.round(performance.now() - t0);
  process.stderr.write(`keyviz: server compiled to dist-server/ in ${ms} ms (${reason})\n`);
  return ms;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await ensureServerBuilt(process.argv.includes('--force'));
}
