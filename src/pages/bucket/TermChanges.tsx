// The bucket page's Raft group and leader term changes, a page at a time (newest first; the
// page is in the URL, src/pages/bucket/bucketUrl.ts). Every change stays marked on the series
// whatever page the table shows.
import { formatClock, formatDate, formatInt } from '../../data/format.ts';
import { CHANGE_ROWS, changeCaption, type TermChange } from './bucketModel.ts';
import { newestFirstPage } from './paging.ts';
import { Pager } from './Pager.tsx';

const KIND: Record<TermChange['kind'], string> = {
  first: 'first seen',
  group: 'moved to another group',
  term: 'new leader term',
};

export function TermChanges({
  changes,
  page,
  onPage,
}: {
  changes: readonly TermChange[];
  page: number;
  onPage: (page: number) => void;
}) {
  if (changes.length === 0) {
    return <p className="muted">The node reported no group or term for this bucket.</p>;
  }
  const slice = newestFirstPage(changes.length, CHANGE_ROWS, page);
  return (
    <>
      <table className="console-table" data-testid="term-changes">
        <caption data-testid="term-caption">{changeCaption(changes.length, slice)}</caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">Group</th>
            <th scope="col" className="num">
              Term
            </th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {changes.slice(slice.from, slice.to).map((c) => (
            <tr key={c.col}>
              <td>
                {formatDate(c.t)} {formatClock(c.t)}
              </td>
              <td>{c.group}</td>
              <td className="num">{formatInt(c.term)}</td>
              <td>{KIND[c.kind]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager slice={slice} what="the group and term changes" onPage={onPage} testId="term-pager" />
    </>
  );
}
