// The two listeners and their orderly close: stop accepting, let in-flight
// requests finish for a short grace, then cut what is left (idle keep-alive
// sockets at once), so shutdown never hangs on a client.
import http, { type Server as HttpServer } from 'node:http';
import http2, {
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { ListenAddress } from './listenAddress.ts';

export interface Listener<S> {
  server: S;
  port: number;
  /** Resolves when every connection is gone. */
  close(graceMs: number): Promise<void>;
}

/** Accept queue length asked of the kernel (Linux's somaxconn default since 5.4). */
export const LISTEN_BACKLOG = 4096;

function listenOn(server: HttpServer | Http2Server, addr: ListenAddress): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) =>
      reject(new Error(`--${addr.flag} ${addr.host}:${addr.port}: ${e.message}`));
    server.once('error', onError);
    // A deep accept queue: clients that connect and cancel at a high rate (a cancel on
    // HTTP/1.1 is a new connection) filled Node's default 511 during a 100-150 ms pause of the
    // loop (GC, a busy machine), and the kernel then dropped every new SYN, the health probe's
    // too, which retried after 1 s and 3 s. The kernel caps this at net.core.somaxconn.
    server.listen({ port: addr.port, host: addr.host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function listenHttp(
  addr: ListenAddress,
  handler: http.RequestListener,
): Promise<Listener<HttpServer>> {
  const server = http.createServer({ keepAliveTimeout: 5_000 }, handler);
  const port = await listenOn(server, addr);
  return {
    server,
    port,
    close: (graceMs) =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), graceMs).unref();
      }),
  };
}

/**
 * Node counts a stream's queued response bytes against its session and, while
 * the session is over maxSessionMemory (10 MB by default), refuses new streams
 * with RST_STREAM ENHANCE_YOUR_CALM, ending the connection after 100 refusals.
 * A full matrix answer is several MB, queued whole; a client that cancels a
 * call and starts the next on the same connection has its new stream arrive
 * (often in the same read as the RST) before the cancelled answer is released,
 * and was refused. The matrix is now written in bounded slices with
 * backpressure (writeBounded.ts), so a stream queues a few hundred KB, not a
 * whole answer; 64 MB stays as the bound for what connect-node still writes
 * whole (compressed answers, other methods). Clients that reset streams fast
 * are asked to reconnect before nghttp2's rapid-reset limit (guardResets).
 */
const H2_MAX_SESSION_MEMORY_MB = 64;

/**
 * nghttp2 ends a connection whose client resets streams faster than its limit
 * (a burst of 1000, then 33 a second) with GOAWAY INTERNAL_ERROR: the client's
 * running calls fail ("Session closed with error code 2"). A client that
 * cancels a lot (a page that keeps changing its question, a load test) is not
 * an attack, so before that limit is reached the server asks it to reconnect:
 * a graceful GOAWAY (NO_ERROR) once the client's resets empty a bucket half
 * that size with the same refill. Running calls finish; new ones go to a new
 * connection with a fresh budget. A true rapid-reset flood is still bounded:
 * one GOAWAY per H2_RESET_BURST resets, and nghttp2's own limit stays behind.
 */
export const H2_RESET_BURST = 500;
export const H2_RESET_PER_S = 33;

function guardResets(s: ServerHttp2Session): void {
  let tokens = H2_RESET_BURST;
  let at = performance.now();
  s.on('stream', (st) => {
    st.once('aborted', () => {
      const now = performance.now();
      tokens = Math.min(H2_RESET_BURST, tokens + ((now - at) / 1000) * H2_RESET_PER_S);
      at = now;
      tokens -= 1;
      if (tokens < 1 && !s.closed && !s.destroyed) s.close();
    });
  });
}

export async function listenH2c(
  addr: ListenAddress,
  handler: (req: Http2ServerRequest, res: Http2ServerResponse) => void,
): Promise<Listener<Http2Server>> {
  const server = http2.createServer({ maxSessionMemory: H2_MAX_SESSION_MEMORY_MB }, handler);
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
    guardResets(s);
  });
  const port = await listenOn(server, addr);
  return {
    server,
    port,
    close: (graceMs) =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // GOAWAY: no new streams; running ones may finish within the grace.
        for (const s of sessions) s.close();
        setTimeout(() => {
          for (const s of sessions) s.destroy();
        }, graceMs).unref();
      }),
  };
}
