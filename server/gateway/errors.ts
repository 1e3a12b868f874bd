// How an upstream's failure reaches the page. The page shows "keyviz disabled" for a
// node's Unavailable and asks the user for a token on Unauthenticated, so:
// - a node's own error (e.g. Unavailable "keyviz sampler not configured on this node")
//   keeps its code and message;
// - a node rejecting the gateway's token is the operator's problem, not the user's:
//   FailedPrecondition "gateway misconfigured: ...", never Unauthenticated;
// - no answer within the timeout: DeadlineExceeded naming the node;
// - no connection at all: Unavailable "upstream unreachable" naming the node.
// Messages never carry the token (only its file's flag name).
import { Code, ConnectError } from '@connectrpc/connect';

/** Connect's code names in snake case: "deadline_exceeded", "unavailable", ... */
export function codeName(code: Code): string {
  return (Code[code] ?? 'unknown').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Did the call fail below gRPC (no connection, reset, TLS), rather than by a node's status? */
export function isTransportFailure(err: ConnectError): boolean {
  for (let c: unknown = err.cause; c instanceof Error; c = c.cause) {
    const code = (c as Error & { code?: unknown }).code;
    // Node.js system, HTTP/2 and TLS errors all carry a string code (ECONNREFUSED,
    // ERR_HTTP2_..., DEPTH_ZERO_SELF_SIGNED_CERT); a node's gRPC status never has a cause.
    if (typeof code === 'string' && code !== '') return true;
  }
  return false;
}

export interface UpstreamErrorContext {
  node: string;
  timeoutMs: number;
  /** Whether the gateway sent a token at all (--upstreamInsecureNoAuth sends none). */
  sentToken: boolean;
}

/** Map one upstream's failure to the error the page (or the cluster status) sees. */
export function mapUpstreamError(reason: unknown, ctx: UpstreamErrorContext): ConnectError {
  const err = ConnectError.from(reason);
  const { node } = ctx;
  if (err.code === Code.Canceled) return new ConnectError(`request to ${node} canceled`, err.code);
  if (err.code === Code.DeadlineExceeded) {
    return new ConnectError(
      `upstream ${node} did not answer within ${ctx.timeoutMs} ms (--upstreamTimeout)`,
      Code.DeadlineExceeded,
    );
  }
  if (err.code === Code.Unauthenticated || err.code === Code.PermissionDenied) {
    const hint = ctx.sentToken
      ? "rejected the gateway's token (check --upstreamTokenFile)"
      : 'requires a token but the gateway sends none (set --upstreamTokenFile)';
    return new ConnectError(
      `gateway misconfigured: upstream ${node} ${hint}`,
      Code.FailedPrecondition,
    );
  }
  if (isTransportFailure(err)) {
    return new ConnectError(`upstream unreachable: ${node} (${err.rawMessage})`, Code.Unavailable);
  }
  return new ConnectError(err.rawMessage, err.code);
}

/** How telling an error is when every upstream failed (lower = says more). */
function rank(err: ConnectError): number {
  if (err.code === Code.FailedPrecondition) return 0; // a configuration the operator must fix
  if (err.rawMessage.startsWith('upstream unreachable')) return 3;
  if (err.code === Code.DeadlineExceeded) return 2;
  return 1; // a node's own answer, e.g. keyviz disabled
}

/**
 * One error for "every upstream failed": the most telling one keeps its code; when
 * the nodes disagree, the message lists every node's reason. All nodes failing the
 * same way (say all have keyviz off) gives exactly that node error.
 */
export function combineFailures(failures: { node: string; error: ConnectError }[]): ConnectError {
  const first = failures[0].error;
  const same = failures.every(
    (f) => f.error.code === first.code && f.error.rawMessage === first.rawMessage,
  );
  if (same) return new ConnectError(first.rawMessage, first.code);
  let primary = first;
  for (const f of failures) if (rank(f.error) < rank(primary)) primary = f.error;
  const reasons = failures
    .map((f) => `${f.node}: ${codeName(f.error.code)}: ${f.error.rawMessage}`)
    .join('; ');
  return new ConnectError(
    `${primary.rawMessage} (all ${failures.length} upstreams failed: ${reasons})`,
    primary.code,
  );
}
