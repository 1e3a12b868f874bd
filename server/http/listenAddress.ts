// Listen addresses and the node's rule: no token on a non-loopback address
// is refused unless auth is explicitly switched off.
import { isIP } from 'node:net';
import { FlagError, parseHostPort } from '../flags.ts';

export interface ListenAddress {
  flag: string;
  host: string;
  port: number;
}

export function parseListen(flag: string, text: string): ListenAddress {
  return { flag, ...parseHostPort(flag, text) };
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
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

export { FlagError };
