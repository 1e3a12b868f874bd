import { lazy, Suspense, useEffect, useMemo, useRef } from 'react';
import { formatClock, formatInt } from '../../data/format.ts';
import type { Matrix } from '../../data/matrix.ts';
import { inferStepMs } from '../../data/raster.ts';
import { ClusterBanner } from './ClusterBanner.tsx';
import { Controls } from './Controls.tsx';
import { FoldToggle } from './FoldToggle.tsx';
import { HeatmapControls } from './HeatmapControls.tsx';
import { Heatmap } from './Heatmap.tsx';
import { LiveStatus } from './LiveStatus.tsx';
import type { LiveState } from './liveFollower.ts';
import { RecordBanner, useFileDrop } from './RecordBanner.tsx';
import { useHeatmapFeed } from './useHeatmapFeed.ts';
import { useHeatmapViewState } from './useHeatmapViewState.ts';
import type { LoadError } from '../../shell/loadError.ts';
import { EmptyPanel, LoadingPanel } from '../../shell/LoadPanels.tsx';
import { useDataSource } from '../../shell/useDataSource.ts';
import { nodeLabel, type NodeName } from '../../shell/nodeLabel.ts';

// Shown only on a failed load or on the JSON source's session: chunks of their own, so the
// heatmap's first paint does not carry them (issue 17's bundle).
const ErrorPanel = lazy(() =>
  import('../../shell/StatePanel.tsx').then((m) => ({ default: m.ErrorPanel })),
);
const SignInForm = lazy(() =>
  import('../../shell/SignInForm.tsx').then((m) => ({ default: m.SignInForm })),
);

function Header({
  node,
  matrix,
  loadedAt,
  live,
}: {
  node: NodeName | null;
  matrix: Matrix | null;
  loadedAt: number | null;
  live: LiveState | null;
}) {
  return (
    <header className="page-header">
      <h1>
        Key Visualizer
        {node && (
          <span className="node-name" data-testid="node-name">
            {' '}
            · {nodeLabel(node).text}
            {node.address && <span className="muted"> ({node.address})</span>}
          </span>
        )}
      </h1>
      {matrix && matrix.colCount > 0 && (
        <span className="summary muted" data-testid="summary">
          {formatInt(matrix.rowCount)} rows × {formatInt(matrix.colCount)} columns
          {matrix.keySpaceFolded === true && (
            <span
              data-testid="folded-summary"
              title="The rows cover the whole key space: the busiest buckets have rows of their own, and the others are folded into the rows between them (see a folded row's card for its count)."
            >
              {' '}
              · whole key space
              {(matrix.trackedBuckets ?? 0) > matrix.rowCount &&
                `: ${formatInt(matrix.trackedBuckets!)} buckets`}
            </span>
          )}
          {matrix.keySpaceFolded !== true && (matrix.trackedBuckets ?? 0) > matrix.rowCount && (
            <span
              data-testid="tracked-buckets"
              title={`The row budget shows the busiest ${formatInt(matrix.rowCount)} of the ${formatInt(matrix.trackedBuckets!)} buckets that had traffic in this window. Zoom, filter or pick a shorter time range to see the others.`}
            >
              {' '}
              · {formatInt(matrix.rowCount)} of {formatInt(matrix.trackedBuckets!)} buckets
            </span>
          )}
          {loadedAt !== null && <> · loaded {formatClock(loadedAt, true)}</>}
        </span>
      )}
      <LiveStatus state={live} />
    </header>
  );
}

function StaleBanner({
  error,
  loadedAt,
  nextPollAt,
}: {
  error: LoadError;
  loadedAt: number | null;
  nextPollAt: number | null;
}) {
  return (
    <div className="stale-banner" role="alert" data-state={error.kind}>
      <strong>Refresh failed</strong> ({error.code}
      {error.message ? `: ${error.message}` : ''}).{' '}
      {loadedAt !== null && <>Showing data loaded at {formatClock(loadedAt, true)}. </>}
      {nextPollAt !== null && <>Next try at {formatClock(nextPollAt, true)}.</>}
    </div>
  );
}

