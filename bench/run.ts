// Runs every bench/*.bench.ts in name order, one after another (never in
// parallel: the numbers are about one core). A bench file may simply do its work
// when imported, or export `run()` (sync or async), which is then awaited.
// Usage: npm run bench            (all)
//        npm run bench -- sampler (only files whose name contains "sampler")
//        npm run bench -- load    (exactly load.bench.ts: an exact name wins)
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts'));
// A filter naming a bench exactly (`load` = load.bench.ts) runs that one only.
const exact = all.filter((f) => filters.includes(f.slice(0, -'.bench.ts'.length)));
const files = (
  exact.length > 0
    ? exact
    : all.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
).sort();

for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { run?: () => unknown };
  if (typeof mod.run === 'function') await mod.run();
}
// A bench may leave sockets or timers behind (servers it started, HTTP/2 sessions): the run is over.
process.exit(0);
