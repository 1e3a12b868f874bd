// Bucket (/keyviz/bucket/<id>?range=…): one bucket over the window from GetRouteDetail, or
// from the matrices alone on a node without it (said so on the page). Series as small
// multiples, Raft group / leader term changes, splits / merges / gaps, keys in full with copy actions, member
// routes, the same route's other rows, neighbours, hot keys, and a way back to the heatmap
// zoomed to it.
import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import {
  ConsoleError,
  getRouteDetail,
  type BucketIdent,
  type RouteDetail,
} from '../../api/consoleClient.ts';
import type { AdminClient } from '../../api/client.ts';
import type { ConsoleAccess } from '../../api/consoleAccess.ts';
import { formatClock, formatDate, formatInt } from '../../data/format.ts';
import { describeKey, elideMiddle, toHex } from '../../data/keys.ts';
import type { Matrix, Series } from '../../data/matrix.ts';
import { MAX_ROWS } from '../../data/rowBudget.ts';
import { bucketPath, windowOf, windowQuery } from '../../shell/router.ts';
import { useDataSource } from '../../shell/useDataSource.ts';
import { ConsoleState, FanoutNote } from '../console/ConsoleState.tsx';
import { AdapterTable } from '../console/AdapterTable.tsx';
import { useSessionLoad } from '../console/useLoad.ts';
import {
  bucketEventRows,
  detailFromMatrices,
  relatedRows,
  structuralEvents,
  termChanges,
} from './bucketModel.ts';
import { BucketEvents } from './BucketEvents.tsx';
import { TermChanges } from './TermChanges.tsx';
import { SeriesMultiples } from './SeriesMultiples.tsx';
import { HotKeysSlot } from '../keyviz/HotKeysSlot.tsx';
import type { TopN } from '../keyviz/hotKeysUrl.ts';
import { bucketViewSearch, parseBucketView, pickedColumn, type BucketView } from './bucketUrl.ts';
import { columnEdges } from '../../data/view/gaps.ts';
import '../console/console.css';

interface Loaded {
  detail: RouteDetail;
  /** Why the page is built from the matrix (the node's answer), or null. */
  degraded: string | null;
  missing: Series[];
  writes: Matrix | null;
}

async function loadBucket(
  access: ConsoleAccess,
  client: AdminClient,
  bucketId: string,
  win: { fromMs: number; toMs: number },
  signal: AbortSignal,
): Promise<Loaded> {
  const matrix = (series: Series) =>
    client.getMatrix({ series, rows: MAX_ROWS, fromMs: win.fromMs, toMs: win.toMs }, signal);
  // The writes matrix gives the route's other rows either way; fetched alongside.
  const writesP = matrix('writes').catch(() => null);
  try {
    const detail = await getRouteDetail(access, { bucketId, ...win }, signal);
    return { detail, degraded: null, missing: [], writes: await writesP };
  } catch (e) {
    if (!(e instanceof ConsoleError) || e.kind !== 'unimplemented') throw e;
    const [writes, reads, rb, wb] = await Promise.all([
      writesP,
      matrix('reads').catch(() => null),
      matrix('read_bytes').catch(() => null),
      matrix('write_bytes').catch(() => null),
    ]);
    const built = detailFromMatrices(bucketId, {
      ...(writes ? { writes } : {}),
      ...(reads ? { reads } : {}),
      ...(rb ? { read_bytes: rb } : {}),
      ...(wb ? { write_bytes: wb } : {}),
    });
    if (!built) {
      throw new ConsoleError(
        'unknownBucket',
        `${bucketId} is not among this window's busiest ${MAX_ROWS} rows (and the node has no GetRouteDetail to ask for it by id)`,
      );
    }
    return { ...built, degraded: e.message, writes };
  }
}

