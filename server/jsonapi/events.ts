// GET /admin/api/v1/keyviz/events: the JSON API's StreamEvents, as server-sent
// events in the node's JSON style (row shape of the matrix, contract.md §2).
//   event: keyviz_column      data: {"column_unix_ms":N,"series":"writes","rows":[...]}
//   event: route_transition   data: {"parent_route_id":N,"child_route_ids":[...],"lineage_id":"...",
//                                    "unix_ms":N,"kind":"split","start":b64|null,"end":...,"boundary":...}
//   event: heartbeat          data: {"unix_ms":N}
//   event: stream_error       data: {"error":"stream_behind","message":"..."} (then the stream ends)
// Query: series (repeatable or comma separated; default all four), rows (as the matrix).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Code, ConnectError } from '@connectrpc/connect';
import type { AdminBackend } from '../backend.ts';
import { lineageId } from '../events/messages.ts';
import type { LiveItem } from '../events/types.ts';
import type { MatrixResult, SeriesName } from '../sampler/types.ts';
import { keyJson, rowJson } from './encodeMatrix.ts';
import { parseInt64, SERIES_ENUM } from './query.ts';

export const EVENTS_PATH = '/admin/api/v1/keyviz/events';

const SERIES_NAME = new Map<number, SeriesName>(
  Object.entries(SERIES_ENUM).map(([k, v]) => [v, k as SeriesName]),
);

export type EventsQuery =
  { ok: true; series: number[]; rows: number } | { ok: false; message: string };

export function parseEventsQuery(params: URLSearchParams): EventsQuery {
  const series: number[] = [];
  for (const raw of params.getAll('series')) {
    for (const name of raw.split(',')) {
      if (name === '') continue;
      const v = (SERIES_ENUM as Record<string, number | undefined>)[name];
      if (v === undefined || !Object.hasOwn(SERIES_ENUM, name)) {
        return {
          ok: false,
          message: 'series must be one of: reads, writes, read_bytes, write_bytes',
        };
      }
      if (!series.includes(v)) series.push(v);
    }
  }
  const rowsRaw = params.get('rows') ?? '';
  let rows = 0;
  if (rowsRaw !== '') {
    const v = parseInt64(rowsRaw);
    if (v === null) return { ok: false, message: 'rows must be an integer' };
    rows = v > 1024n || v < 0n ? 0 : Number(v);
  }
  return { ok: true, series, rows };
}

const columnMemo = new WeakMap<MatrixResult, Map<number, string>>();

/** One SSE frame per item; column bodies are shared by every stream that sends them. */
export function sseFrame(item: LiveItem): string {
  switch (item.kind) {
    case 'column': {
      let bySeries = columnMemo.get(item.result);
      if (!bySeries) columnMemo.set(item.result, (bySeries = new Map()));
      let frame = bySeries.get(item.series);
      if (!frame) {
        const rows = item.result.rows.map((r) => rowJson(r, undefined)).join(',');
        const name = SERIES_NAME.get(item.series) ?? 'writes';
        frame =
          `event: keyviz_column\nid: ${item.unixMs}\n` +
          `data: {"column_unix_ms":${item.unixMs},"series":"${name}","rows":[${rows}]}\n\n`;
        bySeries.set(item.series, frame);
      }
      return frame;
    }
    case 'transition': {
      const t = item.transition;
      const data =
        `{"parent_route_id":${t.parentRouteId},"child_route_ids":[${t.childRouteIds.join(',')}]` +
        `,"lineage_id":${JSON.stringify(lineageId(t))},"unix_ms":${t.unixMs}` +
        `,"kind":"${t.kind}","start":${keyJson(t.start)},"end":${keyJson(t.end)}` +
        `,"boundary":${keyJson(t.boundary)}}`;
      return `event: route_transition\ndata: ${data}\n\n`;
    }
    case 'node': {
      const err = item.error ? `,"error":${JSON.stringify(item.error)}` : '';
      return `event: node_status\ndata: {"node":${JSON.stringify(item.node)},"ok":${item.ok},"code":${JSON.stringify(item.code)}${err}}\n\n`;
    }
    case 'heartbeat':
      return `event: heartbeat\ndata: {"unix_ms":${item.unixMs}}\n\n`;
  }
}

/** Bytes the socket may hold unsent before the writer waits (and the hub's queue fills). */
const HIGH_WATER = 1 << 20;

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Streams until the client leaves or the stream ends. Errors before the first
 * byte are thrown (the API answers them as JSON errors); later ones end the
 * stream with a stream_error event.
 */
export async function serveEvents(
  backend: AdminBackend,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  signal: AbortSignal,
): Promise<{ status: 400; message: string } | undefined> {
  void req;
  const q = parseEventsQuery(url.searchParams);
  if (!q.ok) return { status: 400, message: q.message };
  if (!backend.streamEvents) {
    throw new ConnectError('StreamEvents is not implemented by this server', Code.Unimplemented);
  }
  // Throws at once (before any header) when the stream cannot open, e.g. keyviz disabled.
  const iterable = backend.streamEvents({ series: q.series, rows: q.rows }, signal);
  const it = iterable[Symbol.asyncIterator]();
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Accel-Buffering': 'no',
  });
  res.write(': keyviz events\n\n');
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      if (!res.write(sseFrame(r.value)) && res.writableLength > HIGH_WATER) {
        await drained(res, signal);
      }
      // A gone socket takes writes silently: stop at the next item, whatever the signal says.
      if (signal.aborted || res.socket?.destroyed === true) break;
    }
  } catch (e) {
    if (!signal.aborted) {
      const ce = ConnectError.from(e);
      const code = ce.code === Code.ResourceExhausted ? 'stream_behind' : 'stream_failed';
      res.write(
        `event: stream_error\ndata: ${JSON.stringify({ error: code, message: ce.rawMessage })}\n\n`,
      );
    }
  } finally {
    await it.return?.(undefined);
    res.end();
  }
  return undefined;
}
