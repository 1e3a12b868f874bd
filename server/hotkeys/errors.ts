// Hot-key failures as ConnectErrors, and how each maps to the node's JSON
// answer. Codes (RPC -> JSON):
//   InvalidArgument    -> 400 invalid_query (parameter messages as the node's)
//   OutOfRange         -> 400 out_of_snapshot_window
//   NotFound           -> 404 no_snapshot
//   FailedPrecondition -> 503 hotkeys_disabled (hot keys off on the node)
//   Unavailable        -> 503 keyviz_disabled (no sampler at all), else unavailable
//   Unimplemented      -> 501 not_implemented (a backend without hot keys)
import { Code, ConnectError } from '@connectrpc/connect';
import { apiErrorFrom, type ApiError } from '../jsonapi/errors.ts';

export const HOTKEYS_DISABLED_MESSAGE =
  'hot-keys drill-down is not enabled on this node (--keyvizHotKeysEnabled)';
export const NO_SNAPSHOT_MESSAGE = 'no hot-key snapshot for this route yet';
export const NO_SNAPSHOT_CLUSTER_MESSAGE =
  'no hot-key snapshot for this route yet on any node in the cluster';
export const OUT_OF_WINDOW_MESSAGE =
  'requested window does not overlap a hot-key window held by this node';
export const SUB_BUCKET_RANGE_MESSAGE = 'sub_bucket is out of range for this route';

export const hotKeysDisabled = () =>
  new ConnectError(HOTKEYS_DISABLED_MESSAGE, Code.FailedPrecondition);
export const noSnapshot = (cluster = false) =>
  new ConnectError(cluster ? NO_SNAPSHOT_CLUSTER_MESSAGE : NO_SNAPSHOT_MESSAGE, Code.NotFound);
export const outOfWindow = () => new ConnectError(OUT_OF_WINDOW_MESSAGE, Code.OutOfRange);
export const invalidQuery = (message: string) => new ConnectError(message, Code.InvalidArgument);

/** A hot-key failure -> the node's JSON error answer. */
export function hotKeysApiError(e: unknown): ApiError {
  const err = ConnectError.from(e);
  const message = err.rawMessage;
  switch (err.code) {
    case Code.OutOfRange:
      return { status: 400, code: 'out_of_snapshot_window', message };
    case Code.NotFound:
      return { status: 404, code: 'no_snapshot', message };
    case Code.FailedPrecondition:
      if (message.includes('--keyvizHotKeysEnabled')) {
        return { status: 503, code: 'hotkeys_disabled', message };
      }
      return apiErrorFrom(err);
    default:
      return apiErrorFrom(err);
  }
}
