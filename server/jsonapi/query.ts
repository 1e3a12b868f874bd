// Query string of GET /admin/api/v1/keyviz/matrix -> MatrixRequest (contract.md §2):
// series names, default writes; rows omitted/0/negative/>1024 -> 1024; any parameter
// that is not an integer -> invalid_query. Empty values count as omitted, like the node.
import type { MatrixRequest, SeriesName } from '../sampler/types.ts';
import { KeyVizSeries } from '../../src/gen/admin_pb.ts';
import { MAX_MATRIX_ROWS } from '../sampler/request.ts';

/** JSON series name -> KeyVizSeries enum value. */
export const SERIES_ENUM: Readonly<Record<SeriesName, number>> = {
  reads: KeyVizSeries.KEYVIZ_SERIES_READS,
  writes: KeyVizSeries.KEYVIZ_SERIES_WRITES,
  read_bytes: KeyVizSeries.KEYVIZ_SERIES_READ_BYTES,
  write_bytes: KeyVizSeries.KEYVIZ_SERIES_WRITE_BYTES,
};

export type MatrixQuery =
  { ok: true; series: SeriesName; request: MatrixRequest } | { ok: false; message: string };

const INT = /^[+-]?\d+$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** An int64 as the node parses it (strconv.ParseInt); null when not one. */
export function parseInt64(raw: string): bigint | null {
  if (!INT.test(raw)) return null;
  const v = BigInt(raw);
  return v > INT64_MAX || v < INT64_MIN ? null : v;
}

/** int64 -> number; beyond 2^53 the window edge is far outside any flush time anyway. */
function clampToSafe(v: bigint): number {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  if (v > max) return Number.MAX_SAFE_INTEGER;
  if (v < -max) return -Number.MAX_SAFE_INTEGER;
  return Number(v);
}

function isSeries(s: string): s is SeriesName {
  return Object.hasOwn(SERIES_ENUM, s);
}

export function parseMatrixQuery(params: URLSearchParams): MatrixQuery {
  const seriesRaw = params.get('series') ?? '';
  let series: SeriesName = 'writes';
  if (seriesRaw !== '') {
    if (!isSeries(seriesRaw)) {
      return {
        ok: false,
        message: 'series must be one of: reads, writes, read_bytes, write_bytes',
      };
    }
    series = seriesRaw;
  }
  const ints: Record<'from_unix_ms' | 'to_unix_ms' | 'rows', bigint> = {
    from_unix_ms: 0n,
    to_unix_ms: 0n,
    rows: 0n,
  };
  for (const name of ['from_unix_ms', 'to_unix_ms', 'rows'] as const) {
    const raw = params.get(name) ?? '';
    if (raw === '') continue;
    const v = parseInt64(raw);
    if (v === null) return { ok: false, message: `${name} must be an integer` };
    ints[name] = v;
  }
  const rows =
    ints.rows <= 0n || ints.rows > BigInt(MAX_MATRIX_ROWS) ? MAX_MATRIX_ROWS : Number(ints.rows);
  // Ours (docs/gateway.md): the gateway's exact per-node column times instead of aligned ones.
  const exactRaw = params.get('exact_columns') ?? '';
  if (!['', 'true', 'false', '1', '0'].includes(exactRaw)) {
    return { ok: false, message: 'exact_columns must be true or false' };
  }
  const exactColumns = exactRaw === 'true' || exactRaw === '1';
  // Ours (docs/page.md): fold the buckets the budget drops, so the rows tile the key space.
  const foldRaw = params.get('fold_key_space') ?? '';
  if (!['', 'true', 'false', '1', '0'].includes(foldRaw)) {
    return { ok: false, message: 'fold_key_space must be true or false' };
  }
  const foldKeySpace = foldRaw === 'true' || foldRaw === '1';
  return {
    ok: true,
    series,
    request: {
      series: SERIES_ENUM[series],
      fromUnixMs: clampToSafe(ints.from_unix_ms),
      toUnixMs: clampToSafe(ints.to_unix_ms),
      rows,
      ...(exactColumns ? { exactColumns: true } : {}),
      ...(foldKeySpace ? { foldKeySpace: true } : {}),
    },
  };
}
