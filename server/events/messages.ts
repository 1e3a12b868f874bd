// LiveItem -> StreamEventsEvent (the node's message, plus keyviz extensions).
// One message per item object, shared by every stream that sends it.
import { create } from '@bufbuild/protobuf';
import {
  StreamEventsEventSchema,
  type KeyVizRow,
  type StreamEventsEvent,
} from '../../src/gen/admin_pb.ts';
import type { MatrixResult } from '../sampler/types.ts';
import { toGenericResponse } from '../wire/index.ts';
import type { LiveItem, RouteTransitionInfo } from './types.ts';

/** "<kind>/<parent>/<unix ms>": unique per transition, stable across protocols. */
export function lineageId(t: RouteTransitionInfo): string {
  return `${t.kind}/${t.parentRouteId}/${t.unixMs}`;
}

const rowsMemo = new WeakMap<MatrixResult, KeyVizRow[]>();

function rowsOf(result: MatrixResult): KeyVizRow[] {
  let rows = rowsMemo.get(result);
  if (!rows) rowsMemo.set(result, (rows = toGenericResponse(result).rows));
  return rows;
}

export function toEventMessage(item: LiveItem): StreamEventsEvent {
  switch (item.kind) {
    case 'column':
      return create(StreamEventsEventSchema, {
        event: {
          case: 'keyvizColumn',
          value: {
            columnUnixMs: BigInt(item.unixMs),
            series: item.series,
            rows: rowsOf(item.result),
          },
        },
        node: item.node ?? '',
      });
    case 'transition': {
      const t = item.transition;
      return create(StreamEventsEventSchema, {
        event: {
          case: 'routeTransition',
          value: {
            parentRouteId: BigInt(t.parentRouteId),
            childRouteIds: t.childRouteIds.map((id) => BigInt(id)),
            lineageId: lineageId(t),
            unixMs: BigInt(t.unixMs),
            kind: t.kind,
            start: t.start,
            end: t.end,
            boundary: t.boundary,
          },
        },
        node: item.node ?? '',
      });
    }
    case 'node':
      return create(StreamEventsEventSchema, {
        nodeStatus: { node: item.node, ok: item.ok, code: item.code, error: item.error },
        node: item.node,
      });
    case 'heartbeat':
      return create(StreamEventsEventSchema, { heartbeatUnixMs: BigInt(item.unixMs) });
  }
}
