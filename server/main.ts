// CLI entry: `npm run server -- [flags]` (see --help and docs/server.md).
// Exit codes: 0 after a clean shutdown, 2 for a bad flag or a refused start-up.
import { StartupError, startApp, type App } from './app.ts';
import { FlagError, helpText, parseFlags } from './flags.ts';

/** The single machine-readable line tests and scripts wait for. */
export const READY_PREFIX = 'KEYVIZ_READY ';

async function main(): Promise<void> {
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2), process.env);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    process.stderr.write(`keyviz: ${e.message}\n`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(`${helpText()}\n`);
    return;
  }
  // Handlers go in before start-up: until a handler exists, SIGTERM's default action
  // kills the process at once, so a signal sent right after the ready line could
  // skip the final flush.
  let app: App | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`keyviz: ${signal}: shutting down\n`);
    // Hard stop if something still hangs: the contract is exit within 2 s. Writing
    // --record is the exception: a full 24 h history takes a second or two to write.
    setTimeout(() => process.exit(0), flags.record ? 15_000 : 1_800).unref();
    if (!app) return; // still starting: main() exits once start-up ends
    app.shutdown().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`keyviz: shutdown: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGUSR2', () => {
    try {
      app?.record();
    } catch (e) {
      process.stderr.write(`keyviz: --record failed: ${(e as Error).message}\n`);
    }
  });

  const t0 = performance.now();
  try {
    app = await startApp(flags);
  } catch (e) {
    if (!(e instanceof StartupError)) throw e;
    process.stderr.write(`keyviz: ${e.message}\n`);
    process.exit(2);
  }
  if (stopping) {
    await app.shutdown();
    process.exit(0);
  }
  const ms = Math.round(performance.now() - t0);
  process.stdout.write(
    `${READY_PREFIX}${JSON.stringify({ http: app.http, grpc: app.grpc, keyviz: app.keyviz })}\n`,
  );
  process.stdout.write(
    `keyviz: ready in ${ms} ms: page ${app.keyviz}  (Connect/gRPC-Web ${app.http}, gRPC ${app.grpc})\n`,
  );
  // While the browser loads the page, compute its first answer.
  setImmediate(() => void app.warm());
}

await main();
