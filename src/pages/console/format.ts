// Console-page formatting: latency from nanoseconds, byte counts from decimal strings,
// ages. Pure.
import { formatInt } from '../../data/format.ts';

/** 1_234_567 ns -> "1.23 ms"; below 1 ms in µs. */
export function formatLatencyNs(ns: number): string {
  if (!Number.isFinite(ns) || ns <= 0) return '—';
  if (ns >= 1e9) return `${(ns / 1e9).toPrecision(3)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e3).toPrecision(3)} µs`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** A uint64 byte count (decimal string) -> "12.3 MiB", with every digit in the title. */
export function formatBytes(dec: string): string {
  let v = Number(dec);
  if (!Number.isFinite(v)) return dec;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${formatInt(dec)} B` : `${v.toPrecision(3)} ${UNITS[i]}`;
}

/** Milliseconds of age -> "3 s ago", "4 min ago", "2 h ago". */
export function formatAge(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 1000) return 'just now';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  return `${(ms / 3_600_000).toPrecision(2)} h ago`;
}

/** a - b for decimal uint64 strings, exact. */
export function lagOf(commit: string, applied: string): bigint {
  return BigInt(commit) - BigInt(applied);
}