function KeyBlock({ title, k, side }: { title: string; k: Uint8Array; side: 'start' | 'end' }) {
  const d = describeKey(k, side);
  const [status, setStatus] = useState('');
  const copy = (what: string, text: string) =>
    navigator.clipboard.writeText(text).then(
      () => setStatus(`Copied ${title.toLowerCase()} key as ${what}`),
      () => setStatus('Copy failed: the browser refused clipboard access'),
    );
  return (
    <>
      <dt>{title}</dt>
      <dd>
        {d.openEnd ? (
          <span className="muted">{d.openEnd} (open end of the key space)</span>
        ) : (
          <>
            <span className="key-full" data-testid={`key-${side}`}>
              {d.display}
            </span>{' '}
            <span className="muted">({d.length} bytes)</span>
            <div role="group" aria-label={`Copy ${title.toLowerCase()} key`}>
              <button type="button" onClick={() => copy('text', d.display)}>
                Copy text
              </button>{' '}
              <button type="button" onClick={() => copy('hex', d.hex)}>
                Copy hex
              </button>{' '}
              <button type="button" onClick={() => copy('base64', d.base64)}>
                Copy base64
              </button>{' '}
              <span className="muted" role="status" aria-live="polite">
                {status}
              </span>
            </div>
          </>
        )}
      </dd>
    </>
  );
}

function BucketLink({ b, search }: { b: BucketIdent; search: string }) {
  const s = describeKey(b.start, 'start');
  const e = describeKey(b.end, 'end');
  return (
    <Link to={bucketPath(b.bucketId, search)}>
      {b.bucketId}
      {b.label && ` · ${b.label}`}{' '}
      <span className="muted">
        [{elideMiddle(s.openEnd ?? s.display, 24)}, {elideMiddle(e.openEnd ?? e.display, 24)})
      </span>
    </Link>
  );
}

