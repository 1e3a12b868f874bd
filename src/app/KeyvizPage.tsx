import { useCallback, useEffect, useMemo, useState } from 'react';
import { createAdminClient } from '../api/client.ts';
import { apiConfigFromPage } from '../api/config.ts';
import { formatClock, formatInt } from '../data/format.ts';
import type { Matrix } from '../data/matrix.ts';
import { ClusterBanner } from './ClusterBanner.tsx';
import { Controls } from './Controls.tsx';
import { Heatmap } from './Heatmap.tsx';
import type { LoadError } from './loadError.ts';
import { EmptyPanel, ErrorPanel, LoadingPanel } from './StatePanel.tsx';
import { readToken, writeToken } from './tokenStore.ts';
import { useMatrixFeed } from './useMatrixFeed.ts';
import { useNodeName, type NodeName } from './useOverview.ts';
import { useViewState } from './useViewState.ts';

function Header({
  node,
  matrix,
  loadedAt,
}: {
  node: NodeName | null;
  matrix: Matrix | null;
  loadedAt: number | null;
}) {
  return (
    <header className="page-header">
      <h1>
        Key Visualizer
        {node && (
          <span className="node-name" data-testid="node-name">
            {' '}
            · {node.nodeId}
            {node.address && <span className="muted"> ({node.address})</span>}
          </span>
        )}
      </h1>
      {matrix && matrix.colCount > 0 && (
        <span className="summary muted" data-testid="summary">
          {formatInt(matrix.rowCount)} rows × {formatInt(matrix.colCount)} columns
          {loadedAt !== null && <> · loaded {formatClock(loadedAt, true)}</>}
        </span>
      )}
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
  const config = useMemo(() => apiConfigFromPage(), []);
  const client = useMemo(
    () =>
      createAdminClient({ baseUrl: config.baseUrl, transport: config.transport, token: readToken }),
    [config],
  );
  const [view, dispatch] = useViewState();
  const feed = useMatrixFeed(client, {
    series: view.series,
    rows: view.rows,
    refreshS: view.refresh,
  });
  const [authNonce, setAuthNonce] = useState(0);
  const node = useNodeName(client, authNonce);
  const { reload } = feed;

  const onToken = useCallback(
    (token: string) => {
      writeToken(token);
      setAuthNonce((n) => n + 1);
      reload();
    },
    [reload],
  );

  useEffect(() => {
    document.title = node ? `Key Visualizer · ${node.nodeId}` : 'Key Visualizer';
  }, [node]);

  const { matrix, error } = feed;
  let body;
  if (error && (error.kind === 'unauthenticated' || !matrix)) {
    body = (
      <ErrorPanel
        error={error}
        apiBase={config.baseUrl}
        hasToken={readToken() !== undefined}
        onToken={onToken}
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
        matrix={matrix}
        palette={view.palette}
        scaleKind={view.scale}
        brightness={view.brightness}
      />
    );
  }

  return (
    <div className="page">
      <Header node={node} matrix={matrix} loadedAt={feed.loadedAt} />
      <Controls view={view} dispatch={dispatch} onRefresh={reload} busy={feed.busy} />
      {error && matrix && error.kind !== 'unauthenticated' && (
        <StaleBanner error={error} loadedAt={feed.loadedAt} nextPollAt={feed.nextPollAt} />
      )}
      {matrix && <ClusterBanner nodes={matrix.nodes} />}
      <main className="main" data-testid="main">
        {body}
      </main>
    </div>
  );
}
