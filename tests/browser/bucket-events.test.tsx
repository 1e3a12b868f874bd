// The bucket page's list of splits, merges and gaps in a real Chromium, built from a
// matrix with one of each: what each row says, the other buckets as links to their
// pages (window carried), and a hostile bucket id shown as text in an encoded link.
import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { MemoryRouter } from 'react-router-dom';
import { BucketEvents } from '../../src/pages/bucket/BucketEvents.tsx';
import { bucketEventRows, structuralEvents } from '../../src/pages/bucket/bucketModel.ts';
import { bucketEventsMatrix } from '../helpers/bucketEventsMatrix.ts';

const HOSTILE = 'route:12"><img src=x onerror="window.__pwned=1">/../?a#b';

function show(bucketId: string, matrixIds: { split?: string } = {}, inMatrix = true) {
  const rows = bucketEventRows(structuralEvents(bucketEventsMatrix(matrixIds)), bucketId);
  return render(
    <MemoryRouter>
      <BucketEvents rows={rows} search="?range=6h" inMatrix={inMatrix} />
    </MemoryRouter>,
  );
}

describe('BucketEvents', () => {
  it('lists the split and the gap with the other bucket as a link to its page', async () => {
    const screen = await show('route:1');
    const table = screen.getByTestId('bucket-events');
    await expect.element(table.getByText('2 events in the window')).toBeVisible();
    const rows = table.element().querySelectorAll('tbody tr');
    expect([...rows].map((r) => r.getAttribute('data-kind'))).toEqual(['split', 'gap']);
    expect(rows[0].textContent).toMatch(
      /Split: its higher keys became route:9 \(inferred from the rows\)$/,
    );
    expect(rows[1].textContent).toMatch(/Gap: no column for 4 s/);
    const link = table.getByRole('link', { name: 'route:9' });
    await expect.element(link).toHaveAttribute('href', '/keyviz/bucket/route%3A9?range=6h');
  });

  it('says which side of a merge the bucket was on', async () => {
    const screen = await show('route:4');
    const row = screen
      .getByTestId('bucket-events')
      .element()
      .querySelector('tr[data-kind="merge"]');
    expect(row?.textContent).toMatch(/Merged into route:3; no traffic of its own after this/);
  });

  it('shows a hostile bucket id as text, in an encoded link, and runs nothing', async () => {
    const screen = await show('route:1', { split: HOSTILE });
    const link = screen.getByRole('link', { name: HOSTILE });
    await expect.element(link).toBeVisible();
    await expect
      .element(link)
      .toHaveAttribute('href', `/keyviz/bucket/${encodeURIComponent(HOSTILE)}?range=6h`);
    expect(document.querySelector('[data-testid="bucket-events"] img')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('a bucket the matrix has no row for: the gaps, and why no split or merge is listed', async () => {
    const screen = await show('route:77', {}, false);
    await expect.element(screen.getByText('1 event in the window')).toBeVisible();
    await expect.element(screen.getByTestId('bucket-events-unknown')).toBeVisible();
  });

  it('says when the matrix did not load', async () => {
    const screen = await render(
      <MemoryRouter>
        <BucketEvents rows={null} search="" inMatrix={false} />
      </MemoryRouter>,
    );
    await expect.element(screen.getByTestId('bucket-events')).toHaveTextContent(/did not load/);
  });
});
