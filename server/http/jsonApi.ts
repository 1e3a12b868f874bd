// The node's JSON admin API (contract.md §2), served from any AdminBackend.
//
// Mounting (server/app.ts), before the static /admin/ bundle and its index.html fallback:
//
//   import { createJsonApi, loadCredentialsFile, loadSigningKeyFile } from './http/jsonApi.ts';
//   const jsonApi = createJsonApi({
//     backend,
//     credentials: flags.adminCredentialsFile ? loadCredentialsFile(flags.adminCredentialsFile) : null,
//     signingKey: flags.adminSigningKeyFile ? loadSigningKeyFile(flags.adminSigningKeyFile) : undefined,
//     nodeId,            // e.g. the listen address or --nodeId
//     version,           // package.json version
//   });
//   http.createServer((req, res) => {
//     if (jsonApi.handle(req, res)) return; // /admin/healthz and everything under /admin/api/
//     ...                                   // Connect/gRPC-Web, static page
//   });
//
// handle() claims /admin/healthz and every path under /admin/api/ (unknown ones get a JSON
// 404) and returns false for anything else. Without credentials (null) nobody can sign in:
// every data endpoint answers 401 unauthenticated and login 401 invalid_credentials, each
// with a message naming --adminCredentialsFile. Without a signing key one is generated at
// start, so sessions end with the process. Details: docs/embedding.md.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AdminBackend } from '../backend.ts';
import { writeHealthz } from './healthz.ts';
import { apiErrorFrom, type ApiError } from '../jsonapi/errors.ts';
import { encodeMatrixJsonBody, matrixJsonChunks } from '../jsonapi/encodeMatrix.ts';
import { memoOn } from '../backends/answerMemo.ts';
import { raceAbort, yieldToLoop } from '../backends/yieldToLoop.ts';
import { writeBounded } from './writeBounded.ts';
import { Admission, BUSY_MESSAGE, DEFAULT_ADMISSION, RETRY_AFTER_S } from './admission.ts';
import { parseMatrixQuery } from '../jsonapi/query.ts';
import { EVENTS_PATH, serveEvents } from '../jsonapi/events.ts';
import { StreamWatch } from './streamWatch.ts';
import { clusterInfoFrom, encodeClusterJson } from '../jsonapi/cluster.ts';
import { authenticate, generateSigningKey, type Credential } from '../jsonapi/credentials.ts';
import {
  csrfFor,
  safeEqual,
  SESSION_TTL_MS,
  signSession,
  verifySession,
  type Session,
} from '../jsonapi/session.ts';
import { createRateLimiter } from '../jsonapi/rateLimit.ts';
import { consoleRoutes } from '../jsonapi/consoleRoutes.ts';
import { CSRF_COOKIE, parseCookies, SESSION_COOKIE, setCookie } from '../jsonapi/cookies.ts';
import { HOTKEYS_PATH, serveHotKeys } from '../jsonapi/hotkeys.ts';

export {
  loadCredentialsFile,
  loadSigningKeyFile,
  parseCredentials,
  type Credential,
  type Role,
} from '../jsonapi/credentials.ts';

export interface JsonApiOptions {
  backend: AdminBackend;
  /** null = no sign-in configured: data endpoints answer 401 (see the header comment). */
  credentials: Credential[] | null;
  /** HMAC key of session tokens; share it between nodes to share sessions. */
  signingKey?: Uint8Array;
  /** Wall clock (unix ms): session expiry, login limit, generated_at. */
  now?: () => number;
  nodeId: string;
  version: string;
  /** Heavy answers in flight and queued (shared with the RPCs); default DEFAULT_ADMISSION. */
  admission?: Admission;
  /** admin_audit lines (hot keys); default stderr. */
  audit?: (line: string) => void;
  /** Open event streams' connections (shared with the RPCs). */
  streamWatch?: StreamWatch;
}

