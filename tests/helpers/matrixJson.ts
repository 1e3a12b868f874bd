// The node's JSON matrix body as the server's own encoder writes it (server/jsonapi), for the
// page's JSON scanner tests and bench; and the page's old decode path (JSON.parse), kept here
// as the reference the scanner must agree with.
import { decodeMatrixJson, JsonApiError, quoteRouteIds } from '../../src/api/jsonSource.ts';
import type { Matrix, Series } from '../../src/data/matrix.ts';
import { encodeMatrixJsonBody, matrixJsonChunks } from '../../server/jsonapi/encodeMatrix.ts';
import type { MatrixAnswer, MatrixRow, SeriesName } from '../../server/sampler/types.ts';

export async function answerJsonText(answer: MatrixAnswer, series: SeriesName): Promise<string> {
  const body = await encodeMatrixJsonBody(answer, series, () => Promise.resolve());
  return Buffer.concat(matrixJsonChunks(body, 1_764_000_000_000)).toString('utf8');
}

/** A decoded page Matrix back into the server's answer shape (to encode it as JSON). */
export function matrixToAnswer(m: Matrix): MatrixAnswer {
  const C = m.colCount;
  const rows: MatrixRow[] = m.rows.map((r, i) => ({
    meta: {
      bucketId: r.bucketId,
      start: r.start,
      end: r.end,
      label: r.label,
      aggregate: r.aggregate,
      routeIds: r.routeIds,
      routeCount: Number(r.routeCount),
    },
    values: m.values.slice(i * C, (i + 1) * C),
    raftGroupIds: m.raftGroupIds ? m.raftGroupIds.slice(i * C, (i + 1) * C) : new Float64Array(0),
    leaderTerms: m.leaderTerms ? m.leaderTerms.slice(i * C, (i + 1) * C) : new Float64Array(0),
  }));
  return { columnUnixMs: Array.from(m.columns), rows, nodes: [], conflicts: [] };
}

/** The page's JSON decode before the scanner (jsonSource.ts getMatrix), verbatim. */
export function referenceDecode(text: string, series: Series, status = 200): Matrix {
  let body: Parameters<typeof decodeMatrixJson>[0];
  try {
    body = JSON.parse(quoteRouteIds(text)) as typeof body;
  } catch {
    throw new JsonApiError(status, 'bad_response', 'matrix answer is not JSON');
  }
  if (!Array.isArray(body.column_unix_ms)) {
    throw new JsonApiError(status, 'bad_response', 'matrix answer has no column_unix_ms');
  }
  return decodeMatrixJson(body, series);
}
