// The row filter box: a key prefix (text with escapes, or hex) and/or an adapter label.
//   !redis|str|        text prefix; \xNN, \\ and \u{...} escapes (as the page displays keys)
//   0x217265 / hex:21  hex prefix
//   label:dynamo       adapter label (case-insensitive)
//   group:3            rows whose route was in Raft group 3 in any column of the window
// Terms combine with AND: "label:dynamo !ddb|orders".

import type { Matrix, RowMeta } from '../matrix.ts';
import { fromHex } from '../keys.ts';
import { compareKeys, prefixEnd } from './keyOrder.ts';

export interface RowFilter {
  prefix: Uint8Array | null;
  label: string | null;
  /** Raft group id (the cluster page links here); absent = any group. */
  group?: number;
  /** Set when the text is malformed; then prefix and label are null (no filtering). */
  error?: string;
}

const NONE: RowFilter = Object.freeze({ prefix: null, label: null });

const enc = new TextEncoder();

/** Text with escapes -> bytes, or an error message. */
function unescapeKey(s: string): Uint8Array | string {
  const out: number[] = [];
  for (let i = 0; i < s.length;) {
    const ch = s[i];
    if (ch !== '\\') {
      const cp = s.codePointAt(i)!;
      const piece = String.fromCodePoint(cp);
      for (const b of enc.encode(piece)) out.push(b);
      i += piece.length;
      continue;
    }
    const next = s[i + 1];
    if (next === '\\') {
      out.push(0x5c);
      i += 2;
    } else if (next === 'x') {
      const hex = s.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex))
        return `"\\x" needs two hex digits (at "${s.slice(i, i + 4)}")`;
      out.push(parseInt(hex, 16));
      i += 4;
    } else if (next === 'u' && s[i + 2] === '{') {
      const m = /^\\u\{([0-9a-fA-F]{1,6})\}/.exec(s.slice(i));
      const cp = m ? parseInt(m[1], 16) : NaN;
      if (!m || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return `"\\u{...}" needs a code point in hex (at "${s.slice(i, i + 10)}")`;
      }
      for (const b of enc.encode(String.fromCodePoint(cp))) out.push(b);
      i += m[0].length;
    } else if (next === 's') {
      // A space inside a term (terms are separated by whitespace).
      out.push(0x20);
      i += 2;
    } else {
      return `unknown escape "\\${next ?? ''}" (use \\xNN, \\\\, \\s or \\u{...})`;
    }
  }
  return Uint8Array.from(out);
}

/** Parses the filter box. Empty text = no filter. */
export function parseFilter(text: string): RowFilter {
  const terms = text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
  let prefix: Uint8Array | null = null;
  let label: string | null = null;
  let group: number | undefined;
  const fail = (error: string): RowFilter => ({ prefix: null, label: null, error });
  for (const term of terms) {
    const lower = term.toLowerCase();
    if (lower.startsWith('label:')) {
      if (label !== null) return fail('only one label: term is allowed');
      const l = term.slice(6);
      if (l === '') return fail('label: needs a name, e.g. label:redis');
      label = l.toLowerCase();
      continue;
    }
    if (lower.startsWith('group:')) {
      if (group !== undefined) return fail('only one group: term is allowed');
      const g = term.slice(6);
      if (!/^[0-9]{1,15}$/.test(g)) return fail('group: needs a Raft group id, e.g. group:3');
      group = Number(g);
      continue;
    }
    let bytes: Uint8Array | string;
    if (/^0x/i.test(term) || lower.startsWith('hex:')) {
      const h = term.slice(lower.startsWith('hex:') ? 4 : 2);
      const b = fromHex(h);
      bytes = h === '' || b === null ? `"${term}" is not hex (an even number of 0-9a-f digits)` : b;
    } else {
      bytes = unescapeKey(term);
    }
    if (typeof bytes === 'string') return fail(bytes);
    if (prefix !== null) return fail('only one key prefix is allowed (use \\s for a space)');
    prefix = bytes;
  }
  if (group !== undefined) return { prefix, label, group };
  return prefix === null && label === null ? NONE : { prefix, label };
}

