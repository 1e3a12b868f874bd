// View-model benchmarks at the page's largest matrix (1024 rows x 1440 columns): marginals,
// filter + projection, key bands, CSV export, record-file parse + pivot, column lookups.
// Run: npm run bench -- view
import { columnTotals, rowTotals } from '../src/data/view/marginals.ts';
import { filterRows, parseFilter, projectMatrix } from '../src/data/view/filter.ts';
import { keyBands } from '../src/data/view/keyBands.ts';
import { matrixToCsv } from '../src/data/view/exportView.ts';
import { parseRecordFile, recordToMatrix } from '../src/data/view/recordFile.ts';
import { columnAtTime, columnEdges } from '../src/data/view/gaps.ts';
import type { Matrix, RowMeta } from '../src/data/matrix.ts';
import { median } from './stats.ts';

const R = 1024;
const C = 1440;
const STEP = 60_000;
const T0 = 1_700_000_000_000;
const enc = new TextEncoder();

/** Median ms of `runs` calls after one warm-up (shared cores: the median resists noise). */
function bench(name: string, runs: number, fn: () => unknown): void {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  console.log(`${name.padEnd(44)} ${median(ts).toFixed(2).padStart(9)} ms (median of ${runs})`);
}

function bigMatrix(): Matrix {
  const values = new Float64Array(R * C);
  for (let i = 0; i < values.length; i++) values[i] = (i * 2654435761) % 1000;
  const labels = ['redis', 'dynamo', 's3', 'sqs'];
  const rows: RowMeta[] = Array.from({ length: R }, (_, r) => ({
    bucketId: `route:${r}`,
    start: enc.encode(`!${labels[r % 4]}|t${r >> 6}|k:${String(r).padStart(5, '0')}`),
    end: enc.encode(`!${labels[r % 4]}|t${r >> 6}|k:${String(r + 1).padStart(5, '0')}`),
    label: labels[r % 4],
    aggregate: false,
    routeIds: [String(r)],
    routeIdsTruncated: false,
    routeCount: '1',
    total: 0,
    contributingNodes: [],
  }));
  return {
    series: 'writes',
    columns: Float64Array.from({ length: C }, (_, c) => T0 + (c + 1) * STEP),
    rows,
    rowCount: R,
    colCount: C,
    values,
    raftGroupIds: null,
    leaderTerms: null,
    max: 999,
    nodes: [],
    conflicts: null,
  };
}

function recordText(buckets: number, columns: number): string {
  const lines = [
    JSON.stringify({
      format: 'keyviz-fixture',
      version: 1,
      keyEncoding: 'base64',
      stepMs: STEP,
      recordedAtUnixMs: T0,
      columns,
    }),
  ];
  for (let b = 0; b < buckets; b++) {
    lines.push(
      JSON.stringify({
        kind: 'bucket',
        ref: b,
        bucketId: `route:${b}`,
        start: btoa(`k${String(b).padStart(6, '0')}`),
        end: btoa(`k${String(b + 1).padStart(6, '0')}`),
        label: 'redis',
        aggregate: false,
        routeIds: [String(b)],
        routeCount: 1,
      }),
    );
  }
  for (let c = 0; c < columns; c++) {
    const rows = [];
    for (let b = 0; b < buckets; b++) rows.push([b, (b + c) % 7, (b * c) % 11, 3, 40, 1, 1]);
    lines.push(JSON.stringify({ kind: 'column', unixMs: T0 + (c + 1) * STEP, rows }));
  }
  return lines.join('\n') + '\n';
}

export function run(): void {
  const m = bigMatrix();
  const rt = new Float64Array(R);
  const ct = new Float64Array(C);
  bench('rowTotals 1024x1440', 30, () => rowTotals(m.values, R, C, 0, C, rt));
  bench('columnTotals 1024x1440', 30, () => columnTotals(m.values, R, C, 0, R, 0, C, ct));
  const f = parseFilter('label:dynamo !dynamo|t1');
  bench('filterRows (label + prefix) 1024 rows', 30, () => filterRows(m, f));
  const kept = filterRows(m, parseFilter('label:redis'));
  bench(`projectMatrix ${kept.length} of 1024 rows`, 30, () => projectMatrix(m, kept));
  bench('keyBands 1024 rows, 3 depths', 30, () => keyBands(m.rows));
  const edges = columnEdges(m.columns, STEP);
  bench('columnAtTime x 100k lookups', 10, () => {
    let s = 0;
    for (let i = 0; i < 100_000; i++) s += columnAtTime(edges, T0 + ((i * 7919) % (C * STEP)));
    return s;
  });
  bench('matrixToCsv 1024x1440 (whole)', 3, () => matrixToCsv(m, null, STEP));
  const text = recordText(1000, 240);
  console.log(`record file: 1000 buckets x 240 columns, ${(text.length / 1e6).toFixed(1)} MB`);
  bench('parseRecordFile', 3, () => parseRecordFile(text));
  const rec = parseRecordFile(text);
  bench('recordToMatrix (writes, rows=1024)', 5, () =>
    recordToMatrix(rec, { series: 'writes', rows: 0 }),
  );
}
