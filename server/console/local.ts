// GetRouteDetail and GetAdapterSummary over this process's sampler (the local
// backend): the bucket's four series from the ring, adapter summaries modelled
// from the newest column's counters (adapterModel.ts).
import { Code, ConnectError } from '@connectrpc/connect';
import type { GetAdapterSummaryResponse, GetRouteDetailResponse } from '../../src/gen/admin_pb.ts';
import { KEYVIZ_DISABLED_MESSAGE } from '../../src/api/nodeMessages.ts';
import type { Sampler } from '../sampler/index.ts';
import { adapterSummaries } from './adapterModel.ts';
import { adapterSummaryMessage, routeDetailMessage } from './messages.ts';

export interface RouteDetailRequest {
  bucketId: string;
  fromUnixMs: number;
  toUnixMs: number;
}

/** The node's bucket_id grammar (contract §5.3): route:<id>[:<label>][#<sub>] or virtual:<id>. */
const BUCKET_ID = /^(?:route:\d{1,20}(?::[A-Za-z0-9_-]+)?(?:#\d{1,10})?|virtual:\d{1,20})$/;

export function checkBucketId(id: string): void {
  if (!BUCKET_ID.test(id)) {
    throw new ConnectError(
      `bucket_id ${JSON.stringify(id.slice(0, 80))} is not route:<id>[:<label>][#<sub>] or virtual:<id>`,
      Code.InvalidArgument,
    );
  }
}

function need(sampler: Sampler | null): Sampler {
  if (!sampler) throw new ConnectError(KEYVIZ_DISABLED_MESSAGE, Code.Unavailable);
  return sampler;
}

export function localRouteDetail(
  sampler: Sampler | null,
  req: RouteDetailRequest,
): GetRouteDetailResponse {
  checkBucketId(req.bucketId);
  const s = need(sampler);
  const d = s.routeDetail(req.bucketId, req.fromUnixMs, req.toUnixMs);
  if (!d) {
    throw new ConnectError(`bucket ${req.bucketId} has no data in the window`, Code.NotFound);
  }
  // The bucket's own traffic in its newest active column, through the adapter model.
  let last = d.columnUnixMs.length - 1;
  while (last > 0 && d.raftGroupIds[last] === 0 && d.series.every((x) => x[last] === 0)) last--;
  const perAdapter = adapterSummaries(
    [
      {
        label: d.meta.label,
        reads: d.series[0][last],
        writes: d.series[1][last],
        readBytes: d.series[2][last],
        writeBytes: d.series[3][last],
      },
    ],
    s.options.stepMs,
  );
  return routeDetailMessage(d, perAdapter);
}

export function localAdapterSummary(sampler: Sampler | null): GetAdapterSummaryResponse {
  const s = need(sampler);
  const col = s.latestColumn();
  const stepMs = s.options.stepMs;
  if (!col) return adapterSummaryMessage([], { fromMs: 0, toMs: 0 });
  const stats = adapterSummaries(
    col.rows.map((r) => ({
      label: r.meta.label,
      reads: r.reads,
      writes: r.writes,
      readBytes: r.readBytes,
      writeBytes: r.writeBytes,
    })),
    stepMs,
  );
  return adapterSummaryMessage(stats, { fromMs: col.unixMs - stepMs, toMs: col.unixMs });
}
