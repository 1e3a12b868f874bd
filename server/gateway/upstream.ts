// The gateway backend: answers the page's calls by calling real nodes over plain
// gRPC (HTTP/2, h2c or TLS) with `authorization: Bearer <token>`. One upstream is a
// pass-through; several are asked in parallel and merged into a cluster view.
// The token lives only in the per-call header map here: never in an answer, an
// error message or a log line.
import { readFileSync } from 'node:fs';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ConnectError } from '@connectrpc/connect';
import {
  GetAdapterSummaryRequestSchema,
  GetAdapterSummaryResponseSchema,
  GetRouteDetailRequestSchema,
  GetRouteDetailResponseSchema,
  GetClusterOverviewRequestSchema,
  GetClusterOverviewResponseSchema,
  GetKeyVizMatrixRequestSchema,
  GetRaftGroupsRequestSchema,
  GetRaftGroupsResponseSchema,
  type GetClusterOverviewResponse,
  type GetRaftGroupsResponse,
} from '../../src/gen/admin_pb.ts';
import {
  GetKeyVizMatrixResponseWireSchema,
  type GetKeyVizMatrixResponseWire,
} from '../../src/gen/keyviz_wire_pb.ts';
import type { AdminBackend } from '../backend.ts';
import type { MatrixAnswer, MatrixRequest, UpstreamStatus } from '../sampler/types.ts';
import { decodeMatrixWire } from '../wire/index.ts';
import { encodeMatrixResponseBytes, preEncodedMatrix } from '../wire/encode-response.ts';
import { toNodeStatusMessages } from '../wire/generic.ts';
import { mergeOverviews, mergeRaftGroups } from './cluster.ts';
import { codeName, combineFailures, mapUpstreamError } from './errors.ts';
import { GrpcClient } from './grpcClient.ts';
import { MAX_MATRIX_ROWS, rowBudget } from '../sampler/request.ts';
import { mergeMatrices } from './merge.ts';
import { foldMergedAnswer } from './foldMerged.ts';
import {
  alignAnswerWindow,
  alignedHotKeysWindow,
  decodeHotKeys,
  hotKeysFailure,
  hotKeysUpstreamRequest,
  mergeHotKeyAnswers,
  PATH_HOT_KEYS,
} from './hotkeysMerge.ts';
import { GatewayEvents } from './gatewayEvents.ts';
import type { StreamStats } from '../events/types.ts';
import { mergeAdapterSummaries, mergeRouteDetails } from './console.ts';
import { Code } from '@connectrpc/connect';
import { ClusterFollower, MAX_FOLLOWED_NODES, type SettledColumn } from './follow.ts';
import type { GatewayHistory } from './history.ts';
import { raceAbort, yieldToLoop } from '../backends/yieldToLoop.ts';
import { MatrixCache, type MatrixCacheOptions } from '../backends/matrixCache.ts';
import { memoOn } from '../backends/answerMemo.ts';

export interface UpstreamBackendOptions {
  /** HOST:PORT of each node, in the order statuses are reported. */
  upstreams: string[];
  /** Bearer token sent to every node; null only with insecureNoAuth. */
  token: string | null;
  insecureNoAuth: boolean;
  tls: boolean;
  /** PEM CA bundle for --upstreamTls (default: the system's CAs). */
  caFile?: string;
  /** Per-upstream, per-call deadline; default 2000 ms (the node's own fan-out timeout). */
  timeoutMs?: number;
  /**
   * Several upstreams: follow the nodes' new columns into a merged state and answer
   * from it (follow.ts); 0 switches it off (every request fans out). Default 5000 ms.
   */
  followEveryMs?: number;
  /** Operator lines (stderr by default in the server). */
  log?: (line: string) => void;
  /** Gateway history: restored into the follow state at start, fed its settled columns. */
  history?: GatewayHistory;
  /**
   * Bounds of the answer cache (answers from the follow state; the server's
   * --matrixCacheMB and --matrixCacheIdleSeconds).
   */
  cache?: MatrixCacheOptions;
}

export const DEFAULT_FOLLOW_EVERY_MS = 5000;

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 2000;

// RPC paths: the service has no proto package (contract §1).
const PATH_MATRIX = '/Admin/GetKeyVizMatrix';
const PATH_OVERVIEW = '/Admin/GetClusterOverview';
const PATH_RAFT_GROUPS = '/Admin/GetRaftGroups';
const PATH_ROUTE_DETAIL = '/Admin/GetRouteDetail';
const PATH_ADAPTER_SUMMARY = '/Admin/GetAdapterSummary';

