// Listen addresses and the node's rule: no token on a non-loopback address
// is refused unless auth is explicitly switched off.
import { isIP } from 'node:net';
import { parseHostPort } from '../flagValues.ts';

export interface ListenAddress {
  flag: string;
  host: string;
  port: number;
}

export function parseListen(flag: string, text: string): ListenAddress {
  return { flag, ...parseHostPort(flag, text) };
}

/**
 * 127.0.0.0/8, ::1, their IPv4-mapped forms (how a dual-stack socket reports an
 * IPv4 peer) and `localhost`. One rule for listen hosts and peer addresses alike.
 */
export function isLoopback(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.startsWith('::ffff:') ? host.slice(7) : host;
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Host as it goes into a URL (IPv6 in brackets; wildcard shown as loopback). */
export function hostForUrl(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** An error message when auth would be off on a non-loopback address, else null. */
export function checkListenAuth(
  addrs: readonly ListenAddress[],
  hasToken: boolean,
  insecureNoAuth: boolean,
): string | null {
  if (hasToken || insecureNoAuth) return null;
  const open = addrs.find((a) => !isLoopback(a.host));
  if (!open) return null;
  return (
    `--${open.flag} ${open.host}:${open.port} is not a loopback address: give --adminTokenFile FILE ` +
    '(or --adminInsecureNoAuth to serve without auth)'
  );
}
