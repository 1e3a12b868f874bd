// Real backends and a real listening server for the JSON admin API tests: a small Sampler on
// a ManualClock behind an AdminBackend, the JSON API on http.createServer, and a fetch that
// carries cookies by hand (Node's fetch has no cookie jar).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  GetClusterOverviewResponseSchema,
  GetRaftGroupsResponseSchema,
} from '../../src/gen/admin_pb.ts';
import { KEYVIZ_DISABLED_MESSAGE, type AdminBackend } from '../../server/backend.ts';
import { ManualClock, OP_READ, OP_WRITE, Sampler } from '../../server/sampler/index.ts';
import type { MatrixAnswer, MatrixRequest } from '../../server/sampler/types.ts';
import { createJsonApi, type JsonApiOptions } from '../../server/http/jsonApi.ts';

export const T0 = 1_700_000_000_000;
export const STEP_MS = 60_000;
const enc = new TextEncoder();

export interface TestBackend extends AdminBackend {
  enabled: boolean;
  requests: MatrixRequest[];
  sampler: Sampler;
  clock: ManualClock;
}

/** Six routes tiling the key space; three tracked, the rest folded into aggregates. */
export function samplerBackend(): TestBackend {
  const clock = new ManualClock(T0);
  const sampler = new Sampler({
    stepMs: STEP_MS,
    historyColumns: 60,
    maxTrackedRoutes: 3,
    maxMemberRoutesPerSlot: 2,
    maxVirtualBuckets: 1,
    clock,
    leaderTermOf: (g) => 10 + g,
  });
  const bounds = ['', 'b', 'd', 'f', 'h', 'k', ''];
  const labels = ['redis', '', 'dynamo', 's3', 's3', 'sqs'];
  for (let i = 0; i < 6; i++) {
    sampler.registerRoute({
      id: i + 1,
      start: enc.encode(bounds[i]),
      end: enc.encode(bounds[i + 1]),
      label: labels[i],
      raftGroupId: (i % 2) + 1,
    });
  }
  for (let col = 0; col < 5; col++) {
    clock.advance(STEP_MS);
    for (let r = 1; r <= 6; r++) {
      for (let n = 0; n < r * (col + 1); n++) sampler.observe(r, enc.encode(`k${r}`), OP_WRITE, 10);
      for (let n = 0; n < (7 - r) * 2; n++) sampler.observe(r, enc.encode(`key${r}`), OP_READ, 0);
    }
    sampler.flush();
  }
  clock.advance(STEP_MS);
  sampler.flush(); // an idle column: still a column
  const backend: TestBackend = {
    enabled: true,
    requests: [],
    sampler,
    clock,
    async getKeyVizMatrix(req: MatrixRequest): Promise<MatrixAnswer> {
      if (!backend.enabled) throw new ConnectError(KEYVIZ_DISABLED_MESSAGE, Code.Unavailable);
      backend.requests.push(req);
      return { ...sampler.matrix(req), nodes: [], conflicts: [] };
    },
    async getClusterOverview() {
      return create(GetClusterOverviewResponseSchema, {
        self: { nodeId: 'n1', grpcAddress: '127.0.0.1:50051' },
        members: [{ nodeId: 'n1' }, { nodeId: 'n2' }],
        groupLeaders: [{ raftGroupId: 2n, leaderNodeId: 'n2', leaderTerm: 12n }],
      });
    },
    async getRaftGroups() {
      return create(GetRaftGroupsResponseSchema, {
        groups: [
          { raftGroupId: 2n, leaderNodeId: 'n2', leaderTerm: 12n },
          { raftGroupId: 1n, leaderNodeId: 'n1', leaderTerm: 11n },
        ],
      });
    },
  };
  return backend;
}

export const CREDENTIALS = [
  { accessKey: 'AKREAD', secretKey: 'read-secret', role: 'read_only' as const },
  { accessKey: 'AKFULL', secretKey: 'full-secret', role: 'full' as const },
];

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** The JSON API alone on a real port; other paths answer a plain 418 so misses show. */
export async function listenJsonApi(opts: JsonApiOptions): Promise<RunningApi> {
  const api = createJsonApi(opts);
  const server = http.createServer((req, res) => {
    if (api.handle(req, res)) return;
    res.writeHead(418).end('not the json api');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fetch that stores Set-Cookie answers and sends them back, like a browser on one origin. */
export function cookieFetch(): {
  fetch: typeof fetch;
  jar: Map<string, string>;
  /** The jar as document.cookie would show it. */
  cookies: () => string;
} {
  const jar = new Map<string, string>();
  const wrapped: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (jar.size > 0) {
      headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const res = await fetch(input, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/Max-Age=0/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
  const cookies = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  return { fetch: wrapped, jar, cookies };
}
