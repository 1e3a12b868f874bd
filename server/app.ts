// Wiring: flags -> data source (workload-driven sampler, fixture, or gateway)
// -> AdminBackend -> protocols (Connect/gRPC-Web on HTTP/1.1, gRPC on h2c, the
// JSON API) plus the static page, and an orderly shutdown.
import { readFileSync } from 'node:fs';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { Code, ConnectError } from '@connectrpc/connect';
import type { AdminBackend } from './backend.ts';
import { createLocalBackend } from './backends/local.ts';
import { SimulatedCluster } from './cluster/simulated.ts';
import { readFixture } from './fixture/replay.ts';
import { writeFixture } from './fixture/record.ts';
import type { ServerFlags } from './flags.ts';
import { resolveGatewayOptions } from './gateway/flags.ts';
import { createUpstreamBackend } from './gateway/upstream.ts';
import { createJsonApi, loadCredentialsFile, loadSigningKeyFile } from './http/jsonApi.ts';
import { composeHandlers, type SubHandler } from './http/compose.ts';
import { createCors } from './http/cors.ts';
import { healthz } from './http/healthz.ts';
import { checkListenAuth, hostForUrl, parseListen } from './http/listenAddress.ts';
import { listenHttp, listenH2c, type Listener } from './http/listeners.ts';
import { loadStaticSite } from './http/staticSite.ts';
import { readTokenFile } from './rpc/auth.ts';
import { createRpcHandler, isRpcPath } from './rpc/router.ts';
import { ManualClock, Sampler, systemClock } from './sampler/index.ts';
import type { Clock, Column } from './sampler/types.ts';
import {
  createWorkload,
  type LiveHandle,
  type SamplerSink,
  type WorkloadApi,
} from './workload/index.ts';

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
  /** Stops listening, harvests the open step, records; resolves when closed. */
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

interface DataSource {
  backend: AdminBackend;
  sampler: Sampler | null;
  cluster: SimulatedCluster | null;
  /** Harvests the open step (shutdown). */
  finalFlush(): void;
  stop(): void;
}

function localSource(flags: ServerFlags): DataSource {
  const nodeId = flags.nodeId ?? 'node-1';
  const samplerOpts = {
    stepMs: flags.keyvizStepMs,
    historyColumns: flags.keyvizHistoryColumns,
    maxTrackedRoutes: flags.keyvizMaxTrackedRoutes,
    maxMemberRoutesPerSlot: flags.keyvizMaxMemberRoutesPerSlot,
  };
  const capabilities = { keyviz: flags.keyvizEnabled };

  if (flags.fixture) {
    const fx = readFixture(flags.fixture);
    // Replay keeps the terms as recorded: the last term seen per group.
    const terms = new Map<number, number>();
    for (const c of fx.columns)
      for (const r of c.rows) if (r.raftGroupId > 0) terms.set(r.raftGroupId, r.leaderTerm);
    const lastT = fx.columns.at(-1)?.unixMs ?? fx.recordedAtUnixMs;
    const clock: Clock = { now: () => lastT };
    const sampler = flags.keyvizEnabled
      ? Sampler.fromColumns(fx.columns, {
          ...samplerOpts,
          stepMs: fx.stepMs,
          historyColumns: Math.max(1, fx.columns.length),
          clock,
        })
      : null;
    const cluster = new SimulatedCluster({
      nodeId,
      grpcAddress: flags.grpcListen,
      groups: [...terms.keys()],
      seed: flags.seed,
      clock: systemClock,
      fixedTerms: terms,
      capabilities,
    });
    return {
      // A replay never flushes: one generation forever.
      backend: createLocalBackend({ sampler, cluster, generation: () => 0 }),
      sampler,
      cluster,
      finalFlush: () => {},
      stop: () => {},
    };
  }

  // The workload moves a ManualClock: through 24 h of backfill, then in step with wall time.
  const clock = flags.workload ? new ManualClock(Date.now()) : systemClock;
  let workload: WorkloadApi | null = null;
  let live: LiveHandle | null = null;
  if (flags.workload) {
    workload = createWorkload({ seed: flags.seed, scenario: flags.scenario, routes: flags.routes });
  }
  let sampler: Sampler | null = null;
  const cluster = new SimulatedCluster({
    nodeId,
    grpcAddress: flags.grpcListen,
    groups: workload?.raftGroups() ?? [1, 2, 3],
    seed: flags.seed,
    clock,
    capabilities,
    qps: () => lastStepQps(sampler, flags.keyvizStepMs, clock.now()),
  });
  // Every flush after start-up goes through `flush` so cached answers expire with it.
  let generation = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const flush = (s: Sampler) => {
    s.flush();
    generation++;
  };
  if (flags.keyvizEnabled) {
    const s = new Sampler({ ...samplerOpts, clock, leaderTermOf: cluster.leaderTermOf });
    sampler = s;
    if (workload && clock instanceof ManualClock) {
      if (flags.backfillMs > 0) {
        workload.backfill(s, clock, {
          durationMs: flags.backfillMs,
          stepMs: flags.keyvizStepMs,
          now: Date.now(),
        });
      }
      live = workload.startLive(
        countingSink(s, () => generation++),
        {
          stepMs: flags.keyvizStepMs,
          clock,
        },
      );
    } else {
      timer = setInterval(() => flush(s), flags.keyvizStepMs);
      timer.unref();
    }
  }
  const s = sampler;
  return {
    backend: createLocalBackend({ sampler, cluster, generation: () => generation }),
    sampler,
    cluster,
    finalFlush: () => {
      if (!s) return;
      // Bring traffic up to now, then harvest the open step as one last column.
      live?.tick();
      live?.stop();
      clearInterval(timer);
      if (clock instanceof ManualClock) clock.set(Math.max(clock.now(), Date.now()));
      flush(s);
    },
    stop: () => {
      live?.stop();
      workload?.stop();
      clearInterval(timer);
    },
  };
}

