// Fails when src/gen is stale: regenerates into a temporary folder and compares.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const work = mkdtempSync(join(tmpdir(), 'keyviz-gen-'));
const tmp = join(work, 'out');
try {
  const conf = readFileSync('buf.gen.yaml', 'utf8').replace('out: src/gen', `out: ${tmp}`);
  const confPath = join(work, 'buf.gen.yaml');
  writeFileSync(confPath, conf);
  // buf finds the local protoc-gen-es plugin on PATH.
  const path = `${join(process.cwd(), 'node_modules/.bin')}:${process.env.PATH ?? ''}`;
  execFileSync('node_modules/.bin/buf', ['generate', '--template', confPath], {
    stdio: 'inherit',
    env: { ...process.env, PATH: path },
  });
  const fresh = readdirSync(tmp).filter((f) => f.endsWith('.ts'));
  const committed = readdirSync('src/gen');
  const stale: string[] = [];
  for (const f of new Set([...fresh, ...committed])) {
    let a = '';
    let b = '';
    try {
      a = readFileSync(join(tmp, f), 'utf8');
    } catch {
      /* missing */
    }
    try {
      b = readFileSync(join('src/gen', f), 'utf8');
    } catch {
      /* missing */
    }
    if (a !== b) stale.push(f);
  }
  if (stale.length) {
    console.error(`src/gen is stale (${stale.join(', ')}): run \`npm run gen\` and commit.`);
    process.exit(1);
  }
  console.log('src/gen is up to date with proto/.');
} finally {
  rmSync(work, { recursive: true, force: true });
}
