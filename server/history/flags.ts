// History flags, pulled out of argv before the server's own parser sees it
// (like the gateway's): --history on|off, --historyDir DIR, --historyTiers
// RES:HORIZON,... (defaults 1m:24h,10m:7d,1h:28d).
import { FlagError, parseDuration } from '../flagValues.ts';
import type { TierSpec } from './types.ts';

export interface HistoryFlags {
  enabled: boolean;
  dir: string;
  tiers: TierSpec[];
}

export const DEFAULT_HISTORY_TIERS = '1m:24h,10m:7d,1h:28d';

export const DEFAULT_HISTORY_FLAGS: Readonly<HistoryFlags> = {
  enabled: true,
  dir: 'data',
  tiers: parseTiers('historyTiers', DEFAULT_HISTORY_TIERS),
};

export const HISTORY_FLAGS_HELP = `History (columns kept on disk beyond the in-memory ring; docs/history.md):
  --history on|off                    keep history in an embedded database (default on; off = memory only)
  --historyDir DIR                    where the database file lives (default data/ in the working folder)
  --historyTiers RES:HORIZON,...      tiers, finest first (default ${DEFAULT_HISTORY_TIERS}); durations in ms, s, m, h, d`;

/** A duration that may also use days ("7d", "28d", "1d12h"). */
export function parseLongDuration(flag: string, text: string): number {
  const m = /^(\d+)d(.*)$/.exec(text.trim());
  if (!m) return parseDuration(flag, text);
  const rest = m[2] === '' ? 0 : parseDuration(flag, m[2]);
  return Number(m[1]) * 86_400_000 + rest;
}

export function parseTiers(flag: string, text: string): TierSpec[] {
  const parts = text.split(',').map((s) => s.trim());
  const tiers: TierSpec[] = [];
  for (const p of parts) {
    const m = /^([^:]+):([^:]+)$/.exec(p);
    if (!m) throw new FlagError(`--${flag}: "${p}" is not RESOLUTION:HORIZON (e.g. 10m:7d)`);
    const resolutionMs = parseLongDuration(flag, m[1]);
    const horizonMs = parseLongDuration(flag, m[2]);
    if (!(resolutionMs >= 1) || !(horizonMs >= resolutionMs)) {
      throw new FlagError(
        `--${flag}: "${p}" needs a resolution of at least 1ms and a horizon no shorter`,
      );
    }
    const prev = tiers.at(-1);
    if (prev && (resolutionMs % prev.resolutionMs !== 0 || resolutionMs <= prev.resolutionMs)) {
      throw new FlagError(
        `--${flag}: each resolution must be a larger multiple of the one before ("${p}")`,
      );
    }
    if (prev && horizonMs <= prev.horizonMs) {
      throw new FlagError(`--${flag}: each horizon must be longer than the one before ("${p}")`);
    }
    tiers.push({ resolutionMs, horizonMs });
  }
  if (tiers.length === 0 || tiers.length > 8) {
    throw new FlagError(`--${flag}: give 1 to 8 tiers`);
  }
  return tiers;
}

/** Removes the history flags from argv; throws FlagError naming a bad one. */
export function takeHistoryFlags(argv: readonly string[]): {
  values: HistoryFlags;
  rest: string[];
} {
  const values: HistoryFlags = { ...DEFAULT_HISTORY_FLAGS };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?(history|historyDir|historyTiers)(?:=(.*))?$/s.exec(argv[i]);
    if (!m) {
      rest.push(argv[i]);
      continue;
    }
    const name = m[1];
    let v = m[2];
    if (v === undefined) {
      v = argv[++i];
      if (v === undefined || v === '') throw new FlagError(`--${name} needs a value`);
    }
    if (name === 'history') {
      if (v === 'on' || v === 'true') values.enabled = true;
      else if (v === 'off' || v === 'false') values.enabled = false;
      else throw new FlagError(`--history: "${v}" is not on or off`);
    } else if (name === 'historyDir') {
      if (v === '') throw new FlagError('--historyDir needs a value');
      values.dir = v;
    } else {
      values.tiers = parseTiers(name, v);
    }
  }
  return { values, rest };
}
