// The page's data source for a node's own JSON admin API (contract.md §2): same-origin
// cookies instead of a bearer token, and the same Matrix model the Connect client builds.

import { fromBase64 } from '../data/keys.ts';
import { foldedOf } from '../data/matrix.ts';
import {
  setTrackedBuckets,
  type Matrix,
  type NodeStatus,
  type RowMeta,
  type Series,
} from '../data/matrix.ts';
import { compareKeys } from '../data/view/keyOrder.ts';
import { clampRows } from '../data/rowBudget.ts';
import { measureSince } from '../data/timing.ts';
import type { LoadFailure, MatrixRequest } from './client.ts';
import { codeOf, MatrixScanError, scanMatrixJson } from './jsonMatrixScan.ts';

export const JSON_API_PATH = '/admin/api/v1';

/** A non-2xx answer (or no answer: status 0). `code` is the node's error code. */
export class JsonApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds, from Retry-After on 429. */
  readonly retryAfterSec: number | null;

  constructor(status: number, code: string, message: string, retryAfterSec: number | null = null) {
    super(message || code);
    this.name = 'JsonApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSec = retryAfterSec;
  }

  /** Sign-in needed (missing or expired session): the UI shows its sign-in form. */
  get unauthenticated(): boolean {
    return this.status === 401;
  }

  /** keyviz is switched off on the node (not "no data yet", which is an empty matrix). */
  get keyvizDisabled(): boolean {
    return this.status === 503 && this.code === 'keyviz_disabled';
  }
}

export interface JsonAdminClientOptions {
  /** The node's origin (no trailing slash), '' for the page's own origin. */
  baseUrl: string;
  /** Injected fetch (tests, Node: carries cookies by hand). */
  fetch?: typeof globalThis.fetch;
  /** The Cookie string to read admin_csrf from; default document.cookie. */
  cookies?: () => string;
}

/** One node behind a gateway (its `fanout`): the address as configured, and whether it answered. */
export interface Upstream {
  node: string;
  ok: boolean;
}

export interface JsonAdminClient {
  getMatrix(req: MatrixRequest, signal?: AbortSignal): Promise<Matrix>;
  /**
   * null when the server has no cluster endpoint. `upstreams`: behind a gateway, the nodes it
   * asks (its `fanout`, ours), as configured; [] from a node.
   */
  getOverview(signal?: AbortSignal): Promise<{ nodeId: string; upstreams: Upstream[] } | null>;
  login(accessKey: string, secretKey: string): Promise<void>;
  /** GET of another endpoint under /admin/api/v1 (console pages), parsed with uint64s kept. */
  getJson(path: string, signal?: AbortSignal): Promise<unknown>;
  /** Clears the session; an already-ended session counts as signed out. */
  logout(): Promise<void>;
}

/** The wire shapes, as far as the page reads them. */
interface JsonRow {
  bucket_id: string;
  label?: string;
  start: string | null;
  end: string | null;
  aggregate: boolean;
  route_ids?: (string | number)[];
  route_ids_truncated?: boolean;
  route_count: number | string;
  values: number[];
  conflicts?: boolean[];
  raft_group_ids?: number[];
  leader_terms?: number[];
  /** Ours (1039): a row of the whole-key-space fold, how many buckets it folds. */
  folded_buckets?: number;
}

interface JsonMatrix {
  column_unix_ms: number[];
  rows: JsonRow[] | null;
  series?: string;
  fanout?: { nodes: { node: string; ok: boolean; error?: string }[] };
  /** Ours (1028): buckets with traffic before the row budget, when it left some out. */
  tracked_buckets?: unknown;
  /** Ours (1029): the rows are the whole-key-space fold. */
  key_space_folded?: unknown;
}

/** A key field; absent or null is the empty key (an open end). */
function keyBytes(s: string | null | undefined): Uint8Array {
  return s ? fromBase64(s) : new Uint8Array(0);
}

/**
 * route_ids are uint64 written as bare JSON numbers; JSON.parse would round ids above 2^53,
 * so quote them first. Only digit lists match, and `"route_ids":[` cannot occur unescaped
 * inside a JSON string.
 */
