// Builds the page for a node to embed: one base path, one folder, strict-CSP clean.
//   node --import tsx scripts/build-embed.ts --base /admin/ --out DIR [--source json|connect|grpc-web]
// See docs/embedding.md for what the node must serve.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { embedEnv, findInlineCode, parseEmbedArgs } from './embed.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Vite empties the out dir: refuse anything that is not empty or an earlier bundle. */
function checkOutDir(out: string): void {
  const rel = relative(out, root);
  if (rel === '' || !rel.startsWith('..') || out === sep) {
    throw new Error(`--out ${out} is the repository or one of its parents; pick a separate folder`);
  }
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new Error(`--out ${out} exists and is not a folder`);
  const entries = readdirSync(out);
  if (entries.length > 0 && !entries.includes('keyviz-build.json')) {
    throw new Error(`--out ${out} is not empty and holds no earlier bundle (keyviz-build.json)`);
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

async function main(): Promise<void> {
  const args = parseEmbedArgs(process.argv.slice(2));
  const out = resolve(process.cwd(), args.out);
  checkOutDir(out);
  Object.assign(process.env, embedEnv(args, out));
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  const inline = findInlineCode(readFileSync(join(out, 'index.html'), 'utf8'));
  if (inline.length > 0) {
    throw new Error(
      `index.html has inline code the CSP in docs/embedding.md blocks:\n  ${inline.join('\n  ')}`,
    );
  }
  const files = listFiles(out);
  console.log(`built the page for ${args.base} (source: ${args.source}) into ${out}:`);
  for (const f of files) console.log(`  ${args.base}${f}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
