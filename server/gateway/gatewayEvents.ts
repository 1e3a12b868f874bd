// StreamEvents through the gateway: every client stream follows each upstream
// node's own StreamEvents and forwards its events (a node's column is a column of
// the cluster view: the merged matrix's columns are the union of the nodes'
// flush times). A node whose stream fails is reported (a node_status event) and
// re-dialled with exponential back-off; a node that answers Unimplemented (a real
// node today) is polled instead: its matrix from just past the newest column
// held, each new column sent as a column event.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import {
  Admin,
  StreamEventsRequestSchema,
  type StreamEventsEvent,
} from '../../src/gen/admin_pb.ts';
import { ALL_SERIES, lastColumnOnly, normaliseSeries } from '../events/hub.ts';
import { BoundedQueue } from '../events/queue.ts';
import type { LiveItem, RouteTransitionInfo, StreamRequest, StreamStats } from '../events/types.ts';
import { DEFAULT_QUEUE_LIMIT, DEFAULT_HEARTBEAT_MS } from '../events/hub.ts';
import type { MatrixAnswer, MatrixRequest, MatrixResult, MatrixRow } from '../sampler/types.ts';
import { rowFromMessage } from '../wire/generic.ts';
import { codeName } from './errors.ts';
import type { ClusterFollower } from './follow.ts';

type Outcome = { ok: true; value: MatrixAnswer } | { ok: false; error: ConnectError };

export interface GatewayEventsOptions {
  upstreams: string[];
  tls: boolean;
  ca?: Buffer;
  headers: Record<string, string>;
  scrub(e: ConnectError): ConnectError;
  /** One node's matrix (the gateway's own unary client). */
  pollMatrix(node: string, req: MatrixRequest, signal: AbortSignal): Promise<Outcome>;
  /** Polling interval for nodes without StreamEvents; default 5 s. */
  pollMs?: number;
  queueLimit?: number;
  heartbeatMs?: number;
  /**
   * Several nodes followed into one state (follow.ts): columns come from it, aligned to
   * the step and merged, one per step like a full answer's; the nodes' own streams then
   * bring only route transitions and node status.
   */
  follower?: ClusterFollower | null;
}

export const RETRY_MIN_MS = 250;
export const RETRY_MAX_MS = 10_000;

