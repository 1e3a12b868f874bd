// Explore interactions at 1024 x 1440 in headless Chromium against the real server:
// recolour (brightness, scale, palette), pan/zoom frames, frame intervals while
// dragging, settle times. Prints medians and checks them against the budgets
// (recolour and pan/zoom frame <= 4 ms, no drag frame over 16 ms).
// Run: npm run bench -- explore-browser
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensurePageBuilt } from '../scripts/pageBuild.ts';
import { REPO_ROOT } from '../tests/helpers/spawnServer.ts';

export function run(): void {
  ensurePageBuilt();
  const r = spawnSync(
    join(REPO_ROOT, 'node_modules/.bin/playwright'),
    ['test', '--config', join(REPO_ROOT, 'bench/playwright.bench.config.ts')],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
  if (r.status !== 0)
    console.log('explore-browser: a budget was missed or the run failed (see above)');
}
