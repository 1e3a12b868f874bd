// Adapters (/adapters): GetAdapterSummary per adapter and operation, refreshed with the
// data. Behind the gateway the merged rows come first, then every node's own.
import { useEffect } from 'react';
import { useSearchParams } from 'react-router-dom';
import { getAdapterSummary } from '../../api/consoleClient.ts';
import { formatClock } from '../../data/format.ts';
import { useDataSource } from '../../shell/useDataSource.ts';
import { ConsoleState, FanoutNote } from '../console/ConsoleState.tsx';
import { AdapterTable } from '../console/AdapterTable.tsx';
import { useSessionLoad } from '../console/useLoad.ts';
import '../console/console.css';

const REFRESH = [0, 5, 30] as const;

export default function AdaptersPage() {
  const { console: access, session } = useDataSource();
  const [params, setParams] = useSearchParams();
  const refresh = Number(params.get('refresh') ?? '30');
  const refreshS = (REFRESH as readonly number[]).includes(refresh) ? refresh : 30;
  const load = useSessionLoad(
    'adapters',
    (signal) => getAdapterSummary(access, signal),
    refreshS * 1000,
  );
  useEffect(() => {
    document.title = 'Adapters · Key Visualizer';
  }, []);
  const d = load.data;
  const seconds = d && d.windowToMs > d.windowFromMs ? (d.windowToMs - d.windowFromMs) / 1000 : 0;
  return (
    <main className="console-page" id="main-content" tabIndex={-1} data-testid="adapters-page">
      <header className="console-head">
        <h1>Adapters</h1>
        <label>
          Refresh{' '}
          <select
            value={refreshS}
            onChange={(e) => {
              const v = e.target.value;
              setParams(v === '30' ? {} : { refresh: v });
            }}
          >
            <option value="0">off</option>
            <option value="5">every 5 s</option>
            <option value="30">every 30 s</option>
          </select>
        </label>
        <button type="button" onClick={load.reload} disabled={load.busy}>
          Refresh now
        </button>
      </header>
      {!d ? (
        <ConsoleState
          what="adapter summaries"
          error={load.error}
          session={session}
          onRetry={load.reload}
        />
      ) : (
        <>
          <p className="muted" data-testid="adapters-window">
            {d.windowToMs > 0
              ? `Requests and bytes of the step ${formatClock(d.windowFromMs, true)} – ${formatClock(d.windowToMs, true)}; latency percentiles over it.`
              : 'No step flushed yet.'}
          </p>
          <FanoutNote nodes={d.nodes} />
          {load.error && (
            <p className="fanout-note" role="alert">
              Refresh failed: {load.error.message}
            </p>
          )}
          {d.rows.length === 0 ? (
            <p>No adapter served a request in this step.</p>
          ) : (
            <AdapterTable
              seconds={seconds}
              rows={d.rows}
              caption={
                d.nodeRows.length
                  ? 'Cluster (counters summed; each percentile the highest across nodes, taken separately)'
                  : 'Per adapter and operation'
              }
            />
          )}
          {d.nodeRows.length > 0 && (
            <AdapterTable rows={d.nodeRows} caption="Per node" node seconds={seconds} />
          )}
        </>
      )}
    </main>
  );
}
