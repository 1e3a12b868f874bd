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

function listenOn(server: HttpServer | Http2Server, addr: ListenAddress): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) =>
      reject(new Error(`--${addr.flag} ${addr.host}:${addr.port}: ${e.message}`));
    server.once('error', onError);
    server.listen(addr.port, addr.host, () => {
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

export async function listenH2c(
  addr: ListenAddress,
  handler: (req: Http2ServerRequest, res: Http2ServerResponse) => void,
): Promise<Listener<Http2Server>> {
  const server = http2.createServer({}, handler);
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
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
