// `npm test`: every check and every test suite, then one closing line counted from
// the runners' own JSON reports. Browser suites are never skipped silently: without
// a Chromium this stops with the command that gets one.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { findChromium, missingChromiumAdvice } from './chromium.ts';
import { countReports, formatSummary } from './summary.ts';

const only = process.argv.slice(2); // optional: run only these steps by name

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): boolean {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function ensureChromium(): string {
  const found = findChromium();
  if (found) return found;
  // A test command must not install software: say how, and stop (.ci/run installs it).
  console.error(missingChromiumAdvice());
  process.exit(1);
}

const bin = (name: string) => `node_modules/.bin/${name}`;

interface Step {
  name: string;
  run: () => boolean;
}

const steps: Step[] = [
  { name: 'gen', run: () => run('node', ['--import', 'tsx', 'scripts/check-gen.ts']) },
  { name: 'typecheck', run: () => run(bin('tsc'), ['-p', 'tsconfig.json']) },
  { name: 'lint', run: () => run(bin('eslint'), ['.', '--max-warnings=0']) },
  { name: 'format', run: () => run(bin('prettier'), ['--check', '.', '--log-level=warn']) },
  {
    name: 'build',
    run: () =>
      run(bin('vite'), ['build', '--logLevel', 'warn']) &&
      run(bin('vite'), ['build', '--logLevel', 'warn'], {
        KEYVIZ_BASE: '/admin/',
        KEYVIZ_OUT_DIR: 'dist-admin',
      }),
  },
  {
    name: 'vitest',
    run: () =>
      run(bin('vitest'), [
        'run',
        '--reporter=default',
        '--reporter=json',
        '--outputFile.json=reports/vitest.json',
      ]),
  },
  { name: 'e2e', run: () => run(bin('playwright'), ['test']) },
];

const chromium = ensureChromium();
process.env.KEYVIZ_CHROMIUM = chromium;
console.log(`Chromium: ${chromium}`);

rmSync('reports', { recursive: true, force: true });
mkdirSync('reports', { recursive: true });

const failedSteps: string[] = [];
for (const step of steps) {
  if (only.length && !only.includes(step.name)) continue;
  // The runners test the build: after a failed one they would test a stale dist/.
  if ((step.name === 'vitest' || step.name === 'e2e') && failedSteps.includes('build')) {
    console.log(`\n${step.name}: not run (the build failed)`);
    failedSteps.push(step.name);
    continue;
  }
  if (!step.run()) failedSteps.push(step.name);
}

const counts = countReports('reports');
// A failed check outside the runners (gen, typecheck, lint, format, build) counts as a failure,
// so the closing line is never all-green when npm test fails.
const failedChecks = failedSteps.filter((s) => s !== 'vitest' && s !== 'e2e').length;
counts.failed += failedChecks;
console.log('');
for (const line of counts.details) console.log(line);
if (failedSteps.length) console.log(`failed steps: ${failedSteps.join(', ')}`);
const closing = formatSummary(counts);
console.log(closing);
// .ci/run prints it again after npm's own error lines, so it is the run's last line.
writeFileSync('reports/summary.txt', closing + '\n');
process.exit(failedSteps.length || counts.failed ? 1 : 0);