interface Upstream {
  node: string;
  client: GrpcClient;
}

type Outcome<T> =
  | { node: string; ok: true; value: T; latencyMs: number }
  | { node: string; ok: false; error: ConnectError; latencyMs: number };

export interface UpstreamBackend extends AdminBackend {
  /**
   * The same answer as getKeyVizMatrix, as the wire view the binary protocols
   * (gRPC, Connect proto, gRPC-Web) send: with one upstream the node's rows pass
   * through as the bytes it sent, never decoded and re-encoded (the gateway then
   * adds only a few ms over a direct call); with several, the encoded merge.
   */
  getKeyVizMatrixWire(
    req: MatrixRequest,
    signal: AbortSignal,
  ): Promise<GetKeyVizMatrixResponseWire>;
  /** Close the HTTP/2 connections (server shutdown, tests). */
  close(): void;
  /** Live stream counters (see gatewayEvents.ts). */
  streamStats(): StreamStats;
  /**
   * The follow state: several upstreams with following on (it answers the page), or any
   * number up to MAX_FOLLOWED_NODES with history on (it feeds the store); else null.
   */
  readonly follower: ClusterFollower | null;
  /**
   * Answers from the follow state, shared until the state changes (docs/gateway.md,
   * "Answer cache"); /healthz/detail shows it as `matrixCache`.
   */
  readonly cache: MatrixCache;
}

const elapsed = (started: number) => Math.round(performance.now() - started);