export interface JsonApi {
  /** true when the path is the JSON API's (the response is then handled). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export const API_PREFIX = '/admin/api/';
export const HEALTHZ_PATH = '/admin/healthz';
export const MAX_BODY_BYTES = 64 * 1024;
export const LOGIN_LIMIT = 5;
export const LOGIN_WINDOW_MS = 60_000;
const CSRF_HEADER = 'x-admin-csrf';
/** Why a call's work stops when its client left: one Error for all, not one (and a stack) each. */
const CLIENT_GONE = new Error('client gone');

type Method = 'GET' | 'POST';
interface Route {
  method: Method;
  /** Writes need the CSRF header; login needs no session at all. */
  auth: 'read' | 'write' | 'none';
  run(ctx: RequestContext): Promise<void>;
}

interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  session: Session | null;
  signal: AbortSignal;
}

const JSON_HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

function send(
  res: ServerResponse,
  status: number,
  body: string,
  extra: Record<string, string | string[]> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...JSON_HEADERS, ...extra });
  res.end(body);
}

function sendError(res: ServerResponse, e: ApiError, extra: Record<string, string> = {}): void {
  // After a refused body the rest of it is still on the wire: do not reuse the connection.
  if (e.status === 413) extra = { ...extra, Connection: 'close' };
  const body = e.message
    ? JSON.stringify({ error: e.code, message: e.message })
    : JSON.stringify({ error: e.code });
  send(res, e.status, body, extra);
}

/** Over TLS, or behind a proxy that says the browser used https: then cookies get Secure. */
function cameOverTls(req: IncomingMessage): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted === true) return true;
  const proto = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0].trim().toLowerCase();
  return first === 'https';
}

type BodyResult = { ok: true; body: Buffer } | { ok: false; error: ApiError };

/** Reads at most MAX_BODY_BYTES; a larger body is refused without reading it all. */
function readBody(req: IncomingMessage): Promise<BodyResult> {
  const tooLarge: BodyResult = {
    ok: false,
    error: {
      status: 413,
      code: 'payload_too_large',
      message: `body above ${MAX_BODY_BYTES} bytes`,
    },
  };
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) return Promise.resolve(tooLarge);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult): void => {
      if (done) return;
      done = true;
      resolve(r);
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        finish(tooLarge);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => finish({ ok: true, body: Buffer.concat(chunks) }));
    req.on('error', () =>
      finish({
        ok: false,
        error: { status: 400, code: 'invalid_request', message: 'body read failed' },
      }),
    );
  });
}

