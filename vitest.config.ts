import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_ARGS, requireChromium } from './scripts/chromium.ts';
import { leanProtobuf } from './scripts/leanProtobuf.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // A hang guard, not a speed test: property tests over large random matrices took over
          // the 5 s default on a loaded 2-core machine.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Each file starts real servers on real ports; two cores are enough for one at a time.
          fileParallelism: false,
        },
      },
      {
        // The page's own build plugins, so browser tests run the code the bundle ships. The
        // protobuf packages must not be pre-bundled, or the plugin never sees their files.
        plugins: [react(), leanProtobuf()],
        optimizeDeps: {
          exclude: ['@bufbuild/protobuf', '@connectrpc/connect', '@connectrpc/connect-web'],
          // Known up front: found mid-run, Vite re-optimises and reloads the page under a
          // running test file (a first run on a fresh clone failed a file that way).
          include: ['react', 'react-dom', 'react-dom/client', 'react-router-dom'],
        },
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.{ts,tsx}'],
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: requireChromium(), args: CHROMIUM_ARGS },
            }),
            instances: [{ browser: 'chromium' as const }],
            viewport: { width: 1280, height: 800 },
          },
        },
      },
    ],
  },
});
