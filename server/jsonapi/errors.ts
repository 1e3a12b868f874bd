// Backend failures (ConnectErrors with the node's codes) -> the JSON API's error answers.
import { Code, ConnectError } from '@connectrpc/connect';
import { KEYVIZ_DISABLED_MESSAGE } from '../backend.ts';

export interface ApiError {
  status: number;
  code: string;
  message: string;
}

export function apiErrorFrom(e: unknown): ApiError {
  const err = ConnectError.from(e);
  const message = err.rawMessage;
  switch (err.code) {
    case Code.Unavailable:
      // Only the node's "not configured" is keyviz_disabled; an unreachable upstream is not.
      return message.includes(KEYVIZ_DISABLED_MESSAGE)
        ? { status: 503, code: 'keyviz_disabled', message }
        : { status: 503, code: 'unavailable', message };
    case Code.InvalidArgument:
      return { status: 400, code: 'invalid_query', message };
    case Code.DeadlineExceeded:
      return { status: 504, code: 'deadline_exceeded', message };
    case Code.NotFound:
      return { status: 404, code: 'not_found', message };
    case Code.Unimplemented:
      return { status: 501, code: 'not_implemented', message };
    case Code.ResourceExhausted:
      return { status: 429, code: 'rate_limited', message };
    case Code.FailedPrecondition:
      return { status: 502, code: 'upstream_misconfigured', message };
    default:
      // Internal details stay in the server log, not in the answer.
      return { status: 500, code: 'internal', message: 'internal error; see server logs' };
  }
}
