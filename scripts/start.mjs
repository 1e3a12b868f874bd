// @ts-check
// `npm start [-- server flags]`: compiles the server when its sources changed (serverBuild.mjs),
// then runs the compiled scripts/start.ts (page build when stale, then the server). Plain
// JavaScript so that `npm start` needs no TypeScript loader.
import { ensureServerBuilt } from './serverBuild.mjs';

try {
  await ensureServerBuilt();
} catch (e) {
  process.stderr.write(
    `keyviz: compiling the server failed: ${/** @type {Error} */ (e).message}\n`,
  );
  process.exit(1);
}
await import('../dist-server/start.js');