/** A matrix -> one single-column result per column (oldest first), all-zero rows left out. */
export function splitColumns(m: MatrixResult): { unixMs: number; result: MatrixResult }[] {
  const out: { unixMs: number; result: MatrixResult }[] = [];
  for (let j = 0; j < m.columnUnixMs.length; j++) {
    const rows: MatrixRow[] = [];
    for (const r of m.rows) {
      if (r.values[j] === 0) continue;
      rows.push({
        meta: r.meta,
        values: r.values.slice(j, j + 1),
        raftGroupIds: r.raftGroupIds.length ? r.raftGroupIds.slice(j, j + 1) : new Float64Array(0),
        leaderTerms: r.leaderTerms.length ? r.leaderTerms.slice(j, j + 1) : new Float64Array(0),
      });
    }
    out.push({ unixMs: m.columnUnixMs[j], result: { columnUnixMs: [m.columnUnixMs[j]], rows } });
  }
  return out;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export class GatewayEvents {
  private readonly clients: {
    node: string;
    client: Client<typeof Admin>;
    sm: Http2SessionManager;
  }[];
  private readonly open = new Set<BoundedQueue<LiveItem>>();
  private counts = { opened: 0, closed: 0, droppedSlow: 0 };
  private timers = 0;
  private readonly shutdown = new AbortController();

  constructor(private readonly opts: GatewayEventsOptions) {
    this.clients = opts.upstreams.map((node) => {
      const baseUrl = `${opts.tls ? 'https' : 'http'}://${node}`;
      const sm = new Http2SessionManager(baseUrl, undefined, opts.ca ? { ca: opts.ca } : undefined);
      const transport = createGrpcTransport({ baseUrl, sessionManager: sm });
      return { node, client: createClient(Admin, transport), sm };
    });
  }

  stats(): StreamStats {
    return { open: this.open.size, ...this.counts, timers: this.timers };
  }

  close(): void {
    this.shutdown.abort();
    for (const q of this.open) q.close();
    for (const c of this.clients) c.sm.abort();
  }

  stream(req: StreamRequest, signal: AbortSignal): AsyncGenerator<LiveItem> {
    if (this.shutdown.signal.aborted) {
      throw new ConnectError('server shutting down', Code.Unavailable);
    }
    return this.run(req, signal);
  }

  private async *run(req: StreamRequest, signal: AbortSignal): AsyncGenerator<LiveItem> {
    const limit = this.opts.queueLimit ?? DEFAULT_QUEUE_LIMIT;
    const q = new BoundedQueue<LiveItem>(limit, () => {
      this.counts.droppedSlow++;
      return new ConnectError(
        `stream fell behind: more than ${limit} events unread; reconnect and fetch the gap with GetKeyVizMatrix`,
        Code.ResourceExhausted,
      );
    });
    // Ends the followers with the client, the gateway, or an overflow.
    const stop = new AbortController();
    // The client's leaving (or shutdown) releases everything, not only this
    // generator's end: a transport whose write to a gone client never settles never
    // pulls again, leaving the generator suspended at its yield (see hub.ts).
    let released: Promise<void> | null = null;
    const release = (): Promise<void> =>
      (released ??= (async () => {
        unsubscribe?.();
        clearInterval(hb);
        this.timers--;
        stop.abort();
        q.close();
        signal.removeEventListener('abort', onAbort);
        this.shutdown.signal.removeEventListener('abort', onAbort);
        await Promise.all(followers);
        this.open.delete(q);
        this.counts.closed++;
      })());
    const onAbort = () => void release();
    this.open.add(q);
    this.counts.opened++;
    const series = normaliseSeries(req.series);
    const state = this.opts.follower ?? null;
    const unsubscribe = state?.subscribe((s, t) => {
      if (!series.includes(s)) return;
      const result = state.liveColumn(s, t, req.rows);
      if (result)
        q.push({ kind: 'column', unixMs: result.columnUnixMs[0] ?? t, series: s, result });
    });
    const followers = this.clients.map((c) =>
      this.follow(c, series, req.rows, q, stop.signal, state !== null).catch(() => {}),
    );
    this.timers++;
    const hb = setInterval(
      () => q.push({ kind: 'heartbeat', unixMs: Date.now() }),
      this.opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    );
    hb.unref();
    signal.addEventListener('abort', onAbort, { once: true });
    this.shutdown.signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted || this.shutdown.signal.aborted) onAbort();
    try {
      for (;;) {
        const item = await q.next(stop.signal);
        if (item === undefined) return;
        yield item;
      }
    } catch (e) {
      // A client that left is not an error; a shut gateway ends the stream cleanly.
      if (signal.aborted || this.shutdown.signal.aborted) return;
      throw e;
    } finally {
      await release();
    }
  }

  /** One upstream for one client stream: stream, report, back off, re-dial; or poll. */
  private async follow(
    c: { node: string; client: Client<typeof Admin> },
    series: number[],
    rows: number,
    q: BoundedQueue<LiveItem>,
    signal: AbortSignal,
    /** The follow state sends the columns: this node's own are dropped. */
    columnsElsewhere = false,
  ): Promise<void> {
    let backoff = RETRY_MIN_MS;
    let failed = false;
    while (!signal.aborted && !q.closed) {
      try {
        const request = create(StreamEventsRequestSchema, { series, rows });
        for await (const ev of c.client.streamEvents(request, {
          signal,
          headers: this.opts.headers,
        })) {
          if (failed) {
            failed = false;
            q.push({ kind: 'node', node: c.node, ok: true, code: '', error: '' });
          }
          backoff = RETRY_MIN_MS;
          const item = this.toItem(c.node, ev);
          if (item && !(columnsElsewhere && item.kind === 'column')) q.push(item);
        }
      } catch (e) {
        if (signal.aborted) return;
        const err = this.opts.scrub(ConnectError.from(e));
        if (err.code === Code.Unimplemented) {
          // With the follow state polling already, a node without streams needs nothing more.
          if (columnsElsewhere) return;
          return this.poll(c.node, series, rows, q, signal);
        }
        failed = true;
        q.push({
          kind: 'node',
          node: c.node,
          ok: false,
          code: codeName(err.code),
          error: `${codeName(err.code)}: ${err.rawMessage}; re-dialling in ${backoff} ms`,
        });
      }
      await sleep(backoff, signal);
      backoff = Math.min(backoff * 2, RETRY_MAX_MS);
    }
  }

  private toItem(node: string, ev: StreamEventsEvent): LiveItem | null {
    const e = ev.event;
    if (e.case === 'keyvizColumn') {
      const unixMs = Number(e.value.columnUnixMs);
      return {
        kind: 'column',
        unixMs,
        series: e.value.series,
        result: { columnUnixMs: [unixMs], rows: e.value.rows.map((r) => rowFromMessage(r)) },
        node,
      };
    }
    if (e.case === 'routeTransition') {
      const v = e.value;
      const transition: RouteTransitionInfo = {
        kind: v.kind === 'merge' ? 'merge' : 'split',
        parentRouteId: Number(v.parentRouteId),
        childRouteIds: v.childRouteIds.map((id) => Number(id)),
        start: v.start,
        end: v.end,
        boundary: v.boundary,
        unixMs: Number(v.unixMs),
      };
      return { kind: 'transition', transition, node };
    }
    return null; // heartbeats are the gateway's own
  }

  /** A node without StreamEvents: its matrix from just past what was sent, every pollMs. */
  private async poll(
    node: string,
    series: number[],
    rows: number,
    q: BoundedQueue<LiveItem>,
    signal: AbortSignal,
  ): Promise<void> {
    q.push({ kind: 'node', node, ok: true, code: 'polling', error: '' });
    const pollMs = this.opts.pollMs ?? 5000;
    // Start from now: history before the stream is the client's GetKeyVizMatrix.
    const last = new Map<number, number>(series.map((s) => [s, Date.now()]));
    while (!signal.aborted && !q.closed) {
      await sleep(pollMs, signal);
      for (const s of series) {
        if (signal.aborted) return;
        const o = await this.opts.pollMatrix(
          node,
          { series: s, fromUnixMs: last.get(s)! + 1, toUnixMs: 0, rows },
          signal,
        );
        if (!o.ok) {
          if (!signal.aborted) {
            q.push({
              kind: 'node',
              node,
              ok: false,
              code: codeName(o.error.code),
              error: o.error.rawMessage,
            });
          }
          continue;
        }
        for (const col of splitColumns(o.value)) {
          q.push({
            kind: 'column',
            unixMs: col.unixMs,
            series: s,
            result: lastColumnOnly(col.result),
            node,
          });
          last.set(s, Math.max(last.get(s)!, col.unixMs));
        }
      }
    }
  }
}

export { ALL_SERIES };
