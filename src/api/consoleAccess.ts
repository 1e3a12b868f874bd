// How the console pages reach the node beyond the heatmap's matrix: the Admin
// service's transport (Connect / gRPC-Web, with the bearer token) or the JSON
// API's GET (cookie session). Only a type here, so the heatmap's first chunk
// carries none of the console's client code (src/api/consoleClient.ts).
import type { Transport } from '@connectrpc/connect';

export type ConsoleAccess =
  | {
      kind: 'rpc';
      /** connect-web's transport, made on first use (it is not in the first paint's bundle). */
      transport: () => Promise<Transport>;
      headers: () => Record<string, string> | undefined;
    }
  | { kind: 'json'; getJson: (path: string, signal?: AbortSignal) => Promise<unknown> };