export function quoteRouteIds(text: string): string {
  return text.replace(
    /"route_ids"\s*:\s*\[([\d\s,]*)\]/g,
    (_m, inner: string) =>
      `"route_ids":[${inner
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '')
        .map((x) => `"${x}"`)
        .join(',')}]`,
  );
}

/**
 * The JSON body -> the page's Matrix. Rows are sorted by start key, ties by bucket id: a
 * node's cluster view does not re-sort merged rows, so the client must.
 */
export function decodeMatrixJson(body: JsonMatrix, series: Series): Matrix {
  const colCount = body.column_unix_ms.length;
  const columns = Float64Array.from(body.column_unix_ms);
  const src = (body.rows ?? []).map((r) => ({
    r,
    start: keyBytes(r.start),
  }));
  src.sort(
    (a, b) =>
      compareKeys(a.start, b.start) ||
      (a.r.bucket_id < b.r.bucket_id ? -1 : a.r.bucket_id > b.r.bucket_id ? 1 : 0),
  );
  const rowCount = src.length;
  const cells = rowCount * colCount;
  const values = new Float64Array(cells);
  let raftGroupIds: Float64Array | null = null;
  let leaderTerms: Float64Array | null = null;
  let conflicts: Uint8Array | null = null;
  let max = 0;
  const rows: RowMeta[] = src.map(({ r, start }, i) => {
    const off = i * colCount;
    let total = 0;
    // Extra cells are ignored and missing ones stay 0: the grid is column_unix_ms wide.
    const n = Math.min(colCount, r.values.length);
    for (let c = 0; c < n; c++) {
      const v = r.values[c];
      values[off + c] = v;
      total += v;
      if (v > max) max = v;
    }
    if (r.raft_group_ids && r.raft_group_ids.length > 0) {
      raftGroupIds ??= new Float64Array(cells);
      raftGroupIds.set(r.raft_group_ids.slice(0, colCount), off);
    }
    if (r.leader_terms && r.leader_terms.length > 0) {
      leaderTerms ??= new Float64Array(cells);
      leaderTerms.set(r.leader_terms.slice(0, colCount), off);
    }
    if (r.conflicts) {
      for (let c = 0; c < Math.min(colCount, r.conflicts.length); c++) {
        if (!r.conflicts[c]) continue;
        conflicts ??= new Uint8Array(cells);
        conflicts[off + c] = 1;
      }
    }
    const routeIds = (r.route_ids ?? []).map(String);
    const routeCount = String(r.route_count);
    return {
      bucketId: r.bucket_id,
      start,
      end: keyBytes(r.end),
      label: r.label ?? '',
      aggregate: r.aggregate,
      routeIds,
      routeIdsTruncated: r.route_ids_truncated === true,
      routeCount,
      total,
      contributingNodes: [],
      ...foldedOf(r.folded_buckets),
    };
  });
  const nodes: NodeStatus[] = (body.fanout?.nodes ?? []).map((n) => ({
    node: n.node,
    ok: n.ok,
    error: n.error ?? '',
    code: n.ok ? '' : codeOf(n.error ?? ''),
    latencyMs: 0,
  }));
  const tracked = body.tracked_buckets;
  const m: Matrix = {
    series,
    columns,
    rows,
    rowCount,
    colCount,
    values,
    raftGroupIds,
    leaderTerms,
    max,
    nodes,
    conflicts,
  };
  setTrackedBuckets(m, tracked);
  if (body.key_space_folded === true) m.keySpaceFolded = true;
  return m;
}

function readCookie(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** An error answer -> JsonApiError, whatever the body (a proxy may answer HTML). */
async function errorFrom(res: Response): Promise<JsonApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText;
  try {
    const body = (await res.json()) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') code = body.error;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not JSON: keep the status-based code.
  }
  const ra = Number(res.headers.get('retry-after'));
  return new JsonApiError(res.status, code, message, Number.isFinite(ra) && ra > 0 ? ra : null);
}

