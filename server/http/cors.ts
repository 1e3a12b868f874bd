// CORS for the RPCs, so a page served elsewhere (see --pageApiBase) can call
// this server. Only origins listed in --corsAllowOrigin get the headers; the
// node itself has no CORS, so nothing is allowed by default.
import { cors as connectCors } from '@connectrpc/connect';
import type { SubHandler } from './compose.ts';
import { isRpcPath } from '../rpc/router.ts';

const ALLOW_HEADERS = [...connectCors.allowedHeaders, 'Authorization'].join(', ');
const EXPOSE_HEADERS = connectCors.exposedHeaders.join(', ');
const ALLOW_METHODS = connectCors.allowedMethods.join(', ');

/**
 * Adds CORS headers to RPC responses for allowed origins and answers their
 * preflights; returns true only for a preflight (the RPC handler runs otherwise).
 */
export function createCors(allowed: readonly string[]): SubHandler {
  const any = allowed.includes('*');
  const set = new Set(allowed);
  return (req, res) => {
    const origin = req.headers.origin;
    const path = (req.url ?? '/').split('?')[0];
    if (!origin || !isRpcPath(path) || !(any || set.has(origin))) return false;
    res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
    res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': ALLOW_METHODS,
        'Access-Control-Allow-Headers': ALLOW_HEADERS,
        'Access-Control-Max-Age': '7200',
      });
      res.end();
      return true;
    }
    res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    return false;
  };
}
