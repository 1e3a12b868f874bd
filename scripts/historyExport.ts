// `npm run history:export -- --historyDir DIR --out FILE [--since 24h | --from MS --to MS] [--tier N]`:
// writes a window of the history store as a record file (docs/fixture-format.md), the file
// --record writes, --fixture replays and the page opens. Tier 0 (1-minute columns) by default.
import { parseFlags } from '../server/flags.ts';
import { parseLongDuration } from '../server/history/flags.ts';
import { exportColumns } from '../server/history/exchange.ts';
import { openSqliteStore } from '../server/history/sqliteStore.ts';
import { writeFixture } from '../server/fixture/record.ts';

function fail(msg: string): never {
  process.stderr.write(`history:export: ${msg}\n`);
  process.exit(2);
}

const own = new Map<string, string>();
const rest: string[] = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const m = /^--(out|since|from|to|tier)(?:=(.*))?$/.exec(argv[i]);
  if (!m) {
    rest.push(argv[i]);
    continue;
  }
  const v = m[2] ?? argv[++i];
  if (v === undefined) fail(`--${m[1]} needs a value`);
  own.set(m[1], v);
}
const flags = parseFlags(rest);
const out = own.get('out') ?? fail('give --out FILE');
const ms = (name: string): number | undefined => {
  const v = own.get(name);
  if (v === undefined) return undefined;
  const n = /^[0-9]+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(n) ? n : fail(`--${name} ${v}: give unix ms or an ISO time`);
};
const tier = Number(own.get('tier') ?? '0');
if (!Number.isInteger(tier) || tier < 0 || tier >= flags.history.tiers.length) {
  fail(`--tier must be 0..${flags.history.tiers.length - 1}`);
}
const since = (): number => {
  try {
    return parseLongDuration('since', own.get('since') ?? '24h');
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
};
const to = ms('to') ?? Infinity;
const from = ms('from') ?? (to === Infinity ? Date.now() : to) - since();
const store = openSqliteStore(flags.history.dir);
try {
  const columns = exportColumns(store, tier, from, to, flags.keyvizStepMs);
  const step = tier === 0 ? flags.keyvizStepMs : flags.history.tiers[tier].resolutionMs;
  writeFixture(out, columns, Math.max(step, flags.keyvizStepMs));
  process.stdout.write(`history:export: ${columns.length} columns of tier ${tier} to ${out}\n`);
} finally {
  store.close();
}
