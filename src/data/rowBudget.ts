// The rows input: a whole decimal number 1..1024, nothing else (no "42abc", "1e3", "0x10").

export const MAX_ROWS = 1024;

/**
 * A request's row budget as the node reads it: whole, at most MAX_ROWS. Zero, negative or NaN
 * mean the default, `unset`: MAX_ROWS (the node's own default), or 0 for a caller that leaves
 * the default to the node.
 */
export function clampRows(n: number, unset = MAX_ROWS): number {
  const r = Math.floor(n);
  return r > 0 ? Math.min(r, MAX_ROWS) : unset;
}

export type RowBudgetResult = { ok: true; value: number } | { ok: false; error: string };

export function parseRowBudget(draft: string): RowBudgetResult {
  const s = draft.trim();
  if (s === '') return { ok: false, error: `Enter a whole number of rows from 1 to ${MAX_ROWS}.` };
  // ASCII digits only (not Arabic-Indic or full-width digits, signs, exponents, hex).
  if (!/^[0-9]+$/.test(s)) {
    return { ok: false, error: `Rows must be a whole number from 1 to ${MAX_ROWS} (digits only).` };
  }
  // Leading zeros are harmless ("007"); very long digit strings are simply too large.
  const digits = s.replace(/^0+/, '');
  const value = digits.length > 4 ? Infinity : Number(digits || '0');
  if (value < 1 || value > MAX_ROWS) {
    return { ok: false, error: `Rows must be from 1 to ${MAX_ROWS}.` };
  }
  return { ok: true, value };
}
