// Wiring: flags -> data source (workload-driven sampler, fixture, or gateway)
// -> AdminBackend -> protocols (Connect/gRPC-Web on HTTP/1.1, gRPC on h2c, the
// JSON API) plus the static page, and an orderly shutdown.
import { readFileSync } from 'node:fs';
import { Admission } from './http/admission.ts';
import { StreamWatch } from './http/streamWatch.ts';
import { MatrixCache } from './backends/matrixCache.ts';
import { checkRecordTarget } from './fixture/recordTarget.ts';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { Code, ConnectError } from '@connectrpc/connect';
import type { AdminBackend } from './backend.ts';
import { localSource, matrixCacheOf, type DataSource } from './backends/sources.ts';
import { writeFixture } from './fixture/record.ts';
import type { ServerFlags } from './flags.ts';
import { resolveGatewayOptions } from './gateway/flags.ts';
import { createUpstreamBackend } from './gateway/upstream.ts';
import { openGatewayHistory, type GatewayHistory } from './gateway/history.ts';
import { ClusterFollower, MAX_FOLLOWED_NODES } from './gateway/follow.ts';
import { createJsonApi, loadCredentialsFile, loadSigningKeyFile } from './http/jsonApi.ts';
import { composeHandlers, type SubHandler } from './http/compose.ts';
import { createCors } from './http/cors.ts';
import { healthz } from './http/healthz.ts';
import { healthDetailHandler } from './history/healthDetail.ts';
import { startIdleGc } from './http/idleGc.ts';
import { watchLoopDelay } from './http/loopDelay.ts';
import { streamsHealthz } from './events/healthz.ts';
import { checkListenAuth, hostForUrl, parseListen } from './http/listenAddress.ts';
import { listenHttp, listenH2c, type Listener } from './http/listeners.ts';
import { loadStaticSite } from './http/staticSite.ts';
import { readTokenFile } from './rpc/auth.ts';
import { createRpcHandler, isRpcPath } from './rpc/router.ts';
import type { Sampler } from './sampler/index.ts';

export class StartupError extends Error {
  override name = 'StartupError';
}

export interface App {
  /** http://HOST:PORT of the HTTP/1.1 listener. */
  http: string;
  /** HOST:PORT of the h2c gRPC listener. */
  grpc: string;
  /** URL of the page. */
  keyviz: string;
  backend: AdminBackend;
  sampler: Sampler | null;
  /** Prepares the page's first answer (call after the ready line). */
  warm(): Promise<void>;
  /** Writes --record now (SIGUSR2); false without --record. */
  record(): boolean;
  /**
   * Stops listening, harvests the open step, records; resolves when closed,
   * rejects (after closing) when any --record write failed.
   */
  shutdown(graceMs?: number): Promise<void>;
}

export interface AppOptions {
  log?: (line: string) => void;
  /** Extra handlers tried first on the HTTP/1.1 listener (embedders, tests). */
  extraHandlers?: SubHandler[];
}