export function createUpstreamBackend(opts: UpstreamBackendOptions): UpstreamBackend {
  if (opts.upstreams.length === 0) throw new Error('the gateway needs at least one --upstream');
  if (opts.token === null && !opts.insecureNoAuth) {
    throw new Error('the gateway needs --upstreamTokenFile (or --upstreamInsecureNoAuth)');
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const ca = opts.tls && opts.caFile ? readFileSync(opts.caFile) : undefined;
  const upstreams: Upstream[] = opts.upstreams.map((node) => ({
    node,
    client: new GrpcClient({ baseUrl: `${opts.tls ? 'https' : 'http'}://${node}`, ca }),
  }));
  const sentToken = opts.token !== null;
  const headers: Record<string, string> =
    opts.token === null ? {} : { authorization: `Bearer ${opts.token}` };
  const scrub = (err: ConnectError): ConnectError => {
    // Belt and braces: no message we produce contains the token, but a node's might echo it.
    const t = opts.token;
    if (!t || !err.rawMessage.includes(t)) return err;
    return new ConnectError(err.rawMessage.split(t).join('[redacted]'), err.code);
  };

  const followEveryMs = opts.followEveryMs ?? DEFAULT_FOLLOW_EVERY_MS;
  // Several upstreams with following on: the state answers the page. One upstream (or
  // following off) with history on: the gateway still follows, for its store only; the
  // node (or the fan-out) answers what it holds, the state and store the rest.
  const answersFromState = upstreams.length > 1 && followEveryMs > 0;
  const follows =
    upstreams.length <= MAX_FOLLOWED_NODES && (answersFromState || opts.history !== undefined);
  const followCtl = new AbortController();
  // A follow call may carry a whole day of a node (the warm-up): a longer deadline than a page's.
  const followTimeoutMs = Math.max(4 * timeoutMs, 10_000);
  const follower = follows
    ? new ClusterFollower({
        nodes: opts.upstreams,
        ...(opts.log ? { log: opts.log } : {}),
        ...(opts.history ? { onSettled: (c: SettledColumn) => opts.history?.onSettled(c) } : {}),
        fetch: async (i, series, fromMs, toMs) => {
          const u = upstreams[i];
          const request = toBinary(
            GetKeyVizMatrixRequestSchema,
            create(GetKeyVizMatrixRequestSchema, {
              series,
              fromUnixMs: BigInt(Math.trunc(fromMs)),
              toUnixMs: BigInt(Math.trunc(toMs)),
              // With history: every bucket a node has (0: a real node's gRPC "no cap"; ours
              // reads 0 as 1024) for its few new columns, so the store keeps a node's tail.
              // The whole ring (from 0) stays at 1024 rows (uncapped it is ~100 MB at 10,000
              // routes); without history the state needs no more than 1024.
              rows: opts.history && fromMs > 0 ? 0 : MAX_MATRIX_ROWS,
            }),
          );
          const started = performance.now();
          let o: Outcome<MatrixAnswer>;
          try {
            const bytes = await u.client.unary({
              path: PATH_MATRIX,
              request,
              headers,
              // Only the first call (from 0: a whole day) gets the longer deadline; a stalled
              // node must not hold a round (and every other node's new column) longer.
              timeoutMs: fromMs === 0 ? followTimeoutMs : timeoutMs,
              signal: followCtl.signal,
            });
            o = decoded(
              { node: u.node, ok: true, value: bytes, latencyMs: elapsed(started) },
              decodeMatrixWire,
            );
          } catch (reason) {
            const error = scrub(
              mapUpstreamError(reason, {
                node: u.node,
                timeoutMs: fromMs === 0 ? followTimeoutMs : timeoutMs,
                sentToken,
              }),
            );
            o = { node: u.node, ok: false, error, latencyMs: elapsed(started) };
          }
          return o.ok
            ? { ok: true, value: o.value, latencyMs: o.latencyMs }
            : { ok: false, status: statusOf(o) };
        },
      })
    : null;
  if (follower && opts.history)
    follower.stats.restored = opts.history.restoreInto(follower, Date.now(), follower.keepMs);
  follower?.start(followEveryMs > 0 ? followEveryMs : DEFAULT_FOLLOW_EVERY_MS);

  const cache = new MatrixCache(opts.cache);
  /** Answers the cache hands out (shared: encoded once, memoised on the answer). */
  const shared = new WeakSet<MatrixAnswer>();

  const events = new GatewayEvents({
    // Live columns come from the state only where it answers the page.
    follower: answersFromState ? follower : null,
    upstreams: opts.upstreams,
    tls: opts.tls,
    ca,
    headers,
    scrub,
    pollMatrix: (node, req, signal) =>
      call(
        upstreams[opts.upstreams.indexOf(node)],
        PATH_MATRIX,
        matrixRequest(req),
        signal,
        decodeMatrixWire,
      ),
  });

  /** One upstream's answer bytes (not yet decoded). */
  async function fetchBytes(
    u: Upstream,
    path: string,
    request: Uint8Array,
    signal: AbortSignal,
  ): Promise<Outcome<Uint8Array>> {
    const started = performance.now();
    try {
      const bytes = await u.client.unary({ path, request, headers, timeoutMs, signal });
      return { node: u.node, ok: true, value: bytes, latencyMs: elapsed(started) };
    } catch (reason) {
      const error = scrub(mapUpstreamError(reason, { node: u.node, timeoutMs, sentToken }));
      return { node: u.node, ok: false, error, latencyMs: elapsed(started) };
    }
  }

  /** Bytes -> value; a malformed answer fails that node as a transport error would. */
  function decoded<T>(o: Outcome<Uint8Array>, convert: (bytes: Uint8Array) => T): Outcome<T> {
    if (!o.ok) return o;
    try {
      return { ...o, value: convert(o.value) };
    } catch (reason) {
      const error = scrub(mapUpstreamError(reason, { node: o.node, timeoutMs, sentToken }));
      return { node: o.node, ok: false, error, latencyMs: o.latencyMs };
    }
  }

  async function call<T>(
    u: Upstream,
    path: string,
    request: Uint8Array,
    signal: AbortSignal,
    convert: (bytes: Uint8Array) => T,
  ): Promise<Outcome<T>> {
    return decoded(await fetchBytes(u, path, request, signal), convert);
  }

  /**
   * Every upstream in parallel, each with its own deadline. Answers are decoded only once all
   * are in: decoding one node's answer (tens of ms for a full matrix) while others are still
   * arriving would hold their bytes unread and could run them past their deadlines.
   */
  async function callAll<T>(
    path: string,
    request: Uint8Array,
    signal: AbortSignal,
    convert: (bytes: Uint8Array) => T,
  ): Promise<Outcome<T>[]> {
    const raw = await Promise.all(upstreams.map((u) => fetchBytes(u, path, request, signal)));
    return raw.map((o) => decoded(o, convert));
  }

  function succeeded<T>(outcomes: Outcome<T>[]): { node: string; value: T }[] {
    const ok: { node: string; value: T }[] = [];
    for (const o of outcomes) if (o.ok) ok.push({ node: o.node, value: o.value });
    if (ok.length > 0) return ok;
    throw combineFailures(
      outcomes.flatMap((o) => (o.ok ? [] : [{ node: o.node, error: o.error }])),
    );
  }

  function matrixRequest(req: MatrixRequest): Uint8Array {
    return toBinary(
      GetKeyVizMatrixRequestSchema,
      create(GetKeyVizMatrixRequestSchema, {
        series: req.series,
        fromUnixMs: BigInt(Math.trunc(req.fromUnixMs)),
        toUnixMs: BigInt(Math.trunc(req.toUnixMs)),
        // One node: the page's budget (0 sent as 1024: a real node's gRPC path reads 0 as
        // "no cap"). Several: all they have (1024, their max); the merge budgets.
        rows: upstreams.length === 1 ? rowBudget(req.rows) : MAX_MATRIX_ROWS,
        // One node folds its own (a real node ignores it and says nothing); several: the merge.
        foldKeySpace: upstreams.length === 1 && req.foldKeySpace === true,
      }),
    );
  }

  // The step the last aligned cluster matrix used (hot-key windows follow it).
  let lastAlignedStepMs = 0;
  /** The step the gateway aligns columns to: the follow state's, else the last fan-out's. */
  function alignStepMs(): number {
    return follower && follower.stepMs > 0 ? follower.stepMs : lastAlignedStepMs;
  }

  async function merged(req: MatrixRequest, signal: AbortSignal): Promise<MatrixAnswer> {
    const answer = await mergedAnswer(req, signal);
    if (answer.alignedStepMs !== undefined && answer.alignedStepMs > 0) {
      lastAlignedStepMs = answer.alignedStepMs;
    }
    return answer;
  }

  async function mergedAnswer(req: MatrixRequest, signal: AbortSignal): Promise<MatrixAnswer> {
    if (answersFromState && follower) {
      // Keyed by the columns the window selects and all else the answer shows (answerKey):
      // callers asking the same (pages polling, `from` moved inside a column) share one
      // assembly and its encodings; any change the answer would show is a new key, so one
      // generation (old keys age out by the byte bound, LRU and idle expiry). Not from the
      // state (exact, folded, cold): a fan-out, uncached, since only the nodes know whether
      // it changed.
      const key = follower.answerKey(req);
      if (key !== null) {
        return cache.get(
          key,
          0,
          async (s) => {
            const a = await follower.answerSliced(req, () => yieldToLoop(s));
            if (a) shared.add(a);
            // answerKey and answerSliced read the same state in the same turn.
            if (!a)
              throw new ConnectError('gateway: the follow state lost the window', Code.Internal);
            return a;
          },
          signal,
        );
      }
      return fanOut(req, signal);
    }
    return withHistory(
      req,
      signal,
      () => fanOut(req, signal),
      (a) => a.columnUnixMs,
      (a) => a,
    );
  }

  async function fanOut(req: MatrixRequest, signal: AbortSignal): Promise<MatrixAnswer> {
    const outcomes = await callAll(PATH_MATRIX, matrixRequest(req), signal, decodeMatrixWire);
    const ok = succeeded(outcomes);
    const list = ok.map((o) => ({ node: o.node, answer: o.value }));
    // Folded: every bucket the nodes sent stays in the merge, then the fold budgets them.
    const answer = req.foldKeySpace
      ? foldMergedAnswer(mergeMatrices(list, req, Infinity), rowBudget(req.rows))
      : mergeMatrices(list, req);
    answer.nodes = outcomes.map(statusOf);
    return answer;
  }

  async function single<T>(req: MatrixRequest, signal: AbortSignal, convert: (b: Uint8Array) => T) {
    const [o] = await callAll(PATH_MATRIX, matrixRequest(req), signal, convert);
    if (!o.ok) {
      // The caller's own deadline did not pass: the node behind the gateway stalled. To the
      // caller that is the service being unavailable (retryable), with the node named.
      if (o.error.code === Code.DeadlineExceeded && !signal.aborted) {
        throw new ConnectError(o.error.rawMessage, Code.Unavailable);
      }
      throw o.error;
    }
    return o.value;
  }

  /**
   * History kept by a gateway whose state does not answer the page (one upstream, or
   * following off): the nodes answer what they hold; a window reaching before their memory
   * (known from the state, or seen in their answer) or asked while they fail is answered
   * from the state and the store, which hold what the nodes no longer do.
   */
  async function withHistory<T>(
    req: MatrixRequest,
    signal: AbortSignal,
    direct: () => Promise<T>,
    columnTimes: (a: T) => ArrayLike<number | bigint>,
    fromState: (a: MatrixAnswer) => T | Promise<T>,
  ): Promise<T> {
    const f = follower;
    if (!f || req.exactColumns || req.foldKeySpace) return direct();
    const stateAnswer = async () => {
      const a = await f.answerSliced(req, () => yieldToLoop(signal));
      // One node answering: `nodes` stays empty, as in its pass-through answer (the page
      // would call a list of one a cluster view); a failing node is listed.
      if (a && upstreams.length === 1 && a.nodes.every((n) => n.ok)) a.nodes = [];
      return a;
    };
    const from = req.fromUnixMs;
    const older = from !== 0 && (req.toUnixMs === 0 || from < req.toUnixMs);
    if (older && from < f.nodeMemoryFrom()) {
      const a = await stateAnswer();
      if (a) return fromState(a);
    }
    let answer: T;
    try {
      answer = await direct();
    } catch (e) {
      // The nodes failed: what the gateway learnt of them still answers, their status says why.
      const a = await stateAnswer();
      if (!a || a.columnUnixMs.length === 0) throw e;
      // Every node failed just now (the state's statuses are its last round's).
      const err = ConnectError.from(e);
      const code = codeName(err.code);
      a.nodes = opts.upstreams.map((node) => ({
        node,
        ok: false,
        error: `${code}: ${err.rawMessage}`,
        code,
        latencyMs: 0,
      }));
      return fromState(a);
    }
    const times = columnTimes(answer);
    if (older) {
      // The nodes lack the start of the window (a short or restarted ring): the state has it?
      const first =
        times.length > 0 ? Number(times[0]) : req.toUnixMs === 0 ? Infinity : req.toUnixMs;
      if (first > from + Math.max(f.stepMs, 1) && f.holdsBefore(req, first)) {
        const a = await stateAnswer();
        if (a) return fromState(a);
      }
    }
    // The node lacks columns inside its ring that the gateway followed (it lost them): the
    // state and the store fill them; a gap neither holds stays a gap in either answer.
    if (f.holdsInGap(req, times)) {
      const a = await stateAnswer();
      if (a) return fromState(a);
    }
    return answer;
  }

  return {
    async getKeyVizMatrix(req, signal) {
      if (upstreams.length === 1) {
        return withHistory(
          req,
          signal,
          () => single(req, signal, decodeMatrixWire),
          (a) => a.columnUnixMs,
          (a) => a,
        );
      }
      return merged(req, signal);
    },

    async getKeyVizMatrixWire(req, signal) {
      if (upstreams.length === 1) {
        // Rows stay the node's own bytes (protobuf-es reads `bytes` fields as views).
        return withHistory(
          req,
          signal,
          () => single(req, signal, (b) => fromBinary(GetKeyVizMatrixResponseWireSchema, b)),
          (w) => w.columnUnixMs,
          (a) => encodeSliced(a, signal),
        );
      }
      const a = await merged(req, signal);
      // A fan-out's answer is this call's alone: encoded for it, stopped if it goes away.
      if (!shared.has(a)) return encodeSliced(a, signal);
      // A cached one is encoded once for every caller, memoised on the answer (its bytes
      // count towards the cache's bound); a caller that goes away stops waiting at once.
      return preEncodedMatrix(
        await raceAbort(
          memoOn(
            a,
            'wire',
            () => encodeMatrixResponseBytes(a, () => yieldToLoop()),
            (b) => b.length,
          ),
          signal,
        ),
      );
    },

    async getClusterOverview(signal): Promise<GetClusterOverviewResponse> {
      const request = toBinary(
        GetClusterOverviewRequestSchema,
        create(GetClusterOverviewRequestSchema),
      );
      const outcomes = await callAll(PATH_OVERVIEW, request, signal, (b) =>
        fromBinary(GetClusterOverviewResponseSchema, b),
      );
      const merged = mergeOverviews(succeeded(outcomes).map((o) => o.value));
      // With one upstream too: the list is what tells a page it reads a gateway, not a node
      // (its `self` is the node behind it, which is not what serves the page).
      merged.nodes = toNodeStatusMessages({ nodes: outcomes.map(statusOf) });
      return merged;
    },

    async getRaftGroups(signal): Promise<GetRaftGroupsResponse> {
      const request = toBinary(GetRaftGroupsRequestSchema, create(GetRaftGroupsRequestSchema));
      const outcomes = await callAll(PATH_RAFT_GROUPS, request, signal, (b) =>
        fromBinary(GetRaftGroupsResponseSchema, b),
      );
      const merged = mergeRaftGroups(succeeded(outcomes), upstreams.length > 1);
      // As the overview: listed with one upstream too.
      merged.nodes = toNodeStatusMessages({ nodes: outcomes.map(statusOf) });
      return merged;
    },

    async getKeyVizHotKeys(req, signal) {
      // Several nodes, aligned columns (the default): the caller's column times stand for
      // each node's flushes aligned into them; each node is asked for those flushes.
      const step = upstreams.length > 1 && !req.exactColumns ? alignStepMs() : 0;
      const window = alignedHotKeysWindow(req.fromUnixMs, req.toUnixMs, step);
      const outcomes = await callAll(
        PATH_HOT_KEYS,
        hotKeysUpstreamRequest(req, window),
        signal,
        decodeHotKeys,
      );
      const ok = outcomes.flatMap((o) => (o.ok ? [o.value] : []));
      if (ok.length === 0) {
        throw hotKeysFailure(outcomes.flatMap((o) => (o.ok ? [] : [o])));
      }
      const answer = mergeHotKeyAnswers(req, ok, outcomes.map(statusOf));
      return window.aligned ? alignAnswerWindow(answer, step) : answer;
    },
    streamEvents: (req, signal) => events.stream(req, signal),
    streamStats: () => events.stats(),
    async getRouteDetail(req, signal) {
      const request = toBinary(
        GetRouteDetailRequestSchema,
        create(GetRouteDetailRequestSchema, {
          bucketId: req.bucketId,
          fromUnixMs: BigInt(Math.trunc(req.fromUnixMs)),
          toUnixMs: BigInt(Math.trunc(req.toUnixMs)),
        }),
      );
      const outcomes = await callAll(PATH_ROUTE_DETAIL, request, signal, (b) =>
        fromBinary(GetRouteDetailResponseSchema, b),
      );
      // A node without the bucket answers NotFound: it simply has nothing to add.
      const notFound = (o: Outcome<unknown>) => !o.ok && o.error.code === Code.NotFound;
      const found = outcomes.filter((o) => !notFound(o));
      // Every node that answered lacks it: NotFound, even with another node down.
      if (!found.some((o) => o.ok) && outcomes.some(notFound)) {
        const nf = outcomes.find(notFound);
        if (nf && !nf.ok) throw nf.error;
      }
      const merged = mergeRouteDetails(succeeded(found));
      if (upstreams.length > 1)
        merged.nodes = toNodeStatusMessages({ nodes: outcomes.map(statusOf) });
      return merged;
    },

    async getAdapterSummary(signal) {
      const request = toBinary(
        GetAdapterSummaryRequestSchema,
        create(GetAdapterSummaryRequestSchema),
      );
      const outcomes = await callAll(PATH_ADAPTER_SUMMARY, request, signal, (b) =>
        fromBinary(GetAdapterSummaryResponseSchema, b),
      );
      const merged = mergeAdapterSummaries(succeeded(outcomes));
      if (upstreams.length > 1)
        merged.nodes = toNodeStatusMessages({ nodes: outcomes.map(statusOf) });
      return merged;
    },

    follower,
    cache,
    close(): void {
      follower?.close();
      followCtl.abort();
      events.close();
      for (const u of upstreams) u.client.close();
    },
  };
}

/** The wire view of an answer the gateway built, encoded in slices (the loop stays free). */
async function encodeSliced(
  a: MatrixAnswer,
  signal: AbortSignal,
): Promise<GetKeyVizMatrixResponseWire> {
  return preEncodedMatrix(await encodeMatrixResponseBytes(a, () => yieldToLoop(signal)));
}

function statusOf<T>(o: Outcome<T>): UpstreamStatus {
  if (o.ok) return { node: o.node, ok: true, error: '', code: '', latencyMs: o.latencyMs };
  const code = codeName(o.error.code);
  return {
    node: o.node,
    ok: false,
    error: `${code}: ${o.error.rawMessage}`,
    code,
    latencyMs: o.latencyMs,
  };
}
