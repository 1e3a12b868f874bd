// Paging a list kept oldest first, newest page first: page 1 is the newest `size` rows (what
// the table showed before it paged), page 2 the `size` before them, and so on. Pure.

export interface PageSlice {
  /** 1-based, clamped to [1, pages]. */
  page: number;
  pages: number;
  /** Indices into the list, [from, to): the rows of this page, oldest first. */
  from: number;
  to: number;
}

export function newestFirstPage(total: number, size: number, page: number): PageSlice {
  const pages = Math.max(1, Math.ceil(Math.max(0, total) / size));
  const p = Math.min(pages, Math.max(1, Math.floor(page) || 1));
  const to = Math.max(0, total - (p - 1) * size);
  return { page: p, pages, from: Math.max(0, to - size), to };
}

/** "the last 50 of 231 rows" on page 1, "rows 82–131 of 231" further back. */
export function pageRows(slice: PageSlice, total: number): string {
  const n = (v: number) => v.toLocaleString('en-US');
  if (slice.page === 1) return `the last ${n(slice.to - slice.from)} of ${n(total)} rows`;
  return `rows ${n(slice.from + 1)}–${n(slice.to)} of ${n(total)}`;
}