/** True when the filter keeps every row (no prefix or an empty one, no label). */
export function isNoFilter(f: RowFilter): boolean {
  return (f.prefix === null || f.prefix.length === 0) && f.label === null && f.group === undefined;
}

/** Does the row's key range [start, end) hold any key with the prefix? */
export function rangeHasPrefix(row: Pick<RowMeta, 'start' | 'end'>, prefix: Uint8Array): boolean {
  if (prefix.length === 0) return true;
  const pEnd = prefixEnd(prefix);
  // Intersect [start, end) with [prefix, pEnd); empty end / pEnd = unbounded.
  const startsBeforePEnd = pEnd.length === 0 || compareKeys(row.start, pEnd) < 0;
  const endsAfterPrefix = row.end.length === 0 || compareKeys(row.end, prefix) > 0;
  return startsBeforePEnd && endsAfterPrefix;
}

function inGroup(matrix: Matrix, r: number, group: number): boolean {
  const g = matrix.raftGroupIds;
  if (!g) return false; // an older node sends no groups: nothing is known to be in it
  const C = matrix.colCount;
  for (let c = r * C; c < (r + 1) * C; c++) if (g[c] === group) return true;
  return false;
}

/** Indexes of the rows the filter keeps, ascending. */
export function filterRows(matrix: Matrix, filter: RowFilter): Int32Array {
  const rows = matrix.rows;
  const keep = new Int32Array(rows.length);
  let n = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (filter.label !== null && row.label.toLowerCase() !== filter.label) continue;
    if (filter.prefix !== null && !rangeHasPrefix(row, filter.prefix)) continue;
    if (filter.group !== undefined && !inGroup(matrix, r, filter.group)) continue;
    keep[n++] = r;
  }
  return keep.slice(0, n);
}

/**
 * The matrix restricted to `keptRows` (ascending indexes): same columns, the kept rows' cells
 * copied into fresh arrays, max recomputed. All rows kept: the same object.
 */
export function projectMatrix(matrix: Matrix, keptRows: Int32Array): Matrix {
  const C = matrix.colCount;
  const R = keptRows.length;
  let identity = R === matrix.rowCount;
  for (let i = 0; identity && i < R; i++) identity = keptRows[i] === i;
  if (identity) return matrix;
  const values = new Float64Array(R * C);
  let max = 0;
  for (let i = 0; i < R; i++) {
    const s = keptRows[i] * C;
    const d = i * C;
    for (let c = 0; c < C; c++) {
      const v = matrix.values[s + c];
      values[d + c] = v;
      if (v > max) max = v;
    }
  }
  const conflicts = copyRows(matrix.conflicts, keptRows, C, (n) => new Uint8Array(n));
  return {
    ...matrix,
    rows: Array.from(keptRows, (r) => matrix.rows[r]),
    rowCount: R,
    values,
    raftGroupIds: copyRows(matrix.raftGroupIds, keptRows, C, (n) => new Float64Array(n)),
    leaderTerms: copyRows(matrix.leaderTerms, keptRows, C, (n) => new Float64Array(n)),
    max,
    // Keep the "null when none" promise of Matrix.conflicts.
    conflicts: conflicts && conflicts.some((v) => v !== 0) ? conflicts : null,
  };
}

/** The kept rows of a row-major per-cell array (null stays null). */
function copyRows<T extends Float64Array | Uint8Array>(
  src: T | null,
  keptRows: Int32Array,
  C: number,
  make: (n: number) => T,
): T | null {
  if (src === null) return null;
  const dst = make(keptRows.length * C);
  for (let i = 0; i < keptRows.length; i++) {
    const s = keptRows[i] * C;
    dst.set(src.subarray(s, s + C), i * C);
  }
  return dst;
}
