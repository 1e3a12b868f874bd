// `npm run history:synth -- --historyDir DIR [--routes 10000] [--keyvizStep 1m] [--historyTiers ...]`:
// writes a synthetic history (every tier over its whole horizon, 28 days by
// default) into DIR for tests and benches. Refuses a directory that holds a
// history file already. See docs/history.md.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlags } from '../server/flags.ts';
import { HISTORY_FILE, openSqliteStore } from '../server/history/sqliteStore.ts';
import { synthesizeStore } from '../server/history/synth.ts';

const flags = parseFlags(process.argv.slice(2));
const dir = flags.history.dir;
if (existsSync(join(dir, HISTORY_FILE))) {
  process.stderr.write(
    `history:synth: ${join(dir, HISTORY_FILE)} exists; give an empty --historyDir\n`,
  );
  process.exit(1);
}
const t0 = performance.now();
const store = openSqliteStore(dir);
const n = synthesizeStore(store, {
  routes: flags.routes,
  now: Date.now(),
  stepMs: flags.keyvizStepMs,
  tiers: flags.history.tiers,
  seed: flags.seed,
});
const mb = store.sizeBytes() / 1e6;
store.close();
process.stdout.write(
  `history:synth: ${n} columns x ${flags.routes} routes in ${((performance.now() - t0) / 1000).toFixed(1)} s, ` +
    `${mb.toFixed(0)} MB at ${join(dir, HISTORY_FILE)}\n`,
);
