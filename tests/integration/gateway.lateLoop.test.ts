// The gateway's upstream gRPC client over real HTTP/2 connections to other processes: a node that
// answered in time is not reported late because the gateway's own event loop was busy past the
// deadline (issue 16: "a node is reported failed only when it failed, never because the gateway
// was busy"), and a node that never answers still fails at its deadline.
import { spawn } from 'node:child_process';
import { stat } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { create, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { GetKeyVizMatrixRequestSchema, KeyVizSeries } from '../../src/gen/admin_pb.ts';
import { GrpcClient } from '../../server/gateway/grpcClient.ts';

/** A node that answers every gRPC call with an empty message after 100 ms. */
const SLOW_NODE = `
const http2 = require('node:http2');
const srv = http2.createServer();
srv.on('stream', (st) => {
  st.on('data', () => {});
  st.on('end', () => setTimeout(() => {
    st.respond({ ':status': 200, 'content-type': 'application/grpc+proto' }, { waitForTrailers: true });
    st.on('wantTrailers', () => st.sendTrailers({ 'grpc-status': '0' }));
    st.end(Buffer.from([0, 0, 0, 0, 0]));
  }, 100));
});
srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));
`;

const request = toBinary(
  GetKeyVizMatrixRequestSchema,
  create(GetKeyVizMatrixRequestSchema, { series: KeyVizSeries.KEYVIZ_SERIES_WRITES, rows: 16 }),
);

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the gateway merging a large answer, say
  }
}

describe('upstream deadline vs a busy gateway', () => {
  it('an answer that arrived while the loop was blocked past the deadline is taken', async () => {
    // A separate process answers every call 100 ms after it arrives (an empty message and
    // grpc-status 0): the answer lands while this process is blocked.
    const slow = spawn(process.execPath, ['-e', SLOW_NODE], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      slow.stdout.once('data', (b: Buffer) => resolve(Number(String(b).trim())));
      slow.once('exit', () => reject(new Error('slow node exited')));
    });
    const client = new GrpcClient({ baseUrl: `http://127.0.0.1:${port}` });
    const call = (timeoutMs: number) =>
      client.unary({
        path: '/Admin/GetKeyVizMatrix',
        request,
        headers: {},
        timeoutMs,
        signal: new AbortController().signal,
      });
    try {
      await call(5_000); // connection up
      const pending = call(400);
      // Blocked from ~20 ms to ~1,220 ms inside an I/O callback, as a merge of another node's
      // answer would be: the answer (at ~100 ms) and the deadline (400 ms) both pass meanwhile,
      // and the next loop turn runs the expired timer before it reads the waiting answer.
      await new Promise((r) => setTimeout(r, 20));
      await new Promise<void>((r) =>
        stat('.', () => {
          busy(1_200);
          r();
        }),
      );
      const bytes = await pending;
      expect(bytes).toBeInstanceOf(Uint8Array);
    } finally {
      client.close();
      slow.kill();
    }
  });

  it('a node that never answers still fails with DeadlineExceeded, near the deadline', async () => {
    // A listener that accepts the connection and never speaks HTTP/2.
    const net = await import('node:net');
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    const client = new GrpcClient({ baseUrl: `http://127.0.0.1:${port}` });
    const t0 = performance.now();
    const err = await client
      .unary({
        path: '/Admin/GetKeyVizMatrix',
        request,
        headers: {},
        timeoutMs: 300,
        signal: new AbortController().signal,
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    const took = performance.now() - t0;
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.DeadlineExceeded);
    expect(took).toBeGreaterThanOrEqual(295);
    expect(took).toBeLessThan(1_500);
    client.close();
    silent.close();
  });
});
