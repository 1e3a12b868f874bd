import { defineConfig } from '@playwright/test';
import base from '../playwright.config.ts';

// Browser benchmarks run by `npm run bench` (bench/explore-browser.bench.ts), never by
// `npm test`: their budgets are measured figures, not tests.
export default defineConfig({
  ...base,
  testDir: 'browser',
  timeout: 180_000,
  reporter: [['list']],
});
