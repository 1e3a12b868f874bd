// The page's side of StreamEvents: the LiveEvent every source gives, and server-sent events
// read through fetch for the JSON source (Connect / gRPC-Web: liveRpc.ts, decoded by hand in
// liveWire.ts). Both give the same LiveEvent values; a server without the stream (a real node today)
// ends the iteration with a LiveUnimplemented error, so the caller can poll.
import { matrixColumns, type LiveColumn } from '../data/liveAppend.ts';
import type { Series } from '../data/matrix.ts';
import { fromBase64 } from '../data/keys.ts';
import { decodeMatrixJson, JsonApiError, quoteRouteIds } from './jsonSource.ts';
import { scanMatrixJson } from './jsonMatrixScan.ts';

export type LiveEvent =
  | { kind: 'column'; series: Series; column: LiveColumn }
  | {
      kind: 'transition';
      transition: 'split' | 'merge';
      parentRouteId: string;
      childRouteIds: string[];
      lineageId: string;
      unixMs: number;
      start: Uint8Array;
      end: Uint8Array;
      boundary: Uint8Array;
    }
  | { kind: 'heartbeat' }
  /** The stream is open (headers in): the page can say "live". */
  | { kind: 'open' };

export interface LiveRequest {
  series: Series[];
  rows: number;
}

export type LiveStream = (req: LiveRequest, signal: AbortSignal) => AsyncIterable<LiveEvent>;

import { LiveUnimplemented } from './liveUnimplemented.ts';
export { LiveUnimplemented };

const SERIES_SET = new Set<string>(['reads', 'writes', 'read_bytes', 'write_bytes']);

interface SseFrame {
  event: string;
  data: string;
}

/** Splits server-sent event text into frames; returns the unfinished tail. */
export function parseSse(text: string): { frames: SseFrame[]; rest: string } {
  const frames: SseFrame[] = [];
  const parts = text.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = parts.pop() ?? '';
  for (const p of parts) {
    let event = 'message';
    const data: string[] = [];
    for (const line of p.split('\n')) {
      if (line.startsWith(':') || line === '') continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) frames.push({ event, data: data.join('\n') });
  }
  return { frames, rest };
}

const keyOrEmpty = (s: string | null | undefined) => (s ? fromBase64(s) : new Uint8Array(0));

/** One SSE frame of /admin/api/v1/keyviz/events -> LiveEvent (null: not for the page). */
export function fromSseFrame(f: SseFrame): LiveEvent | null {
  switch (f.event) {
    case 'keyviz_column': {
      // The node's JSON numbers reach 2^64 - 1: the scanner keeps their digits where
      // JSON.parse would round. The frame is a one-column matrix once its time is an array.
      const head = /^\{"column_unix_ms":(\d+),"series":"([a-z_]+)",/.exec(f.data);
      if (head && SERIES_SET.has(head[2])) {
        const series = head[2] as Series;
        const m = scanMatrixJson(
          `{"column_unix_ms":[${head[1]}],${f.data.slice(head[0].length)}`,
          series,
        );
        const [column] = matrixColumns(m);
        return { kind: 'column', series, column };
      }
      const body = JSON.parse(quoteRouteIds(f.data)) as {
        column_unix_ms: number;
        series: Series;
        rows: Parameters<typeof decodeMatrixJson>[0]['rows'];
      };
      const m = decodeMatrixJson(
        { column_unix_ms: [body.column_unix_ms], rows: body.rows },
        body.series,
      );
      const [column] = matrixColumns(m);
      return { kind: 'column', series: body.series, column };
    }
    case 'route_transition': {
      const t = JSON.parse(
        f.data.replace(/"(parent_route_id)":(\d+)/, '"$1":"$2"').replace(
          /"child_route_ids":\[([\d,]*)\]/,
          (_m, ids: string) =>
            `"child_route_ids":[${ids
              .split(',')
              .filter(Boolean)
              .map((x) => `"${x}"`)
              .join(',')}]`,
        ),
      ) as {
        parent_route_id: string;
        child_route_ids: string[];
        lineage_id: string;
        unix_ms: number;
        kind: string;
        start: string | null;
        end: string | null;
        boundary: string | null;
      };
      return {
        kind: 'transition',
        transition: t.kind === 'merge' ? 'merge' : 'split',
        parentRouteId: t.parent_route_id,
        childRouteIds: t.child_route_ids,
        lineageId: t.lineage_id,
        unixMs: t.unix_ms,
        start: keyOrEmpty(t.start),
        end: keyOrEmpty(t.end),
        boundary: keyOrEmpty(t.boundary),
      };
    }
    case 'heartbeat':
      return { kind: 'heartbeat' };
    case 'stream_error': {
      const e = JSON.parse(f.data) as { error: string; message?: string };
      throw new JsonApiError(200, e.error, e.message ?? e.error);
    }
    default:
      return null;
  }
}

/** The JSON API's event stream, read through fetch (cookies of the page's session). */
export function jsonLiveStream(baseUrl: string, fetchFn: typeof fetch = fetch): LiveStream {
  return async function* (req, signal) {
    const q = new URLSearchParams();
    q.set('series', req.series.join(','));
    if (req.rows > 0) q.set('rows', String(req.rows));
    const res = await fetchFn(`${baseUrl}/admin/api/v1/keyviz/events?${q}`, {
      signal,
      credentials: 'same-origin',
      headers: { Accept: 'text/event-stream' },
    });
    // A node's JSON API has no such path: its 404 means "not implemented here".
    if (res.status === 404 || res.status === 501) throw new LiveUnimplemented(`HTTP ${res.status}`);
    if (!res.ok || !res.body) {
      let code = '';
      let message = '';
      try {
        const b = (await res.json()) as { error?: string; message?: string };
        code = b.error ?? '';
        message = b.message ?? '';
      } catch {
        // not JSON
      }
      throw new JsonApiError(res.status, code, message);
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    yield { kind: 'open' };
    let buf = '';
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) return;
        const { frames, rest } = parseSse(buf + r.value);
        buf = rest;
        for (const f of frames) {
          const e = fromSseFrame(f);
          if (e) yield e;
        }
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  };
}
