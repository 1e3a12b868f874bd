// A stand-in for a real elastickv node, for the degraded console pages: plain gRPC (h2c)
// with only the node's built methods (GetKeyVizMatrix, GetClusterOverview, GetRaftGroups)
// over our sampler and workload; GetRouteDetail and GetAdapterSummary answer Unimplemented
// exactly as the node does. Run: node --import tsx tests/helpers/nodeLikeUpstream.ts
// [server flags]; prints "node-like upstream on 127.0.0.1:PORT" when ready. With
// NODE_LIKE_ROWS_ZERO_UNCAPPED=1, GetKeyVizMatrix with rows 0 answers every bucket, as the
// node's gRPC path does ("no cap", contract §1; our server reads 0 as 1024).
import http2 from 'node:http2';
import type { AdminBackend } from '../../server/backend.ts';
import { localSource } from '../../server/backends/sources.ts';
import { parseFlags } from '../../server/flags.ts';
import { createRpcHandler } from '../../server/rpc/router.ts';

const flags = parseFlags(process.argv.slice(2));
const src = localSource(flags);
const full = src.backend;
// The node's surface: no getRouteDetail, no getAdapterSummary.
const uncapped = process.env.NODE_LIKE_ROWS_ZERO_UNCAPPED === '1';
const backend: AdminBackend = {
  getKeyVizMatrix: (req, signal) => {
    const s = src.sampler;
    if (uncapped && s && req.rows === 0 && !req.foldKeySpace) {
      // The pivot keeps every bucket when asked to fold; the fold itself is not done here.
      const m = s.matrix({ ...req, foldKeySpace: true });
      return Promise.resolve({ ...m, nodes: [], conflicts: [] });
    }
    return full.getKeyVizMatrix(req, signal);
  },
  getClusterOverview: (signal) => full.getClusterOverview(signal),
  getRaftGroups: (signal) => full.getRaftGroups(signal),
};
const handler = createRpcHandler({ backend, token: null });
const server = http2.createServer({}, (req, res) => handler(req, res));
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  process.stdout.write(`node-like upstream on 127.0.0.1:${port}\n`);
});
const stop = () => {
  src.stop();
  server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
