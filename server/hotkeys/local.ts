// GetKeyVizHotKeys over this process's own Sampler.
import { Code, ConnectError } from '@connectrpc/connect';
import { KEYVIZ_DISABLED_MESSAGE } from '../backend.ts';
import type { Sampler } from '../sampler/index.ts';
import {
  hotKeysDisabled,
  invalidQuery,
  noSnapshot,
  outOfWindow,
  SUB_BUCKET_RANGE_MESSAGE,
} from './errors.ts';
import type { HotKeysAnswer, HotKeysRequest } from './types.ts';

export function localHotKeys(sampler: Sampler | null) {
  return (req: HotKeysRequest): Promise<HotKeysAnswer> => {
    try {
      return Promise.resolve(answer(sampler, req));
    } catch (e) {
      return Promise.reject(e);
    }
  };
}

function answer(sampler: Sampler | null, req: HotKeysRequest): HotKeysAnswer {
  if (!sampler) throw new ConnectError(KEYVIZ_DISABLED_MESSAGE, Code.Unavailable);
  if (!sampler.hotKeysEnabled) throw hotKeysDisabled();
  // Our route ids are safe integers; a larger id is simply unknown.
  const id = req.routeId <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(req.routeId) : -1;
  const out = sampler.hotKeys({
    routeId: id,
    label: req.label,
    subBucket: req.subBucket,
    top: req.top,
    fromMs: req.fromUnixMs,
    toMs: req.toUnixMs,
  });
  if (!out) throw hotKeysDisabled();
  if (!out.ok) {
    if (out.kind === 'no_snapshot') throw noSnapshot();
    if (out.kind === 'out_of_snapshot_window') throw outOfWindow();
    throw invalidQuery(SUB_BUCKET_RANGE_MESSAGE);
  }
  return {
    ...out.result,
    routeId: req.routeId,
    label: req.label,
    subBucket: req.subBucket,
    nodes: [],
  };
}
