// Adapters (/adapters): GetAdapterSummary per adapter and operation, refreshed with the
// data. Behind the gateway the merged rows come first, then every node's own.
import { useEffect } from 'react';
import { useSearchParams } from 'react-router-dom';
import { getAdapterSummary, type AdapterRow } from '../../api/consoleClient.ts';
import { formatClock, formatInt } from '../../data/format.ts';
import { useDataSource } from '../../shell/useDataSource.ts';
import { ConsoleState, FanoutNote } from '../console/ConsoleState.tsx';
import { formatBytes, formatLatencyNs } from '../console/format.ts';
import { useLoad } from '../console/useLoad.ts';
import '../console/console.css';

const REFRESH = [0, 5, 30] as const;

function AdapterTable({
  rows,
  caption,
  node,
  seconds,
}: {
  rows: AdapterRow[];
  caption: string;
  node?: boolean;
  /** Length of the window the counters cover (0 = unknown: no rate column). */
  seconds: number;
}) {
  return (
    <table className="console-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {node && <th scope="col">Node</th>}
          <th scope="col">Adapter</th>
          <th scope="col">Operation</th>
          <th scope="col" className="num">
            Requests
          </th>
          {seconds > 0 && (
            <th scope="col" className="num">
              Per second
            </th>
          )}
          <th scope="col" className="num">
            In flight
          </th>
          <th scope="col" className="num">
            Bytes in
          </th>
          <th scope="col" className="num">
            Bytes out
          </th>
          <th scope="col" className="num">
            p50
          </th>
          <th scope="col" className="num">
            p95
          </th>
          <th scope="col" className="num">
            p99
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.node}/${r.adapter}/${r.operation}`}>
            {node && <td>{r.node}</td>}
            <th scope="row">{r.adapter}</th>
            <td>{r.operation}</td>
            <td className="num">{formatInt(r.requests)}</td>
            {seconds > 0 && (
              <td className="num">{(Number(r.requests) / seconds).toPrecision(3)}</td>
            )}
            <td className="num">{formatInt(r.inFlight)}</td>
            <td className="num" title={`${formatInt(r.bytesIn)} bytes`}>
              {formatBytes(r.bytesIn)}
            </td>
            <td className="num" title={`${formatInt(r.bytesOut)} bytes`}>
              {formatBytes(r.bytesOut)}
            </td>
            <td className="num">{formatLatencyNs(r.p50Ns)}</td>
            <td className="num">{formatLatencyNs(r.p95Ns)}</td>
            <td className="num">{formatLatencyNs(r.p99Ns)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function AdaptersPage() {
  const { console: access, session } = useDataSource();
  const [params, setParams] = useSearchParams();
  const refresh = Number(params.get('refresh') ?? '30');
  const refreshS = (REFRESH as readonly number[]).includes(refresh) ? refresh : 30;
  const load = useLoad('adapters', (signal) => getAdapterSummary(access, signal), refreshS * 1000);
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
                  ? 'Cluster (counters summed, percentiles: the largest node’s)'
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
