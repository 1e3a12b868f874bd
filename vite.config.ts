import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { firstPaintChunk } from './scripts/firstPaintChunk.ts';
import { leanProtobuf } from './scripts/leanProtobuf.ts';
import { leanRouter } from './scripts/leanRouter.ts';

// The base path the bundle is served under (`/` or e.g. `/admin/`), chosen at build time.
const base = normaliseBase(process.env.KEYVIZ_BASE ?? '/');
// Where `vite` (dev) sends RPCs: the sampler server started by `npm start`.
const apiTarget = process.env.KEYVIZ_DEV_API ?? 'http://127.0.0.1:8080';

function normaliseBase(b: string): string {
  let s = b.startsWith('/') ? b : `/${b}`;
  if (!s.endsWith('/')) s += '/';
  return s;
}

/** Writes keyviz-build.json so a server knows which base path a bundle was built for. */
function buildInfo(): Plugin {
  return {
    name: 'keyviz-build-info',
    apply: 'build',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'keyviz-build.json',
        source: JSON.stringify({ base, builtAt: new Date().toISOString() }, null, 2) + '\n',
      });
    },
  };
}

// react-router's package exports resolve to its development build (dev-only warnings, about
// 0.5 kB gzip) for every bundler; a production build of the page takes its production build.
const reactRouterProd = fileURLToPath(
  new URL('./node_modules/react-router/dist/production/index.mjs', import.meta.url),
);

export default defineConfig(({ command }) => ({
  base,
  plugins: [react(), leanProtobuf(), leanRouter(), firstPaintChunk(), buildInfo()],
  build: {
    outDir: process.env.KEYVIZ_OUT_DIR ?? 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One entry chunk and browsers that all support modulepreload: the polyfill is dead weight.
    modulePreload: { polyfill: false },
  },
  resolve:
    command === 'build'
      ? { alias: [{ find: /^react-router$/, replacement: reactRouterProd }] }
      : undefined,
  server: {
    proxy: {
      '/Admin/': { target: apiTarget, changeOrigin: true },
      '/admin/api/': { target: apiTarget, changeOrigin: true },
    },
  },
}));
