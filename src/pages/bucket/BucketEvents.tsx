// The bucket page's list of what happened to the bucket's identity in the window:
// splits and merges (inferred from the heatmap matrix's rows) and gaps, each with
// the other buckets involved as links to their pages. Bucket ids are the server's
// strings: they go out as text and as encoded path segments only.
import { Fragment } from 'react';
import { Link } from 'react-router-dom';
import { formatClock, formatDate } from '../../data/format.ts';
import { bucketPath } from '../../shell/router.ts';
import type { BucketEventRow } from './bucketModel.ts';
import { newestFirstPage, pageRows } from './paging.ts';
import { Pager } from './Pager.tsx';

/** Rows a page lists; the caption counts them all, the pager reaches the older ones. */
export const MAX_LISTED = 50;

const at = (ms: number) => `${formatDate(ms)} ${formatClock(ms)}`;

export function BucketEvents({
  rows,
  search,
  inMatrix,
  page = 1,
  onPage,
}: {
  rows: readonly BucketEventRow[] | null;
  /** The page's window query, carried to the linked pages. */
  search: string;
  /** Whether the heatmap matrix had a row for this bucket (no row: nothing to infer from). */
  inMatrix: boolean;
  /** Which page of MAX_LISTED rows, 1 = the newest (the page's URL holds it). */
  page?: number;
  /** Without it the table lists the newest page only. */
  onPage?: (page: number) => void;
}) {
  if (rows === null) {
    return (
      <p className="muted" data-testid="bucket-events">
        Splits, merges and gaps are found in the heatmap matrix, which did not load.
      </p>
    );
  }
  const unknown = inMatrix ? null : (
    <p className="muted" data-testid="bucket-events-unknown">
      This bucket is not among the heatmap&apos;s rows in the window: its splits and merges cannot
      be inferred.
    </p>
  );
  if (rows.length === 0) {
    return (
      <>
        <p className="muted" data-testid="bucket-events">
          {inMatrix ? 'No split, merge or gap in the window.' : 'No gap in the window.'}
        </p>
        {unknown}
      </>
    );
  }
  const slice = newestFirstPage(rows.length, MAX_LISTED, onPage ? page : 1);
  const shown = rows.slice(slice.from, slice.to);
  return (
    <>
      <table className="console-table" data-testid="bucket-events">
        <caption data-testid="bucket-events-caption">
          {rows.length === 1
            ? '1 event in the window'
            : `${rows.length.toLocaleString('en-US')} events in the window`}
          {slice.pages > 1 && `: ${pageRows(slice, rows.length)} listed`}
        </caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            <tr key={`${r.kind}/${r.unixMs}/${i}`} data-kind={r.kind}>
              <td>
                {r.fromMs !== undefined
                  ? `${at(r.fromMs)} – ${formatClock(r.unixMs)}`
                  : at(r.unixMs)}
              </td>
              <td>
                {r.what}
                {r.others.map((id, k) => (
                  <Fragment key={id}>
                    {k === 0 ? ' ' : ', '}
                    <Link to={bucketPath(id, search)}>{id}</Link>
                  </Fragment>
                ))}
                {r.after}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {onPage && (
        <Pager
          slice={slice}
          what="the splits, merges and gaps"
          onPage={onPage}
          testId="events-pager"
        />
      )}
      {unknown}
    </>
  );
}
