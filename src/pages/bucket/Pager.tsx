// Paging controls under a bucket-page table: Newest / Newer / Older / Oldest and where the
// table is. A nav landmark named after the table; buttons keep their place and are disabled at
// the ends (so keyboard focus does not jump as the page changes); the position is announced.
import type { PageSlice } from './paging.ts';

export function Pager({
  slice,
  what,
  onPage,
  testId,
}: {
  slice: PageSlice;
  /** The table's rows, for the landmark's name: "Pages of the group and term changes". */
  what: string;
  onPage: (page: number) => void;
  testId?: string;
}) {
  if (slice.pages <= 1) return null;
  const { page, pages } = slice;
  const newest = page === 1;
  const oldest = page === pages;
  return (
    <nav className="pager" aria-label={`Pages of ${what}`} data-testid={testId}>
      <button type="button" disabled={newest} onClick={() => onPage(1)}>
        Newest
      </button>
      <button type="button" disabled={newest} onClick={() => onPage(page - 1)}>
        <span aria-hidden="true">‹ </span>Newer
      </button>
      <span className="pager-where" role="status" aria-live="polite">
        Page {page} of {pages}
      </span>
      <button type="button" disabled={oldest} onClick={() => onPage(page + 1)}>
        Older<span aria-hidden="true"> ›</span>
      </button>
      <button type="button" disabled={oldest} onClick={() => onPage(pages)}>
        Oldest
      </button>
    </nav>
  );
}