export function KeyvizPage() {
  // Connect, gRPC-Web or the node's JSON API (cookie session): one client either way.
  // The session is the console's (the shell bar has Sign out); its epoch counts sign-ins.
  const { config, client, session, needsSignIn, markSignedIn, markSignedOut, kind, ...ds } =
    useDataSource();
  const { setToken, tokenSet } = ds;
  const { signedOut, epoch } = ds;
  const [view, dispatch] = useHeatmapViewState();
  // Time range, zoom windows and record files (issue 4) on top of the matrix feed.
  const feed = useHeatmapFeed(client, view);
  const dropping = useFileDrop(feed.openRecord);
  const node = signedOut ? null : ds.node.name;
  const { reload } = feed;

  const { matrix, error } = feed;
  // A refused load means the session ended (expired, or signed out elsewhere): the whole
  // console says so, the shell bar included.
  const refused = session !== null && error?.kind === 'unauthenticated';
  useEffect(() => {
    if (refused) markSignedOut();
  }, [refused, markSignedOut]);
  // Whoever changed the session (this page's form, the shell bar's Sign out, another page),
  // the heatmap loads again: after a sign-in with the session; after a sign-out that found
  // data on screen, so the next answer (a 401) confirms it.
  const seen = useRef({ epoch, signedOut });
  const hadData = matrix !== null && !refused;
  useEffect(() => {
    const was = seen.current;
    seen.current = { epoch, signedOut };
    if (was.epoch !== epoch || (signedOut && !was.signedOut && hadData)) reload();
  }, [epoch, signedOut, hadData, reload]);

  useEffect(() => {
    document.title = node ? `Key Visualizer · ${nodeLabel(node).text}` : 'Key Visualizer';
  }, [node]);

  const columns = matrix?.columns;
  const stepMs = useMemo(() => (columns ? inferStepMs(columns) : 0), [columns]);
  let body;
  const signIn = session !== null && needsSignIn(error);
  if (session && signIn) {
    body = (
      <SignInForm
        session={session}
        onSignedIn={markSignedIn}
        reason={matrix ? 'The session ended (signed out or expired): sign in again.' : undefined}
      />
    );
  } else if (error && (error.kind === 'unauthenticated' || !matrix)) {
    body = (
      <ErrorPanel
        error={error}
        apiBase={config.baseUrl}
        protocol={kind === 'json' ? "the node's JSON admin API" : 'Connect or gRPC-Web'}
        hasToken={tokenSet}
        onToken={setToken}
        onRetry={reload}
      />
    );
  } else if (!matrix) {
    body = <LoadingPanel />;
  } else if (matrix.colCount === 0 || matrix.rowCount === 0) {
    body = <EmptyPanel columns={matrix.colCount} onRetry={reload} />;
  } else {
    body = (
      <Heatmap
        raw={matrix}
        view={view}
        dispatch={dispatch}
        hotKeysFrom={feed.record ? undefined : { baseUrl: config.baseUrl, source: kind }}
        transitions={feed.transitions}
      />
    );
  }

  return (
    <div className={dropping ? 'page drop-active' : 'page'}>
      <Header node={node} matrix={matrix} loadedAt={feed.loadedAt} live={feed.live} />
      {/* A named region: the control groups are inside a landmark (axe "region"). */}
      <section className="page-controls" aria-label="Heatmap settings">
        <Controls
          view={view}
          dispatch={dispatch}
          onRefresh={reload}
          busy={feed.busy}
          stepMs={stepMs}
          rowsExtra={<FoldToggle fold={view.fold} matrix={matrix} dispatch={dispatch} />}
        />
        <HeatmapControls view={view} dispatch={dispatch} onOpenRecord={feed.openRecord} />
      </section>
      {feed.record && <RecordBanner record={feed.record} onClose={feed.closeRecord} />}
      {error && matrix && error.kind !== 'unauthenticated' && (
        <StaleBanner error={error} loadedAt={feed.loadedAt} nextPollAt={feed.nextPollAt} />
      )}
      {matrix && <ClusterBanner nodes={matrix.nodes} />}
      <main className="main" id="main-content" tabIndex={-1} data-testid="main">
        <Suspense fallback={<LoadingPanel />}>{body}</Suspense>
      </main>
    </div>
  );
}
