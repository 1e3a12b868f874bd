// The rows input: a whole decimal number 1..1024, nothing else (no "42abc", "1e3", "0x10").

export const MAX_ROWS = 1024;

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
