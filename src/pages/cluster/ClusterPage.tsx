// Cluster (/cluster): GetClusterOverview + GetRaftGroups. Sort order in the URL; lagging or
// leaderless groups marked in words, not only colour; each group links to the heatmap
// showing its routes.
import { useEffect } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { getCluster } from '../../api/consoleClient.ts';
import { formatInt } from '../../data/format.ts';
import { useDataSource } from '../../shell/useDataSource.ts';
import { ConsoleState } from '../console/ConsoleState.tsx';
import { formatAge } from '../console/format.ts';
import { useSessionLoad } from '../console/useLoad.ts';
import { groupRows, SORT_KEYS, sortRows, type SortKey } from './clusterModel.ts';
import '../console/console.css';

const LABELS: Record<SortKey, string> = {
  group: 'Group',
  leader: 'Leader',
  term: 'Term',
  lag: 'Commit − applied',
  contact: 'Last contact',
};

export default function ClusterPage() {
  const { console: access, session } = useDataSource();
  const [params, setParams] = useSearchParams();
  const sortParam = params.get('sort') as SortKey | null;
  const sort: SortKey = sortParam && SORT_KEYS.includes(sortParam) ? sortParam : 'group';
  const desc = params.get('dir') === 'desc';
  const load = useSessionLoad(
    'cluster',
    async (signal) => ({ view: await getCluster(access, signal), at: Date.now() }),
    30_000,
  );
  useEffect(() => {
    document.title = 'Cluster · Key Visualizer';
  }, []);
  const d = load.data?.view;
  const now = load.data?.at ?? 0;
  if (!d) {
    return (
      <main className="console-page" id="main-content" tabIndex={-1} data-testid="cluster-page">
        <h1>Cluster</h1>
        <ConsoleState
          what="the cluster"
          error={load.error}
          session={session}
          onRetry={load.reload}
        />
      </main>
    );
  }
  const rows = sortRows(groupRows(d.groups, now), sort, desc);
  const noIndexes = d.groups.length > 0 && d.groups.every((g) => g.commit === null);
  // Behind a gateway each group also lists every node's replica (replicas, ours).
  const perNode = d.groups.some((g) => g.replicas.length > 0);
  const sortBy = (k: SortKey) => {
    const nextDesc = k === sort ? !desc : false;
    const p: Record<string, string> = {};
    if (k !== 'group') p.sort = k;
    if (nextDesc) p.dir = 'desc';
    setParams(p);
  };
  const flagged = rows.filter((r) => r.lagging || r.leaderless).length;
  // Behind a gateway (it lists its nodes, one or several) no node is "this node": the page
  // talks to the gateway. With one node its `self` is the node behind it, named as such; with
  // several, `self` is only the first node that answered.
  const gateway = d.nodes.length > 0;
  const behind = d.nodes.length === 1 && d.nodeId ? d.nodeId : null;
  const answered = d.nodes.filter((n) => n.ok).length;
  return (
    <main className="console-page" id="main-content" tabIndex={-1} data-testid="cluster-page">
      <header className="console-head">
        <h1>Cluster</h1>
        <span className="muted">
          {gateway ? (
            <>
              gateway in front of{' '}
              <strong data-testid="gateway-nodes">
                {d.nodes.length === 1 ? '1 node' : `${formatInt(d.nodes.length)} nodes`}
              </strong>
              {behind && (
                <>
                  : <strong>{behind}</strong>
                  {d.address && ` (${d.address})`}
                </>
              )}
              {answered < d.nodes.length && <> ({formatInt(answered)} answered)</>} ·{' '}
            </>
          ) : (
            d.nodeId && (
              <>
                this node: <strong>{d.nodeId}</strong>
                {d.address && ` (${d.address})`} ·{' '}
              </>
            )
          )}
          {d.aggregateQps !== null && <>{formatInt(d.aggregateQps)} requests/s · </>}
          {formatInt(d.groups.length)} Raft groups
          {flagged > 0 && <> · {flagged} need attention</>}
        </span>
      </header>
      {gateway && (
        <>
          <h2>Nodes behind this gateway</h2>
          <ul className="link-list" data-testid="upstream-nodes">
            {d.nodes.map((n) => (
              <li key={n.node}>
                {n.node}
                {n.ok ? (
                  <span className="badge">answered</span>
                ) : (
                  <>
                    <span className="badge warn">did not answer</span>
                    <span className="muted"> · {n.error}</span>
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Members</h2>
      {d.members.length === 0 ? (
        <p className="muted">The node names no members.</p>
      ) : (
        <ul className="link-list" data-testid="members">
          {d.members.map((m) => (
            <li key={m.nodeId}>
              {m.nodeId}
              {m.address && <span className="muted"> · {m.address}</span>}
              {m.nodeId === d.nodeId &&
                (gateway ? (
                  behind && <span className="badge">behind this gateway</span>
                ) : (
                  <span className="badge">this node</span>
                ))}
            </li>
          ))}
        </ul>
      )}
      {Object.keys(d.capabilities).length > 0 && (
        <p className="muted">
          Capabilities:{' '}
          {Object.entries(d.capabilities)
            .map(([k, v]) => `${k} ${v ? 'on' : 'off'}`)
            .join(', ')}
        </p>
      )}
      <h2>Raft groups</h2>
      {noIndexes && (
        <p className="degraded-note" role="note">
          This source gives leaders and terms only: commit and applied indexes and last contact need
          GetRaftGroups (the Admin service).
        </p>
      )}
      <table className="console-table" data-testid="groups">
        <thead>
          <tr>
            {SORT_KEYS.map((k) => (
              <th
                key={k}
                scope="col"
                className={k === 'lag' || k === 'term' ? 'num' : undefined}
                aria-sort={k === sort ? (desc ? 'descending' : 'ascending') : 'none'}
              >
                <button type="button" onClick={() => sortBy(k)}>
                  {k === 'lag' && perNode ? 'Commit − applied (worst node)' : LABELS[k]}
                </button>
              </th>
            ))}
            {perNode && <th scope="col">Per node (commit − applied)</th>}
            <th scope="col">Heatmap</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((g) => (
            <tr key={g.id} className={g.lagging || g.leaderless ? 'flagged' : undefined}>
              <th scope="row">
                {g.id}
                {g.leaderless && <span className="badge warn">no leader</span>}
                {g.lagging && <span className="badge warn">lagging</span>}
              </th>
              <td>{g.leader || '—'}</td>
              <td className="num">{formatInt(g.term)}</td>
              <td className="num">
                {g.lag === null ? '—' : formatInt(g.lag)}
                {g.lagNode !== null
                  ? // The worst node is named only where it is behind at all.
                    g.lag !== null && g.lag > 0n && <span className="muted"> on {g.lagNode}</span>
                  : g.commit !== null && (
                      <span className="muted">
                        {' '}
                        ({formatInt(g.commit)} / {formatInt(g.applied ?? '0')})
                      </span>
                    )}
              </td>
              <td>{g.ageMs === null ? '—' : formatAge(g.ageMs)}</td>
              {perNode && (
                <td data-testid="replicas">
                  {g.replicaRows.length === 0
                    ? '—'
                    : g.replicaRows.map((r, i) => (
                        <span key={r.node} className={r.lagging ? 'replica lagging' : 'replica'}>
                          {i > 0 && ' · '}
                          <span className="muted">{r.node}</span> {formatInt(r.lag)}
                          {r.lagging && <span className="badge warn">lagging</span>}
                        </span>
                      ))}
                </td>
              )}
              <td>
                <Link to={`/keyviz?filter=${encodeURIComponent(`group:${g.id}`)}`}>
                  Routes of group {g.id}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