/** The sampler as the workload sees it, counting flushes. */
function countingSink(
  s: Sampler,
  onFlush: () => void,
): SamplerSink & { getRoute(id: number): unknown } {
  return {
    registerRoute: (r) => s.registerRoute(r),
    removeRoute: (id) => s.removeRoute(id),
    splitRoute: (id, key, newId) => s.splitRoute(id, key, newId),
    mergeRoutes: (l, r) => s.mergeRoutes(l, r),
    observe: (id, key, op, len) => s.observe(id, key, op, len),
    flush: () => {
      s.flush();
      onFlush();
    },
    getRoute: (id) => s.getRoute(id),
  };
}

/** Requests per second over the newest column (aggregate_qps). */
function lastStepQps(sampler: Sampler | null, stepMs: number, nowMs: number): number {
  if (!sampler || sampler.columnCount === 0) return 0;
  // Only the newest columns are materialised: a full snapshot costs ~0.3 s.
  const cols: Column[] = sampler.snapshot(Math.max(1, nowMs - 2 * stepMs));
  const last = cols.at(-1);
  if (!last) return 0;
  let n = 0;
  for (const r of last.rows) n += r.reads + r.writes;
  return n / (stepMs / 1000);
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
  try {
    const gw = resolveGatewayOptions(flags.gateway);
    if (gw && flags.fixture) {
      throw new StartupError('--fixture and --upstream exclude each other');
    }
    if (gw) {
      const up = createUpstreamBackend(gw);
      source = {
        backend: up,
        sampler: null,
        cluster: null,
        finalFlush: () => {},
        stop: () => up.close(),
      };
    } else {
      source = localSource(flags);
    }
  } catch (e) {
    throw new StartupError((e as Error).message);
  }
  const { backend } = source;

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
    });
    jsonApi = (req, res) => api.handle(req, res);
  } catch (e) {
    throw new StartupError((e as Error).message);
  }

  const shutdownCtl = new AbortController();
  const rpc = createRpcHandler({ backend, token, shutdownSignal: shutdownCtl.signal });
  const rpcSub: SubHandler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    // Every POST is an RPC (unknown paths get connect's 404), as is anything under /Admin/.
    if (req.method !== 'POST' && !isRpcPath(path)) return false;
    rpc(req, res);
    return true;
  };
  // Order matters: JSON API before the page's SPA fallback under /admin/.
  const handler = composeHandlers([
    ...(opts.extraHandlers ?? []),
    healthz,
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

  const record = (): boolean => {
    if (!flags.record || !source.sampler) return false;
    writeFixture(flags.record, source.sampler.snapshot(), source.sampler.options.stepMs);
    log(`keyviz: recorded ${source.sampler.columnCount} columns to ${flags.record}`);
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
      source.stop();
      try {
        record();
      } catch (e) {
        log(`keyviz: --record failed: ${(e as Error).message}`);
      }
      await closed;
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
