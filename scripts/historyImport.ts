// `npm run history:import -- --historyDir DIR --in FILE [--keyvizStep 1m] [--historyTiers ...]`: writes a record
// file (docs/fixture-format.md) into the history store, raw tier and roll-ups, as if its columns
// had been flushed live. Only columns newer than the store's newest are written: stored history
// is never overwritten (the rest are counted as skipped).
import { parseFlags } from '../server/flags.ts';
import { importColumns } from '../server/history/exchange.ts';
import { openSqliteStore } from '../server/history/sqliteStore.ts';
import { HistoryWriter } from '../server/history/writer.ts';
import { readFixture } from '../server/fixture/replay.ts';

function fail(msg: string): never {
  process.stderr.write(`history:import: ${msg}\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
let file: string | undefined;
const rest: string[] = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--in') file = argv[++i] ?? fail('--in needs a value');
  else if (argv[i].startsWith('--in=')) file = argv[i].slice('--in='.length);
  else rest.push(argv[i]);
}
if (!file) fail('give --in FILE');
const flags = parseFlags(rest);
let fx;
try {
  fx = readFixture(file);
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
const store = openSqliteStore(flags.history.dir);
// The store's step is the server's (--keyvizStep): a recording of another step is refused.
const writer = new HistoryWriter(store, flags.history.tiers, flags.keyvizStepMs, (l) =>
  process.stderr.write(`${l}\n`),
);
try {
  const r = importColumns(writer, fx.columns, fx.stepMs);
  process.stdout.write(
    `history:import: ${r.written} columns written, ${r.skipped} skipped (not newer than the store's newest) into ${store.path}\n`,
  );
} catch (e) {
  writer.close();
  fail(e instanceof Error ? e.message : String(e));
}
