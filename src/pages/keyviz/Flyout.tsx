import { memo } from 'react';
import { Link } from 'react-router-dom';
import { bucketPath, windowQuery } from '../../shell/router.ts';
import type { KeyDescription } from '../../data/keys.ts';
import { elideMiddle } from '../../data/keys.ts';
import type { CellInfo } from './cellInfo.ts';

/** Characters of a key shown before eliding the middle. */
const KEY_CHARS = 48;
const HEX_CHARS = 64;

const KeyBlock = memo(function KeyBlock({
  title,
  k,
  pinned,
}: {
  title: string;
  k: KeyDescription;
  pinned: boolean;
}) {
  if (k.openEnd) {
    return (
      <div className="fly-key" data-key={title.toLowerCase()}>
        <dt>{title}</dt>
        <dd>
          <code className="key-open">{k.openEnd}</code>{' '}
          <span className="muted">
            {k.openEnd === '-inf' ? 'start of key space' : 'end of key space'}
          </span>
        </dd>
      </div>
    );
  }
  const long = k.display.length > KEY_CHARS || k.hex.length > HEX_CHARS;
  return (
    <div className="fly-key" data-key={title.toLowerCase()}>
      <dt>{title}</dt>
      <dd>
        <code className="key-text">{elideMiddle(k.display, KEY_CHARS)}</code>
        <span className="muted">
          {' '}
          {k.length} {k.length === 1 ? 'byte' : 'bytes'}
        </span>
        <div className="key-hex">
          <span className="muted">hex </span>
          <code>{elideMiddle(k.hex, HEX_CHARS)}</code>
        </div>
        {long &&
          (pinned ? (
            <details className="key-full">
              <summary>show full key</summary>
              <code className="wrap">{k.display}</code>
              <code className="wrap muted">{k.hex}</code>
            </details>
          ) : (
            <div className="muted small">click the cell to pin and see the full key</div>
          ))}
      </dd>
    </div>
  );
});

interface Props {
  info: CellInfo;
  pinned: boolean;
  onClose: () => void;
}

/** The hover card's contents. Every key byte is rendered as text, never as markup. */
export const FlyoutBody = memo(function FlyoutBody({ info, pinned, onClose }: Props) {
  return (
    <>
      <div className="fly-head">
        <strong className="fly-value">{info.value}</strong>
        {info.exact && <span className="muted"> ({info.exact})</span>}
        {pinned && (
          <button type="button" className="fly-close" onClick={onClose} aria-label="Close">
            ×
          </button>
        )}
      </div>
      <div className="fly-time">{info.time}</div>
      <div className="fly-width muted" data-field="column-width">
        {info.width}
      </div>
      <dl className="fly-grid">
        <dt>Bucket</dt>
        <dd>
          <code>{info.bucketId}</code>
          {info.label && <span className="tag">{info.label}</span>}
        </dd>
        {info.folded && (
          <>
            <dt>Folded</dt>
            <dd data-field="folded">{info.folded}</dd>
          </>
        )}
        <dt>Aggregate</dt>
        <dd data-field="aggregate">
          {info.aggregate ? 'yes' : 'no'} · {info.routeCount}{' '}
          {info.routeCount === '1' ? 'route' : 'routes'}
          {info.members.length > 0 && (
            <div className="members">
              {info.members.join(', ')}
              {info.moreMembers && <span className="muted"> {info.moreMembers}</span>}
            </div>
          )}
        </dd>
        <dt>Raft group</dt>
        <dd data-field="raft">
          {info.raftGroup} <span className="muted">term</span> {info.leaderTerm}
        </dd>
        {info.nodes && (
          <>
            <dt>Nodes</dt>
            <dd data-field="nodes">{info.nodes}</dd>
          </>
        )}
        {info.conflict && (
          <>
            <dt>Conflict</dt>
            <dd data-field="conflict">nodes disagree on this cell; the larger value is shown</dd>
          </>
        )}
        <dt>Row total</dt>
        <dd data-field="total">{info.rowTotal}</dd>
      </dl>
      {pinned && !info.folded && (
        <p className="fly-open">
          <Link to={bucketPath(info.bucketId, windowQuery(location.search))}>
            Open the bucket&apos;s page
          </Link>
        </p>
      )}
      <dl className="fly-keys">
        <KeyBlock title="Start" k={info.start} pinned={pinned} />
        <KeyBlock title="End" k={info.end} pinned={pinned} />
      </dl>
    </>
  );
});

/**
 * The keyboard cursor's one-line card: value, time and start key, beside the cell (the live
 * region speaks the rest; Enter pins the full card).
 */
export const CompactCard = memo(function CompactCard({ info }: { info: CellInfo }) {
  const k = info.start;
  return (
    <div className="fly-compact">
      <strong className="fly-value">{info.value}</strong>
      <span className="fly-time">{info.time}</span>
      <span className="fly-key" data-key="start">
        <code className="key-text">{k.openEnd ?? elideMiddle(k.display, KEY_CHARS)}</code>
      </span>
      <span className="muted">Enter: details</span>
    </div>
  );
});
