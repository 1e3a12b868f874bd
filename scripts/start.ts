// `npm start [-- server flags]`: builds the page when dist/ is missing or older
// than its sources, then runs the sampler server (defaults: 24 h backfill, the
// built page from dist/) in this process. The server prints the page URL.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePageBuilt } from './pageBuild.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
try {
  ensurePageBuilt();
} catch (e) {
  process.stderr.write(`keyviz: ${(e as Error).message}\n`);
  process.exit(1);
}
// A newcomer sees sub-range and adapter-label rows (docs/hotkeys.md); the server's own
// defaults stay the node's (off). Flags given to `npm start -- ...` win.
const given = (name: string) => process.argv.some((a) => new RegExp(`^--?${name}(=|$)`).test(a));
// KEYVIZ_LABELS_ENABLED (the node's variable) is an operator's choice too: left to the server.
const labelsEnv = (process.env.KEYVIZ_LABELS_ENABLED ?? '').trim() !== '';
if (!given('keyvizLabelsEnabled') && !labelsEnv) process.argv.push('--keyvizLabelsEnabled');
if (!given('keyvizKeyBucketsPerRoute')) process.argv.push('--keyvizKeyBucketsPerRoute=4');
// server/main.ts reads process.argv.slice(2): the flags given to `npm start -- ...`.
await import('../server/main.ts');
