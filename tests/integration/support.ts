// Shared bits of the server integration tests: one Admin client per protocol and
// codec against a spawned server, and small comparisons.
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Interceptor, Transport } from '@connectrpc/connect';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { afterAll } from 'vitest';
import { Admin } from '../../src/gen/admin_pb.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.ts';

export interface NamedClient {
  name: string;
  client: ReturnType<typeof createClient<typeof Admin>>;
}

export interface Clients {
  all: NamedClient[];
  close(): void;
}

function bearer(token: string | undefined): Interceptor[] {
  if (token === undefined) return [];
  return [
    (next) => (req) => {
      req.header.set('authorization', `Bearer ${token}`);
      return next(req);
    },
  ];
}

/** One binary gRPC client on h2c `addr` (a node behind a gateway, say), with its bearer token. */
export function grpcClientAt(addr: string, token?: string): NamedClient & { close(): void } {
  const url = `http://${addr}`;
  const sessions = new Http2SessionManager(url);
  const transport = createGrpcTransport({
    baseUrl: url,
    sessionManager: sessions,
    interceptors: bearer(token),
  });
  return {
    name: 'grpc+proto',
    client: createClient(Admin, transport),
    close: () => sessions.abort(),
  };
}

/** Connect (binary, JSON), gRPC-Web (binary, JSON) on `http`; gRPC (binary, JSON) on h2c `grpc`. */
export function clientsFor(s: { http: string; grpc: string }, token?: string): Clients {
  const interceptors = bearer(token);
  const sessions: Http2SessionManager[] = [];
  const grpc = (useBinaryFormat: boolean): Transport => {
    const url = `http://${s.grpc}`;
    const sm = new Http2SessionManager(url);
    sessions.push(sm);
    return createGrpcTransport({ baseUrl: url, useBinaryFormat, interceptors, sessionManager: sm });
  };
  const list: [string, Transport][] = [
    [
      'connect+proto',
      createConnectTransport({ baseUrl: s.http, useBinaryFormat: true, interceptors }),
    ],
    [
      'connect+json',
      createConnectTransport({ baseUrl: s.http, useBinaryFormat: false, interceptors }),
    ],
    [
      'grpc-web+proto',
      createGrpcWebTransport({ baseUrl: s.http, useBinaryFormat: true, interceptors }),
    ],
    [
      'grpc-web+json',
      createGrpcWebTransport({ baseUrl: s.http, useBinaryFormat: false, interceptors }),
    ],
    ['grpc+proto', grpc(true)],
    ['grpc+json', grpc(false)],
  ];
  return {
    all: list.map(([name, t]) => ({ name, client: createClient(Admin, t) })),
    close: () => sessions.forEach((sm) => sm.abort()),
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `keyviz-${prefix}-`));
}

/**
 * GET on a connection of its own, the body as text. Tests that poll a server often use it
 * instead of fetch: a kept-alive connection the server closes as it is reused fails the call.
 */
export function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve(Buffer.concat(chunks).toString()));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** getText, parsed as JSON. */
export async function getJson<T>(url: string): Promise<T> {
  return JSON.parse(await getText(url)) as T;
}

/**
 * The servers a test file starts and the clients it opens: after the file, the clients are closed
 * and the servers killed. Call once, at the top of the file.
 */
export function serverPool(): {
  start(args: string[], noDefaultListen?: boolean): Promise<SpawnedServer>;
  closers: (() => void)[];
} {
  const servers: SpawnedServer[] = [];
  const closers: (() => void)[] = [];
  afterAll(async () => {
    closers.forEach((c) => c());
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
  });
  return {
    closers,
    start: async (args, noDefaultListen = false) => {
      const s = await spawnServer(args, noDefaultListen ? { noDefaultListen } : {});
      servers.push(s);
      return s;
    },
  };
}
