// Route table entries for the console's JSON endpoints (jsonapi/console.ts),
// kept out of http/jsonApi.ts so that file only gains one line.
import type { ServerResponse } from 'node:http';
import { Code, ConnectError } from '@connectrpc/connect';
import type { AdminBackend } from '../backend.ts';
import { adapterSummaryJson, parseRouteQuery, routeDetailJson } from './console.ts';
import type { ApiError } from './errors.ts';

interface Ctx {
  res: ServerResponse;
  url: URL;
  signal: AbortSignal;
}
type Send = (res: ServerResponse, status: number, body: string) => void;
type SendError = (res: ServerResponse, e: ApiError) => void;
interface ReadRoute {
  method: 'GET';
  auth: 'read';
  run(ctx: Ctx): Promise<void>;
}

const unimplemented = (m: string) =>
  new ConnectError(`${m} is not implemented by this backend`, Code.Unimplemented);

export function consoleRoutes(
  backend: AdminBackend,
  now: () => number,
  sendError: SendError,
  send: Send,
): [string, ReadRoute][] {
  const route = async ({ res, url, signal }: Ctx) => {
    const q = parseRouteQuery(url.searchParams);
    if (!q.ok) return sendError(res, { status: 400, code: 'invalid_query', message: q.message });
    if (!backend.getRouteDetail) throw unimplemented('GetRouteDetail');
    try {
      send(res, 200, routeDetailJson(await backend.getRouteDetail(q.request, signal), now()));
    } catch (e) {
      const err = ConnectError.from(e);
      if (err.code !== Code.NotFound) throw err;
      // Its own code: a client can tell "no such bucket" from "no such endpoint" (404 not_found).
      sendError(res, { status: 404, code: 'unknown_bucket', message: err.rawMessage });
    }
  };
  const adapters = async ({ res, signal }: Ctx) => {
    if (!backend.getAdapterSummary) throw unimplemented('GetAdapterSummary');
    send(res, 200, adapterSummaryJson(await backend.getAdapterSummary(signal), now()));
  };
  return [
    ['/admin/api/v1/keyviz/route', { method: 'GET', auth: 'read', run: route }],
    ['/admin/api/v1/adapters/summary', { method: 'GET', auth: 'read', run: adapters }],
  ];
}
