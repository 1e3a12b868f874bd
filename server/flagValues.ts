// Flag value parsers shared by the server's flags (server/flags.ts) and the
// gateway's (server/gateway/flags.ts). Import-free so either can use them
// without an import cycle (flags.ts already imports the gateway's flags).

/** A bad command line; the message names the flag. main.ts turns it into exit 2. */
export class FlagError extends Error {
  override name = 'FlagError';
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations: "60s", "1m", "500ms", "1h30m", "0". */
export function parseDuration(flag: string, text: string): number {
  const t = text.trim();
  if (t === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    total += Number(m[1]) * UNITS[m[2]];
    end = re.lastIndex;
  }
  if (end === 0 || end !== t.length || !Number.isFinite(total)) {
    throw new FlagError(`--${flag}: "${text}" is not a duration (e.g. 60s, 1m, 500ms, 24h)`);
  }
  return Math.round(total);
}

/** HOST:PORT with a numeric port (0 = any free port); IPv6 hosts in brackets. */
export function parseHostPort(flag: string, text: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(text.trim());
  if (!m || Number(m[2]) > 65535) throw new FlagError(`--${flag}: "${text}" is not HOST:PORT`);
  const host = m[1] === '' ? '0.0.0.0' : m[1].replace(/^\[|\]$/g, '');
  return { host, port: Number(m[2]) };
}