export function createJsonApi(opts: JsonApiOptions): JsonApi {
  const now = opts.now ?? Date.now;
  const key = opts.signingKey ?? generateSigningKey();
  const limiter = createRateLimiter(LOGIN_LIMIT, LOGIN_WINDOW_MS, now);
  const streamWatch = opts.streamWatch ?? new StreamWatch();
  const noSignIn =
    'sign-in is not configured on this server (start it with --adminCredentialsFile)';

  const cookieHeaders = (req: IncomingMessage, token: string, csrf: string, maxAgeSec: number) => {
    const secure = cameOverTls(req);
    return [
      setCookie(SESSION_COOKIE, token, { httpOnly: true, secure, maxAgeSec }),
      setCookie(CSRF_COOKIE, csrf, { httpOnly: false, secure, maxAgeSec }),
    ];
  };

  /** The request's session, or the error to answer with. */
  const authorize = (
    req: IncomingMessage,
    write: boolean,
  ): { ok: true; session: Session } | { ok: false; error: ApiError } => {
    const unauth = (message: string) =>
      ({ ok: false, error: { status: 401, code: 'unauthenticated', message } }) as const;
    if (opts.credentials === null) return unauth(noSignIn);
    const cookies = parseCookies(req.headers.cookie);
    const token = cookies.get(SESSION_COOKIE);
    if (!token) return unauth('sign in required');
    const v = verifySession(key, token, now());
    if (!v.ok) return unauth(v.reason);
    // A credential removed from the file (and the server restarted) ends its sessions.
    const cred = opts.credentials.find((c) => c.accessKey === v.session.accessKey);
    if (!cred) return unauth('credential no longer valid');
    if (write) {
      const header = req.headers[CSRF_HEADER];
      const sent = Array.isArray(header) ? header[0] : header;
      const cookie = cookies.get(CSRF_COOKIE);
      if (!sent || !cookie || !safeEqual(sent, cookie) || !safeEqual(sent, csrfFor(key, token))) {
        return {
          ok: false,
          error: {
            status: 403,
            code: 'forbidden',
            message: 'missing or invalid X-Admin-CSRF header',
          },
        };
      }
    }
    return { ok: true, session: { ...v.session, role: cred.role } };
  };

  const admission = opts.admission ?? new Admission(DEFAULT_ADMISSION);
  const matrix = async ({ req, res, url, signal }: RequestContext): Promise<void> => {
    const q = parseMatrixQuery(url.searchParams);
    if (!q.ok) return sendError(res, { status: 400, code: 'invalid_query', message: q.message });
    // A caller already gone (its end of input read with the request) gets no answer built.
    if (!(await admission.stillThere(req))) return;
    const slot = await admission.acquire(signal);
    if (!slot.ok) {
      if (slot.reason === 'aborted') return;
      return sendError(
        res,
        { status: 503, code: 'resource_exhausted', message: BUSY_MESSAGE },
        { 'Retry-After': String(RETRY_AFTER_S) },
      );
    }
    // Held until the body is sent or the client has gone.
    res.once('close', slot.release);
    if (signal.aborted) return slot.release();
    const answer = await opts.backend.getKeyVizMatrix(q.request, signal);
    // The body is built once per answer and series (in slices, off the request's
    // critical path) and its chunks are shared by every response that sends it.
    const body = await raceAbort(
      memoOn(
        answer,
        `json:${q.series}`,
        () => encodeMatrixJsonBody(answer, q.series, () => yieldToLoop()),
        (b) => b.bytes,
      ),
      signal,
    );
    if (res.headersSent || res.destroyed) return;
    const chunks = matrixJsonChunks(body, now());
    let length = 0;
    for (const c of chunks) length += c.length;
    res.writeHead(200, { ...JSON_HEADERS, 'Content-Length': String(length) });
    // The shared buffers are written as views in bounded slices with backpressure
    // (writeBounded.ts): no copy per response, and a client that goes stops it at once.
    if (await writeBounded(res, chunks)) res.end();
  };

  const events = async ({ req, res, url, signal }: RequestContext): Promise<void> => {
    // As StreamEvents over RPC: the connection is watched too (streamWatch.ts).
    const watched = streamWatch.watch(req, res);
    try {
      const both = AbortSignal.any([signal, watched.signal]);
      const bad = await serveEvents(opts.backend, req, res, url, both);
      if (bad) sendError(res, { status: 400, code: 'invalid_query', message: bad.message });
    } finally {
      watched.done();
    }
  };

  const cluster = async ({ res, signal }: RequestContext): Promise<void> => {
    const [raft, overview] = await Promise.allSettled([
      opts.backend.getRaftGroups(signal),
      opts.backend.getClusterOverview(signal),
    ]);
    if (raft.status === 'rejected' && overview.status === 'rejected') throw raft.reason;
    const info = clusterInfoFrom(
      { nodeId: opts.nodeId, version: opts.version, nowMs: now() },
      raft.status === 'fulfilled' ? raft.value : null,
      overview.status === 'fulfilled' ? overview.value : null,
    );
    send(res, 200, encodeClusterJson(info));
  };

  const login = async ({ req, res }: RequestContext): Promise<void> => {
    // Every attempt counts, good or bad: the limit is what bounds online guessing.
    const waitMs = limiter.take(req.socket.remoteAddress ?? 'unknown');
    if (waitMs > 0) {
      return sendError(
        res,
        { status: 429, code: 'rate_limited', message: 'too many login attempts; try again later' },
        { 'Retry-After': String(Math.ceil(waitMs / 1000)) },
      );
    }
    // A JSON content type cannot be sent cross-site without a CORS preflight.
    const ct = (req.headers['content-type'] ?? '').toLowerCase();
    if (!ct.startsWith('application/json')) {
      return sendError(res, {
        status: 415,
        code: 'unsupported_media_type',
        message: 'login requires Content-Type: application/json',
      });
    }
    const body = await readBody(req);
    if (!body.ok) return sendError(res, body.error);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.body.toString('utf8'));
    } catch {
      return sendError(res, {
        status: 400,
        code: 'invalid_request',
        message: 'body is not valid JSON',
      });
    }
    const p = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
      string,
      unknown
    >;
    if (
      typeof p.access_key !== 'string' ||
      typeof p.secret_key !== 'string' ||
      !p.access_key.trim() ||
      !p.secret_key
    ) {
      return sendError(res, {
        status: 400,
        code: 'invalid_request',
        message: 'access_key and secret_key are required strings',
      });
    }
    const invalid = (message: string) =>
      sendError(res, { status: 401, code: 'invalid_credentials', message });
    if (opts.credentials === null) return invalid(noSignIn);
    const cred = authenticate(opts.credentials, p.access_key, p.secret_key);
    if (!cred) return invalid('access_key or secret_key is invalid');
    const expiresAtMs = now() + SESSION_TTL_MS;
    const token = signSession(key, { accessKey: cred.accessKey, role: cred.role, expiresAtMs });
    const maxAge = SESSION_TTL_MS / 1000;
    send(
      res,
      200,
      JSON.stringify({ role: cred.role, expires_at: new Date(expiresAtMs).toISOString() }),
      { 'Set-Cookie': cookieHeaders(req, token, csrfFor(key, token), maxAge) },
    );
  };

  const logout = async ({ req, res }: RequestContext): Promise<void> => {
    const body = await readBody(req);
    if (!body.ok) return sendError(res, body.error);
    if (res.headersSent || res.destroyed) return;
    res.writeHead(204, {
      'Cache-Control': 'no-store',
      'Set-Cookie': cookieHeaders(req, '', '', 0),
    });
    res.end();
  };

  const audit = opts.audit ?? ((l: string) => process.stderr.write(`${l}\n`));
  const hotkeys = async ({ res, url, session, signal }: RequestContext): Promise<void> => {
    const out = await serveHotKeys({ backend: opts.backend, audit }, url, session, signal);
    send(res, out.status, out.body);
  };

  const routes = new Map<string, Route>([
    [HOTKEYS_PATH, { method: 'GET', auth: 'read', run: hotkeys }],
    ['/admin/api/v1/keyviz/matrix', { method: 'GET', auth: 'read', run: matrix }],
    ['/admin/api/v1/cluster', { method: 'GET', auth: 'read', run: cluster }],
    [EVENTS_PATH, { method: 'GET', auth: 'read', run: events }],
    ...consoleRoutes(opts.backend, now, sendError, send),
    ['/admin/api/v1/auth/login', { method: 'POST', auth: 'none', run: login }],
    ['/admin/api/v1/auth/logout', { method: 'POST', auth: 'write', run: logout }],
  ]);

  const dispatch = (req: IncomingMessage, res: ServerResponse, url: URL, route: Route): void => {
    if (req.method !== route.method) {
      return sendError(
        res,
        { status: 405, code: 'method_not_allowed', message: `only ${route.method}` },
        { Allow: route.method },
      );
    }
    let session: Session | null = null;
    if (route.auth !== 'none') {
      const a = authorize(req, route.auth === 'write');
      if (!a.ok) return sendError(res, a.error);
      session = a.session;
    }
    // A client that goes away cancels the backend call (and a gateway's upstream calls).
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ac.abort(CLIENT_GONE);
    });
    route.run({ req, res, url, session, signal: ac.signal }).catch((e: unknown) => {
      if (ac.signal.aborted) return;
      const err = apiErrorFrom(e);
      if (err.status === 500) console.error('json api:', url.pathname, e);
      sendError(res, err);
    });
  };

  return {
    handle(req, res) {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://localhost');
      } catch {
        return false; // not a path this API could own
      }
      if (url.pathname === HEALTHZ_PATH) {
        writeHealthz(req, res);
        return true;
      }
      if (!url.pathname.startsWith(API_PREFIX)) return false;
      const route = routes.get(url.pathname);
      if (!route) {
        sendError(res, {
          status: 404,
          code: 'not_found',
          message: `no such endpoint: ${url.pathname}`,
        });
        return true;
      }
      dispatch(req, res, url, route);
      return true;
    },
  };
}
