// uint64 counters above 2^53, where a double cannot hold every integer. A row's
// `values` stay doubles (scaling, ranking, drawing); a cell at or above 2^53
// also has its exact value in `row.exactValues`, which every encoder writes
// instead of the double. Sums saturate at 2^64-1 (never wrap, never round).
import type { MatrixRow } from '../sampler/types.ts';

/** Values from here up are not all representable as doubles. */
export const EXACT_FROM = 2 ** 53;
export const UINT64_MAX = (1n << 64n) - 1n;

/** The exact value of cell j. */
export function exactCell(row: MatrixRow, j: number): bigint {
  const e = row.exactValues?.get(j);
  if (e !== undefined) return e;
  const v = row.values[j];
  return v > 0 ? BigInt(Math.floor(v)) : 0n;
}

/** a + b, saturating at 2^64-1. */
export function addSaturating(a: bigint, b: bigint): bigint {
  const s = a + b;
  return s > UINT64_MAX ? UINT64_MAX : s;
}

/** A uint64 as 32-bit halves. */
export function hiLoOf(v: bigint): [lo: number, hi: number] {
  const b = BigInt.asUintN(64, v);
  return [Number(b & 0xffffffffn), Number(b >> 32n)];
}