export default function BucketPage() {
  const { bucketId = '' } = useParams();
  const { search } = useLocation();
  const navigate = useNavigate();
  const { console: access, client, session, config, kind } = useDataSource();
  // The picked column and the top-N live in the query (src/pages/bucket/bucketUrl.ts): Back,
  // Forward and reload keep them, a shared link opens the same hot keys.
  const bview = useMemo(() => parseBucketView(search), [search]);
  const setView = (v: BucketView) => navigate({ search: bucketViewSearch(search, v) });
  const [now] = useState(() => Date.now());
  const win = useMemo(() => windowOf(search, now), [search, now]);
  const carry = windowQuery(search);
  const load = useSessionLoad(`${bucketId}|${win.fromMs}|${win.toMs}`, (signal) =>
    loadBucket(access, client, bucketId, win, signal),
  );
  // The column under the pointer (or moved to with the arrow keys); transient, not in the URL.
  const [cursor, setCursor] = useState<number | null>(null);
  useEffect(() => {
    document.title = `${bucketId} · Key Visualizer`;
  }, [bucketId]);

  const d = load.data;
  const changes = useMemo(
    () => (d ? termChanges(d.detail.columns, d.detail.groups, d.detail.terms) : []),
    [d],
  );
  const events = useMemo(
    () => (d?.writes ? bucketEventRows(structuralEvents(d.writes), bucketId) : null),
    [d, bucketId],
  );
  const related = useMemo(
    () => (d?.writes ? relatedRows(d.writes.rows, bucketId) : []),
    [d, bucketId],
  );

  const head = (
    <header className="console-head">
      <h1>
        Bucket <span data-testid="bucket-id">{bucketId}</span>
        {d?.detail.row.label && <span className="badge">{d.detail.row.label}</span>}
        {d?.detail.row.aggregate && <span className="badge">aggregate</span>}
      </h1>
      <Link to={`/keyviz${carry}`}>Back to the heatmap</Link>
    </header>
  );
  if (!d) {
    return (
      <main className="console-page" id="main-content" tabIndex={-1} data-testid="bucket-page">
        {head}
        <ConsoleState
          what="this bucket"
          error={load.error}
          session={session}
          onRetry={load.reload}
        />
      </main>
    );
  }
  const { detail } = d;
  const cols = detail.columns;
  // Hot keys of the picked column; the newest one until the user picks (null = closed).
  const hotCol = pickedColumn(cols, bview.pick);
  const pickGone = typeof bview.pick === 'number' && hotCol === null;
  const pick = (c: number) => setView({ ...bview, pick: cols[c] });
  const step = cols.length > 1 ? cols[1] - cols[0] : 60_000;
  // "Show on the heatmap": zoomed to this bucket's keys over the same columns.
  const zoom =
    cols.length > 0
      ? `zoom=${Math.round(cols[0])}-${Math.round(cols[cols.length - 1] + step)},${toHex(detail.row.start)},${toHex(detail.row.end)}`
      : '';
  const heatmapLink = `/keyviz${carry}${carry ? '&' : '?'}${zoom}`;
  return (
    <main className="console-page" id="main-content" tabIndex={-1} data-testid="bucket-page">
      {head}
      <p>
        <Link to={heatmapLink} data-testid="show-on-heatmap">
          Show on the heatmap
        </Link>{' '}
        <span className="muted">
          {cols.length} columns
          {cols.length > 0 &&
            ` · ${formatDate(cols[0])} ${formatClock(cols[0])} – ${formatDate(cols[cols.length - 1])} ${formatClock(cols[cols.length - 1])}`}
        </span>
      </p>
      {d.degraded && (
        <p className="degraded-note" role="note" data-testid="degraded">
          This node does not implement GetRouteDetail (<code>{d.degraded}</code>): the page is built
          from the heatmap&apos;s matrices
          {d.missing.length > 0 && `, and ${d.missing.join(', ')} had no row for it`}. Adapter
          latency for the bucket is not available.
        </p>
      )}
      <FanoutNote nodes={detail.nodes} />

      <h2>Keys</h2>
      <dl className="key-grid">
        <KeyBlock title="Start" k={detail.row.start} side="start" />
        <KeyBlock title="End" k={detail.row.end} side="end" />
      </dl>

      <h2>Series</h2>
      <SeriesMultiples
        columns={cols}
        series={detail.series}
        changes={changes}
        cursor={cursor !== null && cursor < cols.length ? cursor : hotCol}
        onCursor={setCursor}
        onPick={pick}
      />

      <h2>Raft group and leader term</h2>
      <TermChanges
        changes={changes}
        page={bview.changes}
        onPage={(p) => setView({ ...bview, changes: p })}
      />

      <h2>Splits, merges and gaps</h2>
      <BucketEvents
        rows={events}
        search={carry}
        inMatrix={d.writes?.rows.some((r) => r.bucketId === bucketId) ?? false}
        page={bview.events}
        onPage={(p) => setView({ ...bview, events: p })}
      />

      {detail.row.aggregate && (
        <>
          <h2>Member routes</h2>
          <p data-testid="members">
            {formatInt(detail.row.routeCount)} routes
            {detail.row.routeIdsTruncated &&
              ` (the first ${detail.row.routeIds.length} listed; the node caps the list)`}
            : {detail.row.routeIds.join(', ')}
          </p>
        </>
      )}

      {related.length > 0 && (
        <>
          <h2>Other rows of the same route</h2>
          <ul className="link-list">
            {related.map((r) => (
              <li key={r.bucketId}>
                <BucketLink b={{ ...r }} search={carry} />
              </li>
            ))}
          </ul>
        </>
      )}

      <h2>Neighbours</h2>
      <div className="neighbours" data-testid="neighbours">
        <div>
          Above (lower keys):{' '}
          {detail.before ? (
            <BucketLink b={detail.before} search={carry} />
          ) : (
            <span className="muted">none: start of the key space</span>
          )}
        </div>
        <div>
          Below (higher keys):{' '}
          {detail.after ? (
            <BucketLink b={detail.after} search={carry} />
          ) : (
            <span className="muted">none: end of the key space</span>
          )}
        </div>
      </div>

      <h2>Hot keys</h2>
      {d.writes && hotCol !== null ? (
        <>
          <p className="muted">
            Of the column {formatDate(cols[hotCol])} {formatClock(cols[hotCol])}; click a series to
            pick another.
          </p>
          <HotKeysSlot
            sel={{ cell: { bucketId, colMs: cols[hotCol] }, range: null, top: bview.top }}
            matrix={d.writes}
            edges={columnEdges(d.writes.columns, step, d.writes.columnWidths)}
            stepMs={step}
            baseUrl={config.baseUrl}
            source={kind}
            onTop={(top: TopN) => setView({ ...bview, top })}
            onClose={() => setView({ ...bview, pick: 'none' })}
          />
        </>
      ) : (
        <p className="muted" data-testid="hotkeys-slot">
          {!d.writes
            ? 'Hot keys need the heatmap matrix, which did not load.'
            : pickGone
              ? 'The picked column is not in this window: click a series to pick another.'
              : 'Click a series to see the hot keys of that column.'}
        </p>
      )}

      {detail.perAdapter.length > 0 && (
        <>
          <h2>Adapter traffic of this bucket (newest step)</h2>
          <AdapterTable rows={detail.perAdapter} seconds={0} />
        </>
      )}
    </main>
  );
}