function packageVersion(): string {
  try {
    const url = new URL('../package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export async function startApp(flags: ServerFlags, opts: AppOptions = {}): Promise<App> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const listen = parseListen('listen', flags.listen);
  const grpcListen = parseListen('grpcListen', flags.grpcListen);
  let token: string | null = null;
  try {
    if (flags.adminTokenFile) token = readTokenFile(flags.adminTokenFile);
  } catch (e) {
    throw new StartupError((e as Error).message);
  }
  if (flags.adminTokenFile && flags.adminInsecureNoAuth) {
    throw new StartupError('--adminTokenFile and --adminInsecureNoAuth exclude each other');
  }
  const authProblem = checkListenAuth(
    [listen, grpcListen],
    token !== null,
    flags.adminInsecureNoAuth,
  );
  if (authProblem) throw new StartupError(authProblem);

  const site = (() => {
    try {
      return loadStaticSite({
        dir: flags.staticDir,
        required: flags.staticExplicit,
        pageApiBase: flags.pageApiBase,
      });
    } catch (e) {
      throw new StartupError((e as Error).message);
    }
  })();

  let source: DataSource;
  let gatewayHistory: GatewayHistory | null = null;
  try {
    const gw = resolveGatewayOptions(flags.gateway);
    if (gw && flags.fixture) {
      throw new StartupError('--fixture and --upstream exclude each other');
    }
    if (gw) {
      // Gateway history follows every node (one or several, following on or off: with one
      // upstream or following off the follow state feeds the store only); the follow state
      // takes at most MAX_FOLLOWED_NODES nodes.
      const follows = gw.upstreams.length <= MAX_FOLLOWED_NODES;
      if (flags.history.enabled && !follows) {
        log(
          `keyviz: gateway history off: it follows at most ${MAX_FOLLOWED_NODES} upstreams ` +
            `(${gw.upstreams.length} given)`,
        );
      }
      gatewayHistory =
        flags.history.enabled && follows ? openGatewayHistory(flags.history, log) : null;
      const gh = gatewayHistory;
      const up = createUpstreamBackend({
        ...gw,
        log,
        cache: matrixCacheOf(flags),
        ...(gh ? { history: gh } : {}),
      });
      source = {
        backend: up,
        sampler: null,
        cluster: null,
        streamStats: () => up.streamStats(),
        finalFlush: () => {},
        stop: () => {
          up.close();
          gh?.close();
        },
      };
    } else {
      source = localSource(flags, log);
    }
  } catch (e) {
    throw new StartupError((e as Error).message);
  }
  const { backend } = source;
  // The answer cache (sampler and fixture modes; the gateway's follow-state answers), for /healthz/detail.
  const matrixCache =
    'cache' in backend && backend.cache instanceof MatrixCache ? backend.cache : null;
  // The gateway's follow state, for /healthz/detail.
  const follower =
    'follower' in backend && backend.follower instanceof ClusterFollower ? backend.follower : null;
  if (flags.record) {
    const problem = checkRecordTarget(flags.record);
    if (problem) {
      source.stop();
      throw new StartupError(`--record: ${problem}`);
    }
  }
  // One bound for heavy answers across every protocol.
  const admission = new Admission({
    maxInFlight: flags.matrixMaxInFlight,
    maxQueued: flags.matrixMaxQueued,
  });
  // A collection once quiet after heavy answers (their garbage would stay in the RSS).
  const idleGc = startIdleGc({ busyCount: () => admission.granted });
  // Event streams' connections, watched for a client gone without a word (both APIs).
  const streamWatch = new StreamWatch();

  let jsonApi: SubHandler;
  try {
    const api = createJsonApi({
      backend,
      credentials: flags.adminCredentialsFile
        ? loadCredentialsFile(flags.adminCredentialsFile)
        : null,
      ...(flags.adminSigningKeyFile
        ? { signingKey: loadSigningKeyFile(flags.adminSigningKeyFile) }
        : {}),
      nodeId: flags.nodeId ?? 'node-1',
      version: packageVersion(),
      admission,
      audit: log,
      streamWatch,
    });
    jsonApi = (req, res) => api.handle(req, res);
  } catch (e) {
    throw new StartupError((e as Error).message);
  }

  const shutdownCtl = new AbortController();
  const rpc = createRpcHandler({
    backend,
    token,
    audit: log,
    shutdownSignal: shutdownCtl.signal,
    admission,
    streamWatch,
  });
  const rpcSub: SubHandler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    // Every POST is an RPC (unknown paths get connect's 404), as is anything under /Admin/.
    if (req.method !== 'POST' && !isRpcPath(path)) return false;
    rpc(req, res);
    return true;
  };
  // Order matters: JSON API before the page's SPA fallback under /admin/.
  // The event loop's delay, for /healthz/detail (an unref'd 10 s timer).
  const loopDelay = watchLoopDelay();
  const handler = composeHandlers([
    ...(opts.extraHandlers ?? []),
    healthz,
    healthDetailHandler(
      () => source.history?.health() ?? gatewayHistory?.health() ?? null,
      () => ({
        ...(matrixCache && {
          matrixCache: {
            computed: matrixCache.computed,
            hits: matrixCache.hits,
            entries: matrixCache.size,
            bytes: matrixCache.bytes(),
            maxBytes: matrixCache.maxBytes,
          },
        }),
        ...(follower && { follow: { ...follower.stats, version: follower.version } }),
        eventLoopDelay: loopDelay.read(),
        idleGc: idleGc.stats,
        callersGoneBeforeAnswer: admission.goneBeforeStart,
      }),
    ),
    streamsHealthz(source.streamStats, streamWatch),
    jsonApi,
    ...(flags.corsAllowOrigin.length > 0 ? [createCors(flags.corsAllowOrigin)] : []),
    rpcSub,
    (req, res) => site.handle(req, res),
  ]);

  let httpL: Listener<HttpServer>;
  let grpcL: Listener<import('node:http2').Http2Server>;
  try {
    httpL = await listenHttp(listen, handler);
    grpcL = await listenH2c(grpcListen, (req, res) => rpc(req, res));
  } catch (e) {
    source.stop();
    throw new StartupError((e as Error).message);
  }
  const httpUrl = `http://${hostForUrl(listen.host)}:${httpL.port}`;
  const grpcAddr = `${hostForUrl(grpcListen.host)}:${grpcL.port}`;
  source.cluster?.setGrpcAddress(grpcAddr);

  // A failed write is logged where it happens and makes the final exit non-zero.
  let recordFailures = 0;
  const record = (): boolean => {
    const s = source.sampler;
    if (!flags.record || !s) return false;
    let n: number;
    let from: string;
    try {
      // With history on, the ring's window as the store holds it (the columns and metas
      // `npm run history:export` writes), so a recording and the database never disagree.
      const stored = source.history?.recordColumns(s);
      if (stored && 'unavailable' in stored)
        log(`keyviz: --record: ${stored.unavailable}; recording memory instead`);
      const fromStore = stored && 'columns' in stored ? stored.columns : null;
      from = fromStore ? 'the history store' : 'memory';
      const columns = fromStore ?? s.snapshot();
      writeFixture(flags.record, columns, s.options.stepMs);
      n = columns.length;
    } catch (e) {
      recordFailures++;
      throw e;
    }
    log(`keyviz: recorded ${n} columns to ${flags.record} (from ${from})`);
    return true;
  };

  let closing: Promise<void> | null = null;
  const shutdown = (graceMs = 300): Promise<void> => {
    closing ??= (async () => {
      const closed = Promise.all([httpL.close(graceMs), grpcL.close(graceMs)]);
      // Calls still running after the grace (a slow upstream) end with Unavailable.
      setTimeout(
        () => shutdownCtl.abort(new ConnectError('server shutting down', Code.Unavailable)),
        graceMs,
      ).unref();
      source.finalFlush();
      // Before stop(): with history on, the recording is read from the store it closes.
      try {
        record();
      } catch (e) {
        log(`keyviz: --record failed: ${(e as Error).message}`);
      }
      source.stop();
      loopDelay.stop();
      idleGc.stop();
      await closed;
      if (recordFailures > 0) {
        throw new Error(`--record: ${recordFailures} write(s) to ${flags.record} failed`);
      }
    })();
    return closing;
  };

  return {
    http: httpUrl,
    grpc: grpcAddr,
    keyviz: `${httpUrl}${site.entry}`,
    backend,
    sampler: source.sampler,
    warm: () => rpc.warm().catch(() => {}),
    record,
    shutdown,
  };
}