export function createJsonAdminClient(opts: JsonAdminClientOptions): JsonAdminClient {
  const base = opts.baseUrl.replace(/\/+$/, '') + JSON_API_PATH;
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const cookies = opts.cookies ?? (() => (typeof document === 'undefined' ? '' : document.cookie));

  const call = async (path: string, init: RequestInit): Promise<Response> => {
    let res: Response;
    try {
      res = await doFetch(base + path, { credentials: 'same-origin', ...init });
    } catch (e) {
      if (init.signal?.aborted) throw e;
      throw new JsonApiError(0, 'unreachable', `no answer from ${base}: ${String(e)}`);
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  };

  const post = (path: string, body: unknown): Promise<Response> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const csrf = readCookie(cookies(), 'admin_csrf');
    if (csrf) headers['x-admin-csrf'] = csrf;
    return call(path, { method: 'POST', headers, body: JSON.stringify(body) });
  };

  return {
    async getMatrix(req, signal) {
      const q = new URLSearchParams({ series: req.series });
      const rows = clampRows(req.rows, 0); // 0: omitted, the node's default
      if (rows > 0) q.set('rows', String(rows));
      if (req.fromMs && req.fromMs > 0) q.set('from_unix_ms', String(Math.floor(req.fromMs)));
      if (req.toMs && req.toMs > 0) q.set('to_unix_ms', String(Math.floor(req.toMs)));
      if (req.foldKeySpace) q.set('fold_key_space', 'true'); // ours: a node ignores it
      const t0 = performance.now();
      const res = await call(`/keyviz/matrix?${q}`, {
        headers: { accept: 'application/json' },
        signal,
      });
      const text = await res.text();
      measureSince('keyviz:fetch', t0);
      const t1 = performance.now();
      // One pass over the text (jsonMatrixScan.ts), not JSON.parse: no 9 MB object tree, and
      // counts at or above 2^53 keep their digits.
      let matrix: Matrix;
      try {
        matrix = scanMatrixJson(text, req.series);
      } catch (e) {
        if (e instanceof MatrixScanError) {
          throw new JsonApiError(res.status, 'bad_response', e.message);
        }
        throw e;
      }
      measureSince('keyviz:decode', t1);
      return matrix;
    },

    async getOverview(signal) {
      try {
        const res = await call('/cluster', { headers: { accept: 'application/json' }, signal });
        const body = (await res.json()) as { node_id?: unknown; fanout?: { nodes?: unknown } };
        const nodes = Array.isArray(body.fanout?.nodes) ? (body.fanout.nodes as unknown[]) : [];
        const upstreams = nodes.flatMap((n): Upstream[] => {
          const u = n as { node?: unknown; ok?: unknown } | null;
          return u && typeof u.node === 'string' ? [{ node: u.node, ok: u.ok === true }] : [];
        });
        return { nodeId: typeof body.node_id === 'string' ? body.node_id : '', upstreams };
      } catch (e) {
        if (e instanceof JsonApiError && (e.status === 404 || e.status === 501)) return null;
        throw e;
      }
    },

    async getJson(path, signal) {
      const res = await call(path, { headers: { accept: 'application/json' }, signal });
      const text = await res.text();
      try {
        return JSON.parse(quoteRouteIds(text)) as unknown;
      } catch {
        throw new JsonApiError(res.status, 'bad_response', `${path}: answer is not JSON`);
      }
    },

    async login(accessKey, secretKey) {
      await post('/auth/login', { access_key: accessKey, secret_key: secretKey });
    },

    async logout() {
      try {
        await post('/auth/logout', {});
      } catch (e) {
        if (e instanceof JsonApiError && e.status === 401) return;
        throw e;
      }
    },
  };
}

/** How the UI should explain a failed load (same kinds as the Connect client's classifyError). */
export function classifyJsonError(e: unknown): {
  kind: LoadFailure;
  code: string;
  message: string;
} {
  if (e instanceof JsonApiError) {
    const kind: LoadFailure = e.unauthenticated
      ? 'unauthenticated'
      : e.keyvizDisabled
        ? 'disabled'
        : e.status === 0 || /^http_5\d\d$/.test(e.code)
          ? // No answer, or a proxy's bare 5xx with no JSON error: the node was not reached.
            'unreachable'
          : 'other';
    return { kind, code: e.code, message: e.message };
  }
  if (e instanceof DOMException && e.name === 'AbortError') {
    return { kind: 'aborted', code: 'canceled', message: e.message };
  }
  return { kind: 'other', code: 'unknown', message: String(e) };
}
