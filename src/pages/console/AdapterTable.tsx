// Requests, bytes and latency per adapter and operation: the adapters page and
// a bucket's own adapter traffic.
import type { AdapterRow } from '../../api/consoleClient.ts';
import { formatInt } from '../../data/format.ts';
import { formatBytes, formatLatencyNs } from './format.ts';

export function AdapterTable({
  rows,
  caption,
  node,
  seconds,
}: {
  rows: AdapterRow[];
  /** Omitted where a heading above names the table. */
  caption?: string;
  node?: boolean;
  /** Length of the window the counters cover (0 = unknown: no rate column). */
  seconds: number;
}) {
  return (
    <table className="console-table">
      {caption && <caption>{caption}</caption>}
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
