// The reference for the page's hand-rolled live decoder (src/api/liveWire.ts): what the page
// did before it, with the generic protobuf-es decoder. StreamEventsEvent bytes -> fromBinary
// -> LiveEvent, and StreamEvents through a connect Transport.
import { create, fromBinary } from '@bufbuild/protobuf';
import { Code, ConnectError, type Transport } from '@connectrpc/connect';
import {
  Admin,
  KeyVizSeries,
  StreamEventsEventSchema,
  StreamEventsRequestSchema,
  type KeyVizRow,
  type StreamEventsEvent,
} from '../../src/gen/admin_pb.ts';
import type { LiveRow } from '../../src/data/liveAppend.ts';
import type { Series } from '../../src/data/matrix.ts';
import { LiveUnimplemented, type LiveEvent, type LiveStream } from '../../src/api/liveEvents.ts';

const SERIES_ENUM: Record<Series, KeyVizSeries> = {
  reads: KeyVizSeries.KEYVIZ_SERIES_READS,
  writes: KeyVizSeries.KEYVIZ_SERIES_WRITES,
  read_bytes: KeyVizSeries.KEYVIZ_SERIES_READ_BYTES,
  write_bytes: KeyVizSeries.KEYVIZ_SERIES_WRITE_BYTES,
};
const SERIES_NAME = new Map<number, Series>(
  Object.entries(SERIES_ENUM).map(([k, v]) => [v, k as Series]),
);

const TWO_53 = 2n ** 53n;

function rowOf(r: KeyVizRow): LiveRow {
  const v = r.values[0] ?? 0n;
  const value = Number(v);
  return {
    ...(v >= TWO_53 && { exact: v.toString() }),
    meta: {
      bucketId: r.bucketId,
      start: r.start,
      end: r.end,
      label: r.label,
      aggregate: r.aggregate,
      routeIds: r.routeIds.map(String),
      routeIdsTruncated: r.routeIdsTruncated,
      routeCount: r.routeCount.toString(),
      total: value,
      contributingNodes: r.contributingNodes,
      ...(r.foldedBuckets !== undefined && { foldedBuckets: r.foldedBuckets.toString() }),
    },
    value,
    raftGroupId: Number(r.raftGroupIds[0] ?? 0n),
    leaderTerm: Number(r.leaderTerms[0] ?? 0n),
  };
}

/** A decoded StreamEventsEvent -> LiveEvent (null for what the page does not use). */
export function fromEventMessage(ev: StreamEventsEvent): LiveEvent | null {
  const e = ev.event;
  if (e.case === 'keyvizColumn') {
    return {
      kind: 'column',
      series: SERIES_NAME.get(e.value.series) ?? 'writes',
      column: { unixMs: Number(e.value.columnUnixMs), rows: e.value.rows.map(rowOf) },
    };
  }
  if (e.case === 'routeTransition') {
    const v = e.value;
    return {
      kind: 'transition',
      transition: v.kind === 'merge' ? 'merge' : 'split',
      parentRouteId: v.parentRouteId.toString(),
      childRouteIds: v.childRouteIds.map(String),
      lineageId: v.lineageId,
      unixMs: Number(v.unixMs),
      start: v.start,
      end: v.end,
      boundary: v.boundary,
    };
  }
  if (ev.heartbeatUnixMs !== 0n) return { kind: 'heartbeat' };
  return null;
}

/** Encoded StreamEventsEvent -> LiveEvent with the generic decoder. */
export function genericDecode(bytes: Uint8Array): LiveEvent | null {
  return fromEventMessage(fromBinary(StreamEventsEventSchema, bytes));
}

async function* once<T>(v: T): AsyncIterable<T> {
  yield v;
}

/** StreamEvents over a connect Transport, decoded by protobuf-es. */
export function connectLiveStream(transport: Transport): LiveStream {
  return async function* (req, signal) {
    const input = create(StreamEventsRequestSchema, {
      series: req.series.map((s) => SERIES_ENUM[s]),
      rows: req.rows,
    });
    try {
      const res = await transport.stream(
        Admin.method.streamEvents,
        signal,
        undefined,
        undefined,
        once(input),
      );
      yield { kind: 'open' };
      for await (const ev of res.message) {
        const e = fromEventMessage(ev);
        if (e) yield e;
      }
    } catch (err) {
      const ce = ConnectError.from(err);
      if (ce.code === Code.Unimplemented) throw new LiveUnimplemented(ce.rawMessage);
      throw ce;
    }
  };
}
